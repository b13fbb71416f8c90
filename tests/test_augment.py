"""Differentiable augmentation: what each operation does to a clip, its determinism, its gradient, both layouts."""

import numpy as np
import pytest

from drumgan.errors import RunError
from drumgan.settings import AUGMENTATIONS, TrainSettings, augmentations

tf = pytest.importorskip("tensorflow")

from drumgan.models import augment  # noqa: E402

KEY = tf.constant([3, 4], tf.int64)


def clips(batch=6, bins=16, frames=32):
    return tf.constant(np.random.default_rng(0).uniform(-1, 1, (batch, bins, frames)).astype("float32"))


def delay_of(clip, out, most):
    """The delay (frames) that turns ``clip`` into ``out``, or None."""
    frames = clip.shape[1]
    return next((d for d in range(most + 1) if np.array_equal(out[:, d:], clip[:, : frames - d])), None)


def test_shift_delays_each_clip_behind_silence():
    x = clips().numpy()
    y = augment.shift(tf.constant(x), KEY, max_frames=5).numpy()
    delays = [delay_of(clip, out, 5) for clip, out in zip(x, y)]
    assert None not in delays and len(set(delays)) > 1
    assert all(np.all(out[:, :d] == -1.0) for out, d in zip(y, delays))


def test_pitch_moves_bins_and_repeats_the_edge():
    x = clips().numpy()
    y = augment.pitch(tf.constant(x), KEY, max_bins=2).numpy()
    bins = x.shape[1]
    offsets = []
    for clip, out in zip(x, y):
        offset = next(o for o in range(-2, 3) if np.array_equal(out[2:-2], clip[2 - o : bins - 2 - o]))
        np.testing.assert_array_equal(out, clip[np.clip(np.arange(bins) - offset, 0, bins - 1)])
        offsets.append(offset)
    assert len(set(offsets)) > 1


def test_gain_adds_one_offset_per_clip_within_its_bound():
    x = clips()
    difference = (augment.gain(x, KEY, max_gain=0.2) - x).numpy()
    per_clip = difference.reshape(len(difference), -1)
    assert np.allclose(per_clip, per_clip[:, :1], atol=1e-6) and np.all(np.abs(per_clip) <= 0.2)


def test_cutout_zeroes_one_rectangle_of_the_given_share():
    x = clips() + 5.0  # no value is 0 before
    y = augment.cutout(x, KEY, share=0.25).numpy()
    for out in y:
        rows, columns = np.nonzero(out == 0)
        assert len(rows) == 4 * 8  # a quarter of 16 bins by a quarter of 32 frames
        assert rows.max() - rows.min() == 3 and columns.max() - columns.min() == 7


def test_augmentation_is_fixed_by_its_key_and_lets_gradients_through():
    x = clips()
    every = tuple(AUGMENTATIONS)
    a = augment.augment(x[..., None], every, KEY, "image")
    assert np.array_equal(a.numpy(), augment.augment(x[..., None], every, KEY, "image").numpy())
    assert not np.array_equal(a.numpy(), augment.augment(x[..., None], every, KEY + 1, "image").numpy())
    sequences = tf.transpose(x, [0, 2, 1])
    as_sequence = augment.augment(sequences, every, KEY, "sequence")
    np.testing.assert_array_equal(tf.transpose(as_sequence, [0, 2, 1]).numpy(), a.numpy()[..., 0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(augment.augment(x[..., None], every, KEY, "image"))
    grads = tape.gradient(total, x).numpy()
    assert np.isfinite(grads).all() and grads.sum() > 0.5 * grads.size
    assert augment.augment(x, (), KEY, "sequence") is x


def test_augmentation_policies_are_checked():
    assert augmentations(" shift, gain ") == ("shift", "gain") and augmentations("") == ()
    with pytest.raises(ValueError, match="unknown augmentation flip"):
        augmentations("shift,flip")
    with pytest.raises(RunError, match="unknown augmentation flip"):
        TrainSettings.for_model("conv-gan", augment="flip")
