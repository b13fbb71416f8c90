"""Time to quality: a GAN recipe's FD, KID and IS against minutes of training, measured while it trains.

:class:`QualityProbe` pauses training every so many minutes and measures the run's samples exactly as
``evaluate`` does (same latents, Griffin-Lim, classifier and metrics); the measurement's own time is kept
apart from the training minutes. :func:`time_to_quality` trains several recipes one after the other on the
same machine state, each for the same budget, and reports their curves and the minutes at which each first
reaches the Griffin-Lim row's FD times :data:`TARGET_RATIO`.
"""

from __future__ import annotations

import dataclasses
import tempfile
import time
from pathlib import Path

from ..backend import keras

TARGET_RATIO = 1.1  # the target: FD at most this times the Griffin-Lim row's
CURVE_METRICS = ("fd", "kid", "is", "ndb_k", "d_train", "d_self")


class QualityProbe(keras.callbacks.Callback):
    """Measures ``run`` every ``every_seconds`` of training and stops training after ``budget_seconds``.

    Training time is wall-clock time from the start of ``fit`` (graph tracing included), less the time
    spent measuring. ``points`` holds one dict per measurement: ``minutes``, ``step``, the
    :data:`CURVE_METRICS` and ``probe_seconds`` (that measurement's own cost).
    """

    def __init__(self, run, evaluator, every_seconds: float, budget_seconds: float, n: int, log=None):
        super().__init__()
        self.run, self.evaluator, self.n, self.log = run, evaluator, n, log
        self.every, self.budget = every_seconds, budget_seconds
        self.points: list[dict] = []

    def training_seconds(self) -> float:
        return time.monotonic() - self.began - self.paused

    def on_train_begin(self, logs=None):
        self.began, self.paused, self.next = time.monotonic(), 0.0, self.every
        self.measure()

    def on_train_batch_end(self, batch, logs=None):
        seconds = self.training_seconds()
        if seconds >= min(self.next, self.budget):
            self.measure()
            self.next += self.every
        if seconds >= self.budget:
            self.model.stop_training = True

    def measure(self) -> dict:
        began = time.monotonic()
        minutes = self.training_seconds() / 60
        row = self.evaluator.measure(self.evaluator.run_waves(self.run, self.n))
        cost = time.monotonic() - began
        self.paused += cost
        point = {"minutes": round(minutes, 3), "step": self.run.step, **{m: row[m] for m in CURVE_METRICS}}
        self.points.append({**point, "probe_seconds": round(cost, 2)})
        if self.log:
            scores = f"FD {row['fd']:.1f}, KID {row['kid']:.1f}, IS {row['is']:.2f}"
            self.log(f"  {minutes:5.1f} min, step {point['step']}: {scores}")
        return point


def log_curves(results: dict, log_dir: Path) -> None:
    """Each recipe's curve into TensorBoard logs ``log_dir/RECIPE``: ``time_to_quality/<metric>`` at each point's
    seconds of training (the x axis of TensorBoard's step view), so that recipes are compared against time."""
    from ..training.logs import write_measures

    for name, recipe in results["recipes"].items():
        for point in recipe["points"]:
            measures = {metric: point[metric] for metric in CURVE_METRICS}
            write_measures(log_dir / name, round(60 * point["minutes"]), measures, prefix="time_to_quality")


def first_reaching(points: list[dict], target_fd: float) -> float | None:
    """The minutes of the first point whose FD is at most ``target_fd``, or None."""
    return next((p["minutes"] for p in points if p["fd"] <= target_fd), None)


