"""A pretrained listener that shares nothing with drumgan: the VGG-like music-tagging network of the ``musicnn``
package (Pons and Serra, 2019; trained on the Million Song Dataset's tags), whose distribution carries its
weights. Its embedding gives the Frechet audio distance (FAD, as DrumGAN and CRASH report it with VGGish).

Only the weights are read: the checkpoint files of ``musicnn/MSD_vgg`` feed a Keras copy of the network (the
package's own code turns off TensorFlow's eager mode on import). The network hears 16 kHz audio through its own
96-band log-mel (``log10(10000 mel + 1)``, FFT 512, hop 256) in 3-second windows; a clip is one window, silence
after it. Its embedding is the last pooling layer's 128 channels, averaged over its positions.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import numpy as np

from ..errors import MissingWeights

PACKAGE = "musicnn"
CHECKPOINT = "MSD_vgg"  # the VGG trained on the Million Song Dataset; MTT_vgg is the MagnaTagATune one
INSTALL = "pip install --no-deps musicnn==0.1.0"  # its metadata pins numpy<1.17, which its weights do not need
RATE, N_FFT, HOP, N_MELS = 16000, 512, 256, 96
FRAMES = 187  # 3 s, the windows it was trained on
FILTERS = 128
EMBEDDING_SIZE = FILTERS
BATCH = 64
# (pool size, strides) after each of the five convolutions, in (time, frequency), as in musicnn's models.vgg
POOLS = (((4, 1), (2, 2)), ((2, 2), (2, 2)), ((2, 2), (2, 2)), ((2, 2), (2, 2)), ((4, 4), (4, 4)))
BN_EPSILON = 1e-3  # tf.compat.v1.layers.batch_normalization's
MISSING = f"the pretrained listener needs the {PACKAGE} package's weights ({INSTALL}, or make setup)"


def checkpoint_folder() -> Path:
    """Where the installed package keeps the network's checkpoint (files ``.index`` and ``.data-*``: their prefix is
    the folder itself)."""
    spec = importlib.util.find_spec(PACKAGE)  # finds the package without running its code
    if spec is None or not spec.submodule_search_locations:
        raise MissingWeights(MISSING)
    return Path(next(iter(spec.submodule_search_locations))) / CHECKPOINT


def available() -> bool:
    """Whether the pretrained network's weights are installed."""
    try:
        return (checkpoint_folder() / ".index").is_file()
    except MissingWeights:
        return False


@cache
def network():
    """The network up to its embedding, as a Keras model of log-mels ``(n, FRAMES, N_MELS)``, weights loaded."""
    from ..backend import keras, tf

    layers = keras.layers
    reader = tf.compat.v1.train.NewCheckpointReader(f"{checkpoint_folder()}/")
    weight = reader.get_tensor

    def normalisation(name: str):
        keys = ("gamma", "beta", "moving_mean", "moving_variance")
        layer = layers.BatchNormalization(epsilon=BN_EPSILON, name=name)
        return layer, [weight(f"{name}/{key}") for key in keys]

    image = keras.Input((FRAMES, N_MELS), name="log_mel")
    loaded = []
    bn, values = normalisation("batch_normalization")
    x = bn(layers.Reshape((FRAMES, N_MELS, 1))(image))
    loaded.append((bn, values))
    for i, (size, strides) in enumerate(POOLS, start=1):
        conv = layers.Conv2D(FILTERS, 3, padding="same", activation="relu", name=f"{i}CNN")
        bn, values = normalisation(f"batch_normalization_{i}")
        x = layers.MaxPooling2D(size, strides)(bn(conv(x)))
        loaded += [(conv, [weight(f"{i}CNN/kernel"), weight(f"{i}CNN/bias")]), (bn, values)]
    embedding = layers.GlobalAveragePooling2D(name="embedding")(x)
    model = keras.Model(image, embedding, name="msd_vgg")
    for layer, values in loaded:
        layer.set_weights(values)
    return model


def log_mels(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """The network's input: ``audio`` ``(n, samples)`` at 16 kHz, its log-mel ``(n, FRAMES, N_MELS)``, cut or padded
    with silence (0) to 3 s."""
    import librosa

    audio = np.asarray(audio, np.float32)
    if sample_rate != RATE:
        audio = librosa.resample(audio, orig_sr=sample_rate, target_sr=RATE, res_type="soxr_hq", axis=-1)
    mel = librosa.feature.melspectrogram(y=audio, sr=RATE, n_fft=N_FFT, hop_length=HOP, n_mels=N_MELS)
    image = np.log10(10000 * mel + 1).transpose(0, 2, 1)[:, :FRAMES]
    return np.pad(image, ((0, 0), (0, FRAMES - image.shape[1]), (0, 0))).astype(np.float32)


def embeddings(audio: np.ndarray, sample_rate: int) -> np.ndarray:
    """The pretrained network's embedding ``(n, EMBEDDING_SIZE)`` of each clip of ``audio`` ``(n, samples)``."""
    model = network()
    parts = [
        model.predict(log_mels(audio[i : i + BATCH], sample_rate), verbose=0, batch_size=BATCH)
        for i in range(0, len(audio), BATCH)
    ]
    return np.concatenate(parts).astype(np.float64) if parts else np.zeros((0, EMBEDDING_SIZE))
