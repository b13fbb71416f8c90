"""Exporting a run for sharing: its inference weights in half precision where that changes nothing audible."""

from __future__ import annotations

import numpy as np

from ..training.checkpoint import inference_variables, save_weights
from .sampling import generate_log_mels

TOLERANCE_DB = 0.5  # the largest log-mel change (dB) that half precision may make to any generated bin


def half_precision_error(run, n: int = 16, seed: int = 0) -> float:
    """The largest change (dB) in ``n`` generated log-mels when the weights are rounded to float16."""
    variables = inference_variables(run.model)
    originals = [np.asarray(v) for v in variables]
    reference = generate_log_mels(run, n, seed)
    try:
        for variable, value in zip(variables, originals):
            variable.assign(value.astype("float16").astype(value.dtype))
        rounded = generate_log_mels(run, n, seed)
    finally:
        for variable, value in zip(variables, originals):
            variable.assign(value)
    return float(np.abs(rounded - reference).max())


def export_weights(run, dtype: str = "auto") -> dict:
    """Write ``run``'s ``weights.npz`` (see :func:`~drumgan.training.checkpoint.save_weights`).

    Args:
        dtype: 'float16', 'float32', or 'auto': float16 where :func:`half_precision_error` is at most
            TOLERANCE_DB, else float32.

    Returns:
        ``{"run", "step", "weights", "dtype", "bytes", "half_precision_error_db"}`` (the error is None unless
        measured).
    """
    error = half_precision_error(run) if dtype == "auto" else None
    if dtype == "auto":
        dtype = "float16" if error <= TOLERANCE_DB else "float32"
    step = save_weights(run.folder.weights, run.model, dtype=dtype)
    path = run.folder.weights
    return {
        "run": str(run.dir),
        "step": step,
        "weights": str(path),
        "dtype": dtype,
        "bytes": path.stat().st_size,
        "half_precision_error_db": None if error is None else round(error, 4),
    }
