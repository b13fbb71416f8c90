"""drumgan's own drum classifier: five small CNNs on constant-Q spectrograms of the audio
(:func:`~drumgan.features.spectral.log_cqt`), trained on the training kits.

It does not hear through the models' log-mel: its low bins are a semitone apart, so a kick's falling body is a
line across them rather than two mel bins, and its top octaves' filters are a few milliseconds long.

Their averaged predictions generalise to kits they never saw much better than one CNN does (on the
Hydrogen kits a single CNN's held-out accuracy varied from 0.59 to 0.82 with its random seed). It stands
in for the Inception network of image GANs (whose weights cannot be downloaded here and know nothing of
drums): its class probabilities give the inception score, its penultimate layer the embedding for the
Frechet distance and KID. The trained model is cached beside the dataset, keyed by the
data and the config, and loaded with Keras' safe mode.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from .. import distribute
from ..atomic import atomic_path
from ..backend import keras
from ..features.spectral import cqt_bins, log_cqt
from ..paths import shipped_dir
from .metrics import at_most

layers = keras.layers

CLASSIFIER_VERSION = 3  # bump when the architecture, its input or its training changes
EMBEDDING = "embedding"
MEMBERS = 5  # independently initialised CNNs whose predictions are averaged
MAX_TIME_SHIFT = 8  # frames (93 ms at 44.1 kHz) a training example may start late (augmentation)
MAX_PITCH_SHIFT = 2  # bins (semitones) a training example may move up or down (augmentation)
CHUNK = 128  # clips turned into spectrograms at a time


def _member(image, n_classes: int, width: int, index: int):
    """One CNN: 3 blocks of two 3x3 convolutions and a max-pool, an average over time that keeps the frequency
    axis (a kick and a tom differ in where their energy lies, not only in its shape), a 32-unit embedding, softmax."""
    x = image
    for i in range(3):
        x = layers.Conv2D(width * 2**i, 3, padding="same", activation="relu", name=f"m{index}_conv{i}a")(x)
        x = layers.Conv2D(width * 2**i, 3, padding="same", activation="relu", name=f"m{index}_conv{i}b")(x)
        x = layers.MaxPooling2D(2, name=f"m{index}_pool{i}")(x)
    x = layers.AveragePooling2D((1, x.shape[2]), name=f"m{index}_over_time")(x)
    x = layers.Flatten(name=f"m{index}_bands")(x)
    embedding = layers.Dense(32, activation="relu", name=f"m{index}_embedding")(x)
    dropped = layers.Dropout(0.3, name=f"m{index}_dropout")(embedding)
    return embedding, layers.Dense(n_classes, activation="softmax", name=f"m{index}_probabilities")(dropped)


def build_classifier(
    n_bins: int, n_frames: int, n_classes: int, width: int = 16, members: int = MEMBERS
) -> keras.Model:
    """constant-Q spectrogram (batch, n_bins, n_frames, 1) -> per-member class probabilities, for training.

    :func:`ensemble` turns it into the model that averages them; its embedding is the members' embeddings
    side by side.
    """
    image = keras.Input((n_bins, n_frames, 1), name="log_cqt")
    heads = [_member(image, n_classes, width, i) for i in range(members)]
    model = keras.Model(image, [probabilities for _, probabilities in heads], name="drum_classifier_members")
    assert all(tuple(head.shape) == (None, n_classes) for head in model.outputs), model.outputs
    return model


def ensemble(members: keras.Model) -> keras.Model:
    """The classifier: the members' averaged probabilities, and their embeddings side by side (layer ``embedding``)."""
    heads = members.outputs
    embeddings = [members.get_layer(f"m{i}_embedding").output for i in range(len(heads))]
    probabilities = layers.Average(name="probabilities")(heads) if len(heads) > 1 else heads[0]
    embedding = (
        layers.Concatenate(name=EMBEDDING)(embeddings)
        if len(heads) > 1
        else layers.Identity(name=EMBEDDING)(embeddings[0])
    )
    return keras.Model(members.input, [probabilities, embedding], name="drum_classifier")


def images(waves: np.ndarray, sample_rate: int) -> np.ndarray:
    """What the classifier hears of clips ``(n, samples)``: their constant-Q spectrograms, :data:`CHUNK` at a time."""
    chunks = [log_cqt(np.asarray(waves[i : i + CHUNK]), sample_rate) for i in range(0, len(waves), CHUNK)]
    return np.concatenate(chunks) if chunks else np.zeros((0, cqt_bins(sample_rate), 0), np.float32)


