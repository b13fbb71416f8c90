"""The three model families, built from :class:`drumgan.settings.TrainSettings`.

``lstm``: :class:`lstm.NextFrameLSTM`; ``lstm-gan``: :class:`gan.GAN` on LSTM networks;
``conv-gan``: :class:`gan.GAN` on SpecGAN networks. Every model has ``sample(n, seed)`` and an
``optimized`` list of (optimizer, variables) pairs whose first optimizer's step counts the run.
"""

from __future__ import annotations

from .. import precision
from ..backend import keras
from .conv_gan import build_critic, build_generator
from .gan import GAN, Conditioning
from .losses import Recipe
from .lstm import NextFrameLSTM, build_lstm
from .lstm_gan import build_sequence_critic, build_sequence_generator


def _adam(settings, learning_rate: float | None = None) -> keras.optimizers.Optimizer:
    rate = settings.learning_rate if learning_rate is None else learning_rate
    return precision.optimizer(keras.optimizers.Adam(rate, beta_1=settings.beta_1, beta_2=settings.beta_2))


def build_model(
    settings, n_frames: int, n_features: int, n_train: int = 1, floor=None, class_counts=None, timbre_bank=None
) -> keras.Model:
    """A compiled model of the family ``settings.model``; ``n_train`` sizes the LSTM's seed-frame bank, ``floor``
    (:attr:`drumgan.features.codec.Codec.floor`) is where a GAN with ``settings.floor`` holds its samples,
    ``class_counts`` (training clips per class, in class order) are a conditional GAN's classes and prior, and
    ``timbre_bank`` (:class:`drumgan.features.timbre.TimbreBank`) a timbre-conditioned GAN's training timbres."""
    if settings.model == "lstm":
        model = build_lstm(n_frames, n_features, settings.units, n_seed_frames=n_train, noise_std=settings.noise_std)
        model.compile(optimizer=_adam(settings), loss="mse")
        return model
    if settings.model == "lstm-gan":
        generator = build_sequence_generator(n_frames, n_features, settings.units, settings.frames_per_step)
        critic = build_sequence_critic(n_frames, n_features, settings.units, settings.frames_per_step)
    else:
        if settings.conditional and not class_counts:
            raise ValueError("a conditional conv GAN needs the training clips per class (class_counts)")
        if settings.timbre and timbre_bank is None:
            raise ValueError("a timbre-conditioned conv GAN needs its training clips' timbres (timbre_bank)")
        n_classes = len(class_counts) if settings.conditional else 0
        n_timbre = timbre_bank.percentiles.shape[1] if settings.timbre else 0
        shape = (n_features, n_frames)
        generator = build_generator(shape, settings.width, n_classes=n_classes, n_timbre=n_timbre)
        critic = build_critic(
            shape, settings.width, n_classes, settings.class_weight > 0, n_timbre, settings.timbre_weight > 0
        )
    conditioning = Conditioning(
        class_prior=class_counts if settings.conditional else None,
        class_weight=settings.class_weight,
        timbre_bank=timbre_bank if settings.timbre else None,
        timbre_weight=settings.timbre_weight,
        timbre_spread=settings.timbre_spread,
    )
    floor = floor if settings.floor else None
    model = GAN(generator, critic, Recipe.of(settings), seed=settings.seed, floor=floor, conditioning=conditioning)
    model.compile(_adam(settings), _adam(settings, settings.critic_rate))
    return model


__all__ = ["GAN", "NextFrameLSTM", "build_model"]
