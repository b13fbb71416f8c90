"""From a trained run to log-mels, audio and WAV files, and the previews written during training."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .atomic import atomic_path
from .data.audio import write_wav, write_wavs
from .features.inverse import to_audio


def generate_log_mels(run, n: int, seed: int = 0) -> np.ndarray:
    """``n`` generated log-mels (dB), ``(n, n_mels, n_frames)``, from fixed latents or seed frames."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    return run.codec.decode(run.model.sample(n, seed))


def generate_waves(run, n: int, seed: int = 0) -> np.ndarray:
    """``n`` generated samples as peak-normalised audio ``(n, n_samples)`` (Griffin-Lim with ``seed``)."""
    return to_audio(generate_log_mels(run, n, seed), run.codec.config, seed=seed)


def generate_wavs(run, n: int, out_dir, seed: int = 0) -> list[Path]:
    """Generate ``n`` samples from ``run`` and write them as WAVs named after the run."""
    return write_wavs(generate_waves(run, n, seed), out_dir, run.codec.config.sample_rate, run.name)


def save_preview(run, step: int, n: int = 8, seed: int = 1234) -> Path:
    """A mel grid (PNG, four to a row, notebook width) and the audio (one WAV, samples in a row) from fixed latents."""
    import matplotlib.pyplot as plt

    from .display.plots import plot_grid

    config = run.codec.config
    log_mels = generate_log_mels(run, n, seed)
    fig = plot_grid(log_mels, config, columns=4, vmin=config.log_floor_db, vmax=0)
    fig.suptitle(f"{run.name}: step {step}")
    png = run.folder.preview_path(step, ".png")
    with atomic_path(png) as tmp:
        fig.savefig(tmp, dpi=100)
    plt.close(fig)
    gap = np.zeros(config.sample_rate // 4, np.float32)
    audio = np.concatenate([part for wave in to_audio(log_mels, config, n_iter=16) for part in (wave, gap)])
    with atomic_path(run.folder.preview_path(step, ".wav")) as tmp:
        write_wav(tmp, audio, config.sample_rate)
    return png
