"""The way back: log-mels and MFCCs to magnitude spectrograms, and magnitudes to audio (Griffin-Lim).

Every function takes the same :class:`~drumgan.config.FeatureConfig` as the analysis in
:mod:`.spectral`, so a round trip keeps the sample rate, hop and exact length:
``(..., n_mels, n_frames)`` -> ``(..., n_samples)``.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache

import numpy as np
import scipy.fft
import scipy.signal
import scipy.sparse

from ..config import FeatureConfig
from .spectral import LOG_STFT_FLOOR_DB, mel_basis, stft_scale


def mfcc_to_log_mel(mfccs: np.ndarray, n_mels: int) -> np.ndarray:
    """Invert :func:`mfcc`: the higher coefficients that were dropped are taken as zero."""
    padded = np.zeros(mfccs.shape[:-2] + (n_mels, mfccs.shape[-1]), dtype=np.float32)
    padded[..., : mfccs.shape[-2], :] = mfccs
    return scipy.fft.idct(padded, axis=-2, type=2, norm="ortho").astype(np.float32)


def _frames(waves: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """Centred, zero-padded frames ``(..., n_frames, n_fft)`` of ``waves`` (``n_fft`` a multiple of ``hop``)."""
    padded = np.pad(waves, [(0, 0)] * (waves.ndim - 1) + [(n_fft // 2, n_fft // 2)])
    blocks = padded[..., : padded.shape[-1] // hop * hop].reshape(*waves.shape[:-1], -1, hop)
    per_frame, n_frames = n_fft // hop, 1 + waves.shape[-1] // hop
    return np.concatenate([blocks[..., k : k + n_frames, :] for k in range(per_frame)], axis=-1)


def _overlap_add(frames: np.ndarray, hop: int, length: int) -> np.ndarray:
    """Sum of frames ``(..., n_frames, n_fft)`` placed every ``hop`` samples, centre-trimmed to ``length``."""
    n_frames, n_fft = frames.shape[-2:]
    per_frame = n_fft // hop
    out = np.zeros(frames.shape[:-2] + (n_frames + per_frame - 1, hop), frames.dtype)
    for k in range(per_frame):
        out[..., k : k + n_frames, :] += frames[..., k * hop : (k + 1) * hop]
    out = out.reshape(*frames.shape[:-2], -1)
    return out[..., n_fft // 2 : n_fft // 2 + length]


CLIPS_PER_TASK = 4
"""Clips a thread inverts at a time: their spectra stay in the core's cache, where one slice of the batch per core
did not (``benchmarks/inverse_speed.py`` times both)."""


def _per_core(function, *batches: np.ndarray) -> np.ndarray:
    """``function(*chunks)`` on :data:`CLIPS_PER_TASK` clips at a time of the batches' leading axes, on a thread
    per core (numpy and scipy release the GIL in their array loops), joined again. Every batch has shape
    (..., a, b)."""
    flats = [batch.reshape(-1, *batch.shape[-2:]) for batch in batches]
    tasks = [slice(i, i + CLIPS_PER_TASK) for i in range(0, len(flats[0]), CLIPS_PER_TASK)]
    cores = min(len(tasks), os.cpu_count() or 1)
    if cores <= 1:
        out = np.concatenate([function(*(flat[rows] for flat in flats)) for rows in tasks])
    else:
        with ThreadPoolExecutor(cores) as pool:
            out = np.concatenate(list(pool.map(lambda rows: function(*(flat[rows] for flat in flats)), tasks)))
    return out.reshape(batches[0].shape[:-2] + out.shape[1:])


def griffin_lim(
    magnitude: np.ndarray, config: FeatureConfig, n_iter: int | None = None, seed: int = 0, onset_aligned: bool = True
) -> np.ndarray:
    """Audio from |STFT| frames: (..., 1 + n_fft // 2, n_frames) -> (..., n_samples).

    librosa's fast Griffin-Lim (momentum 0.99, Hann window, centred frames) from :func:`onset_phases` (from random
    phases alone where not ``onset_aligned``), computed with ``scipy.fft`` for a slice of the batch per CPU core.
    The centred STFT of ``n_samples`` has one frame more than the features keep; it is taken as silent (every
    sample ends faded out or zero-padded).
    """
    n_iter = config.griffin_lim_iters if n_iter is None else n_iter
    magnitude = np.pad(np.asarray(magnitude, np.float32), [(0, 0)] * (magnitude.ndim - 1) + [(0, 1)])
    phases = onset_phases(magnitude.shape, config, seed, onset_aligned)
    # frames on the FFT's outer axis: (..., frames, bins)
    return _per_core(
        lambda m, p: _griffin_lim_frames(m, p, config, n_iter),
        np.swapaxes(magnitude, -1, -2),
        np.swapaxes(phases, -1, -2),
    )


def onset_phases(shape: tuple, config: FeatureConfig, seed: int = 0, aligned: bool = True) -> np.ndarray:
    """Griffin-Lim's first phases ``(..., bins, frames)``: random (from ``seed``, as librosa draws them) but in the
    first frame, which holds the phase of an impulse at the clip's onset.

    Every clip starts at its onset, ``preroll_ms`` in (the analysis trims what comes before), so the attack's
    phase is known: every bin in phase there. Griffin-Lim from random phases alone spreads the attack over the
    window (5 ms of rise at 44.1 kHz where real drums take 2 to 4); from these it stays sharp, while the random
    phases of the later frames give the tail its noise.
    """
    rng = np.random.RandomState(seed)
    angles = 2 * np.pi * rng.random_sample(size=shape)
    onset = round(config.sample_rate * config.preroll_ms / 1000)
    bins = np.arange(shape[-2])
    if aligned:  # frames start n_fft / 2 before the sample they centre on
        angles[..., 0] = -2 * np.pi * bins * (onset + config.n_fft // 2) / config.n_fft
    return np.exp(1j * angles).astype(np.complex64)


def _griffin_lim_frames(spectrum_of: np.ndarray, phases: np.ndarray, config: FeatureConfig, n_iter: int) -> np.ndarray:
    """Griffin-Lim on (batch, frames, bins) magnitudes from initial ``phases`` -> (batch, n_samples)."""
    n_fft, hop, length = config.n_fft, config.hop_length, config.n_samples
    window = scipy.signal.get_window("hann", n_fft, fftbins=True).astype(np.float32)
    norm = _overlap_add(np.broadcast_to(window**2, (spectrum_of.shape[-2], n_fft)).copy(), hop, length)
    norm = np.where(norm > np.finfo(np.float32).tiny, norm, 1.0)

    def inverse(spectrum):
        frames = scipy.fft.irfft(spectrum, n=n_fft, axis=-1)
        frames *= window
        return _overlap_add(frames, hop, length) / norm

    def forward(waves):
        frames = _frames(waves, n_fft, hop)
        frames *= window
        return scipy.fft.rfft(frames, axis=-1, overwrite_x=True)

    angles = phases * spectrum_of
    previous, beta = None, 0.99 / (1 + 0.99)
    for _ in range(n_iter):
        rebuilt = forward(inverse(angles))
        angles = rebuilt - beta * previous if previous is not None else rebuilt.copy()
        scale = np.abs(angles)
        scale += np.finfo(np.float32).tiny
        np.divide(spectrum_of, scale, out=scale)
        angles *= scale
        previous = rebuilt
    return inverse(angles).astype(np.float32)


def log_mel_to_magnitude(log_mels: np.ndarray, config: FeatureConfig, n_iter: int = 10) -> np.ndarray:
    """Approximate |STFT| from log-mel dB: the non-negative power spectrum whose mel bands match best.

    Non-negative least squares on the (sparse) mel filter bank by accelerated projected gradient
    (FISTA), ``n_iter`` steps from the clipped pseudo-inverse, all frames of a slice of the batch at
    once, a slice per CPU core.
    """
    return _per_core(lambda chunk: _nnls_magnitude(chunk, config, n_iter), np.asarray(log_mels, dtype=np.float32))


def _nnls_magnitude(log_mels: np.ndarray, config: FeatureConfig, n_iter: int) -> np.ndarray:
    """FISTA for (batch, n_mels, n_frames) log-mels -> (batch, 1 + n_fft // 2, n_frames) magnitudes: the STFT's own
    low rows (``config.n_linear_bins``) are copied, and the mel bands, which share no bin with them, fitted."""
    low = config.n_linear_bins
    basis, pinv, step = _mel_inverse(config)
    power = np.moveaxis(10 ** (log_mels / 10), -2, 0).reshape(config.n_mels, -1)  # all frames side by side
    bands = power[low:]
    x = np.clip(pinv @ bands, 0, None)
    y, t = x, 1.0
    for _ in range(n_iter):
        x_next = np.clip(y - step * (basis.T @ (basis @ y - bands)), 0, None)
        t_next = (1 + np.sqrt(1 + 4 * t * t)) / 2
        y, x, t = x_next + (t - 1) / t_next * (x_next - x), x_next, t_next
    x[1 : 1 + low] = power[:low]
    linear = np.moveaxis(x.reshape((-1,) + log_mels.shape[:-2] + log_mels.shape[-1:]), 0, -2)
    return np.sqrt(linear).astype(np.float32)


@lru_cache(maxsize=8)
def _mel_inverse(config: FeatureConfig):
    """The mel bands of the filter bank (below its ``n_linear_bins`` rows) as a sparse matrix, their
    pseudo-inverse and the gradient step 1 / ||M||^2."""
    basis = mel_basis(config)[config.n_linear_bins :]
    return (
        scipy.sparse.csr_array(basis),
        np.linalg.pinv(basis).astype(np.float32),
        float(1 / np.linalg.norm(basis, 2) ** 2),
    )


def log_mel_to_audio(
    log_mels: np.ndarray, config: FeatureConfig, n_iter: int | None = None, seed: int = 0, onset_aligned: bool = True
) -> np.ndarray:
    """Audio from log-mel dB: non-negative least squares to a linear spectrogram, then Griffin-Lim at the same hop."""
    return griffin_lim(log_mel_to_magnitude(log_mels, config), config, n_iter, seed, onset_aligned)


def mfcc_to_audio(mfccs: np.ndarray, config: FeatureConfig, n_iter: int | None = None, seed: int = 0) -> np.ndarray:
    """Audio from MFCCs, through the log-mel they came from."""
    return log_mel_to_audio(mfcc_to_log_mel(mfccs, config.n_mels), config, n_iter=n_iter, seed=seed)


def log_stft_to_magnitude(log_stfts: np.ndarray, config: FeatureConfig) -> np.ndarray:
    """|STFT| ``(..., 1 + n_fft // 2, n_frames)`` of log-STFTs (:func:`~.spectral.log_stft`): bins at the floor
    and the Nyquist bin silent."""
    log_stfts = np.asarray(log_stfts, np.float32)
    magnitude = np.where(log_stfts > LOG_STFT_FLOOR_DB + 1e-3, 10 ** (log_stfts / 20) * stft_scale(config), 0)
    pad = [(0, 0)] * (magnitude.ndim - 2) + [(0, 1 + config.n_fft // 2 - magnitude.shape[-2]), (0, 0)]
    return np.pad(magnitude, pad).astype(np.float32)


def log_stft_to_audio(
    log_stfts: np.ndarray, config: FeatureConfig, n_iter: int | None = None, seed: int = 0
) -> np.ndarray:
    """Audio from log-STFT dB: Griffin-Lim on its magnitudes, peak-normalised (only the phase is to be found)."""
    return peak_normalised(griffin_lim(log_stft_to_magnitude(log_stfts, config), config, n_iter=n_iter, seed=seed))


def to_audio(log_mels: np.ndarray, config: FeatureConfig, n_iter: int | None = None, seed: int = 0) -> np.ndarray:
    """Griffin-Lim audio of log-mels, each peak-normalised like the real samples (silence stays silent)."""
    return peak_normalised(log_mel_to_audio(log_mels, config, n_iter=n_iter, seed=seed))


def peak_normalised(waves: np.ndarray) -> np.ndarray:
    """Each wave scaled to a peak of 1, like the real samples (silence stays silent)."""
    peaks = np.abs(waves).max(axis=-1, keepdims=True)
    return np.where(peaks > 0, waves / np.maximum(peaks, 1e-12), 0).astype(np.float32)
