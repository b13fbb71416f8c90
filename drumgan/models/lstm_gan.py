"""LSTM-GAN networks on normalised frame sequences (trained by ``gan.GAN``).

The original project's main model with its bugs fixed: an output layer sized to the feature and
bounded to [-1, 1] by tanh, a critic that judges whole sequences, batches instead of batch size 1,
and stateless LSTMs, so no state leaks from one batch into the next.

Each LSTM step handles ``frames_per_step`` consecutive frames (Tacotron's reduction factor): the
generator emits them together and the critic reads them together, so a 64-frame clip takes 16 steps
at the default 4: a quarter of the recurrent matrix products, which dominate an LSTM's FLOPs, and of
the sequential steps.
"""

from __future__ import annotations

from ..backend import keras
from ..settings import lstm_steps

layers = keras.layers
NOISE_DIM = 16


def build_sequence_generator(
    n_frames: int, n_features: int, units: int, frames_per_step: int, noise_dim: int = NOISE_DIM
) -> keras.Model:
    """noise (batch, n_frames // frames_per_step, noise_dim) -> frames (batch, n_frames, n_features) in [-1, 1]."""
    steps = lstm_steps(n_frames, frames_per_step)
    noise = keras.Input((steps, noise_dim), name="noise")
    x = layers.LSTM(units, return_sequences=True)(noise)
    x = layers.LSTM(units, return_sequences=True)(x)
    x = layers.Dense(n_features * frames_per_step, activation="tanh")(x)
    frames = layers.Reshape((n_frames, n_features), name="frames", dtype="float32")(x)  # see drumgan.precision
    model = keras.Model(noise, frames, name="sequence_generator")
    assert model.output_shape == (None, n_frames, n_features), model.output_shape
    return model


def build_sequence_critic(n_frames: int, n_features: int, units: int, frames_per_step: int) -> keras.Model:
    """frames (batch, n_frames, n_features) -> one score per sequence (batch, 1)."""
    steps = lstm_steps(n_frames, frames_per_step)
    frames = keras.Input((n_frames, n_features), name="frames")
    x = layers.Reshape((steps, n_features * frames_per_step))(frames)
    x = layers.LSTM(units, return_sequences=True)(x)
    x = layers.LSTM(units)(x)
    score = layers.Dense(1, name="score", dtype="float32")(x)
    model = keras.Model(frames, score, name="sequence_critic")
    assert model.output_shape == (None, 1), model.output_shape
    return model
