"""Differentiable augmentation of normalised log-mels, applied to real and generated batches alike before the
critic (DiffAugment, Zhao et al. 2020), so that a critic cannot memorise a few hundred training clips.

Every operation is differentiable with respect to its input (the generator learns through it) and draws its
randomness from a stateless key, so a resumed run augments exactly as the uninterrupted one would. Each works
on a batch of clips ``(batch, bins, frames)``; :func:`augment` takes either model layout. Given ``rows``
``(first, total)`` (a replica's share of a global batch, :func:`drumgan.distribute.replica_rows`), an operation
draws for the ``total`` clips and keeps its own rows, so replicas together augment as one device would.
"""

from __future__ import annotations

from ..backend import tf
from ..distribute import draw_rows

MAX_SHIFT_FRAMES = 8  # a clip may start up to this many frames late (silence before)
MAX_PITCH_BINS = 2  # a clip may move up or down by this many bins (edge bins repeated)
MAX_GAIN = 0.2  # a clip's level may move by this much in normalised units (about +-9 dB at 3 std of 15 dB)
CUTOUT_SHARE = 0.25  # a rectangle this share of the bins and of the frames is set to 0


def _uniform_int(key, batch, low: int, high: int, rows=None):
    """One integer in ``[low, high]`` per clip."""
    return draw_rows(lambda n: tf.random.stateless_uniform([n], key, low, high + 1, tf.int32), batch, rows)


def shift(x, key, max_frames: int = MAX_SHIFT_FRAMES, rows=None):
    """Each clip delayed by 0 to ``max_frames`` frames, silence (-1) before it."""
    batch, frames = tf.shape(x)[0], tf.shape(x)[2]
    delay = _uniform_int(key, batch, 0, max_frames, rows)
    padded = tf.concat([-tf.ones([batch, tf.shape(x)[1], max_frames], x.dtype), x], axis=2)
    index = max_frames - delay[:, None] + tf.range(frames)[None, :]
    return tf.gather(padded, index, axis=2, batch_dims=1)


def pitch(x, key, max_bins: int = MAX_PITCH_BINS, rows=None):
    """Each clip moved up or down by up to ``max_bins`` bins, the edge bins repeated."""
    batch, bins = tf.shape(x)[0], tf.shape(x)[1]
    offset = _uniform_int(key, batch, -max_bins, max_bins, rows)
    index = tf.clip_by_value(tf.range(bins)[None, :] - offset[:, None], 0, bins - 1)
    return tf.gather(x, index, axis=1, batch_dims=1)


def gain(x, key, max_gain: float = MAX_GAIN, rows=None):
    """Each clip's level moved by up to ``max_gain`` (normalised units), every bin alike."""
    offset = draw_rows(
        lambda n: tf.random.stateless_uniform([n, 1, 1], key, -max_gain, max_gain, x.dtype), tf.shape(x)[0], rows
    )
    return x + offset


def cutout(x, key, share: float = CUTOUT_SHARE, rows=None):
    """A rectangle of ``share`` of the bins and ``share`` of the frames, at a random place per clip, set to 0."""
    batch, bins, frames = tf.shape(x)[0], tf.shape(x)[1], tf.shape(x)[2]
    height = tf.cast(tf.cast(bins, tf.float32) * share, tf.int32)
    width = tf.cast(tf.cast(frames, tf.float32) * share, tf.int32)
    keys = tf.random.experimental.stateless_split(key, 2)
    top = draw_rows(lambda n: tf.random.stateless_uniform([n, 1], keys[0], 0, bins - height + 1, tf.int32), batch, rows)
    left = draw_rows(
        lambda n: tf.random.stateless_uniform([n, 1], keys[1], 0, frames - width + 1, tf.int32), batch, rows
    )
    bin_index, frame_index = tf.range(bins)[None, :], tf.range(frames)[None, :]
    inside_rows = (bin_index >= top) & (bin_index < top + height)
    inside_columns = (frame_index >= left) & (frame_index < left + width)
    inside = inside_rows[:, :, None] & inside_columns[:, None, :]
    return x * tf.cast(~inside, x.dtype)


_FUNCTIONS = {"shift": shift, "pitch": pitch, "gain": gain, "cutout": cutout}  # settings.AUGMENTATIONS


def augment(x, operations: tuple[str, ...], key, layout: str, rows=None):
    """``x`` through each of ``operations`` (:func:`drumgan.settings.augmentations`) in turn.

    ``layout`` is 'image' ``(batch, bins, frames, 1)`` or 'sequence' ``(batch, frames, bins)``; ``key`` is a
    stateless seed ``(2,)``; ``rows`` as in the module's docstring.
    """
    if not operations:
        return x
    clips = x[..., 0] if layout == "image" else tf.transpose(x, [0, 2, 1])
    keys = tf.random.experimental.stateless_split(key, len(operations))
    for i, name in enumerate(operations):
        clips = _FUNCTIONS[name](clips, keys[i], rows=rows)
    return clips[..., None] if layout == "image" else tf.transpose(clips, [0, 2, 1])
