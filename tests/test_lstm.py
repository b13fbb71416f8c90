import numpy as np
import pytest

from drumgan.settings import TrainSettings

tf = pytest.importorskip("tensorflow")

from drumgan.models import build_model  # noqa: E402
from drumgan.models.lstm import build_lstm  # noqa: E402


def test_lstm_shapes_and_sampling():
    model = build_lstm(n_frames=12, n_features=5, units=8, n_seed_frames=4, noise_std=0.05)
    assert model(np.zeros((2, 7, 5), "float32")).shape == (2, 7, 5)
    model.seed_frames.assign(np.linspace(-0.5, 0.5, 20).reshape(4, 5))
    samples = model.sample(6, seed=1)
    assert samples.shape == (6, 12, 5)
    assert np.abs(samples).max() <= 1.0
    assert set(map(tuple, samples[:, 0])) <= set(map(tuple, model.seed_frames.numpy()))  # starts from the bank
    assert not np.allclose(samples[0, 1:], samples[1, 1:])  # noise makes them differ
    assert np.array_equal(model.sample(6, seed=1), samples)
    assert model.sample(3, seed=1, from_noise=True).shape == (3, 12, 5)


def test_lstm_training_reduces_the_next_frame_loss():
    tf.random.set_seed(0)
    t = np.linspace(0, 1, 16)
    frames = np.stack([np.outer(np.exp(-k * t), np.linspace(-0.8, 0.8, 6)) for k in range(1, 9)]).astype("float32")
    model = build_model(TrainSettings.for_model("lstm", units=16, learning_rate=1e-2), n_frames=16, n_features=6)
    history = model.fit(frames[:, :-1], frames[:, 1:], batch_size=4, epochs=15, verbose=0, shuffle=False)
    losses = history.history["loss"]
    assert losses[-1] < 0.5 * losses[0]
