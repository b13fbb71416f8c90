"""Inline audio players: grids of ipywidgets ``Audio`` widgets with a title above each."""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from ..data.audio import wav_bytes
from ..evaluation.neighbours import nearest_training
from ..features.inverse import to_audio


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
        items += [
            (f"generated {i}", waves[i]),
            (f"nearest real: {dataset.describe(j)} (d = {d:.2f})", dataset.waves[j]),
        ]
    return player_grid(items, dataset.config.sample_rate, columns=columns)


def nearest_real_grid(log_mels: np.ndarray, dataset, columns: int = 4) -> widgets.GridBox:
    """Generated log-mels as audio, each beside its nearest real training sample (:func:`neighbour_grid`)."""
    nearest, distances = nearest_training(log_mels, dataset)
    return neighbour_grid(to_audio(log_mels, dataset.config), nearest, distances, dataset, columns)


def class_grid(sets: dict, predicted: dict, class_names, sample_rate: int) -> widgets.GridBox:
    """One row per named set and one column per class: the set's first wave the classifier puts in that class.

    Args:
        sets: name -> waves ``(n, n_samples)``.
        predicted: name -> predicted class index of each wave.
    """
    cells = [widgets.HTML("")] + [widgets.HTML(f"<b>{html.escape(c)}</b>") for c in class_names]
    for name, waves in sets.items():
        cells.append(widgets.HTML(f"<small>{html.escape(name)}</small>"))
        for k in range(len(class_names)):
            found = np.flatnonzero(np.asarray(predicted[name]) == k)
            cells.append(
                audio_player(waves[found[0]], sample_rate) if len(found) else widgets.HTML("<small>none</small>")
            )
    layout = widgets.Layout(grid_template_columns=f"auto repeat({len(class_names)}, 1fr)", grid_gap="4px 8px")
    return widgets.GridBox(cells, layout=layout)
