"""The demo: real held-out drums, their round trip through the features and a small kit from each trained run,
as WAVs, one mel-grid PNG and one self-contained HTML page, to compare by ear."""

from __future__ import annotations

import base64
import html

from ..atomic import atomic_path, writable_folder, write_text_atomically
from ..data.audio import write_wavs
from ..features.inverse import to_audio
from ..features.spectral import log_mel
from ..generation.sampling import generate_clips

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>drumgan demo</title>
<style>body {{ font-family: sans-serif; max-width: 1000px; margin: 1em auto; }} img {{ max-width: 100%; }}</style>
</head><body>
<h1>drumgan demo</h1>
<p>{real}{n} generated drums from each trained run (fixed latents, seed {seed}); the mel spectrograms are
below.</p>
{sections}
<h2>Mel spectrograms</h2>
<img alt="mel spectrograms of every clip above" src="data:image/png;base64,{png}">
</body></html>
"""


def make_demo(runs, out_dir, n: int = 8, seed: int = 0, real=None) -> dict:
    """Write ``n`` clips of each run (``out_dir/RUN/RUN_000.wav`` ...), ``mels.png`` and ``index.html``; first,
    where ``real`` clips are given (at the first run's config), those (``real/``) and their round trip through the
    log-mel and its inverse (``round_trip/``), the most a run's clips can sound like them.

    The page holds its players' audio and the figure as data URIs, so it opens offline on its own.

    Returns:
        ``{"wavs": [paths], "png": path, "html": path}``.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .players import player_grid
    from .plots import plot_grid

    out_dir = writable_folder(out_dir, "--out")
    config = runs[0].codec.config
    made = []  # (name, heading, log-mels, waves, rate)
    if real is not None:
        real_mels = log_mel(real, config)
        made.append(("real", "real held-out drums", real_mels, real, config.sample_rate))
        made.append(
            (
                "round_trip",
                "their round trip: log-mel, then back",
                real_mels,
                to_audio(real_mels, config),
                config.sample_rate,
            )
        )
    for run in runs:
        log_mels, waves = generate_clips(run, n, seed)
        heading = f"{run.name}: {run.settings.model}, step {run.step}"
        made.append((run.name, heading, log_mels, waves, run.codec.config.sample_rate))
    wavs, sections, images, titles = [], [], [], []
    for name, heading, log_mels, waves, rate in made:
        wavs += write_wavs(waves, out_dir / name, rate, name)
        players = player_grid([(f"{name} {i}", wave) for i, wave in enumerate(waves)], rate, columns=4)
        sections.append(f"<h2>{html.escape(heading)}</h2>\n{players._repr_html_()}")
        images += list(log_mels)
        titles += [f"{name} {i}" for i in range(len(waves))]
    fig = plot_grid(images, config, titles=titles, columns=4, vmin=config.log_floor_db, vmax=0)
    png = out_dir / "mels.png"
    with atomic_path(png) as tmp:
        fig.savefig(tmp, dpi=100, format="png")
    plt.close(fig)
    compare = f"{len(real)} real held-out drums and their round trip, then " if real is not None else ""
    page = PAGE.format(
        real=compare,
        n=n,
        seed=seed,
        sections="\n".join(sections),
        png=base64.b64encode(png.read_bytes()).decode("ascii"),
    )
    index = out_dir / "index.html"
    write_text_atomically(index, page)
    return {"wavs": [str(p) for p in wavs], "png": str(png), "html": str(index)}
