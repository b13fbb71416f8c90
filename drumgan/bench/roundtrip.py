"""How much audio the feature path loses: real -> features -> Griffin-Lim -> audio, measured."""

from __future__ import annotations

import dataclasses
import time

import numpy as np

from ..config import FeatureConfig
from ..features import inverse, spectral

TARGETS = {"spectral_convergence": 0.2, "log_spectral_distance_db": 2.0, "seconds_per_64": 2.0}
"""What the default audio path is held to on real held-out drums (each at most this)."""


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


def onset_rise_ms(waves: np.ndarray, config: FeatureConfig) -> float:
    """The median onset rise time of ``waves`` in ms (:func:`drumgan.evaluation.hearing.onset_ms`)."""
    from ..evaluation.hearing import onset_ms, to_audio_rate

    return float(np.median(onset_ms(to_audio_rate(waves, config.sample_rate))))


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
        Rows ``{"path", "spectral_convergence", "lsd_db", "onset_ms", "real_onset_ms", "n", "length",
        "sample_rate"}``; ``length`` is the reconstructed length in samples (always ``config.n_samples``),
        ``onset_ms`` the median rise time of the reconstructions (:func:`onset_rise_ms`), ``real_onset_ms``
        that of ``waves``.
    """
    reference, real_rise = spectral.stft_magnitude(waves, config), onset_rise_ms(waves, config)
    rows = []
    for name, audio in reconstructions(waves, config, n_mfccs, n_iter).items():
        estimate = spectral.stft_magnitude(audio, config)
        rows.append(
            {
                "path": name,
                "spectral_convergence": float(spectral_convergence(reference, estimate).mean()),
                "lsd_db": float(log_spectral_distance(reference, estimate).mean()),
                "onset_ms": onset_rise_ms(audio, config),
                "real_onset_ms": real_rise,
                "n": int(len(waves)),
                "length": int(audio.shape[-1]),
                "sample_rate": config.sample_rate,
            }
        )
    return rows


def options(config: FeatureConfig) -> dict[str, tuple[str, object]]:
    """The audio paths compared by :func:`compare`: name -> (what the model would learn, ``waves -> waves``).

    The first is the default: the log-mel of ``config`` through the mel inverse and Griffin-Lim, as everything
    drumgan generates is heard. The others change one thing: more mel bins or frames, more Griffin-Lim
    iterations, the linear STFT magnitude (SpecGAN's own representation), which loses only the phase, or the
    log-STFT feature a ``--feature stft`` run learns (that magnitude in dB, floored, without the Nyquist bin).
    """

    def log_mel_path(chosen: FeatureConfig, n_iter: int):
        return lambda waves: inverse.log_mel_to_audio(spectral.log_mel(waves, chosen), chosen, n_iter=n_iter)

    def stft_path(n_iter: int):
        return lambda waves: inverse.griffin_lim(spectral.stft_magnitude(waves, config), config, n_iter=n_iter)

    def log_stft_path(n_iter: int):
        def path(waves):
            magnitude = inverse.log_stft_to_magnitude(spectral.log_stft(waves, config), config)
            return inverse.griffin_lim(magnitude, config, n_iter=n_iter)

        return path

    gl = config.griffin_lim_iters
    more_bins = dataclasses.replace(config, n_mels=2 * config.n_mels)
    finer = dataclasses.replace(config, n_mels=4 * config.n_mels, hop_length=config.hop_length // 2)
    bins, frames = config.n_fft // 2 + 1, config.n_frames
    return {
        f"log-mel {config.n_mels}, Griffin-Lim {gl}": (f"{config.n_mels} x {frames}", log_mel_path(config, gl)),
        f"log-mel {config.n_mels}, Griffin-Lim 100": (f"{config.n_mels} x {frames}", log_mel_path(config, 100)),
        f"log-mel {more_bins.n_mels}, Griffin-Lim {gl}": (
            f"{more_bins.n_mels} x {more_bins.n_frames}",
            log_mel_path(more_bins, gl),
        ),
        f"log-mel {finer.n_mels}, hop {finer.hop_length}, Griffin-Lim {gl}": (
            f"{finer.n_mels} x {finer.n_frames}",
            log_mel_path(finer, gl),
        ),
        f"STFT magnitude, Griffin-Lim {gl}": (f"{bins} x {frames}", stft_path(gl)),
        f"log-STFT (--feature stft), Griffin-Lim {gl}": (f"{config.n_stft_bins} x {frames}", log_stft_path(gl)),
        "STFT magnitude, Griffin-Lim 100": (f"{bins} x {frames}", stft_path(100)),
    }


def compare(waves: np.ndarray, config: FeatureConfig) -> dict[str, dict]:
    """Each of :func:`options` on ``waves``, measured against their STFT magnitude at ``config``'s FFT and hop:
    ``{"default": {...}, name: {...}, ...}``, each ``{"representation", "spectral_convergence",
    "log_spectral_distance_db", "seconds_per_64", "onset_ms", "real_onset_ms", "n"}``; ``default`` also names its
    option and whether it meets :data:`TARGETS` (``meets``). ``onset_ms`` is the median rise time of the clips
    (:func:`drumgan.evaluation.hearing.onset_ms`), ``real_onset_ms`` that of the real clips."""
    reference, real_rise = spectral.stft_magnitude(waves, config), onset_rise_ms(waves, config)
    results = {}
    for name, (representation, path) in options(config).items():
        began = time.perf_counter()
        audio = path(waves)
        seconds = time.perf_counter() - began
        estimate = spectral.stft_magnitude(audio, config)
        results[name] = {
            "representation": representation,
            "spectral_convergence": float(spectral_convergence(reference, estimate).mean()),
            "log_spectral_distance_db": float(log_spectral_distance(reference, estimate).mean()),
            "seconds_per_64": seconds * 64 / len(waves),
            "onset_ms": onset_rise_ms(audio, config),
            "real_onset_ms": real_rise,
            "n": int(len(waves)),
        }
    name = next(iter(results))
    default = results[name]
    meets = all(default[key] <= limit for key, limit in TARGETS.items())
    return {"default": {"option": name, **default, "meets": meets}, **results}
