"""Inline audio players: grids of ipywidgets ``Audio`` widgets with a title above each."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from .audio import wav_bytes


def audio_player(wave: np.ndarray, sample_rate: int) -> widgets.Audio:
    """One player holding ``wave`` as a 16-bit WAV."""
    return widgets.Audio(value=wav_bytes(wave, sample_rate), format="wav", autoplay=False, loop=False, controls=True)


def player_grid(items, sample_rate: int, columns: int = 4) -> widgets.GridBox:
    """A grid of titled players.

    Args:
        items: ``(title, wave)`` pairs, laid out row by row.
        sample_rate: of every wave.
        columns: players per row.
    """
    cells = [
        widgets.VBox([widgets.HTML(f"<small>{html.escape(title)}</small>"), audio_player(wave, sample_rate)])
        for title, wave in items
    ]
    layout = widgets.Layout(grid_template_columns=f"repeat({columns}, 1fr)", grid_gap="4px 12px")
    return widgets.GridBox(cells, layout=layout)


def neighbour_grid(waves, nearest, distances, dataset, columns: int = 4) -> widgets.GridBox:
    """Each generated wave beside its nearest real training sample (to hear memorisation)."""
    items = []
    for i, (j, d) in enumerate(zip(nearest, distances)):
        items += [(f"generated {i}", waves[i]), (f"nearest real: {dataset.describe(j)} (d = {d:.2f})", dataset.waves[j])]
    return player_grid(items, dataset.config.sample_rate, columns=columns)
