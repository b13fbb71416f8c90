"""The class-conditional conv GAN: its networks, training, sampling by class and mixture, and the paths
between latents and classes."""

import numpy as np
import pytest

from drumgan.config import CLASSES
from drumgan.errors import RunError
from drumgan.generation.sampling import class_request, generate_log_mels, sampling_options
from drumgan.latents import class_mixture, class_path, parse_mixture, slerp, truncate
from drumgan.training.run import Run


def test_a_class_mixture_enters_the_generator_linearly():
    from drumgan.models.conv_gan import build_generator

    head = build_generator(16, 4, n_classes=3).get_layer("head")
    z = np.random.default_rng(0).standard_normal((2, 100)).astype("float32")
    kick, snare = np.eye(3, dtype="float32")[[0, 0]], np.eye(3, dtype="float32")[[1, 1]]
    half = np.asarray(head([z, 0.5 * kick + 0.5 * snare]))
    assert np.allclose(half, 0.5 * np.asarray(head([z, kick])) + 0.5 * np.asarray(head([z, snare])), atol=1e-5)
    assert not np.allclose(np.asarray(head([z, kick])), np.asarray(head([z, snare])))


def test_the_conditional_critic_scores_the_same_clip_differently_by_class():
    from drumgan.models.conv_gan import build_critic

    critic = build_critic(16, 4, n_classes=3)
    image = np.random.default_rng(0).uniform(-1, 1, (1, 16, 16, 1)).astype("float32")
    scores = [float(critic([image, np.eye(3, dtype="float32")[[k]]])[0, 0]) for k in range(3)]
    assert len(set(np.round(scores, 6))) == 3


def test_a_conditional_run_records_its_classes_and_samples_the_class_asked_for(conditional_run, synthetic_dataset):
    run = Run.load(conditional_run)
    assert run.settings.conditional and run.step == 2
    assert run.class_names == CLASSES
    assert run.data["classes"] == synthetic_dataset.class_counts(synthetic_dataset.train_index)
    kicks = generate_log_mels(run, 3, seed=0, classes=class_request(run, 3, "kick"))
    snares = generate_log_mels(run, 3, seed=0, classes=class_request(run, 3, "snare"))
    assert kicks.shape == (3, 64, 64) and not np.allclose(kicks, snares)
    drawn = generate_log_mels(run, 3, seed=0)  # classes drawn from the training kits' shares, fixed by the seed
    assert np.array_equal(drawn, generate_log_mels(run, 3, seed=0))


def test_a_class_is_refused_for_an_unconditional_run_and_an_unknown_name(tiny_runs, conditional_run):
    with pytest.raises(RunError, match="not class-conditional"):
        class_request(Run.load(tiny_runs / "conv-gan"), 2, "kick")
    with pytest.raises(RunError, match="unknown class bongo"):
        class_request(Run.load(conditional_run), 2, "bongo")
    assert class_request(Run.load(tiny_runs / "conv-gan"), 2) is None


def test_mixtures_are_parsed_scaled_and_checked():
    assert parse_mixture("kick=0.5, snare=1.5") == {"kick": 0.5, "snare": 1.5}
    assert parse_mixture("kick") == {"kick": 1.0}
    vector = class_mixture(CLASSES, {"kick": 0.5, "snare": 1.5})
    assert vector[0] == pytest.approx(0.25) and vector[1] == pytest.approx(0.75) and vector.sum() == pytest.approx(1)
    with pytest.raises(RunError, match="NAME=WEIGHT"):
        parse_mixture("kick=loud")
    with pytest.raises(RunError, match="not all 0"):
        class_mixture(CLASSES, {"kick": 0.0})
    with pytest.raises(RunError, match="at least 0"):
        class_mixture(CLASSES, {"kick": 1.0, "snare": -1.0})


def test_slerp_runs_from_one_latent_to_the_other_along_the_sphere():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(100), rng.standard_normal(100)
    path = slerp(a, b, np.linspace(0, 1, 5))
    assert np.allclose(path[0], a, atol=1e-5) and np.allclose(path[-1], b, atol=1e-5)
    b_scaled = b * np.linalg.norm(a) / np.linalg.norm(b)  # equal norms: every point keeps the norm
    norms = np.linalg.norm(slerp(a, b_scaled, np.linspace(0, 1, 7)), axis=1)
    assert np.allclose(norms, np.linalg.norm(a), rtol=1e-5)
    assert np.linalg.norm((a + b_scaled) / 2) < norms.min() - 1  # where the straight line would have gone


def test_a_class_path_goes_through_each_stop():
    path = class_path(CLASSES, ["kick", "snare", "cymbal"], per_leg=4)
    assert path.shape == (9, len(CLASSES))
    assert np.allclose(path.sum(axis=1), 1)
    assert path[0, 0] == 1 and path[4, 1] == 1 and path[8, 4] == 1 and path[2, 0] == pytest.approx(0.5)


def test_truncation_pulls_the_latents_to_the_mean_and_is_checked(conditional_run, tiny_runs):
    assert np.allclose(truncate(np.ones((2, 100)), 0.25), 0.25)
    with pytest.raises(RunError, match="between 0 and 1"):
        truncate(np.ones((2, 100)), 1.5)
    run = Run.load(conditional_run)
    kicks = class_request(run, 3, "kick")
    drawn = generate_log_mels(run, 3, seed=0, classes=kicks)
    assert not np.allclose(drawn, drawn[0])
    at_mean = generate_log_mels(run, 3, seed=0, classes=kicks, truncation=0.0)  # one clip a class
    snare = generate_log_mels(run, 1, seed=0, classes=class_request(run, 1, "snare"), truncation=0.0)[0]
    assert np.allclose(at_mean, at_mean[0]) and not np.allclose(at_mean[0], snare)
    assert np.array_equal(generate_log_mels(run, 3, seed=0, classes=kicks), drawn)  # the run itself unchanged
    assert not np.allclose(generate_log_mels(run, 3, seed=0, classes=kicks, truncation=0.5), drawn)
    lstm = Run.load(tiny_runs / "lstm")
    with pytest.raises(RunError, match="needs a GAN run"):
        generate_log_mels(lstm, 2, truncation=0.5)
    assert sampling_options(lstm, truncation=1.0) == {}  # nothing to truncate, nothing asked
    with pytest.raises(RunError, match="between 0 and 1"):
        sampling_options(run, truncation=-0.1)
