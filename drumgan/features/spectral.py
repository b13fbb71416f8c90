"""Analysis: waves to magnitude spectrograms, log-mels and MFCCs (the way back is :mod:`.inverse`), and the
constant-Q spectrogram that drumgan's classifier hears (no model generates it).

Every function takes the one :class:`~drumgan.config.FeatureConfig`, so analysis and
resynthesis share the sample rate, FFT size and hop. Arrays may carry leading batch dimensions:
``(..., n_samples)`` -> ``(..., n_mels, n_frames)``.
"""

from __future__ import annotations

from functools import lru_cache

import librosa
import numpy as np
import scipy.fft

from ..config import FeatureConfig


@lru_cache(maxsize=8)
def mel_basis(config: FeatureConfig) -> np.ndarray:
    """The (n_mels, 1 + n_fft // 2) mel filter bank; with ``mel_linear_below_hz``, its first
    ``config.n_linear_bins`` rows are the STFT bins below that frequency, one each (a kick's or a tom's body, which
    mel bands 60 Hz wide blur), and the mel bands start there."""
    low = config.n_linear_bins
    mel = librosa.filters.mel(
        sr=config.sample_rate,
        n_fft=config.n_fft,
        n_mels=config.n_mels - low,
        fmin=max(config.fmin, config.mel_linear_below_hz),
        fmax=config.fmax,
    )
    return np.concatenate([np.eye(mel.shape[1], dtype=mel.dtype)[1 : 1 + low], mel])


def row_frequencies(config: FeatureConfig) -> np.ndarray:
    """The centre frequency in Hz of each row of :func:`mel_basis` (and so of a log-mel): the STFT bins' own
    below ``mel_linear_below_hz``, then the mel bands'."""
    low = config.n_linear_bins
    fmin = max(config.fmin, config.mel_linear_below_hz)
    mel = librosa.mel_frequencies(n_mels=config.n_mels - low + 2, fmin=fmin, fmax=config.fmax)[1:-1]
    return np.concatenate([np.arange(1, 1 + low) * config.sample_rate / config.n_fft, mel])


def stft_magnitude(waves: np.ndarray, config: FeatureConfig) -> np.ndarray:
    """|STFT| with the config's FFT and hop: (..., 1 + n_fft // 2, n_frames)."""
    spec = librosa.stft(np.asarray(waves, dtype=np.float32), n_fft=config.n_fft, hop_length=config.hop_length)
    return np.abs(spec[..., : config.n_frames])


def log_mel(waves: np.ndarray, config: FeatureConfig) -> np.ndarray:
    """Log-mel power spectrogram in dB, floored at ``log_floor_db``: (..., n_mels, n_frames)."""
    return log_mel_of_magnitude(stft_magnitude(waves, config), config)


def log_mel_of_magnitude(magnitude: np.ndarray, config: FeatureConfig) -> np.ndarray:
    """The log-mel (dB, floored) of |STFT| magnitudes ``(..., 1 + n_fft // 2, n_frames)``."""
    power = np.einsum("mf,...ft->...mt", mel_basis(config), np.asarray(magnitude, np.float32) ** 2)
    floor = 10 ** (config.log_floor_db / 10)
    return (10 * np.log10(np.maximum(power, floor))).astype(np.float32)


LOG_STFT_FLOOR_DB = -100.0
"""The log-STFT feature's floor (dB re a full-scale sine): at the log-mel's -80 dB the quiet tails of held-out
drums came back 2.1 dB off on average (log-spectral distance), at -100 dB 1.45 dB."""


def stft_scale(config: FeatureConfig) -> float:
    """|STFT| of a full-scale sine under the Hann window (n_fft / 4): the log-STFT's 0 dB."""
    return config.n_fft / 4


def log_stft(waves: np.ndarray, config: FeatureConfig) -> np.ndarray:
    """Log-magnitude STFT in dB (0 dB: a full-scale sine), floored at :data:`LOG_STFT_FLOOR_DB`, without the
    Nyquist bin: (..., n_fft // 2, n_frames)."""
    magnitude = stft_magnitude(waves, config)[..., : config.n_stft_bins, :] / stft_scale(config)
    return np.maximum(20 * np.log10(np.maximum(magnitude, 1e-12)), LOG_STFT_FLOOR_DB).astype(np.float32)


def mfcc(log_mels: np.ndarray, n_mfcc: int | None = None) -> np.ndarray:
    """MFCCs of log-mel spectrograms (DCT-II over the mel axis, as librosa): (..., n_mfcc, n_frames)."""
    n_mfcc = n_mfcc or log_mels.shape[-2]
    return scipy.fft.dct(log_mels, axis=-2, type=2, norm="ortho")[..., :n_mfcc, :].astype(np.float32)


CQT_FMIN = 32.70  # C1, below the lowest kick's body
CQT_BINS_PER_OCTAVE = 12
CQT_HOP = 512  # 11.6 ms at 44.1 kHz; the top octaves' filters are a few ms long, so an attack stays sharp
CQT_RANGE_DB = (-80.0, 30.0)  # librosa's scaled CQT magnitude of peak-normalised drums, mapped to [-1, 1]


def cqt_bins(sample_rate: int) -> int:
    """Bins of :func:`log_cqt`: whole octaves from :data:`CQT_FMIN` whose top bin lies below 0.45 times the rate
    (9 octaves, to 15.6 kHz, at 44.1 kHz)."""
    octaves = int(np.floor(np.log2(0.45 * sample_rate / CQT_FMIN)))
    return octaves * CQT_BINS_PER_OCTAVE


def log_cqt(waves: np.ndarray, sample_rate: int) -> np.ndarray:
    """Constant-Q log-magnitude of clips ``(n, samples)``, 12 bins an octave from 32.7 Hz, mapped from
    :data:`CQT_RANGE_DB` to [-1, 1]: ``(n, cqt_bins(sample_rate), samples // CQT_HOP)``. Its low bins are a
    semitone apart (3 Hz at 50 Hz, where a mel bin of the models' features is 60 Hz wide)."""
    waves = np.asarray(waves, np.float32)
    magnitude = np.abs(
        librosa.cqt(
            waves,
            sr=sample_rate,
            hop_length=CQT_HOP,
            fmin=CQT_FMIN,
            n_bins=cqt_bins(sample_rate),
            bins_per_octave=CQT_BINS_PER_OCTAVE,
        )
    )[..., : waves.shape[-1] // CQT_HOP]
    low, high = CQT_RANGE_DB
    db = np.clip(20 * np.log10(np.maximum(magnitude, 1e-12)), low, high)
    return ((2 * (db - low) / (high - low)) - 1).astype(np.float32)
