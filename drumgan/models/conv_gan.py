"""SpecGAN-style networks for the conv GAN on normalised spectrogram images (trained by ``gan.GAN``).

Generator: latent -> dense (bins / 2**k) x 4 -> 5x5 stride-2 transposed convolutions -> tanh image in [-1, 1],
where 4 * 2**k is the number of frames (square log-mel images start at 4x4; 512-bin log-STFTs at 32x4).
Critic: the mirror, 5x5 stride-2 convolutions with LeakyReLU(0.2) -> one score.
"""

from __future__ import annotations

import math

from ..backend import keras

layers = keras.layers

LATENT_DIM = 100


def _shape(size) -> tuple[int, int]:
    """``(bins, frames)`` of an image given as its side or as that pair."""
    return (size, size) if isinstance(size, int) else tuple(size)


def _upsamplings(size) -> int:
    """Stride-2 layers between the first feature map (4 frames) and an image of ``size`` (side or bins, frames)."""
    bins, frames = _shape(size)
    steps = math.log2(frames / 4)
    if steps != int(steps) or steps < 1 or bins % 2 ** int(steps):
        raise ValueError(
            f"images need 4 * 2**k frames (8, 16, ..., 128) and bins a multiple of 2**k, got {bins} x {frames}"
        )
    return int(steps)


def _conditions(n_classes: int, n_timbre: int) -> list[tuple[str, object]]:
    """The inputs beside a latent or an image, each with the name of its layers: a class mixture and timbre
    percentiles, each where asked for."""
    wanted = (("class", "classes", n_classes), ("timbre", "timbre", n_timbre))
    return [(prefix, keras.Input((n,), name=name)) for prefix, name, n in wanted if n]


def build_generator(size, width: int, latent_dim: int = LATENT_DIM, n_classes: int = 0, n_timbre: int = 0):
    """latent (batch, latent_dim) [, class mixture (batch, n_classes)] [, timbre (batch, n_timbre)] -> image
    (batch, bins, frames, 1) in [-1, 1]; ``size`` is the side of a square image or ``(bins, frames)``.

    Two parts, so that a clip can be inverted past the latent (:mod:`drumgan.generation.projection`): ``head`` maps the
    inputs to the first feature map (4 frames), ``body`` the feature map to the image. A class mixture and timbre
    percentiles (:mod:`drumgan.features.timbre`) enter the head through linear embeddings added to the latent's, so a
    mixture of classes is the mixture of their embeddings.
    """
    (bins, frames), steps = _shape(size), _upsamplings(size)
    channels = [width * 2 ** (steps - 1 - i) for i in range(steps)]  # e.g. 256, 128, 64, 32
    first = (bins // 2**steps, 4, channels[0] * 2)
    z = keras.Input((latent_dim,), name="latent")
    conditions = _conditions(n_classes, n_timbre)
    inputs = [z, *(c for _, c in conditions)] if conditions else z
    x = layers.Dense(math.prod(first))(z)
    for prefix, condition in conditions:
        embedded = layers.Dense(math.prod(first), use_bias=False, name=f"{prefix}_embedding")(condition)
        x = layers.Add()([x, embedded])
    head = keras.Model(inputs, layers.Reshape(first)(x), name="head")
    features = keras.Input(head.output_shape[1:], name="features")
    x = layers.ReLU()(features)
    for c in channels[1:]:
        x = layers.Conv2DTranspose(c, 5, strides=2, padding="same")(x)
        x = layers.ReLU()(x)
    image = layers.Conv2DTranspose(1, 5, strides=2, padding="same", activation="tanh", name="image", dtype="float32")(x)
    body = keras.Model(features, image, name="body")
    model = keras.Model(inputs, body(head(inputs)), name="generator")
    assert model.output_shape == (None, bins, frames, 1), model.output_shape
    return model


def build_critic(
    size, width: int, n_classes: int = 0, class_head: bool = False, n_timbre: int = 0, timbre_head: bool = False
) -> keras.Model:
    """image (batch, bins, frames, 1) [, class mixture (batch, n_classes)] [, timbre (batch, n_timbre)] -> score
    (batch, 1); no batch norm (WGAN-GP); ``size`` as for :func:`build_generator`. A conditional critic adds the
    projection of its features on each condition's embedding (Miyato & Koyama 2018), linear in the mixture. With
    ``class_head`` it also returns class logits (batch, n_classes) from the same features (an auxiliary classifier,
    AC-GAN), and with ``timbre_head`` the timbre percentiles it hears (batch, n_timbre), as DrumGAN's critic does:
    outputs ``[score, class logits, timbre]``, each head where asked for."""
    steps = _upsamplings(size)
    image = keras.Input((*_shape(size), 1), name="image")
    x = image
    for i in range(steps):
        x = layers.Conv2D(width * 2**i, 5, strides=2, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
    features = layers.Flatten()(x)
    score = layers.Dense(1, name="score", dtype="float32")(features)  # float32 outputs: see drumgan.precision
    conditions = _conditions(n_classes, n_timbre)
    for prefix, condition in conditions:
        embedded = layers.Dense(features.shape[-1], use_bias=False, name=f"{prefix}_embedding")(condition)
        projection = layers.Dot(axes=1, name=f"{prefix}_projection", dtype="float32")([features, embedded])
        score = layers.Add(name=f"{prefix}_score", dtype="float32")([score, projection])
    if (class_head and not n_classes) or (timbre_head and not n_timbre):
        raise ValueError("a class or timbre head needs a critic conditional on it (n_classes or n_timbre > 0)")
    heads = [
        layers.Dense(n, name=name, dtype="float32")(features)
        for name, n, asked in (("class_logits", n_classes, class_head), ("timbre_heard", n_timbre, timbre_head))
        if asked
    ]
    inputs = [image, *(c for _, c in conditions)] if conditions else image
    model = keras.Model(inputs, [score, *heads] if heads else score, name="critic")
    assert heads or model.output_shape == (None, 1), model.output_shape
    return model
