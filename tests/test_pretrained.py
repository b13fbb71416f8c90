"""The pretrained listener (drumgan.evaluation.pretrained): musicnn's MSD VGG, read from its package's checkpoint."""

import importlib.util
import warnings

import numpy as np
import pytest

from drumgan.errors import MissingWeights
from drumgan.evaluation import metrics, pretrained
from drumgan.evaluation.hearing import AUDIO_CONFIG, AUDIO_RATE, Hearing

needs_weights = pytest.mark.skipif(not pretrained.available(), reason=pretrained.MISSING)
N = AUDIO_CONFIG.n_samples


def _drums(rng, n, low_hz):
    """Decaying noise bursts (hats) or decaying sines at ``low_hz`` (kicks) at 44.1 kHz."""
    t = np.arange(N) / AUDIO_RATE
    if low_hz:
        body = np.sin(2 * np.pi * rng.uniform(0.8, 1.2, (n, 1)) * low_hz * t)
    else:
        body = rng.standard_normal((n, N))
    return (body * np.exp(-t / rng.uniform(0.05, 0.2, (n, 1)))).astype(np.float32)


@needs_weights
def test_the_network_matches_the_checkpoint_and_embeds_clips_of_any_rate():
    model = pretrained.network()
    assert model.output.shape[-1] == pretrained.EMBEDDING_SIZE
    import tensorflow as tf

    reader = tf.compat.v1.train.NewCheckpointReader(f"{pretrained.checkpoint_folder()}/")
    np.testing.assert_array_equal(model.get_layer("5CNN").get_weights()[0], reader.get_tensor("5CNN/kernel"))
    rng = np.random.default_rng(0)
    at_44k = pretrained.embeddings(_drums(rng, 3, 0), AUDIO_RATE)
    at_16k = pretrained.embeddings(_drums(rng, 2, 0)[:, : 16000 // 2], 16000)  # half a second at 16 kHz
    assert at_44k.shape == (3, pretrained.EMBEDDING_SIZE) and at_16k.shape == (2, pretrained.EMBEDDING_SIZE)
    assert np.isfinite(at_44k).all() and np.ptp(at_44k, axis=0).max() > 0  # the clips are told apart


@needs_weights
def test_fad_is_near_zero_for_the_same_kind_of_drum_and_far_for_another():
    rng = np.random.default_rng(1)
    kicks = pretrained.embeddings(_drums(rng, 40, 60), AUDIO_RATE)
    more_kicks = pretrained.embeddings(_drums(rng, 40, 60), AUDIO_RATE)
    hats = pretrained.embeddings(_drums(rng, 40, 0), AUDIO_RATE)
    same, other = metrics.frechet_distance(more_kicks, kicks), metrics.frechet_distance(hats, kicks)
    assert other > 10 * same


@needs_weights
def test_hearing_reports_fad_against_its_training_clips():
    rng = np.random.default_rng(2)
    listener = Hearing(_drums(rng, 24, 60))
    assert listener.embeddings.shape == (24, pretrained.EMBEDDING_SIZE)
    near, far = listener.measure(_drums(rng, 12, 60))["fad"], listener.measure(_drums(rng, 12, 0))["fad"]
    assert near < far


def test_without_the_package_fad_is_left_out_with_one_warning(monkeypatch):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "musicnn" else real_find_spec(name, *a)
    )
    assert not pretrained.available()
    with pytest.raises(MissingWeights, match="pip install --no-deps musicnn"):
        pretrained.checkpoint_folder()
    rng = np.random.default_rng(3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        listener = Hearing(_drums(rng, 6, 60))
    assert [str(w.message) for w in caught] == [f"fad is not measured: {pretrained.MISSING}"]
    measured = listener.measure(_drums(rng, 4, 60))
    assert "fad" not in measured and "fd_audio" in measured


def test_hearing_without_fad_embeds_nothing(monkeypatch):
    monkeypatch.setattr(pretrained, "embeddings", lambda *a: pytest.fail("embedded"))
    listener = Hearing(_drums(np.random.default_rng(4), 6, 60), with_fad=False)
    assert listener.embeddings is None and "fad" not in listener.measure(_drums(np.random.default_rng(5), 4, 60))
