"""Inline audio players: HTML tables of ``<audio>`` elements holding their audio as a data URI, in Ogg Vorbis
(:func:`~drumgan.data.audio.player_bytes`, a seventh of a WAV's size, so that a notebook of players stays light).

Plain HTML rather than widgets, so that a committed notebook plays before any kernel starts, untrusted
in JupyterLab or exported by nbconvert and opened offline: JupyterLab's sanitiser keeps ``<audio>``,
``<table>`` and the few styles used here, and nothing loads a script.
"""

from __future__ import annotations

import base64
import html

import numpy as np

from ..data.audio import PLAYER_MIME, player_bytes
from ..evaluation.neighbours import nearest_clips
from ..features.inverse import to_audio

TABLE_STYLE = "width: 100%; table-layout: fixed; border-collapse: collapse"
CELL_STYLE = "padding: 2px 6px; vertical-align: bottom; text-align: left"
AUDIO_STYLE = "width: 100%"


class PlayerTable:
    """A table of titled players; displays itself as HTML in a notebook (``_repr_html_``).

    Attributes:
        rows: the table's cells row by row; a cell is ``(title, wave)``, or ``(title, None)`` for text alone.
        sample_rate: of every wave.
        header: column titles, or None.
    """

    def __init__(self, rows: list[list[tuple]], sample_rate: int, header: list[str] | None = None):
        self.rows, self.sample_rate, self.header = rows, sample_rate, header

    def __repr__(self) -> str:  # the text a notebook keeps beside the HTML
        return f"PlayerTable({len(self.waves)} players in {len(self.rows)} rows)"

    @property
    def waves(self) -> list[np.ndarray]:
        """Every wave in the table, row by row."""
        return [wave for row in self.rows for _, wave in row if wave is not None]

    def _cell(self, title: str, wave: np.ndarray | None, tag: str = "td") -> str:
        text = f'<div style="font-size: 12px; overflow-wrap: anywhere">{html.escape(title)}</div>'
        if wave is not None:
            data = base64.b64encode(player_bytes(wave, self.sample_rate)).decode("ascii")
            source = f"data:{PLAYER_MIME};base64,{data}"
            text += f'<audio controls preload="metadata" style="{AUDIO_STYLE}" src="{source}"></audio>'
        return f'<{tag} style="{CELL_STYLE}">{text}</{tag}>'

    def _repr_html_(self) -> str:
        lines = [f'<table style="{TABLE_STYLE}">']
        if self.header:
            lines.append("<tr>" + "".join(self._cell(title, None, "th") for title in self.header) + "</tr>")
        lines += ["<tr>" + "".join(self._cell(title, wave) for title, wave in row) + "</tr>" for row in self.rows]
        return "\n".join(lines + ["</table>"])


def _rows(items: list, columns: int) -> list[list]:
    return [items[i : i + columns] for i in range(0, len(items), columns)]


def player_grid(items, sample_rate: int, columns: int = 4) -> PlayerTable:
    """A grid of titled players.

    Args:
        items: ``(title, wave)`` pairs, laid out row by row.
        sample_rate: of every wave.
        columns: players per row.
    """
    return PlayerTable(_rows(list(items), columns), sample_rate)


def neighbour_grid(waves, nearest, distances, dataset, pairs_per_row: int = 2) -> PlayerTable:
    """Each generated wave beside its nearest real training sample (to hear memorisation), in one row."""
    items = []
    for i, (j, d) in enumerate(zip(nearest, distances)):
        items += [
            (f"generated {i}", waves[i]),
            (f"nearest real: {dataset.describe(j)} (d = {d:.2f})", dataset.waves[j]),
        ]
    return player_grid(items, dataset.config.sample_rate, columns=2 * pairs_per_row)


def nearest_real_grid(log_mels: np.ndarray, dataset, pairs_per_row: int = 2, waves=None) -> PlayerTable:
    """Generated log-mels as audio, each beside its nearest real training sample (:func:`neighbour_grid`);
    ``waves`` is their audio where the run made it otherwise (a log-STFT run: ``Codec.to_audio``)."""
    nearest, distances = nearest_clips(log_mels, dataset)
    waves = to_audio(log_mels, dataset.config) if waves is None else waves
    return neighbour_grid(waves, nearest, distances, dataset, pairs_per_row)


def class_grid(sets: dict, predicted: dict, class_names, sample_rate: int, columns: int = 4) -> PlayerTable:
    """For each named set, one player per class: the set's first wave the classifier puts in that class.

    Each set takes whole rows of ``columns`` cells, the classes in the same order, so a class keeps its
    place from set to set; a class the set has no wave of is a text cell ("none").

    Args:
        sets: name -> waves ``(n, n_samples)``.
        predicted: name -> predicted class index of each wave.
    """
    rows = []
    for name, waves in sets.items():
        cells = []
        for k, label in enumerate(class_names):
            found = np.flatnonzero(np.asarray(predicted[name]) == k)
            cells.append((f"{name} · {label}", waves[found[0]]) if len(found) else (f"{name} · {label}: none", None))
        rows += _rows(cells, columns)
    return PlayerTable(rows, sample_rate)
