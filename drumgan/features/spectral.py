"""Analysis: waves to magnitude spectrograms, log-mels and MFCCs (the way back is :mod:`.inverse`).

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
    """The (n_mels, 1 + n_fft // 2) mel filter bank."""
    return librosa.filters.mel(
        sr=config.sample_rate, n_fft=config.n_fft, n_mels=config.n_mels, fmin=config.fmin, fmax=config.fmax
    )


def stft_magnitude(waves: np.ndarray, config: FeatureConfig) -> np.ndarray:
    """|STFT| with the config's FFT and hop: (..., 1 + n_fft // 2, n_frames)."""
    spec = librosa.stft(np.asarray(waves, dtype=np.float32), n_fft=config.n_fft, hop_length=config.hop_length)
    return np.abs(spec[..., : config.n_frames])


def log_mel(waves: np.ndarray, config: FeatureConfig) -> np.ndarray:
    """Log-mel power spectrogram in dB, floored at ``log_floor_db``: (..., n_mels, n_frames)."""
    power = np.einsum("mf,...ft->...mt", mel_basis(config), stft_magnitude(waves, config) ** 2)
    floor = 10 ** (config.log_floor_db / 10)
    return (10 * np.log10(np.maximum(power, floor))).astype(np.float32)


def mfcc(log_mels: np.ndarray, n_mfcc: int | None = None) -> np.ndarray:
    """MFCCs of log-mel spectrograms (DCT-II over the mel axis, as librosa): (..., n_mfcc, n_frames)."""
    n_mfcc = n_mfcc or log_mels.shape[-2]
    return scipy.fft.dct(log_mels, axis=-2, type=2, norm="ortho")[..., :n_mfcc, :].astype(np.float32)
