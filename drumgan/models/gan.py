"""A generator and a critic trained together by ``fit``: WGAN-GP or the non-saturating GAN loss.

The same class trains the conv GAN (latents of shape ``(100,)``, images) and the LSTM-GAN (noise
sequences, frame sequences). Its noise is drawn from stateless random ops keyed by the seed and the
generator step, so a run resumed from a checkpoint draws exactly what the uninterrupted run would.
"""

from __future__ import annotations

import numpy as np

from ..backend import keras, tf
from ..settings import GP_WEIGHT, LOSSES, MAX_CRITIC_STEPS


class GAN(keras.Model):
    """Adversarial training of ``generator`` (latent -> sample) against ``critic`` (sample -> score).

    Args:
        generator, critic: Keras models; the generator's input shape (without the batch) is the latent shape.
        critic_steps: critic updates per generator update.
        loss: 'wgan-gp' or 'nonsaturating' (the standard loss, non-saturating for the generator).
        seed: keys every random draw together with the generator step.
        gp_weight: gradient-penalty weight, used by 'wgan-gp'.
    """

    def __init__(
        self, generator, critic, *, critic_steps: int, loss: str, seed: int, gp_weight: float = GP_WEIGHT, **kwargs
    ):
        super().__init__(**kwargs)
        if loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
        if not 1 <= critic_steps <= MAX_CRITIC_STEPS:
            raise ValueError(f"critic_steps must be between 1 and {MAX_CRITIC_STEPS}, got {critic_steps}")
        self.generator, self.critic = generator, critic
        self.latent_shape = tuple(generator.input_shape[1:])
        self.critic_steps, self.gp_weight, self.loss_name, self.seed = critic_steps, gp_weight, loss, seed
        self.critic_loss_tracker = keras.metrics.Mean(name="critic_loss")
        self.generator_loss_tracker = keras.metrics.Mean(name="generator_loss")

    def compile(self, generator_optimizer, critic_optimizer, **kwargs):
        """Set the two networks' optimizers."""
        super().compile(**kwargs)
        self.generator_optimizer, self.critic_optimizer = generator_optimizer, critic_optimizer

    @property
    def metrics(self):
        return [self.critic_loss_tracker, self.generator_loss_tracker]

    @property
    def optimized(self) -> list:
        """(optimizer, the variables it updates) pairs, generator first (its step counts the run)."""
        return [
            (self.generator_optimizer, self.generator.trainable_weights),
            (self.critic_optimizer, self.critic.trainable_weights),
        ]

    def call(self, latents, training=False):
        return self.generator(latents, training=training)

    def sample(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` generated samples from standard-normal latents fixed by ``seed``."""
        latents = np.random.default_rng(seed).standard_normal((n, *self.latent_shape)).astype("float32")
        return np.asarray(self.generator(latents, training=False))

    def _key(self, draw: int):
        step = tf.cast(self.generator_optimizer.iterations, tf.int64)
        return tf.stack([tf.constant(self.seed, tf.int64), step * 32 + draw])

    def _noise(self, batch, draw: int):
        return tf.random.stateless_normal(tf.concat([[batch], self.latent_shape], 0), seed=self._key(draw))

    def _gradient_penalty(self, real, fake, draw: int):
        shape = tf.concat([[tf.shape(real)[0]], tf.ones([tf.rank(real) - 1], tf.int32)], 0)
        mixed = real + tf.random.stateless_uniform(shape, seed=self._key(draw)) * (fake - real)
        with tf.GradientTape() as tape:
            tape.watch(mixed)
            scores = self.critic(mixed, training=True)
        grads = tf.reshape(tape.gradient(scores, mixed), [tf.shape(real)[0], -1])
        norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=1) + 1e-12)
        return tf.reduce_mean((norms - 1.0) ** 2)

    def _critic_loss(self, real, fake, draw: int):
        real_scores, fake_scores = self.critic(real, training=True), self.critic(fake, training=True)
        if self.loss_name == "wgan-gp":
            penalty = self._gradient_penalty(real, fake, draw)
            return tf.reduce_mean(fake_scores) - tf.reduce_mean(real_scores) + self.gp_weight * penalty
        return tf.reduce_mean(tf.nn.softplus(-real_scores) + tf.nn.softplus(fake_scores))

    def _generator_loss(self, fake_scores):
        if self.loss_name == "wgan-gp":
            return -tf.reduce_mean(fake_scores)
        return tf.reduce_mean(tf.nn.softplus(-fake_scores))

    def train_step(self, real):
        batch = tf.shape(real)[0]
        for i in range(self.critic_steps):
            fake = self.generator(self._noise(batch, 2 * i), training=True)
            with tf.GradientTape() as tape:
                critic_loss = self._critic_loss(real, fake, 2 * i + 1)
            grads = tape.gradient(critic_loss, self.critic.trainable_weights)
            self.critic_optimizer.apply_gradients(zip(grads, self.critic.trainable_weights))
        with tf.GradientTape() as tape:
            fake = self.generator(self._noise(batch, 31), training=True)
            generator_loss = self._generator_loss(self.critic(fake, training=True))
        grads = tape.gradient(generator_loss, self.generator.trainable_weights)
        self.generator_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.critic_loss_tracker.update_state(critic_loss)
        self.generator_loss_tracker.update_state(generator_loss)
        return {m.name: m.result() for m in self.metrics}
