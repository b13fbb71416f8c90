"""The losses a GAN recipe trains with, each with its critic penalty, passed to :class:`~drumgan.models.gan.GAN`
in its :class:`Recipe` so that the train step calls them and never branches on a loss's name.

A loss gives what the critic minimises from its scores of real and fake clips, what the generator minimises from
its score of the fakes, and the critic's penalty: :class:`WassersteinGP` (WGAN-GP, SpecGAN's) or
:class:`NonSaturating` (the standard loss, non-saturating for the generator, with StyleGAN2's lazy R1 penalty).
"""

from __future__ import annotations

import dataclasses

from ..backend import tf
from ..distribute import replica_draw
from ..settings import GP_WEIGHT, LOSSES, MAX_CRITIC_STEPS, augmentations


class WassersteinGP:
    """WGAN-GP (Gulrajani et al. 2017): the critic's score gap, and ``weight`` times the squared distance from 1 of
    the critic's gradient norm at random mixes of real and fake clips."""

    penalised = True

    def __init__(self, weight: float = GP_WEIGHT):
        self.weight = weight

    def critic(self, real_scores, fake_scores):
        return tf.reduce_mean(fake_scores) - tf.reduce_mean(real_scores)

    def generator(self, fake_scores):
        return -tf.reduce_mean(fake_scores)

    def penalty(self, score, real, fake, key, critic_step):
        """The weighted gradient penalty of ``score`` (clips -> the critic's scores); the mixes are drawn with
        ``key``, each replica its rows of the global batch's."""
        batch = tf.shape(real)[0]

        def uniform(n):
            return tf.random.stateless_uniform(tf.concat([[n], tf.ones([tf.rank(real) - 1], tf.int32)], 0), key)

        mixed = real + replica_draw(uniform, batch) * (fake - real)
        with tf.GradientTape() as tape:
            tape.watch(mixed)
            scores = score(mixed)
        grads = tf.reshape(tape.gradient(scores, mixed), [batch, -1])
        norms = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=1) + 1e-12)
        return self.weight * tf.reduce_mean((norms - 1.0) ** 2)


class NonSaturating:
    """The standard GAN loss (softplus of the scores), non-saturating for the generator, with the R1 penalty
    ``r1_weight / 2 * E ||grad critic(real)||^2`` (Mescheder et al. 2018) applied every ``r1_every`` critic steps,
    scaled by it (StyleGAN2's lazy regularisation; ``r1_weight`` 0: no penalty)."""

    def __init__(self, r1_weight: float = 0.0, r1_every: int = 16):
        self.r1_weight, self.r1_every = float(r1_weight), max(1, int(r1_every))

    @property
    def penalised(self) -> bool:
        return bool(self.r1_weight)

    def critic(self, real_scores, fake_scores):
        return tf.reduce_mean(tf.nn.softplus(-real_scores) + tf.nn.softplus(fake_scores))

    def generator(self, fake_scores):
        return tf.reduce_mean(tf.nn.softplus(-fake_scores))

    def penalty(self, score, real, fake, key, critic_step):
        """The lazy R1 term at critic step ``critic_step``: ``r1_every`` times the penalty on every
        ``r1_every``-th step, else 0."""
        if not self.r1_weight:
            return tf.zeros((), real.dtype)
        due = tf.equal(critic_step % self.r1_every, 0)
        scale = 0.5 * self.r1_weight * self.r1_every
        return tf.cond(due, lambda: scale * r1_penalty(score, real), lambda: tf.zeros((), real.dtype))


def r1_penalty(score, real):
    """``E ||grad score(real)||^2`` over the batch (R1)."""
    with tf.GradientTape() as tape:
        tape.watch(real)
        scores = score(real)
    grads = tf.reshape(tape.gradient(scores, real), [tf.shape(real)[0], -1])
    return tf.reduce_mean(tf.reduce_sum(tf.square(grads), axis=1))


@dataclasses.dataclass(frozen=True)
class Recipe:
    """How a GAN trains: its loss (with its penalty), critic updates per generator update, the augmentations
    (:data:`drumgan.settings.AUGMENTATIONS`) applied to real and fake clips alike before the critic, and the decay
    per step of the moving average of the generator's weights that sampling uses (0: none)."""

    loss: WassersteinGP | NonSaturating
    critic_steps: int = 1
    augmentations: tuple[str, ...] = ()
    ema: float = 0.0

    def __post_init__(self):
        if not 1 <= self.critic_steps <= MAX_CRITIC_STEPS:
            raise ValueError(f"critic_steps must be between 1 and {MAX_CRITIC_STEPS}, got {self.critic_steps}")
        if not 0.0 <= self.ema < 1.0:
            raise ValueError(f"ema must be in [0, 1), got {self.ema}")

    @classmethod
    def of(cls, settings) -> Recipe:
        """The recipe that :class:`~drumgan.settings.TrainSettings` name."""
        return cls(named_loss(settings.loss, settings.r1_weight, settings.r1_every), settings.critic_steps,
                   augmentations(settings.augment), settings.ema)  # fmt: skip


def named_loss(name: str, r1_weight: float = 0.0, r1_every: int = 16) -> WassersteinGP | NonSaturating:
    """The loss a recipe names (:data:`drumgan.settings.LOSSES`); R1 applies to the non-saturating loss only."""
    if name == "wgan-gp":
        return WassersteinGP()
    if name == "nonsaturating":
        return NonSaturating(r1_weight, r1_every)
    raise ValueError(f"loss must be one of {LOSSES}, got {name!r}")
