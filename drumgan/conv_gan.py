"""SpecGAN-style convolutional GAN on normalised log-mel images, WGAN-GP by default.

Generator: latent -> dense 4x4 -> 5x5 stride-2 transposed convolutions -> tanh image in [-1, 1].
Critic: the mirror, 5x5 stride-2 convolutions with LeakyReLU(0.2) -> one score.
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf
from keras import layers

LATENT_DIM = 100


def _upsamplings(image_size: int) -> int:
    """Stride-2 layers between 4x4 and ``image_size`` x ``image_size``."""
    steps = math.log2(image_size / 4)
    if steps != int(steps) or steps < 1:
        raise ValueError(f"images must be square with a side of 4 * 2**k (8, 16, ..., 128), got {image_size}")
    return int(steps)


def build_generator(image_size: int = 64, latent_dim: int = LATENT_DIM, width: int = 32) -> keras.Model:
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


def build_critic(image_size: int = 64, width: int = 32) -> keras.Model:
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


class ConvGAN(keras.Model):
    """A generator and a critic trained together by ``fit`` on batches of real images.

    Args:
        generator, critic: from :func:`build_generator` and :func:`build_critic`.
        latent_dim: size of the generator's input.
        critic_steps: critic updates per generator update (5 for WGAN-GP).
        gp_weight: gradient-penalty weight (10).
        loss: 'wgan-gp' or 'nonsaturating' (the standard GAN loss, non-saturating for the generator).
    """

    def __init__(self, generator, critic, latent_dim=LATENT_DIM, critic_steps=5, gp_weight=10.0, loss="wgan-gp", **kwargs):
        super().__init__(**kwargs)
        if loss not in ("wgan-gp", "nonsaturating"):
            raise ValueError(f"loss must be 'wgan-gp' or 'nonsaturating', got {loss!r}")
        self.generator, self.critic = generator, critic
        self.latent_dim, self.critic_steps, self.gp_weight, self.loss_name = latent_dim, critic_steps, gp_weight, loss
        self.critic_loss_tracker = keras.metrics.Mean(name="critic_loss")
        self.generator_loss_tracker = keras.metrics.Mean(name="generator_loss")

    def compile(self, generator_optimizer=None, critic_optimizer=None, **kwargs):
        """Adam(1e-4, beta 0.5/0.9) for both networks unless given."""
        super().compile(**kwargs)
        self.generator_optimizer = generator_optimizer or keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9)
        self.critic_optimizer = critic_optimizer or keras.optimizers.Adam(1e-4, beta_1=0.5, beta_2=0.9)

    @property
    def metrics(self):
        return [self.critic_loss_tracker, self.generator_loss_tracker]

    def call(self, latents, training=False):
        return self.generator(latents, training=training)

    def _gradient_penalty(self, real, fake):
        alpha = tf.random.uniform([tf.shape(real)[0], 1, 1, 1])
        mixed = real + alpha * (fake - real)
        with tf.GradientTape() as tape:
            tape.watch(mixed)
            scores = self.critic(mixed, training=True)
        grads = tape.gradient(scores, mixed)
        norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]) + 1e-12)
        return tf.reduce_mean((norms - 1.0) ** 2)

    def _critic_loss(self, real, fake):
        real_scores, fake_scores = self.critic(real, training=True), self.critic(fake, training=True)
        if self.loss_name == "wgan-gp":
            return tf.reduce_mean(fake_scores) - tf.reduce_mean(real_scores) + self.gp_weight * self._gradient_penalty(real, fake)
        return tf.reduce_mean(tf.nn.softplus(-real_scores) + tf.nn.softplus(fake_scores))

    def _generator_loss(self, fake_scores):
        if self.loss_name == "wgan-gp":
            return -tf.reduce_mean(fake_scores)
        return tf.reduce_mean(tf.nn.softplus(-fake_scores))

    def train_step(self, real):
        batch = tf.shape(real)[0]
        for _ in range(self.critic_steps):
            fake = self.generator(tf.random.normal([batch, self.latent_dim]), training=True)
            with tf.GradientTape() as tape:
                critic_loss = self._critic_loss(real, fake)
            grads = tape.gradient(critic_loss, self.critic.trainable_weights)
            self.critic_optimizer.apply_gradients(zip(grads, self.critic.trainable_weights))
        with tf.GradientTape() as tape:
            fake = self.generator(tf.random.normal([batch, self.latent_dim]), training=True)
            generator_loss = self._generator_loss(self.critic(fake, training=True))
        grads = tape.gradient(generator_loss, self.generator.trainable_weights)
        self.generator_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.critic_loss_tracker.update_state(critic_loss)
        self.generator_loss_tracker.update_state(generator_loss)
        return {m.name: m.result() for m in self.metrics}
