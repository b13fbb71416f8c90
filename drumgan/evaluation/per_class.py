"""Per-class measures: does a conditional run make the class it is asked for, and how close is each class to
the training kits' clips of that class (beside an unconditional run, whose clips are grouped by the class the
classifier hears)."""

from __future__ import annotations

import numpy as np

from ..generation.sampling import class_request, generate_waves, timbre_request
from . import metrics, pretrained
from .hearing import AUDIO_RATE, to_audio_rate

FAD_DRAWS = 8  # a run's per-class FAD at the held-out clips' n: the median over this many draws of its clips
MIN_TRAIN = 50  # classes with fewer training clips are reported but not held to the target
TARGET_RATIO = 0.8  # a class is met when its requested-class share is at least this times the real accuracy


def per_class(evaluator, run, n: int = 64, seed: int = 0, truncation: float = 1.0, timbre: dict | None = None) -> dict:
    """For each class: the training clips, the classifier's accuracy on held-out real clips of it and on the
    training clips of it (``train_accuracy``: what a generator that copied its training clips would score), and for
    ``run``'s clips of it (``n`` asked for, for a conditional run; the ones the classifier puts in it among
    ``n`` per class, for any other) their count, per-class FD to the training clips of the class and, for a
    conditional run, the share the classifier assigns to the class asked for, its ratio to the real accuracy
    and whether the class is held to (``judged``, at least :data:`MIN_TRAIN` training clips) and meets
    (``met``) the :data:`TARGET_RATIO`; the same four from the second listener, which hears descriptors of the
    audio (:mod:`.second_listener`): ``listener_accuracy``, ``listener_share``, ``listener_ratio`` and
    ``listener_met``; and where the pretrained network is installed, ``fad``: the FAD of the run's clips of the
    class to the training clips of it at the held-out clips' n (the median of :data:`FAD_DRAWS` draws), beside
    ``real_fad``, that of the held-out clips of the class, and their ratio ``fad_ratio``. A GAN's latents are
    truncated by ``truncation`` (1: none); a timbre-conditioned run's clips of each class ask for ``timbre``
    (``{control: percentile}``, :func:`~drumgan.generation.sampling.timbre_request`) where given."""
    from .classifier import clip_classes

    dataset = evaluator.dataset
    names = dataset.class_names
    train_labels, test = dataset.labels[dataset.train_index], dataset.test_index
    reference_labels = dataset.labels[evaluator.reference_index]  # the training clips the evaluator classified
    real_predicted = clip_classes(evaluator.classifier, dataset, test)
    listener = evaluator.second_listener if run.settings.conditional else None
    if not run.settings.conditional:
        pooled = generate_waves(run, n * len(names), seed, truncation=truncation)
        pooled_predicted = evaluator.predicted_classes(pooled)
    rows = {}
    for k, name in enumerate(names):
        held_out, in_reference = dataset.labels[test] == k, reference_labels == k
        row = {
            "train": int((train_labels == k).sum()),
            "real_accuracy": float(np.mean(real_predicted[held_out] == k)) if held_out.any() else None,
            "train_accuracy": float(np.mean(evaluator.train_classes[in_reference] == k))
            if in_reference.any()
            else None,
        }
        if run.settings.conditional:
            if not row["train"]:
                continue
            classes = class_request(run, n, name)
            asked = timbre_request(run, n, timbre, classes)
            waves = generate_waves(run, n, seed + k, classes, truncation, asked)
            predicted = evaluator.predicted_classes(waves)
            row["share_asked"] = float(np.mean(predicted == k))
            accuracy = row["real_accuracy"]
            row["ratio"] = row["share_asked"] / accuracy if accuracy else None
            row["judged"] = row["train"] >= MIN_TRAIN and accuracy is not None
            row["met"] = bool(row["judged"] and row["ratio"] >= TARGET_RATIO)
            row.update(_second_listener_row(evaluator, listener, waves, k, row["train"] >= MIN_TRAIN))
        else:
            waves = pooled[pooled_predicted == k]
        row["n"] = len(waves)
        row["fd"] = _class_fd(evaluator, waves, in_reference)
        row.update(_class_fad(evaluator, waves, test[held_out], in_reference, seed + k))
        rows[name] = row
    return rows


def _second_listener_row(evaluator, listener, waves: np.ndarray, k: int, enough_clips: bool) -> dict:
    """What the second listener hears of a conditional run's clips ``waves`` asked to be class ``k``."""
    accuracy = evaluator.second_listener_accuracy[1].get(k)
    share = float(np.mean(listener.predict(to_audio_rate(waves, evaluator.config.sample_rate)) == k))
    ratio = share / accuracy if accuracy else None
    judged = enough_clips and accuracy is not None
    return {
        "listener_accuracy": accuracy,
        "listener_share": share,
        "listener_ratio": ratio,
        "listener_met": bool(judged and ratio >= TARGET_RATIO),
    }


def _class_fd(evaluator, waves: np.ndarray, train_mask: np.ndarray) -> float | None:
    """FD of ``waves`` to the evaluator's reference (training) clips in ``train_mask`` (None for fewer than 2 of
    either)."""
    if len(waves) < 2 or train_mask.sum() < 2:
        return None
    _, embeddings = evaluator.classify_waves(waves)
    return metrics.frechet_distance(embeddings, evaluator.train_embeddings[train_mask])


def _class_fad(evaluator, waves: np.ndarray, held_out: np.ndarray, train_mask: np.ndarray, seed: int) -> dict:
    """``real_fad``, ``fad`` and ``fad_ratio`` of a class (see :func:`per_class`); empty without the network or with
    fewer than 2 clips of a set."""
    hearing = evaluator.hearing
    if hearing is None or hearing.embeddings is None or min(len(waves), len(held_out), train_mask.sum()) < 2:
        return {}
    reference = hearing.embeddings[train_mask]
    real = pretrained.embeddings(evaluator.audio_clips(held_out), AUDIO_RATE)
    made = pretrained.embeddings(to_audio_rate(waves, evaluator.config.sample_rate), AUDIO_RATE)
    n, rng = min(len(real), len(made)), np.random.default_rng(seed)
    draws = [made[rng.choice(len(made), n, replace=False)] for _ in range(FAD_DRAWS if n < len(made) else 1)]
    fad = float(np.median([metrics.frechet_distance(draw, reference) for draw in draws]))
    real_fad = metrics.frechet_distance(real[:n], reference)
    return {"real_fad": real_fad, "fad": fad, "fad_ratio": fad / real_fad if real_fad else None}


PER_CLASS_COLUMNS = (
    "run",
    "class",
    "train",
    "real_accuracy",
    "train_accuracy",
    "n",
    "share_asked",
    "ratio",
    "met",
    "listener_accuracy",
    "listener_share",
    "listener_ratio",
    "listener_met",
    "fd",
    "real_fad",
    "fad",
    "fad_ratio",
)


def per_class_rows(tables: dict) -> list[dict]:
    """``{run name: per_class(...)}`` as flat rows for :func:`drumgan.display.tables.text_table` ("-" where a
    measure does not apply), with a ``run`` column where there are several runs."""
    columns = PER_CLASS_COLUMNS if len(tables) > 1 else PER_CLASS_COLUMNS[1:]
    rows = []
    for run_name, table in tables.items():
        for name, row in table.items():
            values = {"run": run_name, "class": name, **row}
            rows.append({k: "-" if values.get(k) is None else values[k] for k in columns})
    return rows
