"""Whether a run trained with timbre still makes the class asked for when a timbre is asked too (benchmarks/README.md,
timbre on demand).

    python benchmarks/timbre_classes.py RUN [N] [CONTROL=P ...]

For each timbre asked (default: none, then brightness, depth and decay each at 0.1 and at 0.9), asks for N clips
(default 64) of every class and reports, per class, the share drumgan's classifier and the second listener hear as
the class asked for (``evaluation.per_class``), and how many judged classes meet the target on both listeners.
"""

from __future__ import annotations

import sys

from drumgan.data.preparation import prepare
from drumgan.display.tables import text_table
from drumgan.evaluation.evaluator import Evaluator
from drumgan.evaluation.per_class import per_class
from drumgan.generation.sampling import parse_timbre
from drumgan.training.run import Run

ASKED = [None] + [f"{control}={p}" for control in ("brightness", "depth", "decay") for p in (0.1, 0.9)]


def main(run_dir: str, n: int = 64, asked=ASKED) -> None:
    run = Run.load(run_dir)
    evaluator = Evaluator(prepare(config=run.codec.config, progress=False))
    rows = []
    for text in asked:
        table = per_class(evaluator, run, n, timbre=parse_timbre(text) if text else None)
        judged = {name: row for name, row in table.items() if row["judged"]}
        row = {"timbre": text or "(drawn)"}
        row.update({name: f"{r['share_asked']:.2f} / {r['listener_share']:.2f}" for name, r in table.items()})
        row["met (both)"] = f"{sum(r['met'] and r['listener_met'] for r in judged.values())} of {len(judged)}"
        rows.append(row)
    print(f"share heard as the class asked for, classifier / second listener ({n} clips a class)")
    print(text_table(rows))


if __name__ == "__main__":
    main(sys.argv[1], *(int(a) for a in sys.argv[2:3]), *([sys.argv[3:]] if len(sys.argv) > 3 else []))
