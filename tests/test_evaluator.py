import numpy as np
import pytest

from drumgan.data.preparation import prepare
from drumgan.errors import RunError
from drumgan.evaluation import metrics
from drumgan.evaluation.metrics import CEILING_METRICS, METRICS, REFERENCE_ROWS
from drumgan.paths import HYDROGEN_DRUMKITS

from conftest import requires_hydrogen

pytestmark = pytest.mark.slow  # trains models or runs the command line: make test, not make test-fast

tf = pytest.importorskip("tensorflow")

from drumgan.evaluation.classifier import train_classifier  # noqa: E402
from drumgan.evaluation.evaluator import Evaluator, evaluate  # noqa: E402
from drumgan.evaluation.neighbours import nearest_neighbours  # noqa: E402
from drumgan.evaluation.tables import decay_rows, relative_to_ceiling, table_rows  # noqa: E402
from drumgan.features.envelope import envelope_times  # noqa: E402
from drumgan.training.run import Run  # noqa: E402


@pytest.fixture(scope="module")
def evaluator(synthetic_dataset):
    return Evaluator(synthetic_dataset, train_classifier(synthetic_dataset, epochs=15, members=2), ndb_bins=5)


def test_exact_copies_of_training_samples_have_memorisation_distance_zero(evaluator, synthetic_dataset):
    copies = synthetic_dataset.waves[synthetic_dataset.train_index]
    assert evaluator.measure(copies)["d_train"] < 1e-3
    assert evaluator.measure(copies[:2].repeat(3, axis=0))["d_self"] < 1e-3  # duplicates: no diversity
    assert evaluator.measure(synthetic_dataset.waves[synthetic_dataset.test_index])["d_train"] > 0.01


def test_near_copies_counts_samples_nearer_the_training_clips_than_any_held_out_clip(evaluator, synthetic_dataset):
    train, test = synthetic_dataset.train_index, synthetic_dataset.test_index
    assert evaluator.measure(synthetic_dataset.waves[train])["near_copies"] == len(train)
    assert evaluator.measure(synthetic_dataset.waves[test])["near_copies"] == 0  # the bar is the nearest of these
    mixed = synthetic_dataset.waves[np.concatenate([train[:3], test])]
    assert evaluator.measure(mixed)["near_copies"] == 3


def test_measure_gives_every_metric_and_class_shares_that_sum_to_one(evaluator, synthetic_dataset):
    row = evaluator.measure(synthetic_dataset.waves[synthetic_dataset.test_index])
    assert set(METRICS) <= set(row) and row["n"] == len(synthetic_dataset.test_index)
    assert all(np.isfinite(row[m]) for m in METRICS)
    assert sum(row["classes"].values()) == pytest.approx(1.0)
    assert 1.0 <= row["is"] <= len(synthetic_dataset.class_names)
    with pytest.raises(ValueError, match="at least 2 waves"):
        evaluator.measure(synthetic_dataset.waves[:1])


def test_reference_rows_take_at_most_n_held_out_samples(evaluator, synthetic_dataset):
    waves = evaluator.reference_waves(3)
    assert set(waves) == set(REFERENCE_ROWS)
    assert [len(w) for w in waves.values()] == [3, 3, 3, 3]
    assert np.allclose(np.abs(waves["noise"]).max(axis=1), 1.0)
    train = evaluator.train_sample_index(3)
    assert set(train) <= set(synthetic_dataset.train_index) and np.array_equal(
        waves["real_train"], synthetic_dataset.waves[train]
    )
    everything = evaluator.reference_waves(1000)
    assert len(everything["real_heldout"]) == len(synthetic_dataset.test_index) and len(everything["noise"]) == 1000
    assert len(everything["real_train"]) == len(synthetic_dataset.train_index)


def test_the_training_row_is_not_its_own_near_copy(evaluator, synthetic_dataset):
    train = evaluator.train_sample_index(6)
    waves = synthetic_dataset.waves[train]
    # each clip is a training clip, its own nearest: 0 up to the rounding of |q|^2 + |r|^2 - 2 q.r (the bar is 0.04)
    assert evaluator.measure(waves)["d_train"] == pytest.approx(0.0, abs=1e-6)
    assert evaluator.measure(waves, itself=train)["d_train"] > 0.0


