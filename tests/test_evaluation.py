"""The evaluation: its known answers on the synthetic kit, its CLI on trained runs, and real data beating noise."""

import json

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from drumgan import metrics  # noqa: E402
from drumgan.classifier import embed, train_classifier  # noqa: E402
from drumgan.cli import main  # noqa: E402
from drumgan.dataset import prepare  # noqa: E402
from drumgan.errors import RunError  # noqa: E402
from drumgan.evaluation import CEILING_METRICS, METRICS, REFERENCE_ROWS, Evaluator, evaluate, relative_to_ceiling, table_rows  # noqa: E402
from drumgan.paths import hydrogen_available  # noqa: E402
from drumgan.sources import HYDROGEN_DRUMKITS  # noqa: E402
from drumgan.training import Run, TrainSettings, train  # noqa: E402


@pytest.fixture(scope="module")
def synthetic(synthetic_kit, tmp_path_factory):
    return prepare([synthetic_kit], cache=tmp_path_factory.mktemp("cache"), progress=False)


@pytest.fixture(scope="module")
def evaluator(synthetic):
    return Evaluator(synthetic, train_classifier(synthetic, epochs=15, members=2), ndb_bins=5)


def test_exact_copies_of_training_samples_have_memorisation_distance_zero(evaluator, synthetic):
    copies = synthetic.waves[synthetic.train_index]
    assert evaluator.measure(copies)["d_train"] < 1e-3
    assert evaluator.measure(copies[:2].repeat(3, axis=0))["d_self"] < 1e-3  # duplicates: no diversity
    assert evaluator.measure(synthetic.waves[synthetic.test_index])["d_train"] > 0.01


def test_measure_gives_every_metric_and_class_shares_that_sum_to_one(evaluator, synthetic):
    row = evaluator.measure(synthetic.waves[synthetic.test_index])
    assert set(METRICS) <= set(row) and row["n"] == len(synthetic.test_index)
    assert all(np.isfinite(row[m]) for m in METRICS)
    assert sum(row["classes"].values()) == pytest.approx(1.0)
    assert 1.0 <= row["is"] <= len(synthetic.class_names)
    with pytest.raises(ValueError, match="at least 2 waves"):
        evaluator.measure(synthetic.waves[:1])


def test_reference_rows_take_at_most_n_held_out_samples(evaluator, synthetic):
    waves = evaluator.reference_waves(3)
    assert set(waves) == set(REFERENCE_ROWS)
    assert [len(w) for w in waves.values()] == [3, 3, 3]
    assert np.allclose(np.abs(waves["noise"]).max(axis=1), 1.0)
    everything = evaluator.reference_waves(1000)
    assert len(everything["real_heldout"]) == len(synthetic.test_index) and len(everything["noise"]) == 1000


def test_runs_relative_to_the_griffin_lim_ceiling_are_ratios_of_their_scores():
    rows = {"noise": {m: 10.0 for m in CEILING_METRICS}, "griffin_lim": {m: 2.0 for m in CEILING_METRICS},
            "real_heldout": {m: 1.0 for m in CEILING_METRICS}, "twice": {m: 4.0 for m in CEILING_METRICS},
            "same": {m: 2.0 for m in CEILING_METRICS}}
    ratios = {row["run"]: row for row in relative_to_ceiling({"rows": rows})}
    assert set(ratios) == {"twice", "same"}
    assert all(ratios["twice"][m] == 2.0 and ratios["same"][m] == 1.0 for m in CEILING_METRICS)


@pytest.fixture(scope="module")
def runs(synthetic, tmp_path_factory):
    folder = tmp_path_factory.mktemp("runs")
    for model in ("lstm", "conv-gan"):
        settings = TrainSettings.for_model(model, steps=2, batch_size=8, width=4, units=8)
        train(folder / model, settings, synthetic, progress=False)
    return folder


