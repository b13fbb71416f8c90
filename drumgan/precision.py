"""Mixed precision for training on GPUs: float16 arithmetic with float32 weights (Keras' ``mixed_float16``), and
the dynamic loss scaling that drumgan's own train steps need (:func:`optimizer`).

Like the device count it is not a setting of a run: every network's output layer computes in float32, and a
checkpoint holds the float32 weights and the inner optimizer's state alone, so a run resumes at either
precision. On a CPU it runs, slowly: it is there for GPUs with float16 units.
"""

from __future__ import annotations

from .backend import keras

MIXED, FULL = "mixed_float16", "float32"


def use_mixed(enabled: bool = True) -> None:
    """Build the models made from here on with float16 arithmetic (``enabled``) or in float32."""
    keras.mixed_precision.set_global_policy(MIXED if enabled else FULL)


def mixed() -> bool:
    """Whether models built now compute in float16."""
    return keras.mixed_precision.global_policy().name == MIXED


def optimizer(inner: keras.optimizers.Optimizer) -> keras.optimizers.Optimizer:
    """``inner`` wrapped in a dynamic loss scale where models compute in float16; ``inner`` itself otherwise.
    A train step scales its loss with the optimizer's ``scale_loss`` (a no-op without the wrapper)."""
    return keras.optimizers.LossScaleOptimizer(inner) if mixed() else inner


def unwrapped(optimizer: keras.optimizers.Optimizer) -> keras.optimizers.Optimizer:
    """The optimizer that updates the weights: the one inside a loss-scale wrapper, else ``optimizer``."""
    return getattr(optimizer, "inner_optimizer", optimizer)


__all__ = ["FULL", "MIXED", "mixed", "optimizer", "unwrapped", "use_mixed"]
