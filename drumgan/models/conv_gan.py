"""SpecGAN-style networks for the conv GAN on normalised log-mel images (trained by ``gan.GAN``).

Generator: latent -> dense 4x4 -> 5x5 stride-2 transposed convolutions -> tanh image in [-1, 1].
Critic: the mirror, 5x5 stride-2 convolutions with LeakyReLU(0.2) -> one score.
"""

from __future__ import annotations

import math

from ..backend import keras

layers = keras.layers

LATENT_DIM = 100


def _upsamplings(image_size: int) -> int:
    """Stride-2 layers between 4x4 and ``image_size`` x ``image_size``."""
    steps = math.log2(image_size / 4)
    if steps != int(steps) or steps < 1:
        raise ValueError(f"images must be square with a side of 4 * 2**k (8, 16, ..., 128), got {image_size}")
    return int(steps)


def build_generator(image_size: int, width: int, latent_dim: int = LATENT_DIM) -> keras.Model:
    """latent (batch, latent_dim) -> image (batch, image_size, image_size, 1) in [-1, 1]."""
    steps = _upsamplings(image_size)
    channels = [width * 2 ** (steps - 1 - i) for i in range(steps)]  # e.g. 256, 128, 64, 32
    z = keras.Input((latent_dim,), name="latent")
    x = layers.Dense(4 * 4 * channels[0] * 2)(z)
    x = layers.Reshape((4, 4, channels[0] * 2))(x)
    x = layers.ReLU()(x)
    for c in channels[1:]:
        x = layers.Conv2DTranspose(c, 5, strides=2, padding="same")(x)
        x = layers.ReLU()(x)
    image = layers.Conv2DTranspose(1, 5, strides=2, padding="same", activation="tanh", name="image")(x)
    model = keras.Model(z, image, name="generator")
    assert model.output_shape == (None, image_size, image_size, 1), model.output_shape
    return model


def build_critic(image_size: int, width: int) -> keras.Model:
    """image (batch, image_size, image_size, 1) -> score (batch, 1); no batch norm (WGAN-GP)."""
    steps = _upsamplings(image_size)
    image = keras.Input((image_size, image_size, 1), name="image")
    x = image
    for i in range(steps):
        x = layers.Conv2D(width * 2**i, 5, strides=2, padding="same")(x)
        x = layers.LeakyReLU(0.2)(x)
    score = layers.Dense(1, name="score")(layers.Flatten()(x))
    model = keras.Model(image, score, name="critic")
    assert model.output_shape == (None, 1), model.output_shape
    return model