def test_runs_relative_to_the_griffin_lim_ceiling_are_ratios_of_their_scores():
    rows = {
        "noise": {m: 10.0 for m in CEILING_METRICS},
        "griffin_lim": {m: 2.0 for m in CEILING_METRICS},
        "real_heldout": {m: 1.0 for m in CEILING_METRICS},
        "twice": {m: 4.0 for m in CEILING_METRICS},
        "same": {m: 2.0 for m in CEILING_METRICS},
    }
    ratios = {row["run"]: row for row in relative_to_ceiling({"rows": rows})}
    assert set(ratios) == {"twice", "same"}
    assert all(ratios["twice"][m] == 2.0 and ratios["same"][m] == 1.0 for m in CEILING_METRICS)


def test_evaluate_names_a_row_after_each_run_and_refuses_clashing_names(
    tiny_runs, synthetic_dataset, evaluator, tmp_path
):
    results = evaluate(
        [Run.load(tiny_runs / "lstm"), Run.load(tiny_runs / "conv-gan")],
        synthetic_dataset,
        n=6,
        classifier=evaluator.classifier,
    )
    assert list(results["rows"]) == [*REFERENCE_ROWS, "lstm", "conv-gan"]
    assert results["runs"]["conv-gan"]["step"] == 2 and results["data"] == synthetic_dataset.cache_path.stem
    for name in ("lstm", "conv-gan"):  # a run's FD: the mean over draws of its samples, the first the row's own
        row, first = results["rows"][name], evaluator.run_waves(Run.load(tiny_runs / name), 6)
        assert len(row["fd_draws"]) == metrics.FD_DRAWS and len(set(row["fd_draws"])) > 1
        assert row["fd"] == pytest.approx(np.mean(row["fd_draws"]))
        assert row["fd_draws"][0] == pytest.approx(evaluator.measure(first)["fd"], rel=1e-4)
        copies = row["near_copies_draws"]  # its near copies: the mean over the same draws
        assert len(copies) == metrics.FD_DRAWS and copies[0] == evaluator.measure(first)["near_copies"]
        assert row["near_copies"] == pytest.approx(np.mean(copies))
    run = Run.load(tiny_runs / "conv-gan")  # its decays: of all its draws' clips together
    drawn = [evaluator.run_waves(run, 6, draw=draw) for draw in range(metrics.FD_DRAWS)]
    decays = np.concatenate([envelope_times(w, synthetic_dataset.config.sample_rate)[1] for w in drawn])
    assert results["rows"]["conv-gan"]["decay_s"] == pytest.approx(np.median(decays))
    assert results["training_decay_by_class"] == pytest.approx(evaluator.training_decays())
    assert set(results["training_decay_by_class"]) <= set(synthetic_dataset.class_names)
    assert "fd_draws" not in results["rows"]["griffin_lim"]
    shown = {row["row"]: row["fd_draws"] for row in table_rows(results, ("fd", "fd_draws"))}
    draws = results["rows"]["conv-gan"]["fd_draws"]
    assert shown["griffin_lim"] == "" and shown["conv-gan"] == f"{min(draws):.3g} to {max(draws):.3g}"
    assert "truncation" not in results["runs"]["conv-gan"]
    assert [row["row"] for row in table_rows(results)] == list(results["rows"])
    assert [row["run"] for row in relative_to_ceiling(results)] == ["lstm", "conv-gan"]
    with pytest.raises(RunError, match="clash"):
        evaluate(
            [Run.load(tiny_runs / "lstm"), Run.load(tiny_runs / "lstm")],
            synthetic_dataset,
            n=6,
            classifier=evaluator.classifier,
        )


def test_a_truncated_run_is_measured_from_its_truncated_latents_and_says_so(tiny_runs, synthetic_dataset, evaluator):
    run = Run.load(tiny_runs / "conv-gan")
    plain = evaluate([run], synthetic_dataset, n=6, classifier=evaluator.classifier)
    results = evaluate([run], synthetic_dataset, n=6, classifier=evaluator.classifier, truncation=0.0)
    assert results["runs"]["conv-gan"]["truncation"] == 0.0 and "truncation" not in plain["runs"]["conv-gan"]
    assert results["rows"]["conv-gan"]["d_self"] != plain["rows"]["conv-gan"]["d_self"]  # other clips measured


def test_evaluate_refuses_a_run_trained_on_other_data(tiny_runs, evaluator):
    run = Run.load(tiny_runs / "lstm")
    run.data["data_id"] = "dataset-0123456789abcdef0123"
    with pytest.raises(RunError, match="other data"):
        evaluator.run_waves(run, 2)


