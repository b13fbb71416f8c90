"""Which devices and strategy training will use, chosen before TensorFlow starts.

TensorFlow fixes its devices and its collective ops at its first operation, so what must come before it (the
CPU split, a multi-worker strategy) is read from the environment when :mod:`drumgan.backend` starts TensorFlow:
``DRUMGAN_CPU_DEVICES`` and ``DRUMGAN_DISTRIBUTE``. :func:`request` sets them (the command line's
``--cpu-devices`` and ``--distribute``) and refuses a change once TensorFlow has started. Several workers read
their cluster from ``TF_CONFIG``, as TensorFlow's own multi-worker training does.

Imports no TensorFlow: :mod:`drumgan.backend` calls :func:`start` while it imports TensorFlow.
"""

from __future__ import annotations

import json
import os
import sys

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


def chosen() -> dict:
    """What :func:`start` chose: ``name``, ``cpu_devices`` and, for several workers, ``strategy``."""
    return _state