def augment(normalized: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each spectrogram delayed by up to :data:`MAX_TIME_SHIFT` frames (silence before) and moved up or down by up
    to :data:`MAX_PITCH_SHIFT` bins (edge bins repeated): drums from other kits start and sound a little
    differently."""
    out = np.empty_like(normalized)
    floor = normalized.min()
    for i, image in enumerate(normalized):
        delay, pitch = rng.integers(0, MAX_TIME_SHIFT + 1), rng.integers(-MAX_PITCH_SHIFT, MAX_PITCH_SHIFT + 1)
        image = np.concatenate(
            [np.full((image.shape[0], delay), floor, image.dtype), image[:, : image.shape[1] - delay]], axis=1
        )
        if pitch > 0:
            image = np.concatenate([np.repeat(image[:1], pitch, axis=0), image[:-pitch]], axis=0)
        elif pitch < 0:
            image = np.concatenate([image[-pitch:], np.repeat(image[-1:], -pitch, axis=0)], axis=0)
        out[i] = image
    return out


def _class_weights(labels: np.ndarray, n_classes: int) -> dict[int, float]:
    counts = np.bincount(labels, minlength=n_classes).astype(float)
    return {c: float(len(labels) / (n_classes * n)) if n else 0.0 for c, n in enumerate(counts)}


def train_classifier(
    dataset, epochs: int = 60, seed: int = 0, members: int = MEMBERS, progress: bool = False
) -> keras.Model:
    """The classifier fitted to the training kits' labels: ``members`` CNNs, each trained on its own
    stream of augmented spectrograms of the same training clips (at most :data:`~.metrics.REFERENCE_CLIPS`, drawn at
    random where there are more), classes weighted by their rarity; returns :func:`ensemble` of them. Trained
    under this process's ``tf.distribute`` strategy (:func:`drumgan.distribute.strategy`)."""
    from tqdm.auto import tqdm

    keras.utils.set_random_seed(seed)
    rng = np.random.default_rng(seed)
    train = at_most(dataset.train_index, seed=seed)
    x, y = images(dataset.waves[train], dataset.config.sample_rate), dataset.labels[train]
    weights = _class_weights(y, len(dataset.class_names))
    sample_weight = np.array([weights[label] for label in y], np.float32)
    bar = tqdm(total=epochs * members, desc="drum classifier (epochs)", disable=not progress)
    with distribute.strategy().scope():  # one device, or the replicas that train asks for (--distribute)
        members = build_classifier(*x.shape[1:3], len(dataset.class_names), members=members)
        for head in members.outputs:
            member = keras.Model(members.input, head)
            member.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
            for _ in range(epochs):
                member.fit(
                    augment(x, rng)[..., None],
                    y,
                    sample_weight=sample_weight,
                    batch_size=32,
                    epochs=1,
                    shuffle=True,
                    verbose=0,
                )
                bar.update()
        bar.close()
        return ensemble(members)


def clip_classes(model: keras.Model, dataset, index: np.ndarray) -> np.ndarray:
    """The most probable class of each of the dataset's clips ``index``, classified a chunk of clips at a time."""
    index = np.asarray(index)
    chunks = [index[i : i + CHUNK] for i in range(0, len(index), CHUNK)]
    classes = [classes_of(model, dataset.waves[c], dataset.config.sample_rate) for c in chunks]
    return np.concatenate(classes or [np.zeros(0, int)])


def classes_of(model: keras.Model, waves: np.ndarray, sample_rate: int) -> np.ndarray:
    """The most probable class (an index) that ``model`` hears in each clip of ``waves`` at ``sample_rate``."""
    return embed(model, images(waves, sample_rate))[0].argmax(axis=1)


def heard_as(model: keras.Model, dataset):
    """``waves -> class names``: the class ``model`` hears in each clip of ``waves`` at ``dataset``'s rate."""
    rate, names = dataset.config.sample_rate, dataset.class_names
    return lambda waves: [names[i] for i in classes_of(model, waves, rate)]


def accuracy(model: keras.Model, dataset, index: np.ndarray) -> float:
    """Share of samples in ``index`` whose most probable class is their label."""
    return float(np.mean(clip_classes(model, dataset, index) == dataset.labels[index]))


def _load(path: Path, remove_if_damaged: bool) -> keras.Model | None:
    """The classifier saved at ``path`` (safe mode), or None with one warning line if it cannot be loaded."""
    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as error:  # a damaged zip, a foreign file: whatever Keras raises, the cure is the same
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        warnings.warn(f"{path} cannot be loaded ({reason}); the classifier is trained again", stacklevel=3)
        if remove_if_damaged:
            path.unlink(missing_ok=True)
        return None


def cached_classifier(dataset, epochs: int = 60, members: int = MEMBERS, progress: bool = False) -> keras.Model:
    """The classifier for ``dataset``: loaded from beside its cache or from the one shipped in ``data/shipped/``
    (safe mode), else trained and saved beside the cache.

    A cached file that cannot be loaded is removed and the classifier trained again; one that cannot be
    written is reported, and the classifier used all the same (each in one warning line).
    """
    stem = f"{dataset.data_id}-classifier-v{CLASSIFIER_VERSION}-m{members}-e{epochs}"
    path = Path(dataset.cache_path).with_name(f"{stem}.keras")
    for candidate, cached in ((path, True), (shipped_dir() / path.name, False)):
        if candidate.is_file() and (model := _load(candidate, remove_if_damaged=cached)) is not None:
            return model
    model = train_classifier(dataset, epochs=epochs, members=members, progress=progress)
    try:
        with atomic_path(path) as tmp:
            model.save(tmp)
    except OSError as error:
        warnings.warn(f"the classifier cannot be cached as {path} ({error.strerror or error})", stacklevel=2)
    return model


def embed(model: keras.Model, spectrograms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities and penultimate-layer embeddings of :func:`images` ``(n, n_bins, n_frames)``."""
    probabilities, embeddings = model.predict(np.asarray(spectrograms)[..., None], verbose=0, batch_size=128)
    return probabilities, embeddings
