"""Differentiable augmentation of normalised log-mels, applied to real and generated batches alike before the
critic (DiffAugment, Zhao et al. 2020), so that a critic cannot memorise a few hundred training clips.

Every operation is differentiable with respect to its input (the generator learns through it) and draws its
randomness from a stateless key, so a resumed run augments exactly as the uninterrupted one would. Each works
on a batch of clips ``(batch, bins, frames)``; :func:`augment` takes either model layout.
"""

from __future__ import annotations

from ..backend import tf

MAX_SHIFT_FRAMES = 8  # a clip may start up to this many frames late (silence before)
MAX_PITCH_BINS = 2  # a clip may move up or down by this many bins (edge bins repeated)
MAX_GAIN = 0.2  # a clip's level may move by this much in normalised units (about +-9 dB at 3 std of 15 dB)
CUTOUT_SHARE = 0.25  # a rectangle this share of the bins and of the frames is set to 0


def _uniform_int(key, batch, low: int, high: int):
    """One integer in ``[low, high]`` per clip."""
    return tf.random.stateless_uniform([batch], key, minval=low, maxval=high + 1, dtype=tf.int32)


def shift(x, key, max_frames: int = MAX_SHIFT_FRAMES):
    """Each clip delayed by 0 to ``max_frames`` frames, silence (-1) before it."""
    batch, frames = tf.shape(x)[0], tf.shape(x)[2]
    delay = _uniform_int(key, batch, 0, max_frames)
    padded = tf.concat([-tf.ones([batch, tf.shape(x)[1], max_frames], x.dtype), x], axis=2)
    index = max_frames - delay[:, None] + tf.range(frames)[None, :]
    return tf.gather(padded, index, axis=2, batch_dims=1)


def pitch(x, key, max_bins: int = MAX_PITCH_BINS):
    """Each clip moved up or down by up to ``max_bins`` bins, the edge bins repeated."""
    batch, bins = tf.shape(x)[0], tf.shape(x)[1]
    offset = _uniform_int(key, batch, -max_bins, max_bins)
    index = tf.clip_by_value(tf.range(bins)[None, :] - offset[:, None], 0, bins - 1)
    return tf.gather(x, index, axis=1, batch_dims=1)


def gain(x, key, max_gain: float = MAX_GAIN):
    """Each clip's level moved by up to ``max_gain`` (normalised units), every bin alike."""
    offset = tf.random.stateless_uniform([tf.shape(x)[0], 1, 1], key, -max_gain, max_gain, dtype=x.dtype)
    return x + offset


def cutout(x, key, share: float = CUTOUT_SHARE):
    """A rectangle of ``share`` of the bins and ``share`` of the frames, at a random place per clip, set to 0."""
    batch, bins, frames = tf.shape(x)[0], tf.shape(x)[1], tf.shape(x)[2]
    height = tf.cast(tf.cast(bins, tf.float32) * share, tf.int32)
    width = tf.cast(tf.cast(frames, tf.float32) * share, tf.int32)
    keys = tf.random.experimental.stateless_split(key, 2)
    top = tf.random.stateless_uniform([batch, 1], keys[0], 0, bins - height + 1, dtype=tf.int32)
    left = tf.random.stateless_uniform([batch, 1], keys[1], 0, frames - width + 1, dtype=tf.int32)
    rows, columns = tf.range(bins)[None, :], tf.range(frames)[None, :]
    inside_rows = (rows >= top) & (rows < top + height)
    inside_columns = (columns >= left) & (columns < left + width)
    inside = inside_rows[:, :, None] & inside_columns[:, None, :]
    return x * tf.cast(~inside, x.dtype)


_FUNCTIONS = {"shift": shift, "pitch": pitch, "gain": gain, "cutout": cutout}  # settings.AUGMENTATIONS


def augment(x, operations: tuple[str, ...], key, layout: str):
    """``x`` through each of ``operations`` (:func:`drumgan.settings.augmentations`) in turn.

    ``layout`` is 'image' ``(batch, bins, frames, 1)`` or 'sequence' ``(batch, frames, bins)``; ``key`` is a
    stateless seed ``(2,)``.
    """
    if not operations:
        return x
    clips = x[..., 0] if layout == "image" else tf.transpose(x, [0, 2, 1])
    keys = tf.random.experimental.stateless_split(key, len(operations))
    for i, name in enumerate(operations):
        clips = _FUNCTIONS[name](clips, keys[i])
    return clips[..., None] if layout == "image" else tf.transpose(clips, [0, 2, 1])
