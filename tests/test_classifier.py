import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from drumgan.evaluation.classifier import (  # noqa: E402
    MAX_PITCH_SHIFT,
    MAX_TIME_SHIFT,
    accuracy,
    augment,
    build_classifier,
    cached_classifier,
    embed,
    ensemble,
    images,
)
from drumgan.features.spectral import cqt_bins  # noqa: E402


def test_classifier_shapes():
    model = ensemble(build_classifier(64, 64, 7, width=4, members=3))
    probabilities, embeddings = embed(model, np.zeros((3, 64, 64), "float32"))
    assert probabilities.shape == (3, 7) and embeddings.shape == (3, 96)  # three members' 32-d embeddings
    assert np.allclose(probabilities.sum(axis=1), 1, atol=1e-5)


def test_cached_classifier_learns_the_synthetic_classes_and_reloads_in_safe_mode(synthetic_dataset):
    model = cached_classifier(synthetic_dataset, epochs=60, members=2)
    assert accuracy(model, synthetic_dataset, synthetic_dataset.train_index) > 0.6  # 7 classes: chance is about 0.14
    saved = list(synthetic_dataset.cache_path.parent.glob("*-classifier-v*-m2-e60.keras"))  # other tests cache m5
    assert len(saved) == 1
    again = cached_classifier(synthetic_dataset, epochs=60, members=2)  # loaded, not retrained
    x = images(synthetic_dataset.waves[synthetic_dataset.test_index], synthetic_dataset.config.sample_rate)
    assert x.shape[1] == cqt_bins(synthetic_dataset.config.sample_rate)  # the constant-Q spectrogram, not the log-mel
    np.testing.assert_allclose(embed(model, x)[0], embed(again, x)[0], atol=1e-5)


def test_a_shipped_classifier_is_used_where_the_cache_has_none(synthetic_dataset, tmp_path, monkeypatch):
    from drumgan.evaluation import classifier

    cached_classifier(synthetic_dataset, epochs=1, members=2)
    (saved,) = synthetic_dataset.cache_path.parent.glob("*-classifier-v*-m2-e1.keras")
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    saved.rename(shipped / saved.name)
    monkeypatch.setattr(classifier, "shipped_dir", lambda: shipped)
    monkeypatch.setattr(classifier, "train_classifier", lambda *a, **k: pytest.fail("trained, not loaded"))
    model = cached_classifier(synthetic_dataset, epochs=1, members=2)
    assert model.outputs[0].shape[-1] == len(synthetic_dataset.class_names)
    assert not saved.exists()  # the shipped file is read where it is, not copied into the cache


def test_augment_delays_and_moves_each_example_within_its_bounds():
    image = np.full((1, 64, 64), -1.0, np.float32)
    image[0, 30, 0] = 1.0  # one bright cell: bin 30, first frame
    moved = augment(np.repeat(image, 200, axis=0), np.random.default_rng(0))
    bins, frames = np.nonzero(moved == 1.0)[1:]
    assert len(bins) == 200 and set(frames) == set(range(MAX_TIME_SHIFT + 1))
    assert set(bins) == set(range(30 - MAX_PITCH_SHIFT, 31 + MAX_PITCH_SHIFT))
