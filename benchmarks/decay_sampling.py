"""How far one sample of 176 clips puts a class's median decay from that of every training clip
(benchmarks/README.md, Near copies and decays over a run's draws).

    python benchmarks/decay_sampling.py [--samples K] [RUN ...]

The training clips' decays (Schroeder, as ``evaluate`` reads them) and classes (as its classifier hears them):
for K samples of 176 of them, each judged class's median, as a ratio to the median of all of them (5th, 50th
and 95th percentile of the ratio). For each RUN, the same per class at each of ``evaluate``'s ten draws of 176 and
over all of them together.
"""

from __future__ import annotations

import argparse

import numpy as np

from drumgan.data.preparation import prepare
from drumgan.evaluation.evaluator import Evaluator
from drumgan.evaluation.metrics import FD_DRAWS
from drumgan.features.envelope import envelope_times
from drumgan.training.run import Run

JUDGED = ("kick", "snare", "hihat", "tom", "cymbal")
ROW = 176


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*")
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    dataset = prepare(config=Run.load("runs/conv_gan").codec.config, progress=False)
    evaluator = Evaluator(dataset, hearing=False)
    names = list(dataset.class_names)
    waves = dataset.waves[dataset.train_index]
    heard, decay = evaluator.predicted_classes(waves), envelope_times(waves, dataset.config.sample_rate)[1]
    whole = evaluator.training_decays()
    rng = np.random.default_rng(0)
    ratios = {c: [] for c in JUDGED}
    for _ in range(args.samples):
        pick = rng.choice(len(waves), ROW, replace=False)
        sample = evaluator.decays(decay[pick], heard[pick])["decay_by_class"]
        for c in JUDGED:
            ratios[c].append(sample[c] / whole[c])
    print(
        f"| class | clips heard as it (of {len(waves)}) | median decay, every training clip | "
        f"a sample of {ROW}: ratio to it, 5th / 50th / 95th percentile (of {args.samples}) |"
    )
    print("|---|---|---|---|")
    for c in JUDGED:
        low, mid, high = np.percentile(ratios[c], [5, 50, 95])
        print(f"| {c} | {(heard == names.index(c)).sum()} | {whole[c]:.3f} s | {low:.2f} / {mid:.2f} / {high:.2f} |")
    for folder in args.runs:
        run = Run.load(folder)
        drawn = [evaluator.run_waves(run, ROW, draw=draw) for draw in range(FD_DRAWS)]
        classes = [evaluator.predicted_classes(w) for w in drawn]
        decays = [envelope_times(w, dataset.config.sample_rate)[1] for w in drawn]
        every_h, every_d = np.concatenate(classes), np.concatenate(decays)
        print(
            f"\n{folder}: per class, the ratio to every training clip's median: each draw's lowest to highest; "
            f"all {FD_DRAWS} draws together"
        )
        each = [evaluator.decays(d, h)["decay_by_class"] for h, d in zip(classes, decays)]
        pooled = evaluator.decays(every_d, every_h)["decay_by_class"]
        for c in JUDGED:
            spread = [draw[c] / whole[c] for draw in each if c in draw]
            clips = (every_h == names.index(c)).sum()
            together = pooled[c] / whole[c]
            print(f"  {c}: {min(spread):.2f} to {max(spread):.2f}; together {together:.2f} ({clips} clips)")


if __name__ == "__main__":
    main()
