"""TensorBoard logs of a run, written with ``tf.summary`` into the run folder's ``logs/`` (:class:`RunFolder.logs`).

``train`` holds the loss history's scalars (and steps per second), ``previews`` each preview's mel image and
audio, ``evaluate`` the measures of each evaluation at the run's step. Training writes a step's scalars and
previews only once the checkpoint holding that step is written, so a resumed run goes on from where its logs
end: no step is logged twice, whatever stopped the run.
"""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path

import numpy as np

from ..backend import tf
from .folder import RunFolder

SKIPPED = ("step", "time")  # history columns that are not scalars to plot
_writers: dict = {}  # one summary writer (one event file) per log folder and process; None where it cannot write
_warned: set = set()  # the logs (a run's logs/) already warned of
_FAILURES = (tf.errors.OpError, OSError)


class LogWarning(UserWarning):
    """TensorBoard logs that cannot be written; what they would log is left out, and nothing else stops."""


def _writer(folder: Path):
    """``folder``'s summary writer, or None (with one :class:`LogWarning`) where the folder cannot be written."""
    key = str(folder)
    if key not in _writers:
        try:
            Path(folder).mkdir(parents=True, exist_ok=True)
            _writers[key] = tf.summary.create_file_writer(key)
        except _FAILURES as error:
            _give_up(folder, error)
    return _writers[key]


def _give_up(folder: Path, error: Exception) -> None:
    """Write no more to ``folder``; warn once for the logs that hold it (a run's ``logs/``)."""
    _writers[str(folder)] = None
    if str(Path(folder).parent) not in _warned:
        _warned.add(str(Path(folder).parent))
        reason = (getattr(error, "message", None) or getattr(error, "strerror", None) or str(error)).splitlines()[0]
        message = f"TensorBoard logs cannot be written to {folder} ({reason}); going on without them"
        warnings.warn(message, LogWarning, stacklevel=3)


@contextlib.contextmanager
def _writing(folder: Path):
    """Summaries written within the block go to ``folder``'s writer, flushed to disk at its end; where the folder
    cannot be written, they are left out (a :class:`LogWarning` says so once) and nothing else changes."""
    writer = _writer(folder)
    if writer is None:
        yield
        return
    try:
        with writer.as_default():
            yield
        writer.flush()
    except _FAILURES as error:
        _give_up(folder, error)


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
