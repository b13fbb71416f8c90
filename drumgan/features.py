"""Log-mel and MFCC features, SpecGAN per-bin normalisation, and the inverse path back to audio.

Every function takes the one :class:`~drumgan.config.FeatureConfig`, so analysis and
resynthesis share the sample rate, FFT size and hop, and a round trip keeps the exact length.
Arrays may carry leading batch dimensions: ``(..., n_samples)`` <-> ``(..., n_mels, n_frames)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import librosa
import numpy as np
import scipy.fft

from .config import FeatureConfig


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


def mfcc_to_log_mel(mfccs: np.ndarray, n_mels: int) -> np.ndarray:
    """Invert :func:`mfcc`: the higher coefficients that were dropped are taken as zero."""
    padded = np.zeros(mfccs.shape[:-2] + (n_mels, mfccs.shape[-1]), dtype=np.float32)
    padded[..., : mfccs.shape[-2], :] = mfccs
    return scipy.fft.idct(padded, axis=-2, type=2, norm="ortho").astype(np.float32)


def griffin_lim(magnitude: np.ndarray, config: FeatureConfig, n_iter: int | None = None, seed: int = 0) -> np.ndarray:
    """Audio from |STFT| frames: (..., 1 + n_fft // 2, n_frames) -> (..., n_samples).

    The centred STFT of ``n_samples`` has one frame more than the features keep; it is taken
    as silent (every sample ends faded out or zero-padded).
    """
    pad = [(0, 0)] * (magnitude.ndim - 1) + [(0, 1)]
    return librosa.griffinlim(
        np.pad(magnitude, pad),
        n_iter=config.griffin_lim_iters if n_iter is None else n_iter,
        hop_length=config.hop_length,
        n_fft=config.n_fft,
        length=config.n_samples,
        random_state=seed,
    ).astype(np.float32)


def log_mel_to_magnitude(log_mels: np.ndarray, config: FeatureConfig) -> np.ndarray:
    """Approximate |STFT| from log-mel dB by non-negative least squares on the mel filter bank."""
    log_mels = np.asarray(log_mels, dtype=np.float32)
    power = 10 ** (log_mels / 10)
    frames = np.moveaxis(power, -2, 0).reshape(config.n_mels, -1)  # all frames side by side
    linear = librosa.util.nnls(mel_basis(config), frames)
    linear = np.moveaxis(linear.reshape((-1,) + power.shape[:-2] + power.shape[-1:]), 0, -2)
    return np.sqrt(np.maximum(linear, 0)).astype(np.float32)


def log_mel_to_audio(log_mels: np.ndarray, config: FeatureConfig, n_iter: int | None = None, seed: int = 0) -> np.ndarray:
    """Audio from log-mel dB: NNLS to a linear spectrogram, then Griffin-Lim at the analysis hop."""
    return griffin_lim(log_mel_to_magnitude(log_mels, config), config, n_iter=n_iter, seed=seed)


def mfcc_to_audio(mfccs: np.ndarray, config: FeatureConfig, n_iter: int | None = None, seed: int = 0) -> np.ndarray:
    """Audio from MFCCs, through the log-mel they came from."""
    return log_mel_to_audio(mfcc_to_log_mel(mfccs, config.n_mels), config, n_iter=n_iter, seed=seed)


@dataclass(frozen=True)
class Normalizer:
    """SpecGAN normalisation: per-bin ``(x - mean) / (scale * std)``, clipped to [-1, 1].

    ``mean`` and ``std`` have one value per feature bin (mel bin or MFCC coefficient), fitted
    over every frame of the training split.
    """

    mean: np.ndarray
    std: np.ndarray
    scale: float = 3.0

    @classmethod
    def fit(cls, features: np.ndarray, scale: float = 3.0) -> "Normalizer":
        """Fit on ``(n_examples, n_bins, n_frames)`` features."""
        if features.ndim != 3 or len(features) == 0:
            raise ValueError(f"expected a non-empty (examples, bins, frames) array, got shape {features.shape}")
        per_bin = np.moveaxis(features, 1, 0).reshape(features.shape[1], -1).astype(np.float64)
        std = np.maximum(per_bin.std(axis=1), 1e-3)  # a constant bin would divide by zero
        return cls(per_bin.mean(axis=1).astype(np.float32), std.astype(np.float32), float(scale))

    def transform(self, features: np.ndarray) -> np.ndarray:
        """Features -> [-1, 1]."""
        z = (features - self.mean[:, None]) / (self.scale * self.std[:, None])
        return np.clip(z, -1.0, 1.0).astype(np.float32)

    def inverse(self, normalized: np.ndarray) -> np.ndarray:
        """[-1, 1] -> features (exact for values the clip did not touch)."""
        return (np.asarray(normalized) * self.scale * self.std[:, None] + self.mean[:, None]).astype(np.float32)
