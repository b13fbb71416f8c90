"""The three model families, built from :class:`drumgan.training.TrainSettings`.

``lstm``: :class:`lstm.NextFrameLSTM`; ``lstm-gan``: :class:`gan.GAN` on LSTM networks;
``conv-gan``: :class:`gan.GAN` on SpecGAN networks. Every model has ``sample(n, seed)`` and an
``optimized`` list of (optimizer, variables) pairs whose first optimizer's step counts the run.
"""

from __future__ import annotations

from ..quiet import import_tensorflow

import_tensorflow()

import keras  # noqa: E402

from .conv_gan import build_critic, build_generator  # noqa: E402
from .gan import GAN  # noqa: E402
from .lstm import NextFrameLSTM, build_lstm  # noqa: E402
from .lstm_gan import build_sequence_critic, build_sequence_generator  # noqa: E402

MODELS = ("lstm", "lstm-gan", "conv-gan")
LAYOUTS = {"lstm": "sequence", "lstm-gan": "sequence", "conv-gan": "image"}


def _adam(settings) -> keras.optimizers.Optimizer:
    return keras.optimizers.Adam(settings.learning_rate, beta_1=settings.beta_1, beta_2=settings.beta_2)


def build_model(settings, n_frames: int, n_features: int, n_train: int = 1) -> keras.Model:
    """A compiled model of the family ``settings.model``; ``n_train`` sizes the LSTM's seed-frame bank."""
    if settings.model == "lstm":
        model = build_lstm(n_frames, n_features, settings.units, n_seed_frames=n_train, noise_std=settings.noise_std)
        model.compile(optimizer=_adam(settings), loss="mse")
        return model
    if settings.model == "lstm-gan":
        generator = build_sequence_generator(n_frames, n_features, settings.units, frames_per_step=settings.frames_per_step)
        critic = build_sequence_critic(n_frames, n_features, settings.units, frames_per_step=settings.frames_per_step)
    elif settings.model == "conv-gan":
        if n_frames != n_features:
            raise ValueError(f"the conv GAN needs square log-mel images, got {n_features} bins x {n_frames} frames")
        generator, critic = build_generator(n_frames, width=settings.width), build_critic(n_frames, width=settings.width)
    else:
        raise ValueError(f"unknown model {settings.model!r}; choose one of {', '.join(MODELS)}")
    model = GAN(generator, critic, settings.critic_steps, loss=settings.loss, seed=settings.seed)
    model.compile(_adam(settings), _adam(settings))
    return model


__all__ = ["GAN", "LAYOUTS", "MODELS", "NextFrameLSTM", "build_model"]
