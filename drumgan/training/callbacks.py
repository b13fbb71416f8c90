"""Keras callbacks for a training run: checkpoints with loss history and TensorBoard logs, previews, a progress bar."""

from __future__ import annotations

import math
import time

from ..backend import keras
from ..errors import TrainingDiverged
from ..settings import UNLIMITED_STEPS
from . import logs
from .checkpoint import save_checkpoint, step_of
from .folder import RunFolder


class RunRecorder(keras.callbacks.Callback):
    """Loss history and checkpoints, written together so that they always agree.

    Every ``log_every`` steps the models' loss trackers are read into the history and reset (each
    row is the mean over its window). A checkpoint (``checkpoint.npz`` and ``history.csv``) is
    written at least every ``checkpoint_seconds`` and at the end. A non-finite loss stops training
    before anything is written and is raised as :class:`TrainingDiverged` by :meth:`raise_if_diverged`.
    """

    def __init__(
        self,
        folder: RunFolder,
        history: list[dict],
        checkpoint_seconds: float = 60.0,
        log_every: int = 10,
        logged_to: int = 0,
    ):
        super().__init__()
        self.folder, self.history = folder, history
        self.checkpoint_seconds, self.log_every = checkpoint_seconds, log_every
        self.logged_to, self.last_logged = logged_to, None  # the last step (and row) in the TensorBoard logs
        self.diverged: str | None = None

    def on_train_begin(self, logs=None):
        self.last_save = time.monotonic()

    def on_train_batch_end(self, batch, logs=None):
        values = {k: float(v) for k, v in (logs or {}).items()}
        bad = {k: v for k, v in values.items() if not math.isfinite(v)}
        step = step_of(self.model)
        if bad:
            self.diverged = f"{', '.join(f'{k} = {v}' for k, v in bad.items())} at step {step}"
            self.model.stop_training = True
            return
        if step % self.log_every == 0:
            self.history.append({"step": step, "time": round(time.time(), 3), **values})
            for metric in self.model.metrics:
                metric.reset_state()
        if time.monotonic() - self.last_save >= self.checkpoint_seconds:
            self.save()

    def on_train_end(self, logs=None):
        if not self.diverged:
            self.save()

    def save(self) -> None:
        """The checkpoint, then the history and the TensorBoard logs up to its step (a step logged is never logged
        again: a resumed run starts after the checkpoint's step)."""
        saved_step = save_checkpoint(self.folder.checkpoint, self.model)
        self.folder.write_history([row for row in self.history if row["step"] <= saved_step])
        rows = [row for row in self.history if self.logged_to < row["step"] <= saved_step]
        logs.write_history(self.folder, rows, self.last_logged)  # speed from this process's rows alone
        logs.write_previews(self.folder, [s for s in self.folder.preview_steps() if self.logged_to < s <= saved_step])
        self.logged_to, self.last_logged = saved_step, rows[-1] if rows else self.last_logged
        self.last_save = time.monotonic()

    def raise_if_diverged(self) -> None:
        if self.diverged:
            last = self.folder.checkpoint_step()
            kept = (
                f"the last good checkpoint (step {last}) is intact" if last is not None else "no checkpoint was written"
            )
            raise TrainingDiverged(f"training stopped: {self.diverged}; {kept} in {self.folder.path}")


class TimeBudget(keras.callbacks.Callback):
    """Stops training cleanly (after the step under way) once ``seconds`` of training have passed."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds, self.reached = seconds, False

    def on_train_begin(self, logs=None):
        self.began = time.monotonic()

    def on_train_batch_end(self, batch, logs=None):
        if time.monotonic() - self.began >= self.seconds:
            self.reached = self.model.stop_training = True


class SignalStop(keras.callbacks.Callback):
    """Stops training cleanly (after the step under way) once :meth:`request` is called with a signal's name, as
    :func:`drumgan.signals.requests_to_stop` calls it; ``signal`` is that name (None: not asked)."""

    def __init__(self):
        super().__init__()
        self.signal: str | None = None

    def request(self, name: str) -> None:
        self.signal = name

    def on_train_batch_end(self, batch, logs=None):
        if self.signal:
            self.model.stop_training = True


class Previewer(keras.callbacks.Callback):
    """Calls ``render(step)`` every ``every`` steps (previews from fixed latents)."""

    def __init__(self, render, every: int):
        super().__init__()
        self.render, self.every = render, every

    def on_train_batch_end(self, batch, logs=None):
        step = step_of(self.model)
        if self.every and step % self.every == 0:
            self.render(step)


class ProgressBar(keras.callbacks.Callback):
    """A tqdm bar over the run's steps (starting where a resumed run left off), losses as postfix; a count of
    steps where only a time budget stops the run."""

    def __init__(self, start: int, stop: int, enabled: bool = True):
        super().__init__()
        self.start, self.stop, self.enabled = start, stop, enabled

    def on_train_begin(self, logs=None):
        from tqdm.auto import tqdm

        total = None if self.stop >= UNLIMITED_STEPS else self.stop
        self.bar = tqdm(total=total, initial=self.start, unit="step", disable=not self.enabled)

    def on_train_batch_end(self, batch, logs=None):
        self.bar.update(1)
        if batch % 10 == 0:
            self.bar.set_postfix({k: f"{float(v):.3g}" for k, v in (logs or {}).items()}, refresh=False)

    def on_train_end(self, logs=None):
        self.bar.close()
