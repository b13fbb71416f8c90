"""How well ``generate --like`` works on clips the model never saw (benchmarks/README.md, variations).

    python benchmarks/variations.py RUN [CLIPS] [SPREAD ...]

Inverts CLIPS held-out clips (evenly spread over the held-out kits; default 16) into RUN and reports, for each
spread (default 0.1 0.15 0.3), the median reconstruction distance beside each clip's distance to its nearest
training clip, the share of variations whose nearest real clip (training or held out) is the clip itself,
and the seconds one inversion takes.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from drumgan.data.preparation import prepare
from drumgan.display.tables import text_table
from drumgan.evaluation.neighbours import nearest_neighbours
from drumgan.generation.projection import invert, variations
from drumgan.training.run import Run

N_VARIATIONS = 16


def main(run_dir: str, clips: int = 16, spreads=(0.1, 0.15, 0.3)) -> None:
    run, dataset = Run.load(run_dir), prepare(progress=False)
    chosen = dataset.test_index[np.linspace(0, len(dataset.test_index) - 1, clips).astype(int)]
    everything = dataset.normalized()
    _, to_train = nearest_neighbours(dataset.normalized(chosen), dataset.normalized(dataset.train_index))
    inversions, seconds = [], []
    for clip in chosen:
        began = time.perf_counter()
        inversions.append(invert(run, dataset.log_mels[clip]))
        seconds.append(time.perf_counter() - began)
    rows = []
    for spread in spreads:
        shares = []
        for clip, inversion in zip(chosen, inversions):
            made = run.codec.decode(variations(run, inversion, N_VARIATIONS, spread))
            nearest, _ = nearest_neighbours(dataset.normalizer.transform(made), everything)
            shares.append(np.mean(nearest == clip))
        rows.append(
            {
                "spread": spread,
                "clips": clips,
                "reconstruction (median)": float(np.median([i.distance for i in inversions])),
                "clip -> nearest training (median)": float(np.median(to_train)),
                "variations nearest the clip (mean share)": float(np.mean(shares)),
                "clips with most variations nearest it": int(np.sum(np.asarray(shares) > 0.5)),
                "s per inversion (median)": float(np.median(seconds)),
            }
        )
    print(f"{run.dir} (step {run.step}), {N_VARIATIONS} variations per clip")
    print(text_table(rows))


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[0], int(args[1]) if len(args) > 1 else 16, tuple(float(a) for a in args[2:]) or (0.1, 0.15, 0.3))
