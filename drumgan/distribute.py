"""Where training runs: one device, mirrored over this machine's devices, or several worker processes
(``tf.distribute``), and the CPU split into logical devices so that the mirrored path runs without GPUs.

TensorFlow fixes its devices and its collective ops at its first operation, so what must come before it (the
CPU split, a multi-worker strategy) is read from the environment when :mod:`drumgan.backend` starts TensorFlow:
``DRUMGAN_CPU_DEVICES`` and ``DRUMGAN_DISTRIBUTE``. :func:`request` sets them (the command line's
``--cpu-devices`` and ``--distribute``) and refuses a change once TensorFlow has started. Several workers read
their cluster from ``TF_CONFIG``, as TensorFlow's own multi-worker training does.

Imports no TensorFlow at the top: :mod:`drumgan.backend` calls :func:`start` while it imports TensorFlow.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np

from .errors import RunError

STRATEGIES = ("none", "mirrored", "multi-worker")
CPU_DEVICES_VAR, DISTRIBUTE_VAR = "DRUMGAN_CPU_DEVICES", "DRUMGAN_DISTRIBUTE"

_state: dict = {}  # what start() chose: "name", "cpu_devices" and, once made, "strategy"


def _cluster_workers() -> int:
    """The number of tasks in ``TF_CONFIG``'s cluster (0 without one)."""
    try:
        cluster = json.loads(os.environ.get("TF_CONFIG") or "{}").get("cluster", {})
        return sum(len(tasks) for tasks in cluster.values())
    except (ValueError, AttributeError, TypeError):
        return 0


def _cpu_devices_asked() -> int:
    text = os.environ.get(CPU_DEVICES_VAR, "")
    try:
        n = int(text) if text else 1
    except ValueError:
        n = 0
    if n < 1:
        raise RunError(f"{CPU_DEVICES_VAR}={text!r}: give a whole number of at least 1")
    return n


def _name_asked(gpus: int, cpu_devices: int) -> str:
    """The strategy named in the environment, else what the machine offers: several workers where ``TF_CONFIG``
    names a cluster of more than one, mirrored where there are several GPUs or logical CPUs, else none."""
    name, workers = os.environ.get(DISTRIBUTE_VAR) or None, _cluster_workers()
    if name is not None and name not in STRATEGIES:
        raise RunError(f"{DISTRIBUTE_VAR}={name!r}: choose one of {', '.join(STRATEGIES)}")
    if name is None:
        name = "multi-worker" if workers > 1 else "mirrored" if max(gpus, cpu_devices) > 1 else "none"
    if name == "multi-worker" and workers < 1:
        raise RunError("--distribute multi-worker needs TF_CONFIG naming the cluster and this worker (docs/SCALING.md)")
    return name


def start(tf) -> None:
    """Split the CPU and make a multi-worker strategy as the environment asks: called by :mod:`drumgan.backend`
    after importing TensorFlow and before its first operation (once per process).

    Raises:
        RunError: TensorFlow was started by something else before drumgan could split it or make the strategy.
    """
    if "name" in _state:
        return
    cpu_devices = _cpu_devices_asked()
    name = _name_asked(len(tf.config.list_physical_devices("GPU")), cpu_devices)
    try:
        if cpu_devices > 1:
            cpu = tf.config.list_physical_devices("CPU")[0]
            tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * cpu_devices)
        made = _multi_worker_strategy(tf) if name == "multi-worker" else None
    except RuntimeError as error:
        raise RunError(
            f"TensorFlow was started before drumgan could set it up ({error}); import drumgan first"
        ) from None
    _state.update(name=name, cpu_devices=cpu_devices)
    if made is not None:
        _state["strategy"] = made


def request(distribute: str | None = None, cpu_devices: int | None = None) -> None:
    """Ask for a strategy and a CPU split before TensorFlow starts (None: leave as the environment says).

    Raises:
        RunError: TensorFlow has already started with another choice (in a notebook: restart the kernel).
    """
    if "drumgan.backend" not in sys.modules:
        if distribute is not None:
            os.environ[DISTRIBUTE_VAR] = distribute
        if cpu_devices is not None:
            os.environ[CPU_DEVICES_VAR] = str(cpu_devices)
        return
    started = (
        (distribute, _state["name"], DISTRIBUTE_VAR, f"--distribute {_state['name']}"),
        (cpu_devices, _state["cpu_devices"], CPU_DEVICES_VAR, f"{_state['cpu_devices']} CPU device(s)"),
    )
    for asked, has, variable, what in started:
        if asked is not None and asked != has:
            raise RunError(
                f"TensorFlow has started with {what}; set {variable}={asked} before it starts "
                "(in a notebook: before the first drumgan import, then restart the kernel)"
            )


