"""Checkpoints (every weight and optimizer variable of a model) and inference weights (what generation needs).

A checkpoint resumes training. Inference weights are what a run is shared or shipped as: a GAN's generator
(or the whole LSTM) and the step, in half precision by default, a few MB. Both are npz files written
atomically (:mod:`drumgan.atomic`), so a run killed at any moment leaves the previous file or the new one,
never a torn one.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..atomic import write_atomically
from ..errors import CheckpointError
from ..npzfile import read_npz
from ..precision import unwrapped

DAMAGED_HINT = "Delete it to train the run again from step 0, or train into a new --out folder"
WEIGHTS_HINT = "Export it again from the run's checkpoint (python -m drumgan export), or train the run again"


def _optimizers(model) -> list:
    """The optimizers whose state a checkpoint holds (inside any loss-scale wrapper: see drumgan.precision)."""
    return [unwrapped(optimizer) for optimizer, _ in model.optimized]


def _variables(model) -> dict[str, list]:
    return {
        "model": list(model.weights),
        **{f"optimizer{i}": list(o.variables) for i, o in enumerate(_optimizers(model))},
    }


def _index(key: str, group: str) -> int | None:
    """``3`` for the key ``"model/3"`` of group ``"model"``, else None."""
    prefix, _, index = key.partition("/")
    return int(index) if prefix == group and index.isdigit() else None


def _restore(path: Path, arrays: dict, group: str, variables: list) -> None:
    """Assign the stored arrays ``group/0``, ``group/1`` ... to ``variables``, refusing a count or shape mismatch."""
    stored = sorted((k for k in arrays if _index(k, group) is not None), key=lambda k: _index(k, group))
    if len(stored) != len(variables):
        raise CheckpointError(f"{path}: {len(stored)} {group} variables stored, the model has {len(variables)}")
    for key, variable in zip(stored, variables):
        if tuple(arrays[key].shape) != tuple(variable.shape):
            raise CheckpointError(
                f"{path}: {key} has shape {arrays[key].shape}, the model expects {tuple(variable.shape)}"
            )
        variable.assign(arrays[key].astype(variable.dtype))


def build_optimizers(model) -> None:
    """Create the optimizers' slot variables (where not yet made), so that they can be assigned before the first
    step, and so that a ``tf.distribute`` strategy's step does not have to create them."""
    for optimizer, variables in model.optimized:
        if not optimizer.built:
            optimizer.build(variables)


def step_of(model) -> int:
    """Training steps taken: the first optimizer's update count."""
    return int(_optimizers(model)[0].iterations.numpy())


def save_checkpoint(path: Path, model) -> int:
    """Write ``model``'s weights and optimizer state to ``path``; returns the step saved."""
    build_optimizers(model)
    arrays = {f"{group}/{i}": np.asarray(v) for group, vs in _variables(model).items() for i, v in enumerate(vs)}
    step = step_of(model)
    write_atomically(path, lambda f: np.savez(f, step=step, **arrays))
    return step


def load_checkpoint(path: Path, model) -> int:
    """Restore what :func:`save_checkpoint` wrote into a freshly built ``model``; returns its step."""
    arrays = read_npz(path, "checkpoint", DAMAGED_HINT)
    if "step" not in arrays:
        raise CheckpointError(f"{path} holds no step: it is not a drumgan checkpoint. {DAMAGED_HINT}")
    build_optimizers(model)
    for group, variables in _variables(model).items():
        _restore(path, arrays, group, variables)
    return int(arrays["step"])


def inference_variables(model) -> list:
    """The variables generation reads: a GAN's sampling generator (its moving average where it has one), or the
    whole model (the LSTM's bank of first frames too)."""
    return list(getattr(model, "sampler", model).weights)


def save_weights(path: Path, model, dtype: str = "float16") -> int:
    """Write the variables generation needs (as ``dtype``) and the step to ``path``; returns the step."""
    arrays = {f"weights/{i}": np.asarray(v).astype(dtype) for i, v in enumerate(inference_variables(model))}
    step = step_of(model)
    write_atomically(path, lambda f: np.savez_compressed(f, step=step, **arrays))
    return step


def load_weights(path: Path, model) -> int:
    """Restore what :func:`save_weights` wrote into a freshly built ``model`` (its step too); returns the step."""
    arrays = read_npz(path, "weights", WEIGHTS_HINT)
    if "step" not in arrays:
        raise CheckpointError(f"{path} holds no step: it is not a drumgan weights file. {WEIGHTS_HINT}")
    _restore(path, arrays, "weights", inference_variables(model))
    build_optimizers(model)
    _optimizers(model)[0].iterations.assign(int(arrays["step"]))
    return int(arrays["step"])
