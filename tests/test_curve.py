"""Time to quality: the probe's clock, its stop, the first point to reach a target and the whole section."""

import pytest

from helpers import tiny

pytestmark = pytest.mark.slow  # trains models or runs the command line: make test, not make test-fast

tf = pytest.importorskip("tensorflow")

from drumgan.bench.curve import (  # noqa: E402
    CURVE_METRICS,
    QualityProbe,
    curve_rows,
    first_reaching,
    summary_rows,
    time_to_quality,
)
from drumgan.evaluation.classifier import train_classifier  # noqa: E402
from drumgan.evaluation.evaluator import Evaluator  # noqa: E402
from drumgan.training.loop import fit_steps  # noqa: E402
from drumgan.training.run import Run  # noqa: E402


@pytest.fixture(scope="module")
def classifier(synthetic_dataset):
    return train_classifier(synthetic_dataset, epochs=5, members=2)


def test_first_reaching_is_the_first_point_at_or_below_the_target():
    points = [{"minutes": 0, "fd": 90.0}, {"minutes": 2, "fd": 40.0}, {"minutes": 4, "fd": 50.0}]
    assert (
        first_reaching(points, 45.0) == 2 and first_reaching(points, 40.0) == 2 and first_reaching(points, 10) is None
    )


def test_the_probe_measures_on_its_clock_without_its_own_time_and_stops_training(
    synthetic_dataset, classifier, tmp_path
):
    import time

    run = Run.create(tmp_path / "run", tiny("conv-gan", 100_000), synthetic_dataset)
    evaluator = Evaluator(synthetic_dataset, classifier, ndb_bins=5)
    probe = QualityProbe(run, evaluator, every_seconds=1.0, budget_seconds=2.5, n=8)
    fit_steps(run, synthetic_dataset, 0, 2)  # traced here, so that the probed fit's steps are short
    began = time.monotonic()
    fit_steps(run, synthetic_dataset, 2, 100_000, callbacks=[probe])
    wall = time.monotonic() - began
    minutes = [p["minutes"] for p in probe.points]
    assert minutes[0] == 0 and minutes == sorted(minutes) and len(minutes) >= 3
    assert 2.5 <= 60 * minutes[-1] < 2.5 + 2.0 and 2 < run.step < 100_000  # stopped by the budget
    probing = sum(p["probe_seconds"] for p in probe.points)
    assert probing > 0 and 60 * minutes[-1] <= wall - probing + 0.1  # the measuring is not counted as training
    assert all(set(CURVE_METRICS) <= set(p) for p in probe.points) and probe.points[0]["step"] == 2


def test_time_to_quality_trains_each_recipe_for_the_budget_and_reports_its_curve(synthetic_dataset, classifier):
    recipes = {"a": tiny("conv-gan", 1), "b": tiny("conv-gan", 1, recipe="wgan-gp", critic_steps=2)}
    results = time_to_quality(recipes, synthetic_dataset, 0.02, 0.01, n=6, classifier=classifier, log=lambda _: None)
    assert set(results["recipes"]) == {"a", "b"} and results["target_fd"] == pytest.approx(
        1.1 * results["griffin_lim"]["fd"]
    )
    for name, recipe in results["recipes"].items():
        assert recipe["points"][-1]["minutes"] >= 0.02 and recipe["steps_per_minute"] > 0
        assert recipe["minutes_to_target"] == first_reaching(recipe["points"], results["target_fd"])
        assert recipe["settings"] == recipes[name].used()
        assert recipe["final"]["closer_than_any_heldout"] >= 0 and -1 <= recipe["final"]["most_alike_pair_r"] <= 1
    rows = curve_rows(results)
    assert len(rows) == sum(len(r["points"]) for r in results["recipes"].values()) and rows[0]["recipe"] == "a"
    summary = {row["recipe"]: row for row in summary_rows(results)}
    assert summary["b"]["step"] == results["recipes"]["b"]["points"][-1]["step"] and summary["a"]["fd"] > 0