def test_evaluate_names_a_row_after_each_run_and_refuses_clashing_names(runs, synthetic, evaluator, tmp_path):
    results = evaluate([Run.load(runs / "lstm"), Run.load(runs / "conv-gan")], synthetic, n=6, classifier=evaluator.classifier)
    assert list(results["rows"]) == [*REFERENCE_ROWS, "lstm", "conv-gan"]
    assert results["runs"]["conv-gan"]["step"] == 2 and results["data"] == synthetic.cache_path.stem
    assert [row["row"] for row in table_rows(results)] == list(results["rows"])
    assert [row["run"] for row in relative_to_ceiling(results)] == ["lstm", "conv-gan"]
    with pytest.raises(RunError, match="clash"):
        evaluate([Run.load(runs / "lstm"), Run.load(runs / "lstm")], synthetic, n=6, classifier=evaluator.classifier)


def test_evaluate_refuses_a_run_trained_on_other_data(runs, evaluator):
    run = Run.load(runs / "lstm")
    run.data["fingerprint"] = "dataset-0123456789abcdef0123"
    with pytest.raises(RunError, match="other data"):
        evaluator.run_waves(run, 2)


def test_evaluate_cli_prints_every_row_and_field_and_writes_the_results_file(runs, synthetic_kit, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("DRUMGAN_CACHE", str(tmp_path / "cache"))
    results = tmp_path / "results" / "metrics.json"
    argv = ["evaluate", "--run", str(runs / "lstm"), "--run", str(runs / "conv-gan"), "-n", "4",
            "--source", str(synthetic_kit), "--results", str(results), "--json"]
    # the runs were trained on the module's cache; the same files give the same data fingerprint
    assert main(argv) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(last) == {"classifier_accuracy", "rows"} and 0 <= last["classifier_accuracy"] <= 1
    assert set(last["rows"]) == {*REFERENCE_ROWS, "lstm", "conv-gan"}
    for row in last["rows"].values():
        assert all(isinstance(row[m], float) for m in METRICS)
    saved = json.loads(results.read_text())
    assert saved["rows"] == last["rows"] and saved["config"]["n_mels"] == 64 and saved["data"]
    assert main(["evaluate", "--run", str(tmp_path), "--source", str(synthetic_kit)]) == 2  # not a run folder


hydrogen_only = pytest.mark.skipif(not hydrogen_available(), reason=f"no Hydrogen kits in {HYDROGEN_DRUMKITS}")


@pytest.fixture(scope="module")
def hydrogen_evaluator():
    return Evaluator(prepare([HYDROGEN_DRUMKITS], progress=False))  # the classifier cached beside the data


@hydrogen_only
def test_classifier_recognises_held_out_kits(hydrogen_evaluator):
    assert hydrogen_evaluator.classifier_accuracy >= 0.8


@hydrogen_only
def test_held_out_real_samples_beat_noise_on_every_metric(hydrogen_evaluator):
    waves = hydrogen_evaluator.reference_waves(len(hydrogen_evaluator.dataset.test_index))
    real, noise = hydrogen_evaluator.measure(waves["real_heldout"]), hydrogen_evaluator.measure(waves["noise"])
    assert real["is"] > noise["is"] and real["d_self"] > noise["d_self"]
    assert all(real[m] < noise[m] for m in ("fd", "kid", "ndb_k", "d_train"))


@hydrogen_only
def test_embedding_distances_separate_one_distribution_from_noise(hydrogen_evaluator):
    dataset, classifier = hydrogen_evaluator.dataset, hydrogen_evaluator.classifier
    train = hydrogen_evaluator.train_embeddings
    half_a, half_b = train[0::2], train[1::2]
    _, noise = embed(classifier, dataset.normalizer.transform(np.random.default_rng(0).uniform(-90, 0, (200, 64, 64))))
    assert metrics.frechet_distance(half_a, half_b) < 0.1 * metrics.frechet_distance(train, noise)
    kid_same, kid_noise = metrics.kernel_inception_distance(half_a, half_b), metrics.kernel_inception_distance(train, noise)
    assert abs(kid_same) < 0.05 * kid_noise
    assert metrics.ndb_k(hydrogen_evaluator.train, hydrogen_evaluator.train) == 0.0
