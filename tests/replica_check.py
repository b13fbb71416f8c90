"""Run by test_distribute in a process of two logical CPU devices: each family (and the evaluation classifier)
trained a few steps on one device and, mirrored, on two replicas from the same batches; prints one JSON line of
the largest relative difference between the two sets of weights, per case, and the replicas used.

Plain SGD, so that a weight's change is its gradient times the rate: a replica that sums its gradients
without taking its share of the loss, or that draws another replica's noise, shows here (Adam's first steps
would hide a scale).
"""

import json
import os
import sys
from types import SimpleNamespace

os.environ["DRUMGAN_CPU_DEVICES"], os.environ["DRUMGAN_DISTRIBUTE"] = "2", "mirrored"

import numpy as np  # noqa: E402

from drumgan import distribute  # noqa: E402
from drumgan.backend import keras, tf  # noqa: E402
from drumgan.models import build_model  # noqa: E402
from drumgan.settings import TrainSettings  # noqa: E402
from drumgan.training.loop import fit_steps  # noqa: E402

CASES = {
    "conv-gan r1": dict(model="conv-gan", width=2),
    "conv-gan wgan-gp": dict(model="conv-gan", width=2, recipe="wgan-gp", critic_steps=2),
    "conv-gan conditional": dict(model="conv-gan", width=2, conditional=True),
    "lstm-gan": dict(model="lstm-gan", units=8, augment="shift,pitch,gain,cutout"),
    "lstm": dict(model="lstm", units=8),
}
N, BATCH, STEPS, CLASSES = 32, 8, 3, 3


def build(settings, classes, chosen):
    with chosen.scope():
        model = build_model(settings, 64, 64, n_train=N, floor=np.full((64, 64, 1), -1.0), class_counts=classes)
        rate = 0.05
        if settings.model == "lstm":
            model.compile(keras.optimizers.SGD(rate), "mse")
        else:
            model.compile(keras.optimizers.SGD(rate), keras.optimizers.SGD(rate))
    return model


def difference(case: dict) -> float:
    case = dict(case)
    settings = TrainSettings.for_model(case.pop("model"), steps=STEPS, batch_size=BATCH, seed=3, **case)
    rng = np.random.default_rng(0)
    shape = (N, 64, 64, 1) if settings.model == "conv-gan" else (N, 64, 64)
    data = rng.uniform(-1, 1, shape).astype("float32")
    labels = np.eye(CLASSES, dtype="float32")[rng.integers(0, CLASSES, N)] if settings.conditional else None
    counts = [10, 12, 10] if settings.conditional else None
    one, mirrored = (
        build(settings, counts, chosen) for chosen in (tf.distribute.get_strategy(), distribute.strategy())
    )
    mirrored.set_weights(one.get_weights())
    for model in (one, mirrored):
        fit_steps(SimpleNamespace(settings=settings, model=model), data, 0, STEPS, classes=labels)
    return largest_difference(one.get_weights(), mirrored.get_weights())


def largest_difference(first: list, second: list) -> float:
    """The largest absolute difference of two lists of arrays, relative to each array's largest value."""
    return max(float(np.max(np.abs(a - b)) / (np.max(np.abs(a)) + 1e-12)) for a, b in zip(first, second))


def main() -> int:
    cases = {name: difference(case) for name, case in CASES.items()}
    print(json.dumps({"replicas": distribute.replicas(), "differences": cases}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
