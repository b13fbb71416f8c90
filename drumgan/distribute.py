"""Where training runs: one device, mirrored over this machine's devices, or several worker processes
(``tf.distribute``), as :mod:`drumgan.devices` chose when TensorFlow started; and how a step's batch, random draws
and losses are shared among the replicas.
"""

from __future__ import annotations

import numpy as np

from .backend import tf
from .devices import chosen


def strategy():
    """This process's ``tf.distribute`` strategy (made once): the default one-device strategy for 'none',
    ``MirroredStrategy`` over the GPUs (else the logical CPUs) for 'mirrored', the multi-worker one."""
    state = chosen()
    if "strategy" not in state:
        if state["name"] == "mirrored":
            devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
            state["strategy"] = tf.distribute.MirroredStrategy([d.name for d in devices])
        else:
            state["strategy"] = tf.distribute.get_strategy()
    return state["strategy"]


def name() -> str:
    """'none', 'mirrored' or 'multi-worker': what this process trains with."""
    return chosen()["name"]


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
    first, count, _ = share

    def part(context):
        i = context.replica_id_in_sync_group - first
        return tf.nest.map_structure(lambda a: tf.constant(np.split(a, count)[i]), batch)

    return chosen.experimental_distribute_values_from_function(part)


def loss_share(loss):
    """A replica's share of a loss averaged over its clips: summed over the replicas (as the optimizers sum
    gradients), the shares give the loss of the global batch."""
    context = tf.distribute.get_replica_context()
    return loss if context is None else loss / tf.cast(context.num_replicas_in_sync, loss.dtype)
