"""From a trained run to log-mels, audio and WAV files; previews; nearest real neighbours."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .audio import write_wav
from .config import FeatureConfig
from .features import log_mel_to_audio


def generate_log_mels(run, n: int, seed: int = 0) -> np.ndarray:
    """``n`` generated log-mels (dB), ``(n, n_mels, n_frames)``, from fixed latents or seed frames."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return run.codec.decode(run.model.sample(n, seed))


def to_audio(log_mels: np.ndarray, config: FeatureConfig, n_iter: int | None = None, seed: int = 0) -> np.ndarray:
    """Griffin-Lim audio of log-mels, each peak-normalised like the real samples (silence stays silent)."""
    waves = log_mel_to_audio(log_mels, config, n_iter=n_iter, seed=seed)
    peaks = np.abs(waves).max(axis=-1, keepdims=True)
    return np.where(peaks > 0, waves / np.maximum(peaks, 1e-12), 0).astype(np.float32)


def write_wavs(waves: np.ndarray, out_dir, sample_rate: int, prefix: str = "drum") -> list[Path]:
    """One 16-bit PCM WAV per wave, ``out_dir/prefix_000.wav`` ...; returns the paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{prefix}_{i:03d}.wav" for i in range(len(waves))]
    for path, wave in zip(paths, waves):
        write_wav(path, wave, sample_rate)
    return paths


def generate_wavs(run, n: int, out_dir, seed: int = 0) -> list[Path]:
    """Generate ``n`` samples from ``run`` and write them as WAVs named after the run."""
    config = run.codec.config
    return write_wavs(to_audio(generate_log_mels(run, n, seed), config, seed=seed), out_dir, config.sample_rate, run.name)


def nearest_neighbours(queries: np.ndarray, references: np.ndarray, exclude_self: bool = False):
    """For each query, the closest reference and its RMS distance (both flattened, e.g. normalised log-mels).

    Args:
        queries, references: ``(n, ...)`` and ``(m, ...)`` arrays of the same item shape.
        exclude_self: queries and references are the same set; skip each item's match with itself.

    Returns:
        ``(index, distance)``, each of length ``n``.
    """
    q = np.asarray(queries, np.float64).reshape(len(queries), -1)
    r = np.asarray(references, np.float64).reshape(len(references), -1)
    squared = (q**2).sum(1)[:, None] + (r**2).sum(1)[None, :] - 2 * q @ r.T
    if exclude_self:
        np.fill_diagonal(squared, np.inf)
    index = squared.argmin(axis=1)
    distance = np.sqrt(np.maximum(squared[np.arange(len(q)), index], 0) / q.shape[1])
    return index, distance


def nearest_training(log_mels: np.ndarray, dataset) -> tuple[np.ndarray, np.ndarray]:
    """Each log-mel's closest training sample (dataset index) and RMS distance on normalised log-mel."""
    train = dataset.train_index
    index, distance = nearest_neighbours(dataset.normalizer.transform(log_mels), dataset.normalized(train))
    return train[index], distance


def memorisation_summary(log_mels: np.ndarray, dataset) -> dict:
    """Median nearest-training distance of generated samples, beside that of held-out real samples."""
    _, generated = nearest_training(log_mels, dataset)
    _, heldout = nearest_training(dataset.log_mels[dataset.test_index], dataset)
    return {"generated -> train (median)": float(np.median(generated)), "held-out real -> train (median)": float(np.median(heldout)),
            "generated closer than any held-out sample": int((generated < heldout.min()).sum())}


def save_preview(run, step: int, n: int = 8, seed: int = 1234) -> Path:
    """A mel grid (PNG) and the audio (one WAV, samples in a row) from the same fixed latents."""
    import matplotlib.pyplot as plt

    from .plots import plot_grid

    config = run.codec.config
    log_mels = generate_log_mels(run, n, seed)
    folder = run.dir / "previews"
    folder.mkdir(exist_ok=True)
    fig = plot_grid(log_mels, config, columns=n, vmin=config.log_floor_db, vmax=0)
    fig.suptitle(f"{run.name}: step {step}")
    fig.savefig(folder / f"step_{step:06d}.png", dpi=72)
    plt.close(fig)
    gap = np.zeros(config.sample_rate // 4, np.float32)
    audio = np.concatenate([part for wave in to_audio(log_mels, config, n_iter=16) for part in (wave, gap)])
    write_wav(folder / f"step_{step:06d}.wav", audio, config.sample_rate)
    return folder / f"step_{step:06d}.png"
