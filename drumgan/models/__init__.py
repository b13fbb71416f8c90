"""The three model families, built from :class:`drumgan.settings.TrainSettings`.

``lstm``: :class:`lstm.NextFrameLSTM`; ``lstm-gan``: :class:`gan.GAN` on LSTM networks;
``conv-gan``: :class:`gan.GAN` on SpecGAN networks. Every model has ``sample(n, seed)`` and an
``optimized`` list of (optimizer, variables) pairs whose first optimizer's step counts the run.
"""

from __future__ import annotations

from .. import precision
from ..backend import keras
from ..settings import augmentations
from .conv_gan import build_critic, build_generator
from .gan import GAN
from .lstm import NextFrameLSTM, build_lstm
from .lstm_gan import build_sequence_critic, build_sequence_generator


def _adam(settings, learning_rate: float | None = None) -> keras.optimizers.Optimizer:
    rate = settings.learning_rate if learning_rate is None else learning_rate
    return precision.optimizer(keras.optimizers.Adam(rate, beta_1=settings.beta_1, beta_2=settings.beta_2))


def build_model(
    settings, n_frames: int, n_features: int, n_train: int = 1, floor=None, class_counts=None
) -> keras.Model:
    """A compiled model of the family ``settings.model``; ``n_train`` sizes the LSTM's seed-frame bank, ``floor``
    (:attr:`drumgan.features.codec.Codec.floor`) is where a GAN with ``settings.floor`` holds its samples, and
    ``class_counts`` (training clips per class, in class order) are a conditional GAN's classes and prior."""
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
        n_classes = len(class_counts) if settings.conditional else 0
        generator = build_generator((n_features, n_frames), settings.width, n_classes=n_classes)
        critic = build_critic(
            (n_features, n_frames), settings.width, n_classes=n_classes, class_head=settings.class_weight > 0
        )
    model = GAN(
        generator,
        critic,
        critic_steps=settings.critic_steps,
        loss=settings.loss,
        seed=settings.seed,
        r1_weight=settings.r1_weight,
        r1_every=settings.r1_every,
        augmentations=augmentations(settings.augment),
        ema=settings.ema,
        floor=floor if settings.floor else None,
        class_prior=class_counts if settings.conditional else None,
        class_weight=settings.class_weight,
    )
    model.compile(_adam(settings), _adam(settings, settings.critic_rate))
    return model


__all__ = ["GAN", "NextFrameLSTM", "build_model"]