@pytest.fixture(scope="module")
def hydrogen_evaluator():
    return Evaluator(prepare([HYDROGEN_DRUMKITS], progress=False))  # the classifier cached beside the data


@requires_hydrogen
def test_classifier_recognises_held_out_kits(hydrogen_evaluator):
    assert hydrogen_evaluator.classifier_accuracy >= 0.75  # the shipped classifier of the 44.1 kHz data: 0.795


@requires_hydrogen
def test_held_out_real_samples_beat_noise_on_every_metric(hydrogen_evaluator):
    waves = hydrogen_evaluator.reference_waves(len(hydrogen_evaluator.dataset.test_index))
    real, noise = hydrogen_evaluator.measure(waves["real_heldout"]), hydrogen_evaluator.measure(waves["noise"])
    assert real["is"] > noise["is"] and real["d_self"] > noise["d_self"]
    assert all(real[m] < noise[m] for m in ("fd", "kid", "ndb_k", "d_train"))


@requires_hydrogen
def test_embedding_distances_separate_one_distribution_from_noise(hydrogen_evaluator):
    dataset = hydrogen_evaluator.dataset
    train = hydrogen_evaluator.train_embeddings
    half_a, half_b = train[0::2], train[1::2]
    hiss = np.random.default_rng(0).uniform(-1, 1, (200, dataset.config.n_samples)).astype(np.float32)
    _, noise = hydrogen_evaluator.classify_waves(hiss)
    assert metrics.frechet_distance(half_a, half_b) < 0.1 * metrics.frechet_distance(train, noise)
    kid_same, kid_noise = (
        metrics.kernel_inception_distance(half_a, half_b),
        metrics.kernel_inception_distance(train, noise),
    )
    assert abs(kid_same) < 0.2 * kid_noise  # the cubic kernel's estimate is noisy on 339 clips a half
    assert metrics.ndb_k(hydrogen_evaluator.reference, hydrogen_evaluator.reference) == 0.0


def test_every_row_is_also_heard_from_its_audio_at_44_1_khz(evaluator, synthetic_dataset):
    from drumgan.evaluation.metrics import HEARING_METRICS

    results = evaluator.report(evaluator.reference_waves(8))
    rows = results["rows"]
    assert all(
        set(HEARING_METRICS) <= set(row) and all(np.isfinite(row[m]) for m in HEARING_METRICS) for row in rows.values()
    )
    # at 44.1 kHz the way back keeps the synthetic hi-hats' top octave (a 16 kHz run cannot: see the next test)
    assert abs(rows["real_heldout"]["high_db"] - rows["griffin_lim"]["high_db"]) < 3
    assert max(rows["real_heldout"]["fd_audio"], rows["griffin_lim"]["fd_audio"]) < rows["noise"]["fd_audio"]
    assert set(table_rows(results, HEARING_METRICS)[0]) == {"row", "n", *HEARING_METRICS}
    quiet = Evaluator(synthetic_dataset, evaluator.classifier, ndb_bins=5, hearing=False)
    assert not set(HEARING_METRICS) & set(quiet.measure(synthetic_dataset.waves[:4]))


def test_a_run_at_16_khz_is_evaluated_beside_the_44_1_khz_data_on_the_same_classifier(
    evaluator, synthetic_kit, synthetic_dataset, tmp_path
):
    from drumgan.evaluation.metrics import HEARING_METRICS
    from drumgan.training.loop import train

    from helpers import tiny

    at_16k = prepare(
        [synthetic_kit],
        config=synthetic_dataset.config.at_rate(16000),
        progress=False,
        cache=synthetic_dataset.cache_path.parent,
    )
    run = train(tmp_path / "slow", tiny("conv-gan", 2, sample_rate=16000), at_16k, progress=False)
    heard = Evaluator(synthetic_dataset, evaluator.classifier, ndb_bins=5, sources=[synthetic_kit])
    waves = heard.run_waves(run, 4)
    assert waves.shape == (4, synthetic_dataset.config.n_samples)
    assert heard.run_audio["slow"].shape == (4, 45056)
    row = heard.report({"slow": waves})["rows"]["slow"]
    assert set(HEARING_METRICS) <= set(row) and row["high_db"] < -40  # nothing above 8 kHz at 16 kHz


