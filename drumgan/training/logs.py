"""TensorBoard logs of a run, written with ``tf.summary`` into the run folder's ``logs/`` (:class:`RunFolder.logs`).

``train`` holds the loss history's scalars (and steps per second), ``previews`` each preview's mel image and
audio, ``evaluate`` the measures of each evaluation at the run's step. Training writes a step's scalars and
previews only once the checkpoint holding that step is written, so a resumed run goes on from where its logs
end: no step is logged twice, whatever stopped the run.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from ..backend import tf
from .folder import RunFolder

SKIPPED = ("step", "time")  # history columns that are not scalars to plot
_writers: dict = {}  # one summary writer (one event file) per log folder and process


@contextlib.contextmanager
def _writing(folder: Path):
    """Summaries written within the block go to ``folder``'s writer, flushed to disk at its end."""
    key = str(folder)
    if key not in _writers:
        _writers[key] = tf.summary.create_file_writer(key)
    with _writers[key].as_default():
        yield
    _writers[key].flush()


def write_history(folder: RunFolder, rows: list[dict], previous: dict | None = None) -> None:
    """The scalars of history ``rows`` (``train/<column>`` at each row's step) and ``train/steps_per_second``
    between consecutive rows (``previous``: the row before the first, where there is one)."""
    if not rows:
        return
    with _writing(folder.logs("train")):
        for row in rows:
            for key, value in row.items():
                if key not in SKIPPED:
                    tf.summary.scalar(f"train/{key}", float(value), step=int(row["step"]))
            if previous is not None and row["time"] > previous["time"]:
                rate = (row["step"] - previous["step"]) / (row["time"] - previous["time"])
                tf.summary.scalar("train/steps_per_second", rate, step=int(row["step"]))
            previous = row


def write_previews(folder: RunFolder, steps: list[int]) -> None:
    """The preview image and audio (at the run's rate) of each of ``steps``, read back from ``previews/``."""
    import soundfile as sf

    if not steps:
        return
    with _writing(folder.logs("previews")):
        for step in steps:
            png = folder.preview_path(step, ".png")
            if png.exists():
                tf.summary.image("previews/mel", tf.io.decode_png(png.read_bytes())[None], step=step)
            wav = folder.preview_path(step, ".wav")
            if wav.exists():
                audio, rate = sf.read(wav, dtype="float32")
                tf.summary.audio("previews/audio", audio[None, :, None], rate, step=step)


def write_measures(log_dir: Path, step: int, measures: dict, prefix: str = "evaluate") -> None:
    """The numeric ``measures`` (``<prefix>/<name>``) at ``step`` into the log folder ``log_dir``: a run's evaluation
    (:meth:`RunFolder.logs` 'evaluate', at the run's step), or a point of a curve."""
    with _writing(log_dir):
        for name, value in measures.items():
            if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
                tf.summary.scalar(f"{prefix}/{name}", float(value), step=step)
