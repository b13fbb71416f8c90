"""The attack channel: a clip's first milliseconds as a fine envelope, and the way to give a clip that rise.

A spectrogram frame lasts 16 ms, so the features hear a drum's attack only as a blur: their round trip keeps how
steeply the attack rises (the hardness of :mod:`.timbre`) to a rank correlation of about 0.4, and neither more
Griffin-Lim iterations nor a regressor on the first frames recovers it (``benchmarks/attack_channel.py``). The
attack channel keeps it in a few numbers: the clip's RMS envelope over its first :data:`ATTACK_MS`, in
:data:`SUBFRAME_MS` frames (64 values), in dB below the clip's loudest sub-frame (:func:`attack_envelope`).
:func:`with_attack` gives audio, such as the inverse's, the rise such an envelope describes.

A model learns the channel as rows under its log-mel (the ``mel-attack`` feature of :mod:`.codec`): the whole
clip's fine envelope, folded so that each frame's column holds the sub-frames of its hop
(:func:`folded_envelope`); the first column is the attack channel.
"""

from __future__ import annotations

import numpy as np
import scipy.signal

from ..config import FeatureConfig
from .envelope import ONSET_TO_DB, frame_samples, levels_db
from .inverse import peak_normalised
from .timbre import HARDNESS_FRAME_MS

ATTACK_MS = 16.0  # one hop of the features
SUBFRAME_MS = HARDNESS_FRAME_MS  # the frame in which the hardness is read
ROUNDS = 3  # each round moves the loudest sub-frame, which the levels are read against
FADE_SUBFRAMES = 4  # after the rise, the gain returns to the clip's own over this many sub-frames
GAIN_RANGE_DB = (-60.0, 40.0)
LEAK_HZ = 150.0  # below it (the band of a drum's depth), what a gain adds to the clip's higher band is taken out
LEAK_MARGIN_MS = 20.0  # past the gain's span, where that low-passed leak may still reach


def attack_envelope(waves: np.ndarray, rate: int, attack_ms: float = ATTACK_MS) -> np.ndarray:
    """The attack channel of clips ``waves`` ``(n, samples)`` at ``rate``: ``(n, attack_ms / SUBFRAME_MS)`` levels
    in dB below each clip's loudest :data:`SUBFRAME_MS` frame (floored at -100 dB)."""
    return levels_db(waves, rate, SUBFRAME_MS)[:, : round(attack_ms / SUBFRAME_MS)]


def with_attack(waves: np.ndarray, envelope_db: np.ndarray, rate: int) -> np.ndarray:
    """``waves`` ``(n, samples)`` given the rise of ``envelope_db`` (:func:`attack_envelope`'s, one row a clip),
    peak-normalised.

    Each sub-frame up to where the envelope first comes within 6 dB of its peak (the whole envelope where it never
    does) is scaled to the envelope's level, the gain moving linearly between sub-frame centres and returning to
    1 over :data:`FADE_SUBFRAMES` sub-frames after it (or after the envelope's end). What follows, and so the body
    and the tail, is the clip's own.

    A gain that moves within a few periods of a clip's higher band adds a low thud to it: a hi-hat with nothing
    below :data:`LEAK_HZ` gains some. Each round but the last takes that leak (the low-passed product of the
    gain's change and the clip's band above :data:`LEAK_HZ`) back out; the last sets the rise itself, since the
    zero-phase filter spreads its correction a few milliseconds before the onset.
    """
    waves = np.array(waves, np.float64)
    envelope_db = np.asarray(envelope_db, np.float64)
    k, frame = envelope_db.shape[1], frame_samples(rate, SUBFRAME_MS)
    span = (k + FADE_SUBFRAMES) * frame
    if span > waves.shape[1]:
        raise ValueError(f"an attack of {k} sub-frames is too long for clips of {waves.shape[1]} samples")
    reach = min(waves.shape[1], span + frame_samples(rate, LEAK_MARGIN_MS))
    low = scipy.signal.butter(2, LEAK_HZ, "low", fs=rate, output="sos")
    reached = envelope_db > ONSET_TO_DB
    rise_end = np.where(reached.any(axis=1), reached.argmax(axis=1), k)[:, None]
    weight = np.clip((rise_end + FADE_SUBFRAMES - np.arange(k)) / FADE_SUBFRAMES, 0, 1)  # 1 through the rise
    centres = np.append((np.arange(k) + 0.5) * frame, span)  # unit gain from the end of the span on
    change = np.zeros((len(waves), reach))  # the gain minus 1, over the part of the clip a round touches
    for round_ in range(ROUNDS):
        gain_db = weight * np.clip(envelope_db - levels_db(waves, rate, SUBFRAME_MS)[:, :k], *GAIN_RANGE_DB)
        gains = np.append(10 ** (gain_db / 20), np.ones((len(waves), 1)), axis=1)
        change[:, :span] = np.stack([np.interp(np.arange(span), centres, row) for row in gains]) - 1
        leak = _low_leak(waves[:, :reach], change, low) if round_ < ROUNDS - 1 else 0.0  # the last sets the rise
        waves[:, :reach] = waves[:, :reach] * (1 + change) - leak
    return peak_normalised(waves)


def _low_leak(part: np.ndarray, change: np.ndarray, low) -> np.ndarray:
    """What a gain of ``1 + change`` adds below the low-pass ``low`` (second-order sections) to ``part``'s band
    above it."""
    higher = part - scipy.signal.sosfiltfilt(low, part, axis=1)
    return scipy.signal.sosfiltfilt(low, higher * change, axis=1)


def folded_rows(config: FeatureConfig) -> int:
    """Sub-frames in a hop of ``config``: the rows :func:`folded_envelope` adds (64 at 16, 44.1 and 48 kHz).

    Raises:
        ValueError: the hop is not a whole number of sub-frames (22.05 kHz).
    """
    frame = frame_samples(config.sample_rate, SUBFRAME_MS)
    if config.hop_length % frame:
        raise ValueError(
            f"the attack channel needs a hop of whole {SUBFRAME_MS:g} ms sub-frames; at {config.sample_rate} Hz the "
            f"hop is {config.hop_length} samples and a sub-frame {frame}"
        )
    return config.hop_length // frame


def folded_envelope(waves: np.ndarray, config: FeatureConfig) -> np.ndarray:
    """The fine envelope of clips ``waves`` ``(n, n_samples)`` as ``(n, folded_rows, n_frames)`` dB below each clip's
    loudest sub-frame, floored at ``config.log_floor_db``: column ``t`` holds the sub-frames of hop ``t``, so the
    first column is the attack channel (:func:`attack_envelope` over one hop)."""
    rows, frames = folded_rows(config), config.n_frames
    levels = levels_db(waves, config.sample_rate, SUBFRAME_MS)[:, : rows * frames]
    folded = levels.reshape(len(levels), frames, rows).transpose(0, 2, 1)
    return np.maximum(folded, config.log_floor_db).astype(np.float32)
