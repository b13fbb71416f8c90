"""LSTM-GAN networks on normalised frame sequences (trained by ``gan.GAN``).

The original project's main model with its bugs fixed: an output layer sized to the feature and
bounded to [-1, 1] by tanh, a critic that judges whole sequences, batches instead of batch size 1,
and stateless LSTMs, so no state leaks from one batch into the next.
"""

from __future__ import annotations

import keras
from keras import layers

NOISE_DIM = 16


def build_sequence_generator(n_frames: int, n_features: int, units: int = 128, noise_dim: int = NOISE_DIM) -> keras.Model:
    """noise (batch, n_frames, noise_dim) -> frames (batch, n_frames, n_features) in [-1, 1]."""
    noise = keras.Input((n_frames, noise_dim), name="noise")
    x = layers.LSTM(units, return_sequences=True)(noise)
    x = layers.LSTM(units, return_sequences=True)(x)
    frames = layers.Dense(n_features, activation="tanh", name="frames")(x)
    model = keras.Model(noise, frames, name="sequence_generator")
    assert model.output_shape == (None, n_frames, n_features), model.output_shape
    return model


def build_sequence_critic(n_frames: int, n_features: int, units: int = 128) -> keras.Model:
    """frames (batch, n_frames, n_features) -> one score per sequence (batch, 1)."""
    frames = keras.Input((n_frames, n_features), name="frames")
    x = layers.LSTM(units, return_sequences=True)(frames)
    x = layers.LSTM(units)(x)
    score = layers.Dense(1, name="score")(x)
    model = keras.Model(frames, score, name="sequence_critic")
    assert model.output_shape == (None, 1), model.output_shape
    return model
