"""The demo: a small kit from each trained run as WAVs, one mel-grid PNG and one self-contained HTML page."""

from __future__ import annotations

import base64
import html

from ..atomic import atomic_path, writable_folder, write_text_atomically
from ..data.audio import write_wavs
from ..generation.sampling import generate_clips

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>drumgan demo</title>
<style>body {{ font-family: sans-serif; max-width: 1000px; margin: 1em auto; }} img {{ max-width: 100%; }}</style>
</head><body>
<h1>drumgan demo</h1>
<p>{n} generated drums from each trained run (fixed latents, seed {seed}); the mel spectrograms are below.</p>
{sections}
<h2>Mel spectrograms</h2>
<img alt="mel spectrograms of every clip above" src="data:image/png;base64,{png}">
</body></html>
"""


def make_demo(runs, out_dir, n: int = 8, seed: int = 0) -> dict:
    """Write ``n`` clips of each run (``out_dir/RUN/RUN_000.wav`` ...), ``mels.png`` and ``index.html``.

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
    wavs, sections, images, titles = [], [], [], []
    for run in runs:
        log_mels, waves = generate_clips(run, n, seed)
        rate = run.codec.config.sample_rate
        wavs += write_wavs(waves, out_dir / run.name, rate, run.name)
        players = player_grid([(f"{run.name} {i}", wave) for i, wave in enumerate(waves)], rate, columns=4)
        heading = f"{run.name}: {run.settings.model}, step {run.step}"
        sections.append(f"<h2>{html.escape(heading)}</h2>\n{players._repr_html_()}")
        images += list(log_mels)
        titles += [f"{run.name} {i}" for i in range(n)]
    config = runs[0].codec.config
    fig = plot_grid(images, config, titles=titles, columns=4, vmin=config.log_floor_db, vmax=0)
    png = out_dir / "mels.png"
    with atomic_path(png) as tmp:
        fig.savefig(tmp, dpi=100, format="png")
    plt.close(fig)
    page = PAGE.format(
        n=n, seed=seed, sections="\n".join(sections), png=base64.b64encode(png.read_bytes()).decode("ascii")
    )
    index = out_dir / "index.html"
    write_text_atomically(index, page)
    return {"wavs": [str(p) for p in wavs], "png": str(png), "html": str(index)}
