"""A recipe over seeds: train it at several seeds, evaluate each run as ``evaluate`` does, and give every measure's
median, minimum and maximum, so that a better model can be told from a luckier seed."""

from __future__ import annotations

import numpy as np

from ..evaluation.metrics import METRICS, REFERENCE_ROWS

SPREAD_MEASURES = (*METRICS, "fad", "fd_audio", "decay_matched_s")  # the measures summarised over seeds
SPREAD_REFERENCES = ("real_heldout", "real_train", "griffin_lim")  # the reference rows shown beside their spread


def train_seeds(settings, dataset, seeds, folder, progress: bool = False, log=None) -> list:
    """``settings`` trained at each of ``seeds`` into ``folder/seed_S`` (resumed where a run is there), the runs."""
    import dataclasses

    from ..training.loop import train

    runs = []
    for seed in seeds:
        if log:
            log(f"training seed {seed} into {folder}/seed_{seed}")
        runs.append(
            train(folder / f"seed_{seed}", dataclasses.replace(settings, seed=seed), dataset, progress=progress)
        )
    return runs


def evaluate_seeds(runs, dataset, recipe: str, n: int | None = None) -> dict:
    """Each run's ``evaluate`` row beside the reference rows (one evaluator, the same clips and seed for all), and
    the :func:`spread` of the runs' measures: ``{"recipe", "rows": {run name: row}, "reference": {...}, "spread"}``."""
    from ..evaluation.evaluator import Evaluator

    evaluator = Evaluator(dataset)
    report = evaluator.report(evaluator.waves(runs, n), runs)
    rows = report["rows"]
    reference = {name: rows.pop(name) for name in REFERENCE_ROWS}
    for run in runs:
        rows[run.name]["seed"] = run.settings.seed
    return {
        "recipe": recipe,
        "rows": rows,
        "reference": reference,
        "spread": spread(list(rows.values())),
        "classifier_accuracy": report["classifier_accuracy"],
        "n": report["n"],
        "data": report["data"],
        "runs": report["runs"],
    }


def spread(rows: list[dict], measures=SPREAD_MEASURES) -> dict:
    """``{measure: {"median", "min", "max"}}`` over ``rows``, for each of ``measures`` every row holds."""
    out = {}
    for measure in measures:
        if rows and all(measure in row for row in rows):
            values = np.array([row[measure] for row in rows], float)
            out[measure] = {"median": float(np.median(values)), "min": float(values.min()), "max": float(values.max())}
    return out


def spread_rows(results: dict) -> list[dict]:
    """Each measure's median and range over the seeds, beside the real held-out, real training (whose near copies
    are real drums' from kits never seen) and Griffin-Lim rows, as table rows."""
    reference = results["reference"]
    return [
        {
            "measure": measure,
            "median": values["median"],
            "min": values["min"],
            "max": values["max"],
            **{name: reference[name].get(measure) for name in SPREAD_REFERENCES if name in reference},
        }
        for measure, values in results["spread"].items()
    ]


SEPARATED_MEASURES = ("fd", "fad", "near_copies", "decay_matched_s")


def separations(families: dict, measures=SEPARATED_MEASURES) -> list[dict]:
    """For each of ``measures`` and each pair of families (``results/seeds.json``'s ``families``), their ranges over
    the seeds and whether those are apart (neither family's range overlaps the other's): a difference larger than
    the seeds' spread."""
    names = list(families)
    rows = []
    for measure in measures:
        for i, first in enumerate(names):
            for second in names[i + 1 :]:
                a, b = families[first]["spread"].get(measure), families[second]["spread"].get(measure)
                if a is None or b is None:
                    continue
                rows.append(
                    {
                        "measure": measure,
                        "families": f"{first} / {second}",
                        "first": f"{a['min']:.3g} to {a['max']:.3g}",
                        "second": f"{b['min']:.3g} to {b['max']:.3g}",
                        "apart": a["max"] < b["min"] or b["max"] < a["min"],
                    }
                )
    return rows
