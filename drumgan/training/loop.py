"""The resumable training loop: the batches of each step, the ``tf.data`` pipeline and :func:`train`.

Training the same folder again resumes from its checkpoint and continues the same run: batches and
noise are drawn from the seed and the step, so the resumed run draws what the uninterrupted one would
have. Under a ``tf.distribute`` strategy (:mod:`drumgan.distribute`) each step's batch is split among the
replicas, the models are built in the strategy's scope, and only the chief writes the run folder: another
worker trains a copy of it in a temporary folder, so a run resumes on any number of replicas.
"""

from __future__ import annotations

import contextlib
import tempfile
import time

import numpy as np

from .. import distribute, precision
from ..backend import tf
from ..errors import RunError
from ..latents import one_hot
from ..settings import TrainSettings
from .callbacks import Previewer, ProgressBar, RunRecorder, TimeBudget
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


def batch_indices(n: int, batch_size: int, seed: int, start: int, stop: int, chunk: int = ORDER_CHUNK):
    """:func:`batch_order` of steps ``start`` to ``stop`` as a ``tf.data`` dataset of a row per step, drawn ``chunk``
    steps at a time: a run that only its time budget stops (``stop`` :data:`~drumgan.settings.UNLIMITED_STEPS`)
    needs no table of every step. Python runs once per chunk, not once per step."""

    def rows(first):
        last = min(stop, int(first) + chunk)
        return batch_order(n, batch_size, seed, int(first), last)

    def chunk_rows(first):
        table = tf.numpy_function(rows, [first], tf.int32, stateful=False)
        return tf.data.Dataset.from_tensor_slices(tf.ensure_shape(table, [None, batch_size]))

    return tf.data.Dataset.range(start, stop, chunk).flat_map(chunk_rows)


def clip_reader(run: Run, dataset):
    """``(read, shapes)``: ``read(positions)`` gives the training split's clips at ``positions`` as the model takes
    them (encoded by the run's codec) and, for a conditional run, their one-hot classes, read from the dataset a
    batch at a time; ``shapes`` is what each of those arrays holds per clip."""
    train, n_classes = run.train_rows(dataset), len(dataset.class_names)
    clip_shape = run.codec.encode(run.codec.read(dataset, train[:1])).shape[1:]

    def read(positions: np.ndarray):
        rows = train[positions]
        clips = run.codec.encode(run.codec.read(dataset, rows))
        return (clips, one_hot(dataset.labels[rows], n_classes)) if run.settings.conditional else (clips,)

    return read, [clip_shape, (n_classes,)] if run.settings.conditional else [clip_shape]


def pipeline(read, shapes, indices, next_frame: bool = False, share=None):
    """A prefetching ``tf.data`` pipeline of the batches whose indices ``indices`` gives (a dataset of a row per
    step, as from :func:`batch_indices`): ``read(indices)`` returns a batch's float32 arrays, one per entry of
    ``shapes`` (each array's shape per clip), as :func:`clip_reader` does; the LSTM gets next-frame targets.

    ``share = (first, count, replicas)``: each step's batch is cut into ``replicas`` equal parts and parts
    ``first`` to ``first + count`` (one worker's replicas) follow each other, as
    ``distribute_datasets_from_function`` hands them to that worker's devices in turn.

    The batches are read from the dataset :data:`READ_STEPS` steps' worth at a time (Python's cost paid once a
    read), one read and two batches ahead of training, so training holds a few dozen batches, not the dataset
    (``benchmarks/README.md``, change 10); autotuning is off because its thread held up the end of ``fit`` by up
    to 2.5 s (change 3).
    """
    if share is not None:
        first, count, replicas = share
        indices = indices.flat_map(
            lambda idx: tf.data.Dataset.from_tensor_slices(tf.reshape(idx, [replicas, -1])[first : first + count])
        )

    def load(steps):  # the batches of several steps in one read: Python runs once per READ_STEPS steps
        flat = tf.numpy_function(read, [tf.reshape(steps, [-1])], [tf.float32] * len(shapes), stateful=False)
        arrays = [tf.reshape(a, [-1, tf.shape(steps)[1], *shape]) for a, shape in zip(flat, shapes)]
        return tuple(arrays) if len(arrays) > 1 else arrays[0]

    batches = indices.batch(READ_STEPS).map(load).prefetch(1).unbatch()
    if next_frame:
        batches = batches.map(lambda seq: (seq[:, :-1], seq[:, 1:]))
    options = tf.data.Options()
    options.autotune.enabled = False
    return batches.prefetch(2).with_options(options)


def fit_steps(run: Run, dataset, start: int, stop: int, callbacks=()) -> None:
    """Train ``run.model`` from step ``start`` to ``stop`` on the rows of ``dataset`` it trains on, in one ``fit``."""
    read, shapes = clip_reader(run, dataset)
    fit_batches(run.model, run.settings, read, shapes, len(run.train_rows(dataset)), start, stop, callbacks)