def time_to_quality(
    recipes: dict,
    dataset,
    minutes: float,
    every_minutes: float = 2.0,
    n: int | None = None,
    seed: int = 0,
    classifier=None,
    log=print,
) -> dict:
    """Train each of ``recipes`` (name -> :class:`~drumgan.settings.TrainSettings`) for ``minutes`` on
    ``dataset``, measuring every ``every_minutes``, one after the other in this process. ``n``, ``seed`` and
    ``classifier`` are those of :class:`~drumgan.evaluation.evaluator.Evaluator` and ``evaluate``.

    Returns:
        ``{"minutes", "every_minutes", "n", "griffin_lim": {metric: value}, "target_fd", "recipes": {name:
        {"settings", "points", "minutes_to_target", "steps_per_minute", "probe_seconds", "final"}}}``, ``final``
        from :func:`final_samples`.
    """
    from ..evaluation.evaluator import Evaluator
    from ..settings import UNLIMITED_STEPS
    from ..training.loop import fit_steps
    from ..training.run import Run

    evaluator = Evaluator(dataset, classifier, seed=seed, hearing=False)  # the curve's metrics only
    n = n or len(dataset.test_index)
    ceiling = evaluator.measure(evaluator.reference_waves(n)["griffin_lim"])
    target = TARGET_RATIO * ceiling["fd"]
    log(f"Griffin-Lim row: FD {ceiling['fd']:.1f}; target FD {target:.1f}")
    results = {
        "minutes": minutes,
        "every_minutes": every_minutes,
        "n": n,
        "seed": seed,
        "data": dataset.data_id,
        "classifier_accuracy": evaluator.classifier_accuracy,
        "griffin_lim": {m: ceiling[m] for m in CURVE_METRICS},
        "target_fd": target,
        "recipes": {},
    }
    for name, settings in recipes.items():
        log(f"{name}:")
        with tempfile.TemporaryDirectory() as folder:
            run = Run.create(Path(folder) / name, dataclasses.replace(settings, steps=UNLIMITED_STEPS), dataset)
            probe = QualityProbe(run, evaluator, 60 * every_minutes, 60 * minutes, n, log)
            fit_steps(run, dataset, 0, UNLIMITED_STEPS, callbacks=[probe])
            final = final_samples(run, dataset, n, seed)
        points = probe.points
        trained = points[-1]["minutes"]
        results["recipes"][name] = {
            "settings": settings.used(),
            "points": points,
            "minutes_to_target": first_reaching(points, target),
            "steps_per_minute": run.step / trained if trained else 0.0,
            "probe_seconds": round(sum(p["probe_seconds"] for p in points), 1),
            "final": final,
        }
    return results


def final_samples(run, dataset, n: int, seed: int = 0) -> dict:
    """What the end of a curve does not show: copies of training clips, near-duplicates within the set and a
    pattern every ``frames_per_step`` frames (:func:`~drumgan.evaluation.metrics.period_contrast_db`), measured
    on ``n`` generated log-mels."""
    from ..evaluation.metrics import period_contrast_db
    from ..evaluation.neighbours import memorisation_summary
    from ..generation.sampling import generate_log_mels

    log_mels = generate_log_mels(run, n, seed)
    summary = memorisation_summary(log_mels, dataset)
    return {
        "d_train_median": summary["generated -> train (median)"],
        "heldout_d_train_median": summary["held-out real -> train (median)"],
        "closer_than_any_heldout": summary["generated closer than any held-out sample"],
        "most_alike_pair_r": summary["most alike generated pair (r)"],
        "pairs_r_095": summary["generated pairs with r >= 0.95"],
        "period_contrast_db": period_contrast_db(log_mels, run.settings.frames_per_step),
    }


def curve_rows(results: dict) -> list[dict]:
    """One flat dict per measurement of :func:`time_to_quality`'s results, for a text table."""
    return [
        {"recipe": name, **{k: point[k] for k in ("minutes", "step", "fd", "kid", "is", "ndb_k", "d_self")}}
        for name, recipe in results["recipes"].items()
        for point in recipe["points"]
    ]


def summary_rows(results: dict) -> list[dict]:
    """One row per recipe of :func:`time_to_quality`'s results: its rate, when it reached the target and where it
    ended (the last measurement and the final samples' memorisation and near-duplicates)."""
    rows = []
    for name, recipe in results["recipes"].items():
        last, final = recipe["points"][-1], recipe["final"]
        rows.append(
            {
                "recipe": name,
                "steps/min": recipe["steps_per_minute"],
                "min to target": recipe["minutes_to_target"] if recipe["minutes_to_target"] is not None else "never",
                "minutes": last["minutes"],
                "step": last["step"],
                **{m: last[m] for m in CURVE_METRICS},
                "closer than held-out": final["closer_than_any_heldout"],
            }
        )
    return rows
