"""How much audio the feature path loses: real -> features -> Griffin-Lim -> audio, measured."""

from __future__ import annotations

import numpy as np

from ..config import FeatureConfig
from . import inverse, spectral


def spectral_convergence(reference: np.ndarray, estimate: np.ndarray) -> np.ndarray:
    """``||S - S_hat||_F / ||S||_F`` of magnitude spectrograms, per example (0 is perfect)."""
    diff = np.linalg.norm(reference - estimate, axis=(-2, -1))
    return diff / np.maximum(np.linalg.norm(reference, axis=(-2, -1)), 1e-12)


def log_spectral_distance(reference: np.ndarray, estimate: np.ndarray, range_db: float = 80.0) -> np.ndarray:
    """Log-spectral distance in dB per example: RMS over bins of the dB difference, averaged over frames.

    Both spectrograms are floored ``range_db`` below the reference's peak (the range the log-mel
    features keep), so near-silent bins do not dominate with arbitrary ratios.
    """
    peak = np.max(reference, axis=(-2, -1), keepdims=True)
    floor = np.maximum(peak, 1e-12) * 10 ** (-range_db / 20)
    db = 20 * np.log10(np.maximum(reference, floor) / np.maximum(estimate, floor))
    return np.sqrt((db**2).mean(axis=-2)).mean(axis=-1)


def reconstructions(
    waves: np.ndarray, config: FeatureConfig, n_mfccs=(40, 20, 13), n_iter=None
) -> dict[str, np.ndarray]:
    """Each inversion path applied to ``waves``: {path name: reconstructed waves}.

    ``stft magnitude`` inverts the full linear spectrogram (it loses only the phase), so it
    separates Griffin-Lim's own error from what the mel and MFCC compressions lose.
    """
    logmel = spectral.log_mel(waves, config)
    out = {
        "stft magnitude": inverse.griffin_lim(spectral.stft_magnitude(waves, config), config, n_iter=n_iter),
        f"log-mel ({config.n_mels} bins)": inverse.log_mel_to_audio(logmel, config, n_iter=n_iter),
    }
    for n in n_mfccs:
        out[f"mfcc ({n} coefficients)"] = inverse.mfcc_to_audio(spectral.mfcc(logmel, n), config, n_iter=n_iter)
    return out


def measure(waves: np.ndarray, config: FeatureConfig, n_mfccs=(40, 20, 13), n_iter=None) -> list[dict]:
    """The round-trip table: one row per inversion path, with mean spectral convergence and LSD.

    Returns:
        Rows ``{"path", "spectral_convergence", "lsd_db", "n", "length", "sample_rate"}``;
        ``length`` is the reconstructed length in samples (always ``config.n_samples``).
    """
    reference = spectral.stft_magnitude(waves, config)
    rows = []
    for name, audio in reconstructions(waves, config, n_mfccs, n_iter).items():
        estimate = spectral.stft_magnitude(audio, config)
        rows.append(
            {
                "path": name,
                "spectral_convergence": float(spectral_convergence(reference, estimate).mean()),
                "lsd_db": float(log_spectral_distance(reference, estimate).mean()),
                "n": int(len(waves)),
                "length": int(audio.shape[-1]),
                "sample_rate": config.sample_rate,
            }
        )
    return rows
