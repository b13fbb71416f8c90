"""A digest of the weights each GAN recipe reaches after a few hundred steps: run it before and after a change to
the training code, and equal digests show the change trained every recipe bit for bit as before.

    python benchmarks/weights_digest.py [STEPS] [OUT.json]

Trains, on the default dataset at 44.1 kHz and at small widths (so the whole runs in minutes on a laptop CPU),
STEPS steps (default 200) of each recipe below into a temporary folder, and prints (and with OUT.json writes) the
SHA-256 of every trained variable: the generator's, the critic's and the moving average's weights and both
optimizers' state.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

from drumgan.data.preparation import prepare
from drumgan.settings import TrainSettings
from drumgan.training.loop import train

RECIPES = {
    "conv-gan r1": dict(model="conv-gan", width=4),
    "conv-gan wgan-gp": dict(model="conv-gan", width=4, recipe="wgan-gp"),
    "conv-gan conditional, class head": dict(model="conv-gan", width=4, conditional=True),
    "conv-gan conditional, timbre": dict(model="conv-gan", width=4, conditional=True, timbre=True),
    "lstm-gan r1": dict(model="lstm-gan", units=16),
    "lstm-gan plain (no R1, augmentation or average)": dict(
        model="lstm-gan", units=16, r1_weight=0.0, augment="", ema=0.0
    ),
}


def digest(model) -> str:
    """SHA-256 of every variable of ``model`` (its networks, the moving average and the optimizers), in order."""
    sha = hashlib.sha256()
    for variable in model.variables + [v for optimizer, _ in model.optimized for v in optimizer.variables]:
        sha.update(np.asarray(variable).tobytes())
    return sha.hexdigest()


def main(steps: int = 200, out: str | None = None) -> dict:
    dataset = None
    digests = {}
    for name, options in RECIPES.items():
        settings = TrainSettings.for_model(steps=steps, batch_size=16, **options)
        dataset = dataset or prepare(config=settings.feature_config, progress=False)
        with tempfile.TemporaryDirectory() as folder:
            run = train(Path(folder) / "run", settings, dataset, progress=False, checkpoint_seconds=10**9)
            digests[name] = digest(run.model)
        print(f"{name}: {digests[name]}", flush=True)
    if out:
        Path(out).write_text(json.dumps({"steps": steps, "digests": digests}, indent=2))
    return digests


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200, sys.argv[2] if len(sys.argv) > 2 else None)
