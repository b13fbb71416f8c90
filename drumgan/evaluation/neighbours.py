"""Nearest neighbours on normalised log-mels: memorisation (generated -> training) and diversity (within a set)."""

from __future__ import annotations

import numpy as np


def nearest_neighbours(queries: np.ndarray, references: np.ndarray, exclude_self: bool = False):
    """For each query, the closest reference and its RMS distance (both flattened, e.g. normalised log-mels).

    Args:
        queries, references: ``(n, ...)`` and ``(m, ...)`` arrays of the same item shape.
        exclude_self: queries and references are the same set; skip each item's match with itself.

    Returns:
        ``(index, distance)``, each of length ``n``.
    """
    q = np.asarray(queries, np.float64).reshape(len(queries), -1)
    r = np.asarray(references, np.float64).reshape(len(references), -1)
    squared = (q**2).sum(1)[:, None] + (r**2).sum(1)[None, :] - 2 * q @ r.T
    if exclude_self:
        np.fill_diagonal(squared, np.inf)
    index = squared.argmin(axis=1)
    distance = np.sqrt(np.maximum(squared[np.arange(len(q)), index], 0) / q.shape[1])
    return index, distance


def nearest_training(log_mels: np.ndarray, dataset) -> tuple[np.ndarray, np.ndarray]:
    """Each log-mel's closest training sample (dataset index) and RMS distance on normalised log-mel."""
    train = dataset.train_index
    index, distance = nearest_neighbours(dataset.normalizer.transform(log_mels), dataset.normalized(train))
    return train[index], distance


def memorisation_summary(log_mels: np.ndarray, dataset) -> dict:
    """Median nearest-training distance of generated samples, beside that of held-out real samples."""
    _, generated = nearest_training(log_mels, dataset)
    _, heldout = nearest_training(dataset.log_mels[dataset.test_index], dataset)
    return {
        "generated -> train (median)": float(np.median(generated)),
        "held-out real -> train (median)": float(np.median(heldout)),
        "generated closer than any held-out sample": int((generated < heldout.min()).sum()),
    }
