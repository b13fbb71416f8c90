"""How well a timbre-conditioned run obeys its controls: each swept from low to high, the others held, the generated
clips' descriptors measured from their audio (:mod:`drumgan.features.timbre`) and placed among the run's training
clips'."""

from __future__ import annotations

import numpy as np
import scipy.stats

from ..features.inverse import to_audio
from ..features.timbre import CONTROLS, measure
from ..generation.sampling import generate_waves
from ..latents import one_hot

LEVELS = tuple(np.round(np.linspace(0.1, 0.9, 9), 2))  # the percentiles each control is asked for in turn
TARGETS = {"rank_correlation": 0.9, "mean_error": 0.15, "cross_talk": 0.1}
"""What each control is held to: the rank correlation between the percentile asked and the median measured at least
``rank_correlation``, their mean distance at most ``mean_error``, and the other controls' mean distance from where they
are when the swept one is at its median at most ``cross_talk``."""


def held_conditions(run, n: int, seed: int = 0) -> tuple[np.ndarray | None, np.ndarray]:
    """What a sweep holds fixed for ``n`` clips: classes drawn as the training kits hold them (a class-conditional
    run's) and, for each clip, every control at the median of its class's training clips."""
    bank = run.timbre
    labels = bank.labels[bank.draw(n, np.random.default_rng([seed, 3]))]
    classes = one_hot(labels, len(run.class_names)) if run.settings.conditional else None
    timbre = np.stack([bank.median(label if classes is not None else None) for label in labels])
    return classes, timbre


def sweep(run, n: int = 32, seed: int = 0, levels=LEVELS, progress=None) -> dict:
    """Each control of ``run`` asked for at each of ``levels`` (the others held, :func:`held_conditions`), on the
    same ``n`` latents each time; the clips' measured percentiles and what they say of each control.

    Returns:
        ``{"n", "seed", "levels", "controls": {control: {"measured": [[median percentile of each control] per level],
        "rank_correlation", "mean_error", "cross_talk", "meets"}}, "meets"}``; ``progress()`` is called after each
        of the ``len(CONTROLS) * len(levels)`` levels.
    """
    levels = np.asarray(levels, np.float64)
    classes, held = held_conditions(run, n, seed)
    middle = int(np.argmin(np.abs(levels - 0.5)))
    results = {}
    for k, control in enumerate(CONTROLS):
        medians = []
        for level in levels:
            timbre = held.copy()
            timbre[:, k] = level
            waves = generate_waves(run, n, seed, classes, timbre=timbre)
            heard = run.timbre.scale.of(measure(waves, run.codec.config.sample_rate))
            medians.append(np.median(heard, axis=0))
            if progress is not None:
                progress()
        results[control] = judged(np.asarray(medians), levels, k, middle)
    return {
        "n": n,
        "seed": seed,
        "levels": levels.tolist(),
        "controls": results,
        "meets": all(row["meets"] for row in results.values()),
    }


def judged(medians: np.ndarray, levels: np.ndarray, k: int, middle: int) -> dict:
    """What the sweep of control ``k`` says: ``medians`` ``(levels, controls)`` measured at ``levels``; the others'
    movement is read against the level ``middle`` (the median asked)."""
    others = np.delete(medians, k, axis=1)
    moved = np.ptp(medians[:, k]) > 0  # a control that changes nothing has no rank correlation: 0
    row = {
        "measured": np.round(medians, 4).tolist(),
        "rank_correlation": float(scipy.stats.spearmanr(levels, medians[:, k]).statistic) if moved else 0.0,
        "mean_error": float(np.mean(np.abs(medians[:, k] - levels))),
        "cross_talk": float(np.mean(np.abs(others - others[middle]))),
    }
    row["meets"] = bool(
        row["rank_correlation"] >= TARGETS["rank_correlation"]
        and row["mean_error"] <= TARGETS["mean_error"]
        and row["cross_talk"] <= TARGETS["cross_talk"]
    )
    return row


def sweep_rows(results: dict) -> list[dict]:
    """One flat row per control of :func:`sweep`'s results, for :func:`drumgan.display.tables.text_table`, with the
    round trip's figures (:func:`round_trip_ceiling`) where the results hold them (``"ceiling"``)."""
    keys = ("rank_correlation", "mean_error", "cross_talk", "meets")
    rows = []
    for control, row in results["controls"].items():
        ceiling = results.get("ceiling", {}).get(control, {})
        kept = {f"round_trip_{key}": value for key, value in ceiling.items()}
        rows.append({"control": control, **{key: row[key] for key in keys}, **kept})
    return rows


def control_clips(run, levels=(0.1, 0.5, 0.9), seed: int = 0) -> dict[str, np.ndarray]:
    """For each control, one clip at each of ``levels`` ``(len(levels), n_samples)``: one latent and one class (drawn
    with ``seed``), the other controls held at that class's median, so that a row differs only in the control."""
    classes, held = held_conditions(run, 1, seed)
    rows = {}
    for k, control in enumerate(CONTROLS):
        timbre = np.repeat(held, len(levels), axis=0)
        timbre[:, k] = levels
        repeated = None if classes is None else np.repeat(classes, len(levels), axis=0)
        latents = np.repeat(run.model.latents(1, seed), len(levels), axis=0)
        spectra = run.codec.decode(run.model.from_latents(latents, repeated, timbre))
        rows[control] = run.codec.to_audio(spectra, seed=seed)
    return rows


def round_trip_ceiling(dataset, codec=None, n: int = 256, seed: int = 0) -> dict:
    """What the audio path keeps of each control, the most a run can obey it: ``n`` training clips' percentiles
    against those of their round trip (through ``codec``'s spectra and audio, a run's; without one, the log-mel and
    the default inverse), as rank correlation and mean error."""
    train, scale = dataset.train_index, dataset.timbre_scale()
    chosen = np.sort(np.random.default_rng(seed).choice(train, min(n, len(train)), replace=False))
    before = dataset.timbre_percentiles()[chosen]
    if codec is None:
        audio = to_audio(dataset.log_mels[chosen], dataset.config, seed=seed)
    else:
        audio = codec.to_audio(codec.read(dataset, chosen), seed=seed)
    after = scale.of(measure(audio, dataset.config.sample_rate))
    return {
        control: {
            "rank_correlation": float(scipy.stats.spearmanr(before[:, k], after[:, k]).statistic),
            "mean_error": float(np.mean(np.abs(before[:, k] - after[:, k]))),
        }
        for k, control in enumerate(CONTROLS)
    }
