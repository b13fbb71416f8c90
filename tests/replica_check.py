"""Run by test_distribute in a process of two logical CPU devices: each family trained a few steps on one device
and, mirrored, on two replicas from the same batches; prints one JSON line of how far the two trainings moved
apart relative to how far they moved, per case, the replicas used, and how the evaluation classifier trained.

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
from drumgan.training.loop import fit_batches  # noqa: E402

CASES = {
    "conv-gan r1": dict(model="conv-gan", width=2),
    "conv-gan wgan-gp": dict(model="conv-gan", width=2, recipe="wgan-gp", critic_steps=2),
    "conv-gan conditional": dict(model="conv-gan", width=2, conditional=True),
    "lstm-gan": dict(model="lstm-gan", units=8, augment="shift,pitch,gain,cutout"),
    "lstm": dict(model="lstm", units=8),
}
N, BATCH, STEPS, CLASSES = 32, 8, 2, 3


def build(settings, classes, chosen):
    with chosen.scope():
        floor = np.full((64, 64, 1) if settings.layout == "image" else (1, 64), -1.0)  # as Codec.floor shapes it
        model = build_model(settings, 64, 64, n_train=N, floor=floor, class_counts=classes)
        rate = 0.01
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
    start = one.get_weights()
    mirrored.set_weights(start)
    read = lambda rows: (data[rows], labels[rows]) if settings.conditional else (data[rows],)  # noqa: E731
    for model in (one, mirrored):
        fit_batches(model, settings, read, N, 0, STEPS)
    return update_difference(start, one.get_weights(), mirrored.get_weights())


def update_difference(start: list, first: list, second: list) -> float:
    """How far two trainings from ``start`` moved apart, relative to how far the first moved (L2 over every
    floating-point weight): float rounding gives about 1e-6, a replica's wrong share or draw about 1."""
    flat = [np.concatenate([w.ravel() for w in weights if w.dtype.kind == "f"]) for weights in (start, first, second)]
    return float(np.linalg.norm(flat[1] - flat[2]) / np.linalg.norm(flat[1] - flat[0]))


def classifier_on_replicas() -> dict:
    """The evaluation classifier trained (one member, one epoch) under the mirrored strategy: what it was built in,
    and its probabilities (dropout draws differ between replicas, so its weights are not compared)."""
    from drumgan.evaluation.classifier import images, train_classifier

    rng = np.random.default_rng(2)
    waves, labels = rng.uniform(-1, 1, (N, 22050)).astype("float32"), rng.integers(0, CLASSES, N)
    config = SimpleNamespace(sample_rate=44100)
    dataset = SimpleNamespace(train_index=np.arange(N), labels=labels, class_names=("a", "b", "c"), waves=waves,
                              config=config)  # fmt: skip
    model = train_classifier(dataset, epochs=1, members=1)
    probabilities = model.predict(images(waves, config.sample_rate)[..., None], verbose=0)[0]
    return {
        "mirrored": model.distribute_strategy is distribute.strategy(),
        "probabilities_sum_to_one": bool(np.allclose(probabilities.sum(axis=1), 1, atol=1e-4)),
    }


def main() -> int:
    cases = {name: difference(case) for name, case in CASES.items()}
    print(json.dumps({"replicas": distribute.replicas(), "differences": cases, "classifier": classifier_on_replicas()}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
