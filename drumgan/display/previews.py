"""A training preview: a mel grid and the audio of fixed latents, saved beside the run's checkpoints."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..atomic import atomic_path
from ..data.audio import write_wav
from ..generation.sampling import generate_spectra
from .plots import plot_grid


def save_preview(run, step: int, n: int = 8, seed: int = 1234) -> Path:
    """A mel grid (PNG, four to a row, notebook width) and the audio (one WAV, samples in a row) from fixed latents."""
    import matplotlib.pyplot as plt

    config = run.codec.config
    spectra = generate_spectra(run, n, seed)
    fig = plot_grid(run.codec.to_log_mel(spectra), config, columns=4, vmin=config.log_floor_db, vmax=0)
    fig.suptitle(f"{run.name}: step {step}")
    png = run.folder.preview_path(step, ".png")
    with atomic_path(png) as tmp:
        fig.savefig(tmp, dpi=100)
    plt.close(fig)
    gap = np.zeros(config.sample_rate // 4, np.float32)
    audio = np.concatenate([part for wave in run.codec.to_audio(spectra) for part in (wave, gap)])
    write_wav(run.folder.preview_path(step, ".wav"), audio, config.sample_rate)
    return png
