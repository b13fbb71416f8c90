"""The resumable training loop: the batches of each step, read ahead in a Python thread, and :func:`train`.

Training the same folder again resumes from its checkpoint and continues the same run: batches and
noise are drawn from the seed and the step, so the resumed run draws what the uninterrupted one would
have. Under a ``tf.distribute`` strategy (:mod:`drumgan.distribute`) each step's batch is split among the
replicas, the models are built in the strategy's scope, and only the chief writes the run folder: another
worker trains a copy of it in a temporary folder, so a run resumes on any number of replicas.
"""

from __future__ import annotations

import contextlib
import itertools
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .. import distribute, precision, signals
from ..backend import keras
from ..errors import RunError
from ..latents import one_hot
from ..settings import TrainSettings
from .callbacks import Previewer, ProgressBar, RunRecorder, SignalStop, TimeBudget
from .folder import RunFolder
from .run import Run

ORDER_CHUNK = 4096  # steps whose batches are drawn at a time
READ_STEPS = 16  # steps whose batches are read from the dataset at a time


def batch_order(n: int, batch_size: int, seed: int, start: int, stop: int) -> np.ndarray:
    """Indices of the batches for steps ``start`` to ``stop``: epochs of seeded permutations of ``n``."""
    first, last = start * batch_size, stop * batch_size
    epochs = range(first // n, (last - 1) // n + 1)
    flat = np.concatenate([np.random.default_rng([seed, e]).permutation(n) for e in epochs])
    offset = first - epochs[0] * n
    return flat[offset : offset + last - first].reshape(stop - start, batch_size).astype(np.int32)


def batch_steps(n: int, batch_size: int, seed: int, start: int, stop: int, chunk: int = ORDER_CHUNK):
    """:func:`batch_order` of steps ``start`` to ``stop``, a step's row at a time, drawn ``chunk`` steps at a time: a
    run that only its time budget stops (``stop`` :data:`~drumgan.settings.UNLIMITED_STEPS`) needs no table of
    every step."""
    for first in range(start, stop, chunk):
        yield from batch_order(n, batch_size, seed, first, min(stop, first + chunk))


def clip_reader(run: Run, dataset):
    """``read(positions)``: the training split's clips at ``positions`` as the model takes them (encoded by the run's
    codec) and, for a conditional run, their one-hot classes, and for a timbre-conditioned one their timbre
    percentiles, read from the dataset a batch at a time."""
    train, n_classes = run.train_rows(dataset), len(dataset.class_names)

    def read(positions: np.ndarray):
        rows = train[positions]
        clips = run.codec.encode(run.codec.read(dataset, rows))
        classes = (one_hot(dataset.labels[rows], n_classes),) if run.settings.conditional else ()
        timbre = (run.timbre.percentiles[positions],) if run.timbre is not None else ()
        return (clips, *classes, *timbre)

    return read


def read_batches(read, steps, next_frame: bool = False, share=None):
    """The batches of ``steps`` (rows of clip positions, as from :func:`batch_steps`), each a tuple of float32
    arrays as ``read(positions)`` returns them (:func:`clip_reader`); the LSTM gets ``(frames, next frames)``.

    The batches are read :data:`READ_STEPS` steps' worth at a time (Python's cost paid once a read), the next read
    in a Python thread while the steps of the last one train, so training holds a few dozen batches, not the
    dataset. Nothing runs behind TensorFlow's back: an early stop (a time budget, a signal, an error) leaves at
    most one read to finish, which the thread does without waiting on anyone, so the process always exits.

    ``share = (first, count, replicas)``: each step's batch is cut into ``replicas`` equal parts and only parts
    ``first`` to ``first + count`` (one worker's replicas) are read.
    """

    def load(rows):
        rows = np.stack(rows)
        if share is not None:
            first, count, replicas = share
            part = rows.shape[1] // replicas
            rows = rows[:, first * part : (first + count) * part]
        arrays = read(rows.reshape(-1))
        arrays = [a.reshape(len(rows), -1, *a.shape[1:]) for a in arrays]
        return [tuple(a[i] for a in arrays) for i in range(len(rows))]

    steps = iter(steps)
    groups = iter(lambda: list(itertools.islice(steps, READ_STEPS)), [])  # READ_STEPS steps' rows at a time
    with ThreadPoolExecutor(1, thread_name_prefix="drumgan-read") as reader:
        pending = None
        for group in groups:
            ahead = reader.submit(load, group)  # read while the steps of the last read train
            if pending is not None:
                yield from _batches(pending.result(), next_frame)
            pending = ahead
        if pending is not None:
            yield from _batches(pending.result(), next_frame)


def _batches(batches, next_frame: bool):
    for batch in batches:
        yield (batch[0][:, :-1], batch[0][:, 1:]) if next_frame else batch if len(batch) > 1 else batch[0]


def fit_steps(run: Run, dataset, start: int, stop: int, callbacks=()) -> None:
    """Train ``run.model`` from step ``start`` to ``stop`` on the rows of ``dataset`` it trains on."""
    read = clip_reader(run, dataset)
    fit_batches(run.model, run.settings, read, len(run.train_rows(dataset)), start, stop, callbacks)


def fit_batches(model, settings: TrainSettings, read, n: int, start: int, stop: int, callbacks=()) -> None:
    """Train ``model`` from step ``start`` to ``stop`` on batches of ``n`` clips that ``read`` gives (as in
    :func:`read_batches`), each replica of its strategy its part of each batch, calling Keras ``callbacks`` as
    ``fit`` does; a callback stops training early by setting ``model.stop_training``."""
    strategy = model.distribute_strategy  # the one it was built in
    replicas = strategy.num_replicas_in_sync
    share = distribute.input_share(strategy)
    steps = batch_steps(n, settings.batch_size, settings.seed, start, stop)
    callbacks = keras.callbacks.CallbackList(list(callbacks), model=model)
    model.make_train_function()
    model.stop_training = False
    model.reset_metrics()
    callbacks.on_train_begin()
    logs = None
    with contextlib.closing(read_batches(read, steps, next_frame=settings.model == "lstm", share=share)) as batches:
        for batch, data in enumerate(batches):
            callbacks.on_train_batch_begin(batch)
            if replicas > 1:
                data = distribute.per_replica(strategy, data, share)
            logs = model.train_function([data])
            callbacks.on_train_batch_end(batch, logs)
            if model.stop_training:
                break
    callbacks.on_train_end(logs)


def train(
    run_dir,
    settings: TrainSettings,
    dataset=None,
    source=None,
    checkpoint_seconds: float = 60.0,
    preview=None,
    preview_every: int = 0,
    progress: bool = True,
    minutes: float | None = None,
    xla: bool = False,
) -> Run:
    """Train (or resume) the run in ``run_dir`` up to ``settings.steps`` steps.

    Args:
        run_dir: the run folder; created if new, resumed if it holds a checkpoint.
        settings: from :meth:`TrainSettings.for_model`.
        dataset: a :class:`drumgan.data.dataset.DrumDataset` with the settings' feature config; default
            :func:`drumgan.data.preparation.prepare` of ``source`` (a folder or list of them; None: the default
            source), made only once the run folder is locked and a run already there is checked.
        checkpoint_seconds: the longest time between checkpoints.
        preview: ``preview(run, step)``, called every ``preview_every`` steps.
        minutes: stop cleanly after this many minutes of training (checkpoint written), before
            ``settings.steps`` if need be; the same call later goes on from there.
        xla: compile the training step with XLA (``jit_compile``); it does not change what is trained.

    Returns:
        The :class:`Run`; its ``result`` is ``{"model", "step", "resumed_from", "seconds", "samples_per_second",
        "checkpoint", "stopped_by_time", "stopped_by_signal", "distribute", "replicas", "mixed_precision", "xla"}``
        (``checkpoint`` None for a run of weights alone or a worker other than the chief; ``stopped_by_time`` True
        where ``minutes`` ran out first; ``stopped_by_signal`` 'SIGINT' or 'SIGTERM' where one stopped training
        after its step under way (a checkpoint written at the stop; a second SIGINT stops at once), else None;
        ``distribute`` and ``replicas``: the strategy, :func:`drumgan.distribute.name`, and its replicas;
        ``mixed_precision``: :func:`drumgan.precision.mixed`; ``xla`` as asked).

    Raises:
        TrainingDiverged: a loss became NaN or infinite (the last good checkpoint is kept).
        RunError: ``run_dir`` holds a different run, is trained by another process, cannot be written, or is
            already past ``settings.steps``; or the batch is larger than the training set or does not split evenly
            among the replicas; or ``minutes`` is asked of several workers.
    """
    from ..data.preparation import prepare

    strategy = distribute.strategy()
    replicas = strategy.num_replicas_in_sync
    if settings.batch_size % replicas:
        raise RunError(f"--batch-size {settings.batch_size} does not split evenly among {replicas} replicas")
    if minutes and distribute.name() == "multi-worker":
        raise RunError("--minutes cannot stop several workers at the same step; give --steps")

    def get_dataset():
        return dataset if dataset is not None else prepare(source, config=settings.feature_config, progress=progress)

    chief = distribute.is_chief(strategy)
    with _writable_copy(run_dir, chief) as folder, folder.lock():
        with strategy.scope():
            run, data = Run.open(folder.path, settings, get_dataset)
        run.model.jit_compile = xla
        budget = TimeBudget(60 * minutes) if minutes else None
        run.result = _fit(run, settings, data, checkpoint_seconds, preview, preview_every, progress, budget)
        run.result.update(distribute=distribute.name(), replicas=replicas, mixed_precision=precision.mixed(), xla=xla)
        if not chief:
            run.result["checkpoint"] = None
    return run


@contextlib.contextmanager
def _writable_copy(run_dir, chief: bool):
    """The run folder the chief trains in, ``run_dir``; for another worker, a temporary copy of it (the chief's
    files as they are now), removed at the end."""
    if chief:
        yield RunFolder(run_dir)
        return
    with tempfile.TemporaryDirectory(prefix="drumgan-worker-") as scratch:
        yield RunFolder(run_dir).copy_to(scratch)


def _fit(
    run: Run, settings: TrainSettings, dataset, checkpoint_seconds, preview, preview_every, progress, budget
) -> dict:
    """Train the opened ``run`` to ``settings.steps``; returns the result that :func:`train` reports."""
    run.save_steps(settings.steps)
    start = run.step
    if settings.model == "lstm" and start == 0:  # the bank of real first frames it generates from
        chunks = run.codec.read_chunks(dataset, run.train_rows(dataset))
        run.model.seed_frames.assign(np.concatenate([run.codec.encode(chunk)[:, 0, :] for chunk in chunks]))
    history = [row for row in run.history() if row["step"] <= start]
    log_every = max(1, min(10, settings.steps // 20))
    recorder = RunRecorder(run.folder, history, checkpoint_seconds, log_every=log_every, logged_to=start)
    stop = SignalStop()
    callbacks = [stop, recorder, ProgressBar(start, settings.steps, progress)]
    if preview and preview_every:  # before the recorder, which logs the previews up to each checkpoint
        callbacks.insert(1, Previewer(lambda step: preview(run, step), preview_every))
    if budget is not None:
        callbacks.insert(0, budget)
    began = time.perf_counter()
    if start < settings.steps:
        if start:
            run.record_code()
        with signals.requests_to_stop(stop.request):
            fit_steps(run, dataset, start, settings.steps, callbacks)
        recorder.raise_if_diverged()
    seconds = time.perf_counter() - began
    done = run.step - start
    return {
        "model": settings.model,
        "step": run.step,
        "resumed_from": start if start > 0 else None,
        "seconds": round(seconds, 3),
        "samples_per_second": round(done * settings.samples_per_step / seconds, 2) if done else 0.0,
        "checkpoint": str(run.folder.checkpoint) if run.folder.checkpoint.exists() else None,
        "stopped_by_time": bool(budget and budget.reached),
        "stopped_by_signal": stop.signal,
    }