def test_a_run_at_another_rate_trained_on_other_files_is_refused(evaluator, synthetic_kit, synthetic_dataset, tmp_path):
    from drumgan.training.loop import train

    from helpers import tiny

    fewer = tmp_path / "fewer"
    fewer.mkdir()
    for wav in sorted(synthetic_kit.rglob("*.wav"))[:8]:
        (fewer / wav.name).write_bytes(wav.read_bytes())
    other = prepare([fewer], config=synthetic_dataset.config.at_rate(22050), cache=tmp_path / "cache", progress=False)
    run = train(tmp_path / "other", tiny("conv-gan", 1, sample_rate=22050, batch_size=2), other, progress=False)
    heard = Evaluator(synthetic_dataset, evaluator.classifier, ndb_bins=5, sources=[fewer], hearing=False)
    with pytest.raises(RunError, match="not trained on these files"):
        heard.run_waves(run, 2)


def test_a_log_stft_run_is_heard_through_its_own_inverse_and_measured_like_any_row(
    evaluator, synthetic_dataset, tmp_path
):
    from drumgan.training.loop import train

    from helpers import tiny

    run = train(tmp_path / "stft", tiny("conv-gan", 2, feature="stft"), synthetic_dataset, progress=False)
    assert run.codec.n_bins == 1408 and run.model.generator.output_shape == (None, 1408, 64, 1)
    waves = evaluator.run_waves(run, 4)
    assert waves.shape == (4, synthetic_dataset.config.n_samples)
    assert np.allclose(np.abs(waves).max(axis=1), 1, atol=1e-4)  # peak-normalised like every row
    assert set(METRICS) <= set(evaluator.measure(waves))


def test_per_class_rows_name_the_run_only_where_there_are_several_and_mark_what_does_not_apply():
    from drumgan.evaluation.per_class import PER_CLASS_COLUMNS, per_class_rows

    conditional = {"kick": {"train": 60, "real_accuracy": 0.9, "n": 8, "share_asked": 0.9, "ratio": 1.0, "fd": 12.0}}
    unconditional = {"kick": {"train": 60, "real_accuracy": 0.9, "n": 5, "fd": None}}
    both = per_class_rows({"a": conditional, "b": unconditional})
    assert [row["run"] for row in both] == ["a", "b"] and list(both[0]) == list(PER_CLASS_COLUMNS)
    assert both[1]["share_asked"] == "-" and both[1]["fd"] == "-" and both[0]["fd"] == 12.0
    (alone,) = per_class_rows({"a": conditional})
    assert list(alone) == list(PER_CLASS_COLUMNS[1:]) and alone["class"] == "kick"


def test_a_conditional_runs_classes_are_judged_by_both_listeners(evaluator, conditional_run):
    from drumgan.evaluation.per_class import per_class, per_class_rows
    from drumgan.training.run import Run

    table = per_class(evaluator, Run.load(conditional_run), n=4)
    for row in table.values():
        assert 0 <= row["listener_share"] <= 1 and isinstance(row["listener_met"], bool)
        assert row["listener_accuracy"] is None or 0 <= row["listener_accuracy"] <= 1
    assert evaluator.second_listener_accuracy[0] is not None
    assert {"listener_share", "listener_met"} <= set(per_class_rows({"c": table})[0])


def test_the_training_rows_nearest_clip_is_sought_in_the_other_kits(synthetic_dataset):
    from drumgan.evaluation.neighbours import nearest_in_other_kits

    dataset, train = synthetic_dataset, synthetic_dataset.train_index
    assert len(np.unique(dataset.kits[train])) > 1  # else the search leaves out the clips only
    found = nearest_in_other_kits(dataset.log_mels[train], dataset, train)
    for position, clip in enumerate(train):
        others = train[dataset.kits[train] != dataset.kits[clip]]
        own = nearest_neighbours(dataset.normalized([clip]), dataset.normalized(others))[1][0]
        assert found[position] == pytest.approx(own, rel=1e-5)


def test_decay_rows_put_every_training_clip_first_and_leave_a_class_a_row_lacks_blank():
    results = {
        "training_decay_by_class": {"kick": 0.2, "tom": 0.6},
        "rows": {"noise": {"decay_by_class": {"hihat": 0.5}}, "run": {"decay_by_class": {"kick": 0.1, "tom": 0.4}}},
    }
    rows = decay_rows(results)
    assert [row["row"] for row in rows] == ["training clips", "noise", "run"]
    assert list(rows[0]) == ["row", "kick", "tom", "hihat"] and rows[0]["hihat"] == "" and rows[2]["tom"] == 0.4
