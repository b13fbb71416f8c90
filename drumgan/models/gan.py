"""A generator and a critic trained together by ``fit``, as a :class:`~drumgan.models.losses.Recipe` says: its loss
and penalty (WGAN-GP, or the non-saturating GAN loss with a lazy R1 penalty), critic steps, differentiable
augmentation and a moving average of the generator's weights; conditioned, where :class:`Conditioning` says so, on
classes and timbre.

The same class trains the conv GAN (latents of shape ``(100,)``, images) and the LSTM-GAN (noise
sequences, frame sequences). Its noise and augmentations are drawn from stateless random ops keyed by the
seed and the generator step, so a run resumed from a checkpoint draws exactly what the uninterrupted run would.
Under a ``tf.distribute`` strategy each replica draws for the global batch and keeps its own rows, and takes
its share of each loss (:mod:`drumgan.distribute`), so replicas together train as one device with the global
batch would.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..backend import keras, tf
from ..distribute import loss_share, replica_draw, replica_rows
from ..latents import one_hot, truncate
from . import augment
from .losses import Recipe

SAMPLE_BATCH = 256  # latents the generator turns into samples at a time
REAL_STREAM, FAKE_STREAM = 1, 2  # the random streams of the real and the fake clips' augmentations (noise: 0)
VICINITY_STREAM = 3  # the random stream of the timbres a step asks for near the real clips' (timbre_spread)


@dataclasses.dataclass(frozen=True)
class Conditioning:
    """What a GAN is conditioned on beside its latent (nothing by default).

    Attributes:
        class_prior: a conditional GAN's (generator and critic take a second input, the class mixture) share of
            each class in the training data, from which :meth:`GAN.sample` draws classes where none are asked for.
            Training batches are then ``(clips, class mixtures)``, and the fakes of a step ask for the real batch's.
        class_weight: a conditional GAN whose critic also returns class logits (an auxiliary classifier): the
            weight of its cross-entropy on the real clips' classes (critic) and on the classes the fakes asked for
            (generator), so that fakes are made to be heard as their class (0: no such term).
        timbre_bank: a timbre-conditioned GAN's (generator and critic take timbre percentiles,
            :mod:`drumgan.features.timbre`) :class:`~drumgan.features.timbre.TimbreBank` of its training clips, from
            which :meth:`GAN.sample` draws timbres where none are asked for. Training batches then end with the
            clips' percentiles, and the fakes of a step ask for the real batch's.
        timbre_weight: a timbre-conditioned GAN whose critic also returns the timbre it hears (its last output): the
            weight of that regression's squared error on the real clips' percentiles (critic) and on the percentiles
            the fakes asked for (generator), as DrumGAN trains its controls (0: no such term).
        timbre_spread: a timbre-conditioned GAN's step asks for timbres near the real clips' rather than theirs:
            each moved by a normal draw of this standard deviation (clipped to [0, 1]), and the critic judges the
            real clips at those timbres too (its timbre head still learns their own), and :meth:`GAN.sample` draws
            timbres so (the vicinal training of CcGAN, Ding et al. 2021), so that a timbre does not name one
            training clip.
    """

    class_prior: object = None
    class_weight: float = 0.0
    timbre_bank: object = None
    timbre_weight: float = 0.0
    timbre_spread: float = 0.0


class GAN(keras.Model):
    """Adversarial training of ``generator`` (latent -> sample) against ``critic`` (sample -> score).

    Args:
        generator, critic: Keras models; the generator's input shape (without the batch) is the latent shape, and
            a conditional one's further inputs are named ``classes`` and ``timbre``.
        recipe: the loss and its penalty, critic steps, augmentations and moving average
            (:class:`~drumgan.models.losses.Recipe`).
        seed: keys every random draw together with the generator step.
        floor: where generated samples are held at or above (the data's floor in model space, broadcast over a
            batch), applied before the critic and in :meth:`sample`; None: nowhere.
        conditioning: the classes and timbre it is conditioned on (:class:`Conditioning`).
    """

    def __init__(
        self, generator, critic, recipe: Recipe, *, seed: int, floor=None, conditioning=Conditioning(), **kwargs
    ):
        super().__init__(**kwargs)
        self.generator, self.critic, self.recipe, self.seed = generator, critic, recipe, seed
        self.gan_loss = recipe.loss
        self.latent_shape = tuple(generator.inputs[0].shape[1:])
        widths = {tensor.name: int(tensor.shape[-1]) for tensor in generator.inputs[1:]}
        self.n_classes, self.n_timbre = widths.get("classes", 0), widths.get("timbre", 0)
        given = conditioning
        if self.n_timbre and (given.timbre_bank is None or given.timbre_bank.percentiles.shape[1] != self.n_timbre):
            raise ValueError(f"a timbre-conditioned GAN needs a timbre_bank of {self.n_timbre} controls")
        self.timbre_bank = given.timbre_bank if self.n_timbre else None
        self.timbre_weight, self.timbre_spread = float(given.timbre_weight), float(given.timbre_spread)
        if self.timbre_weight and (not self.n_timbre or len(critic.outputs) < 2):
            raise ValueError("timbre_weight needs a timbre-conditioned GAN whose critic returns the timbre it hears")
        if self.n_classes and (given.class_prior is None or len(given.class_prior) != self.n_classes):
            raise ValueError(f"a conditional GAN needs a class_prior of {self.n_classes} shares")
        prior = given.class_prior
        self.class_prior = None if not self.n_classes else np.asarray(prior, np.float64) / np.sum(prior)
        self.class_weight = float(given.class_weight)
        if self.class_weight and (not self.n_classes or len(critic.outputs) < 2):
            raise ValueError("class_weight needs a conditional GAN whose critic returns (score, class logits)")
        self.layout = "image" if len(generator.output_shape) == 4 else "sequence"
        self.floor = None if floor is None else np.asarray(floor, np.float32)
        self.ema_generator = None
        if recipe.ema:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
            self.ema_generator.trainable = False
        self.critic_loss_tracker = keras.metrics.Mean(name="critic_loss")
        self.generator_loss_tracker = keras.metrics.Mean(name="generator_loss")
        self.penalty_tracker = keras.metrics.Mean(name="penalty")  # the critic loss's gradient penalty or R1 term
        self.built = True  # its networks are: nothing for fit to build from a batch (which a strategy's fit would try)

    def compile(self, generator_optimizer, critic_optimizer, **kwargs):
        """Set the two networks' optimizers."""
        super().compile(**kwargs)
        self.generator_optimizer, self.critic_optimizer = generator_optimizer, critic_optimizer

    @property
    def metrics(self):
        penalised = [self.penalty_tracker] if self.gan_loss.penalised else []
        return [self.critic_loss_tracker, self.generator_loss_tracker, *penalised]

    @property
    def optimized(self) -> list:
        """(optimizer, the variables it updates) pairs, generator first (its step counts the run)."""
        return [
            (self.generator_optimizer, self.generator.trainable_weights),
            (self.critic_optimizer, self.critic.trainable_weights),
        ]

    @property
    def sampler(self):
        """The generator that samples: the moving average of the generator's weights where there is one."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    @property
    def conditional(self) -> bool:
        return self.n_classes > 0

    def inputs(self, x, classes, timbre=None):
        """What the generator (``x``: latents) or the critic (``x``: clips) takes: ``x``, with ``classes`` beside it
        for a conditional GAN and ``timbre`` (percentiles; default the training clips' median, an unnamed control's
        value) for a timbre-conditioned one."""
        if self.n_timbre and timbre is None:
            timbre = tf.repeat(self.timbre_bank.median()[None], tf.shape(x)[0], axis=0)
        conditions = ([classes] if self.conditional else []) + ([timbre] if self.n_timbre else [])
        return [x, *conditions] if conditions else x

    def call(self, latents, training=False):
        return self.generator(latents, training=training)

    def latents(self, n: int, seed: int = 0) -> np.ndarray:
        """``n`` standard-normal latents fixed by ``seed`` (the ones :meth:`sample` uses)."""
        return np.random.default_rng(seed).standard_normal((n, *self.latent_shape)).astype("float32")

    def sample(self, n: int, seed: int = 0, classes=None, truncation: float = 1.0, timbre=None) -> np.ndarray:
        """``n`` generated samples (from :attr:`sampler`) from the latents of ``seed``, truncated by ``truncation``
        (:func:`drumgan.latents.truncate`; 1: none); a conditional GAN's ask for ``classes`` (``(n, n_classes)``
        mixtures), else for classes drawn with ``seed`` (from :attr:`class_prior`, or with the timbre of the same
        training clip); a timbre-conditioned GAN's for ``timbre`` (``(n, n_timbre)`` percentiles), else for the
        timbres of training clips drawn with ``seed`` (of the class asked for, or most weighed in a mixture)."""
        latents = truncate(self.latents(n, seed), truncation)
        if self.n_timbre and timbre is None:
            rng = np.random.default_rng([seed, 2])
            drawn = self.timbre_bank.draw(n, rng, None if classes is None else np.argmax(classes, axis=1))
            if self.conditional and classes is None:  # the class of the same training clip
                classes = one_hot(self.timbre_bank.labels[drawn], self.n_classes)
            timbre = self.timbre_bank.percentiles[drawn]
            timbre = np.clip(timbre + self.timbre_spread * rng.standard_normal(timbre.shape), 0, 1).astype("float32")
        if self.conditional and classes is None:
            drawn = np.random.default_rng([seed, 1]).choice(self.n_classes, n, p=self.class_prior)
            classes = one_hot(drawn, self.n_classes)
        return self.from_latents(latents, classes, timbre)

    def from_latents(self, latents, classes=None, timbre=None) -> np.ndarray:
        """Generated samples (from :attr:`sampler`) of the given latents and, for a conditional GAN, class mixtures;
        a timbre-conditioned GAN's of ``timbre`` (``(n, n_timbre)`` percentiles; default the training median)."""
        if self.conditional and classes is None:
            raise ValueError("a conditional GAN needs the class mixture of each latent")
        latents = np.asarray(latents, "float32")
        classes = self._checked(classes, self.n_classes, "classes", len(latents))
        timbre = self._checked(timbre, self.n_timbre, "timbre", len(latents))
        parts = []
        for first in range(0, len(latents), SAMPLE_BATCH):  # a bounded batch at a time: any n fits in memory
            rows = slice(first, first + SAMPLE_BATCH)
            part = [None if c is None else c[rows] for c in (classes, timbre)]
            parts.append(np.asarray(self.held(self.sampler(self.inputs(latents[rows], *part), training=False))))
        return np.concatenate(parts)

    @staticmethod
    def _checked(condition, width: int, name: str, n: int):
        """``condition`` as float32 ``(n, width)`` (None where not given or not taken)."""
        if condition is None or not width:
            return None
        condition = np.asarray(condition, "float32")
        if condition.shape != (n, width):
            raise ValueError(f"expected {name} of shape {(n, width)}, got {condition.shape}")
        return condition

    def held(self, samples):
        """``samples`` held at or above :attr:`floor` (where there is one)."""
        return samples if self.floor is None else tf.maximum(samples, self.floor)

    def _key(self, draw: int, stream: int = 0):
        step = tf.cast(self.generator_optimizer.iterations, tf.int64)
        return tf.stack([tf.constant(self.seed + (stream << 32), tf.int64), step * 32 + draw])

    def _augment(self, x, draw: int, stream: int):
        rows = replica_rows(tf.shape(x)[0])
        return augment.augment(x, self.recipe.augmentations, self._key(draw, stream), self.layout, rows)

    def _noise(self, batch, draw: int):
        def normal(n):
            return tf.random.stateless_normal(tf.concat([[n], self.latent_shape], 0), seed=self._key(draw))

        return replica_draw(normal, batch)

    def _outputs(self, x, classes, timbre):
        """The critic's score of ``x``, its class logits and the timbre it hears (None where it has no such head)."""
        outputs = self.critic(self.inputs(x, classes, timbre), training=True)
        outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
        logits = outputs[1] if self.class_weight else None
        heard = outputs[-1] if self.timbre_weight else None
        return outputs[0], logits, heard

    def _score(self, x, classes, timbre):
        return self._outputs(x, classes, timbre)[0]

    def _judge(self, x, classes, timbre, heard=None):
        """The critic's score of ``x`` at ``classes`` and ``timbre``, and the terms of its heads (0 without):
        ``class_weight`` times the cross-entropy of its logits against ``classes``, plus ``timbre_weight`` times the
        mean squared error of the timbre it hears against ``heard`` (default ``timbre``: what the clips sound like)."""
        score, logits, predicted = self._outputs(x, classes, timbre)
        terms = 0.0
        if logits is not None:
            entropy = tf.nn.softmax_cross_entropy_with_logits(tf.cast(classes, logits.dtype), logits)
            terms += self.class_weight * tf.reduce_mean(entropy)
        if predicted is not None:
            target = timbre if heard is None else heard
            terms += self.timbre_weight * tf.reduce_mean(tf.square(predicted - tf.cast(target, predicted.dtype)))
        return score, terms

    def _vicinal(self, timbre):
        """The timbres a step asks for: each of ``timbre`` moved by ``timbre_spread`` standard normal draws."""

        def normal(n):
            return tf.random.stateless_normal([n, self.n_timbre], seed=self._key(0, VICINITY_STREAM))

        moved = timbre + self.timbre_spread * tf.cast(replica_draw(normal, tf.shape(timbre)[0]), timbre.dtype)
        return tf.clip_by_value(moved, 0.0, 1.0)

    def _critic_loss(self, real, fake, asked, heard, i: int):
        """The loss of critic step ``i`` of this generator step, and the penalty term in it (0 without one)."""
        real, fake = self._augment(real, i, REAL_STREAM), self._augment(fake, i, FAKE_STREAM)
        (real_scores, head_loss), fake_scores = self._judge(real, *asked, heard), self._score(fake, *asked)
        score = lambda x: self._score(x, *asked)  # noqa: E731
        penalty = self.gan_loss.penalty(score, real, fake, self._key(2 * i + 1), self.critic_optimizer.iterations)
        return self.gan_loss.critic(real_scores, fake_scores) + head_loss + penalty, penalty

    def _fake(self, batch, asked, draw: int):
        return self.held(self.generator(self.inputs(self._noise(batch, draw), *asked), training=True))

    def train_step(self, data):
        real, *conditions = data if isinstance(data, (list, tuple)) else (data,)
        heard = conditions[-1] if self.n_timbre else None  # the real clips' own timbres
        timbre = self._vicinal(heard) if self.n_timbre and self.timbre_spread else heard
        asked = (conditions[0] if self.conditional else None, timbre)
        batch = tf.shape(real)[0]
        for i in range(self.recipe.critic_steps):
            fake = self._fake(batch, asked, 2 * i)
            with tf.GradientTape() as tape:
                critic_loss, penalty = self._critic_loss(real, fake, asked, heard, i)
                share = self.critic_optimizer.scale_loss(loss_share(critic_loss))
            grads = tape.gradient(share, self.critic.trainable_weights)
            self.critic_optimizer.apply_gradients(zip(grads, self.critic.trainable_weights))
        with tf.GradientTape() as tape:
            fake = self._fake(batch, asked, 31)
            fake_scores, head_loss = self._judge(self._augment(fake, 31, FAKE_STREAM), *asked)
            generator_loss = self.gan_loss.generator(fake_scores) + head_loss
            share = self.generator_optimizer.scale_loss(loss_share(generator_loss))
        grads = tape.gradient(share, self.generator.trainable_weights)
        self.generator_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        if self.ema_generator is not None:
            self._update_average()
        self.critic_loss_tracker.update_state(critic_loss)
        self.generator_loss_tracker.update_state(generator_loss)
        self.penalty_tracker.update_state(penalty)
        return {m.name: m.result() for m in self.metrics}

    def _update_average(self):
        """Move the averaged generator towards the generator, by a decay that ramps up to ``ema``."""
        step = tf.cast(self.generator_optimizer.iterations, tf.float32)
        decay = tf.minimum(self.recipe.ema, (1.0 + step) / (10.0 + step))
        for average, weight in zip(self.ema_generator.weights, self.generator.weights):
            average.assign(decay * average + (1.0 - decay) * weight)
