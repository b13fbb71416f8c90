"""How much of a run's FD and near copies is the draw of its samples (benchmarks/README.md, FD over draws of a
run's samples).

    python benchmarks/draw_noise.py [--draws K] RUN [RUN ...]

``evaluate`` measures a run on 176 samples (as many as the held-out clips), from latents and Griffin-Lim phases
drawn from seed 0. For each RUN this measures the same FD (the classifier's embedding, against the training clips)
at K other draws of 176 (seeds 0 to K-1), and reports their mean, standard deviation and range, the share of draws at
or below the target (1.1 times the Griffin-Lim row's FD, measured as ``evaluate`` does) and the FD of all K draws
pooled (176 K samples, which reads lower: FD's bias falls with the number of samples); and its near copies (as
``evaluate`` counts them) at each draw.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from drumgan.data.preparation import prepare
from drumgan.evaluation import metrics
from drumgan.evaluation.evaluator import Evaluator
from drumgan.evaluation.neighbours import nearest_clips
from drumgan.features.spectral import log_mel
from drumgan.generation.sampling import generate_waves
from drumgan.training.run import Run

TARGET_RATIO = 1.1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="+")
    parser.add_argument("--draws", type=int, default=10)
    args = parser.parse_args()
    runs = [Run.load(folder) for folder in args.runs]
    dataset = prepare(config=runs[0].codec.config, progress=False)
    evaluator = Evaluator(dataset, hearing=False)
    n = len(dataset.test_index)

    def fd(embeddings: np.ndarray) -> float:
        return metrics.frechet_distance(embeddings, evaluator.train_embeddings)

    griffin_lim = fd(evaluator.classify_waves(evaluator.reference_waves(n)["griffin_lim"])[1])
    target = TARGET_RATIO * griffin_lim
    print(f"n {n}; Griffin-Lim row FD {griffin_lim:.2f}; target {target:.2f}")
    report = {"n": n, "draws": args.draws, "griffin_lim": griffin_lim, "target": target, "runs": {}}
    for run in runs:
        draws, copies = [], []
        for seed in range(args.draws):
            waves = generate_waves(run, n, seed)
            draws.append(evaluator.classify_waves(waves)[1])
            _, distances = nearest_clips(log_mel(waves, dataset.config), dataset)
            copies.append(evaluator.near_copies(distances))
        values = np.array([fd(embeddings) for embeddings in draws])
        row = {
            "seed_0": float(values[0]),
            "mean": float(values.mean()),
            "std": float(values.std(ddof=1)),
            "min": float(values.min()),
            "max": float(values.max()),
            "share_at_target": float((values <= target).mean()),
            "pooled": fd(np.concatenate(draws)),
            "near_copies_mean": float(np.mean(copies)),
        }
        report["runs"][str(run.dir)] = {**row, "fds": values.tolist(), "near_copies": copies}
        print(
            f"{run.dir}: " + ", ".join(f"{k} {v:.3g}" for k, v in row.items()) + f"; near copies {copies}", flush=True
        )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