def fit_batches(model, settings: TrainSettings, read, shapes, n: int, start: int, stop: int, callbacks=()) -> None:
    """Train ``model`` from step ``start`` to ``stop`` on batches of ``n`` clips that ``read`` gives (as in
    :func:`pipeline`), each replica of its strategy its part of each batch, in one ``fit``."""
    strategy = model.distribute_strategy  # the one it was built in
    replicas = strategy.num_replicas_in_sync

    def batches_of(share=None):
        indices = batch_indices(n, settings.batch_size, settings.seed, start, stop)
        return pipeline(read, shapes, indices, next_frame=settings.model == "lstm", share=share)

    def worker_batches(context):
        count = replicas // context.num_input_pipelines
        return batches_of((context.input_pipeline_id * count, count, replicas))

    batches = batches_of() if replicas == 1 else strategy.distribute_datasets_from_function(worker_batches)
    model.fit(batches, epochs=1, steps_per_epoch=stop - start, verbose=0, callbacks=list(callbacks), shuffle=False)


def train(
    run_dir,
    settings: TrainSettings,
    dataset=None,
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
            :func:`drumgan.data.dataset.prepare` of the default source.
        checkpoint_seconds: the longest time between checkpoints.
        preview: ``preview(run, step)``, called every ``preview_every`` steps.
        minutes: stop cleanly after this many minutes of training (checkpoint written), before
            ``settings.steps`` if need be; the same call later goes on from there.
        xla: compile the training step with XLA (``jit_compile``); it does not change what is trained.

    Returns:
        The :class:`Run`; its ``result`` is ``{"model", "step", "resumed_from", "seconds", "samples_per_second",
        "checkpoint", "stopped_by_time", "distribute", "replicas", "mixed_precision", "xla"}`` (``checkpoint`` None
        for a run of weights alone or a worker other than the chief; ``stopped_by_time`` True where ``minutes`` ran
        out first; ``distribute`` and ``replicas``: the strategy, :func:`drumgan.distribute.name`, and its
        replicas; ``mixed_precision``: :func:`drumgan.precision.mixed`; ``xla`` as asked).

    Raises:
        TrainingDiverged: a loss became NaN or infinite (the last good checkpoint is kept).
        RunError: ``run_dir`` holds a different run, is trained by another process, cannot be written, or is
            already past ``settings.steps``; or the batch is larger than the training set or does not split evenly
            among the replicas; or ``minutes`` is asked of several workers.
    """
    from ..data.dataset import prepare

    dataset = dataset if dataset is not None else prepare(config=settings.feature_config, progress=progress)
    if dataset.config != settings.feature_config:
        have, need = dataset.config, settings.feature_config
        raise RunError(
            f"the dataset holds {have.n_mels}x{have.n_frames} log-mels at {have.sample_rate} Hz, the settings need "
            f"{need.n_mels}x{need.n_frames} at {need.sample_rate} Hz: prepare it with config=settings.feature_config"
        )
    n_train = len(dataset.train_rows(settings.leave_out_unnamed))
    if settings.batch_size > n_train:
        left_out = " (the unnamed clips left out; --keep-unnamed keeps them)" if settings.leave_out_unnamed else ""
        raise RunError(
            f"--batch-size {settings.batch_size} is larger than the {n_train} training samples{left_out}; "
            f"use at most {n_train}"
        )
    strategy = distribute.strategy()
    replicas = strategy.num_replicas_in_sync
    if settings.batch_size % replicas:
        raise RunError(f"--batch-size {settings.batch_size} does not split evenly among {replicas} replicas")
    if minutes and distribute.name() == "multi-worker":
        raise RunError("--minutes cannot stop several workers at the same step; give --steps")
    chief = distribute.is_chief(strategy)
    with _writable_copy(run_dir, chief) as folder, folder.lock():
        with strategy.scope():
            run = Run.create(folder.path, settings, dataset)
        run.check_steps(settings.steps)
        run.model.jit_compile = xla
        budget = TimeBudget(60 * minutes) if minutes else None
        run.result = _fit(run, settings, dataset, checkpoint_seconds, preview, preview_every, progress, budget)
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
    recorder = RunRecorder(run.folder, history, checkpoint_seconds, log_every=max(1, min(10, settings.steps // 20)))
    callbacks = [recorder, ProgressBar(start, settings.steps, progress)]
    if preview and preview_every:
        callbacks.append(Previewer(lambda step: preview(run, step), preview_every))
    if budget is not None:
        callbacks.insert(0, budget)
    began = time.perf_counter()
    if start < settings.steps:
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
    }