def _multi_worker_strategy(tf):
    class MultiWorker(tf.distribute.MultiWorkerMirroredStrategy):
        """``MultiWorkerMirroredStrategy`` whose ``reduce`` takes what Keras 3.15's ``fit`` hands it: a nest of
        values (its first batch) and scalars reduced along axis 0 (its logs). Both fail in the strategy itself."""

        def reduce(self, reduce_op, value, axis):
            def one(v):
                rank = getattr(getattr(v, "shape", None), "rank", None)
                return super(MultiWorker, self).reduce(reduce_op, v, None if rank == 0 else axis)

            return tf.nest.map_structure(one, value)

    return MultiWorker()


def strategy():
    """This process's ``tf.distribute`` strategy (made once): the default one-device strategy for 'none',
    ``MirroredStrategy`` over the GPUs (else the logical CPUs) for 'mirrored', the multi-worker one."""
    from .backend import tf

    if "strategy" not in _state:
        if _state["name"] == "mirrored":
            devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
            _state["strategy"] = tf.distribute.MirroredStrategy([d.name for d in devices])
        else:
            _state["strategy"] = tf.distribute.get_strategy()
    return _state["strategy"]


def name() -> str:
    """'none', 'mirrored' or 'multi-worker': what this process trains with."""
    from . import backend  # noqa: F401  (starts TensorFlow, which fixes the choice)

    return _state["name"]


def replicas(chosen=None) -> int:
    """Replicas that share each global batch."""
    return (chosen or strategy()).num_replicas_in_sync


def is_chief(chosen=None) -> bool:
    """Whether this process writes the run (the only one, or the multi-worker cluster's chief)."""
    return bool((chosen or strategy()).extended.should_checkpoint)


def replica_rows(batch):
    """``(first, total)``: in a replica's step, its ``batch`` clips are rows ``first`` to ``first + batch`` of the
    global batch of ``total``; ``(0, batch)`` on one device. Random draws made for ``total`` rows and sliced so
    give every replica what one device would draw for the global batch."""
    from .backend import tf

    context = tf.distribute.get_replica_context()
    if context is None:  # cross-replica context: one call sees the whole batch
        return 0, batch
    return context.replica_id_in_sync_group * batch, context.num_replicas_in_sync * batch


def draw_rows(draw, batch, rows=None):
    """``draw(n)`` (random values for ``n`` clips, along the first axis) for ``batch`` clips that are the rows
    ``rows = (first, total)`` of a larger batch (:func:`replica_rows`): that batch's draw, sliced; None: all."""
    if rows is None:
        return draw(batch)
    first, total = rows
    return draw(total)[first : first + batch]


def replica_draw(draw, batch):
    """:func:`draw_rows` for this replica's ``batch`` clips of the global batch."""
    return draw_rows(draw, batch, replica_rows(batch))


def input_share(chosen=None) -> tuple[int, int, int] | None:
    """``(first, count, replicas)``: this process feeds replicas ``first`` to ``first + count`` of ``replicas``
    (its own devices); None on one device."""
    chosen = chosen or strategy()
    replicas = chosen.num_replicas_in_sync
    if replicas == 1:
        return None
    local = len(chosen.extended.worker_devices)
    task = getattr(chosen.cluster_resolver, "task_id", None) or 0
    return task * local, local, replicas


def per_replica(chosen, batch, share):
    """``batch`` (a tuple of arrays, this process's replicas' parts of a global batch in turn, as
    :func:`input_share` gives them) as a distributed value: each replica of ``chosen`` its part, on its device."""
    from .backend import tf

    first, count, _ = share

    def part(context):
        i = context.replica_id_in_sync_group - first
        return tf.nest.map_structure(lambda a: tf.constant(np.split(a, count)[i]), batch)

    return chosen.experimental_distribute_values_from_function(part)


def loss_share(loss):
    """A replica's share of a loss averaged over its clips: summed over the replicas (as the optimizers sum
    gradients), the shares give the loss of the global batch."""
    from .backend import tf

    context = tf.distribute.get_replica_context()
    return loss if context is None else loss / tf.cast(context.num_replicas_in_sync, loss.dtype)


__all__ = [
    "STRATEGIES",
    "draw_rows",
    "input_share",
    "per_replica",
    "replica_draw",
    "is_chief",
    "loss_share",
    "name",
    "replica_rows",
    "replicas",
    "request",
    "start",
    "strategy",
]
