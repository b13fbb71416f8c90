"""LSTM baseline: next-frame regression over normalised frames, generated autoregressively.

The original project's first model and the GRUV approach, done properly: trained with teacher
forcing on whole batches (MSE between predicted and true next frames), stateless between batches;
generation starts from a seed frame (a real first frame, or noise) and feeds each prediction back,
with an optional noise term so that outputs differ.
"""

from __future__ import annotations

import numpy as np

from ..backend import keras

layers = keras.layers


class NextFrameLSTM(keras.Model):
    """frames (batch, time, n_features) -> predicted next frames (batch, time, n_features) in [-1, 1].

    Args:
        n_features: mel bins or MFCC coefficients per frame.
        n_frames: frames in a whole sample (the length that :meth:`sample` generates).
        units: LSTM units per layer (two layers).
        n_seed_frames: size of the bank of real first frames that :meth:`sample` starts from;
            kept as a non-trainable weight so it travels with the checkpoint.
        noise_std: standard deviation of the noise added to each generated frame.
    """

    def __init__(self, n_features, n_frames, units, n_seed_frames, noise_std, **kwargs):
        super().__init__(**kwargs)
        self.n_features, self.n_frames, self.units, self.noise_std = n_features, n_frames, units, noise_std
        self.lstms = [layers.LSTM(units, return_sequences=True, return_state=True) for _ in range(2)]
        self.head = layers.Dense(n_features, activation="tanh", dtype="float32")  # see drumgan.precision
        self.seed_frames = self.add_weight(
            shape=(n_seed_frames, n_features), initializer="zeros", trainable=False, name="seed_frames"
        )

    @property
    def optimized(self) -> list:
        """(optimizer, the variables it updates) pairs; its step counts the run."""
        return [(self.optimizer, self.trainable_weights)]

    def call(self, frames, states=None, return_states=False):
        x, new_states = frames, []
        for i, lstm in enumerate(self.lstms):
            x, h, c = lstm(x, initial_state=None if states is None else states[i])
            new_states.append([h, c])
        predicted = self.head(x)
        return (predicted, new_states) if return_states else predicted

    def sample(self, n: int, seed: int = 0, from_noise: bool = False) -> np.ndarray:
        """``n`` sequences of ``n_frames``, each from a real first frame (or noise), fed back frame by frame."""
        rng = np.random.default_rng(seed)
        if from_noise:
            frame = rng.uniform(-1, 1, (n, 1, self.n_features)).astype("float32")
        else:
            bank = self.seed_frames.numpy()
            frame = bank[rng.integers(0, len(bank), n)][:, None, :]
        frames, states = [frame], None
        for _ in range(self.n_frames - 1):
            predicted, states = self(frame, states=states, return_states=True)
            noise = self.noise_std * rng.standard_normal(predicted.shape)
            frame = np.clip(np.asarray(predicted) + noise, -1, 1).astype("float32")
            frames.append(frame)
        return np.concatenate(frames, axis=1)


def build_lstm(n_frames: int, n_features: int, units: int, n_seed_frames: int, noise_std: float) -> NextFrameLSTM:
    """A built :class:`NextFrameLSTM`, its output shape checked."""
    model = NextFrameLSTM(n_features, n_frames, units, n_seed_frames, noise_std)
    out = model(np.zeros((1, n_frames - 1, n_features), "float32"))
    assert tuple(out.shape) == (1, n_frames - 1, n_features), out.shape
    return model
