"""drumgan's own drum classifier: a small CNN on normalised log-mels, trained on the training kits.

It stands in for the Inception network of image GANs (whose weights cannot be downloaded here and know
nothing of drums): its class probabilities give the inception score, its penultimate layer the
embedding for the Frechet distance and KID. The trained model is cached beside the dataset, keyed by the
data and the config, and loaded with Keras' safe mode.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .quiet import import_tensorflow

import_tensorflow()

import keras  # noqa: E402
from keras import layers  # noqa: E402

CLASSIFIER_VERSION = 1  # bump when the architecture or training changes
EMBEDDING = "embedding"


def build_classifier(n_mels: int, n_frames: int, n_classes: int, width: int = 16) -> keras.Model:
    """normalised log-mel (batch, n_mels, n_frames, 1) -> class probabilities (batch, n_classes)."""
    image = keras.Input((n_mels, n_frames, 1), name="log_mel")
    x = image
    for i in range(3):
        x = layers.Conv2D(width * 2**i, 3, padding="same", activation="relu")(x)
        x = layers.Conv2D(width * 2**i, 3, padding="same", activation="relu")(x)
        x = layers.MaxPooling2D(2)(x)
    x = layers.GlobalAveragePooling2D()(x)
    embedding = layers.Dense(64, activation="relu", name=EMBEDDING)(x)
    probabilities = layers.Dense(n_classes, activation="softmax", name="probabilities")(layers.Dropout(0.3)(embedding))
    model = keras.Model(image, probabilities, name="drum_classifier")
    assert model.output_shape == (None, n_classes), model.output_shape
    return model


def _class_weights(labels: np.ndarray, n_classes: int) -> dict[int, float]:
    counts = np.bincount(labels, minlength=n_classes).astype(float)
    return {c: float(len(labels) / (n_classes * n)) if n else 0.0 for c, n in enumerate(counts)}


def train_classifier(dataset, epochs: int = 40, seed: int = 0, verbose: int = 0) -> keras.Model:
    """A classifier fitted to the training kits' labels (classes weighted by their rarity)."""
    keras.utils.set_random_seed(seed)
    train = dataset.train_index
    x, y = dataset.normalized(train)[..., None], dataset.labels[train]
    model = build_classifier(*x.shape[1:3], len(dataset.class_names))
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=32, epochs=epochs, class_weight=_class_weights(y, len(dataset.class_names)),
              shuffle=True, verbose=verbose)
    return model


def accuracy(model: keras.Model, dataset, index: np.ndarray) -> float:
    """Share of samples in ``index`` whose most probable class is their label."""
    predicted = model.predict(dataset.normalized(index)[..., None], verbose=0).argmax(axis=1)
    return float(np.mean(predicted == dataset.labels[index]))


def cached_classifier(dataset, epochs: int = 40) -> keras.Model:
    """The classifier for ``dataset``: loaded from beside its cache (safe mode), else trained and saved."""
    path = Path(dataset.cache_path).with_name(f"{Path(dataset.cache_path).stem}-classifier-v{CLASSIFIER_VERSION}.keras")
    if path.is_file():
        return keras.saving.load_model(path, safe_mode=True)
    model = train_classifier(dataset, epochs=epochs)
    tmp = path.with_name(f".{path.stem}.tmp.keras")
    model.save(tmp)
    tmp.replace(path)
    return model


def embed(model: keras.Model, normalized: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities and penultimate-layer embeddings of normalised log-mels ``(n, n_mels, n_frames)``."""
    both = keras.Model(model.input, [model.output, model.get_layer(EMBEDDING).output])
    probabilities, embeddings = both.predict(np.asarray(normalized)[..., None], verbose=0, batch_size=128)
    return probabilities, embeddings
