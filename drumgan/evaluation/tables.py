"""An evaluation's results (:func:`~.evaluator.evaluate`) as rows for :func:`drumgan.display.tables.text_table`:
every row's measures, the runs against the Griffin-Lim ceiling, and the decays class by class."""

from __future__ import annotations

from .metrics import CEILING_METRICS, METRICS, REFERENCE_ROWS


def relative_to_ceiling(results: dict) -> list[dict]:
    """Each run's scores divided by the ``griffin_lim`` row's: 1 is the ceiling that Griffin-Lim allows.

    For ``is`` below 1 is worse; for ``fd``, ``kid`` and ``ndb_k`` above 1 is worse (2: twice as far from
    the training kits as real drums through Griffin-Lim).
    """
    rows, ceiling = results["rows"], results["rows"]["griffin_lim"]
    return [
        {"run": name, **{m: float(row[m] / ceiling[m]) if ceiling[m] else float("nan") for m in CEILING_METRICS}}
        for name, row in rows.items()
        if name not in REFERENCE_ROWS
    ]


def table_rows(results: dict, columns=METRICS) -> list[dict]:
    """One flat dict per row (name, n and those of ``columns`` any row has, e.g. :data:`~.metrics.HEARING_METRICS`;
    an interval or a list of draws as "lowest to highest", blank where a row has none) for
    :func:`drumgan.display.tables.text_table`."""
    rows = results["rows"].items()
    present = [c for c in columns if any(c in row for _, row in rows)]
    shown = lambda v: f"{min(v):.3g} to {max(v):.3g}" if isinstance(v, list) else v  # noqa: E731  (a range)
    return [
        {"row": name, "n": row["n"], **{c: shown(row[c]) if c in row else "" for c in present}} for name, row in rows
    ]


def decay_rows(results: dict) -> list[dict]:
    """The median decay of each class heard, one row for every training clip (``training clips``, what a run's are
    judged by) and one per row of ``results``, for :func:`drumgan.display.tables.text_table`."""
    named = {"training clips": results["training_decay_by_class"]}
    named.update((name, row["decay_by_class"]) for name, row in results["rows"].items())
    classes = list(dict.fromkeys(c for decays in named.values() for c in decays))
    return [{"row": name, **{c: decays.get(c, "") for c in classes}} for name, decays in named.items()]
