"""The timbre-conditioned conv GAN: its networks, training, and sampling the timbre asked for."""

import numpy as np
import pytest

from drumgan.features.timbre import CONTROLS
from drumgan.training.run import Run


def test_the_critic_hears_timbre_through_its_projection_and_its_head():
    from drumgan.models.conv_gan import build_critic

    critic = build_critic(16, 4, n_timbre=5, timbre_head=True)
    image = np.random.default_rng(0).uniform(-1, 1, (1, 16, 16, 1)).astype("float32")
    low, high = np.full((1, 5), 0.1, "float32"), np.full((1, 5), 0.9, "float32")
    (score_low, heard_low), (score_high, heard_high) = critic([image, low]), critic([image, high])
    assert heard_low.shape == (1, 5) and np.allclose(heard_low, heard_high)  # the head hears the clip alone
    assert not np.isclose(float(score_low[0, 0]), float(score_high[0, 0]))  # the score is conditional


def test_a_timbre_run_keeps_its_training_timbres_and_samples_the_timbre_asked_for(timbre_run, synthetic_dataset):
    run = Run.load(timbre_run)
    assert run.settings.timbre and run.settings.conditional and run.step == 2
    rows = run.train_rows(synthetic_dataset)
    assert np.allclose(run.timbre.raw, synthetic_dataset.timbre()[rows])
    assert run.timbre.percentiles.shape == (len(rows), len(CONTROLS))
    low = np.full((3, len(CONTROLS)), 0.1, "float32")
    high = np.full((3, len(CONTROLS)), 0.9, "float32")
    assert not np.allclose(run.model.sample(3, 0, timbre=low), run.model.sample(3, 0, timbre=high))
    drawn = run.model.sample(3, seed=0)  # classes and timbres of training clips, fixed by the seed
    assert np.array_equal(drawn, run.model.sample(3, seed=0))


def test_a_timbre_run_refuses_a_model_without_its_bank():
    from drumgan.models import build_model
    from drumgan.settings import TIMBRE_STEPS, TrainSettings

    settings = TrainSettings.for_model("conv-gan", timbre=True)
    assert settings.timbre_weight > 0 and settings.timbre_spread > 0 and settings.steps == TIMBRE_STEPS
    both = TrainSettings.for_model("conv-gan", conditional=True, timbre=True)
    assert both.steps == TIMBRE_STEPS and both.class_weight > 0 and both.leave_out_unnamed
    with pytest.raises(ValueError, match="timbre_bank"):
        build_model(settings, 64, 64)


def test_timbre_is_asked_for_by_name_the_rest_at_the_class_median(timbre_run):
    from drumgan.generation.sampling import class_request, parse_timbre, timbre_request

    run = Run.load(timbre_run)
    asked = timbre_request(run, 2, parse_timbre("brightness=0.9, decay=0.2"))
    assert asked.shape == (2, len(CONTROLS))
    assert asked[0, CONTROLS.index("brightness")] == pytest.approx(0.9)
    assert asked[0, CONTROLS.index("decay")] == pytest.approx(0.2)
    depth = CONTROLS.index("depth")
    assert asked[0, depth] == pytest.approx(run.timbre.median()[depth])
    kick = run.class_names.index("kick")
    kicks = timbre_request(run, 2, {"brightness": 0.9}, class_request(run, 2, "kick"))
    assert kicks[0, depth] == pytest.approx(run.timbre.median(kick)[depth])
    assert timbre_request(run, 2) is None


def test_a_bad_timbre_request_is_one_line_and_exit_2(timbre_run, tiny_runs, tmp_path, capsys):
    from drumgan.cli.commands import main

    cases = {
        "brightness=2": "in [0, 1]",
        "nonsense=0.5": "unknown timbre control nonsense",
        "brightness": "NAME=PERCENTILE",
    }
    for asked, message in cases.items():
        assert main(["generate", "--run", str(timbre_run), "--out", str(tmp_path / "x"), "--timbre", asked]) == 2
        err = capsys.readouterr().err.strip()
        assert message in err and len(err.splitlines()) == 1
    untrained = ["kit", "--run", str(tiny_runs / "conv-gan"), "--out", str(tmp_path / "k"), "--timbre", "depth=0.8"]
    assert main(untrained) == 2
    assert "not trained with timbre" in capsys.readouterr().err
    assert not (tmp_path / "x").exists() and not (tmp_path / "k").exists()  # refused before any work


