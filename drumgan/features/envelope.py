"""A clip's envelope in time: how fast its attack rises, when it peaks and how long its tail lasts, read in
frames of fixed duration whatever the sample rate."""

from __future__ import annotations

import numpy as np

ONSET_FRAME_MS, ONSET_FROM_DB, ONSET_TO_DB = 1.0, -30.0, -6.0


def onset_ms(waves: np.ndarray, rate: int = 44100, frame_ms: float = ONSET_FRAME_MS) -> np.ndarray:
    """Each clip's rise time in ms: from its ``frame_ms`` RMS envelope's first frame above :data:`ONSET_FROM_DB`
    to its first above :data:`ONSET_TO_DB` (both relative to the envelope's peak). Real drums rise in a few ms;
    an attack smeared over an analysis window takes longer."""
    level = levels_db(waves, rate, frame_ms)
    frames = (level > ONSET_TO_DB).argmax(axis=1) - (level > ONSET_FROM_DB).argmax(axis=1)
    return frames * frame_ms


def frame_samples(rate: int, frame_ms: float) -> int:
    """Samples in a frame of ``frame_ms`` at ``rate`` (at least one)."""
    return max(1, round(rate * frame_ms / 1000))


def levels_db(waves: np.ndarray, rate: int = 44100, frame_ms: float = ONSET_FRAME_MS) -> np.ndarray:
    """Each clip's RMS envelope ``(n, frames)`` in ``frame_ms`` frames, in dB below its loudest frame (floored at
    -100 dB); a trailing part frame is left out."""
    frame = frame_samples(rate, frame_ms)
    n = waves.shape[-1] // frame
    energy = np.mean(np.asarray(waves, np.float64)[:, : n * frame].reshape(len(waves), n, frame) ** 2, axis=-1)
    relative = energy / np.maximum(energy.max(axis=1, keepdims=True), 1e-30)
    return 10 * np.log10(np.maximum(relative, 1e-10))


def envelope_times(
    waves: np.ndarray, sample_rate: int, frame_ms: float = 1.0, drop_db: float = 20.0
) -> tuple[np.ndarray, np.ndarray]:
    """Attack time (start to the RMS envelope's peak) and decay time, in seconds, read in ``frame_ms`` frames
    whatever the rate.

    The decay is Schroeder's: the time from the peak until the energy still to come falls ``drop_db`` below the
    energy to come at the peak (backward integration, as room acoustics reads a decay). It follows how long a
    tail lasts, not where the first momentary dip of a noisy tail happens to fall, which a noise's phases decide.
    A sound whose energy never falls so far gets the time to its end.
    """
    waves = np.asarray(waves, np.float64)
    frame = frame_samples(sample_rate, frame_ms)
    n = waves.shape[-1] // frame
    energy = np.sum(waves[..., : n * frame].reshape(*waves.shape[:-1], n, frame) ** 2, axis=-1)
    peak = energy.argmax(axis=-1)
    to_come = np.cumsum(energy[..., ::-1], axis=-1)[..., ::-1]
    at_peak = np.take_along_axis(to_come, peak[..., None], axis=-1)
    below = (np.arange(n) > peak[..., None]) & (to_come < at_peak * 10 ** (-drop_db / 10))
    end = np.where(below.any(axis=-1), below.argmax(axis=-1), n)
    return peak * frame / sample_rate, (end - peak) * frame / sample_rate
