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


def build_generator(size, width: int, latent_dim: int = LATENT_DIM, n_classes: int = 0) -> keras.Model:
    """latent (batch, latent_dim) [and class mixture (batch, n_classes)] -> image (batch, bins, frames, 1) in
    [-1, 1]; ``size`` is the side of a square image or ``(bins, frames)``.

    Two parts, so that a clip can be inverted past the latent (:mod:`drumgan.generation.projection`): ``head`` maps the
    inputs to the first feature map (4 frames), ``body`` the feature map to the image. A class mixture enters the
    head through a linear embedding added to the latent's, so a mixture of classes is the mixture of their
    embeddings.
    """
    (bins, frames), steps = _shape(size), _upsamplings(size)
    channels = [width * 2 ** (steps - 1 - i) for i in range(steps)]  # e.g. 256, 128, 64, 32
    first = (bins // 2**steps, 4, channels[0] * 2)
    z = keras.Input((latent_dim,), name="latent")
    inputs = z if not n_classes else [z, keras.Input((n_classes,), name="classes")]
    x = layers.Dense(math.prod(first))(z)
    if n_classes:
        x = layers.Add()([x, layers.Dense(math.prod(first), use_bias=False, name="class_embedding")(inputs[1])])
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


def build_critic(size, width: int, n_classes: int = 0, class_head: bool = False) -> keras.Model:
    """image (batch, bins, frames, 1) [and class mixture (batch, n_classes)] -> score (batch, 1); no batch norm
    (WGAN-GP); ``size`` as for :func:`build_generator`. A conditional critic adds the projection of its features on
    the class embedding (Miyato & Koyama 2018), linear in the mixture; with ``class_head`` it also returns class
    logits (batch, n_classes) from the same features (an auxiliary classifier, AC-GAN)."""
    steps = _upsamplings(size)
    image = keras.Input((*_shape(size), 1), name="image")
    x = image
    for i in range(steps):
        x = layers.Conv2D(width * 2**i, 5, strides=2, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
    features = layers.Flatten()(x)
    score = layers.Dense(1, name="score", dtype="float32")(features)  # float32 outputs: see drumgan.precision
    inputs = image
    if n_classes:
        inputs = [image, keras.Input((n_classes,), name="classes")]
        embedded = layers.Dense(features.shape[-1], use_bias=False, name="class_embedding")(inputs[1])
        projection = layers.Dot(axes=1, name="projection", dtype="float32")([features, embedded])
        score = layers.Add(name="conditional_score", dtype="float32")([score, projection])
    if class_head:
        if not n_classes:
            raise ValueError("a class head needs a conditional critic (n_classes > 0)")
        logits = layers.Dense(n_classes, name="class_logits", dtype="float32")(features)
        return keras.Model(inputs, [score, logits], name="critic")
    model = keras.Model(inputs, score, name="critic")
    assert model.output_shape == (None, 1), model.output_shape
    return model