def test_generate_and_kit_write_the_timbre_asked_for(timbre_run, tmp_path, capsys):
    import json

    from drumgan.cli.commands import main

    out = tmp_path / "gen"
    args = ["generate", "--run", str(timbre_run), "-n", "2", "--out", str(out), "--class", "kick"]
    assert main([*args, "--timbre", "depth=0.8", "--json"]) == 0
    record = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert record["timbre"]["depth"] == pytest.approx(0.8) and len(list(out.glob("*.wav"))) == 2
    kit = ["kit", "--run", str(timbre_run), "--out", str(tmp_path / "kit"), "--per-class", "1"]
    assert main([*kit, "--timbre", "decay=0.9", "--json"]) == 0


def test_a_sweep_is_judged_by_rank_error_and_cross_talk():
    from drumgan.bench.timbre import LEVELS, judged

    levels = np.asarray(LEVELS)
    obeyed = np.column_stack([levels, np.full(len(levels), 0.5), np.full(len(levels), 0.3)])
    row = judged(obeyed, levels, 0, middle=4)
    assert row["rank_correlation"] == pytest.approx(1) and row["mean_error"] == pytest.approx(0)
    assert row["cross_talk"] == pytest.approx(0) and row["meets"]
    dragged = obeyed.copy()
    dragged[:, 1] = levels  # the second control follows the first
    assert judged(dragged, levels, 0, middle=4)["cross_talk"] > 0.1 and not judged(dragged, levels, 0, 4)["meets"]
    ignored = obeyed.copy()
    ignored[:, 0] = 0.5  # the control does nothing
    assert judged(ignored, levels, 0, middle=4)["mean_error"] > 0.15


def test_bench_sweeps_a_timbre_run_and_refuses_another(timbre_run, tiny_runs, synthetic_kit, tmp_path, capsys):
    import json

    from drumgan.cli.commands import main

    path = tmp_path / "sweep.json"
    sweep = ["bench", "--timbre-sweep", str(timbre_run), "-n", "2", "--source", str(synthetic_kit)]
    assert main([*sweep, "--results", str(path), "--json"]) == 0
    results = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(results["controls"]) == set(CONTROLS) and json.loads(path.read_text())["n"] == 2
    assert set(results["ceiling"]) == set(CONTROLS)  # what the round trip keeps of real clips' timbre
    assert len(results["controls"]["depth"]["measured"]) == len(results["levels"]) == 9
    assert main(["bench", "--timbre-sweep", str(tiny_runs / "conv-gan"), "--results", str(tmp_path / "x.json")]) == 2
    assert "not trained with timbre" in capsys.readouterr().err


def test_control_clips_differ_only_in_the_control_and_the_sweep_draws(timbre_run):
    import matplotlib

    matplotlib.use("Agg")
    from drumgan.bench.timbre import control_clips, sweep
    from drumgan.display.plots import plot_timbre_sweep

    rows = control_clips(Run.load(timbre_run), levels=(0.1, 0.9))
    assert set(rows) == set(CONTROLS) and all(waves.shape[0] == 2 for waves in rows.values())
    assert not np.allclose(rows["brightness"][0], rows["brightness"][1])
    fig = plot_timbre_sweep(sweep(Run.load(timbre_run), n=2, levels=(0.1, 0.5, 0.9)))
    assert len(fig.axes) == len(CONTROLS) + 1


def test_the_round_trip_keeps_brightness_and_decay_of_real_clips_and_the_attack_channel_their_hardness(
    synthetic_dataset,
):
    from drumgan.bench.timbre import round_trip_ceiling
    from drumgan.features.codec import Codec

    ceiling = round_trip_ceiling(synthetic_dataset, n=64)
    assert ceiling["brightness"]["rank_correlation"] > 0.8 and ceiling["decay"]["rank_correlation"] > 0.8
    codec = Codec.fit(synthetic_dataset.log_mels, synthetic_dataset.config, "mel-attack")
    with_channel = round_trip_ceiling(synthetic_dataset, codec, n=64)  # a mel-attack run's audio path
    assert with_channel["hardness"]["rank_correlation"] > ceiling["hardness"]["rank_correlation"]
    assert with_channel["hardness"]["mean_error"] < ceiling["hardness"]["mean_error"]


def test_per_class_asks_each_class_for_the_timbre_given(timbre_run, synthetic_dataset):
    from drumgan.evaluation.evaluator import Evaluator
    from drumgan.evaluation.per_class import per_class

    evaluator = Evaluator(synthetic_dataset, hearing=False)
    run = Run.load(timbre_run)
    plain, bright = per_class(evaluator, run, n=2), per_class(evaluator, run, n=2, timbre={"brightness": 0.9})
    assert set(plain) == set(bright) and all("share_asked" in row for row in bright.values())
    assert any(plain[name]["fd"] != bright[name]["fd"] for name in plain)
