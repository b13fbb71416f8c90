"""How often real drums from a kit never seen cross the near-copy bar (benchmarks/README.md, Near copies of real
drums from kits never seen).

    python benchmarks/unseen_kit_copies.py

``evaluate`` counts as a near copy a clip nearer a training clip (RMS distance on normalised log-mel) than the
nearest held-out clip is. This hears each training kit in turn as a kit never seen: each of its clips against the
training clips of the other kits, against that bar. It prints each kit's count, the rate per 176 clips (a
``evaluate`` row's size) over all kits, with the clips whose recording another kit holds too (distance 0) left
out of the search, and without the kits that share recordings with another kit.
"""

from __future__ import annotations

import numpy as np

from drumgan.data.preparation import prepare
from drumgan.evaluation.evaluator import FLOAT_SLACK
from drumgan.evaluation.neighbours import heldout_to_train, nearest_in_other_kits
from drumgan.training.run import Run

ROW = 176
SAME_RECORDING = 1e-3  # normalised RMS distance below which two clips are one recording


def main() -> None:
    dataset = prepare(config=Run.load("runs/conv_gan").codec.config, progress=False)
    train, kits = dataset.train_index, dataset.kits
    bar = heldout_to_train(dataset).min() - FLOAT_SLACK
    distance = nearest_in_other_kits(dataset.log_mels[train], dataset, train)
    normalized = dataset.normalized(train).reshape(len(train), -1).astype(np.float64)
    beyond_copies = np.empty(len(train))  # the nearest clip of another kit that is not the same recording
    for i in range(len(train)):
        others = kits[train] != kits[train[i]]
        d = np.sqrt(((normalized[others] - normalized[i]) ** 2).mean(axis=1))
        beyond_copies[i] = d[d > SAME_RECORDING].min()
    sharing = sorted({str(k) for k in kits[train][distance < SAME_RECORDING]})
    print(f"bar (nearest held-out clip, less {FLOAT_SLACK:g}): {bar:.4f}")
    print("| kit | clips | near copies | of them, recordings another kit holds |")
    print("|---|---|---|---|")
    for kit in sorted(set(kits[train].tolist()), key=str.lower):
        own = kits[train] == kit
        copies, same = int((distance[own] < bar).sum()), int((distance[own] < SAME_RECORDING).sum())
        print(f"| {kit} | {own.sum()} | {copies} | {same} |")
    apart = ~np.isin(kits[train], sharing)
    for what, d, keep in (
        ("every kit", distance, np.ones(len(train), bool)),
        ("every kit, another kit's copy of the recording left out", beyond_copies, np.ones(len(train), bool)),
        (f"without the kits that share recordings ({', '.join(sharing)})", distance, apart),
    ):
        copies = int((d[keep] < bar).sum())
        print(f"{what}: {copies} of {keep.sum()} clips, {copies / keep.sum() * ROW:.1f} per {ROW}")


if __name__ == "__main__":
    main()
