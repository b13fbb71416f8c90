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


def nearest_clips(log_mels: np.ndarray, dataset, among=None, chunk: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """Each log-mel's closest clip of ``dataset`` among the clips ``among`` (default the training split), as a
    dataset index, and the RMS distance on normalised log-mel; searched ``chunk`` clips at a time."""
    queries = dataset.normalizer.transform(log_mels)
    among = dataset.train_index if among is None else np.asarray(among)
    nearest, distance = np.zeros(len(queries), int), np.full(len(queries), np.inf)
    for start in range(0, len(among), chunk):
        rows = among[start : start + chunk]
        index, chunk_distance = nearest_neighbours(queries, dataset.normalized(rows))
        closer = chunk_distance < distance
        nearest[closer], distance[closer] = rows[index[closer]], chunk_distance[closer]
    return nearest, distance


def nearest_in_other_kits(log_mels: np.ndarray, dataset, index) -> np.ndarray:
    """The RMS distance (as :func:`nearest_clips`) of each log-mel of the dataset's clips ``index`` to its nearest
    training clip of another kit: how near a real drum comes to kits that are not its own. Where the training clips
    are one kit, the search leaves out the clips ``index`` only."""
    index = np.asarray(index)
    train, kits = dataset.train_index, dataset.kits
    if len(np.unique(kits[train])) < 2:
        return nearest_clips(log_mels, dataset, np.setdiff1d(train, index))[1]
    distance = np.zeros(len(index))
    for kit in np.unique(kits[index]):
        rows = np.flatnonzero(kits[index] == kit)
        distance[rows] = nearest_clips(log_mels[rows], dataset, train[kits[train] != kit])[1]
    return distance


def heldout_to_train(dataset) -> np.ndarray:
    """Each held-out clip's RMS distance to its nearest training clip: how near real drums the model never saw
    come to the training kits (the bar for memorisation)."""
    chunks = [nearest_clips(c, dataset)[1] for c in dataset.log_mel_chunks(dataset.test_index)]
    return np.concatenate(chunks) if chunks else np.zeros(0)


def _pair_correlations(log_mels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair ``i < j`` of a set and the correlation of their log-mels (dB, flattened)."""
    r = np.corrcoef(np.asarray(log_mels, np.float64).reshape(len(log_mels), -1))
    i, j = np.triu_indices(len(r), k=1)
    return i, j, r[i, j]


def similar_pairs(log_mels: np.ndarray, threshold: float = 0.95) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, r)`` of samples in one set whose log-mels correlate at ``r >= threshold``, most alike
    first: near-duplicates within a generated set."""
    i, j, r = _pair_correlations(log_mels)
    order = [k for k in np.argsort(-r) if r[k] >= threshold]
    return [(int(i[k]), int(j[k]), float(r[k])) for k in order]


def memorisation_summary(log_mels: np.ndarray, dataset, threshold: float = 0.95) -> dict:
    """Median nearest-training distance of generated samples beside that of held-out real samples, and how
    alike the generated samples are to each other (near-duplicates: :func:`similar_pairs`)."""
    _, generated = nearest_clips(log_mels, dataset)
    heldout = heldout_to_train(dataset)
    r = _pair_correlations(log_mels)[2]
    return {
        "generated -> train (median)": float(np.median(generated)),
        "held-out real -> train (median)": float(np.median(heldout)),
        "generated closer than any held-out sample": int((generated < heldout.min()).sum()),
        "most alike generated pair (r)": float(r.max()) if len(r) else float("nan"),
        f"generated pairs with r >= {threshold}": int((r >= threshold).sum()),
    }
