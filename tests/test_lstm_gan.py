import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from drumgan.models.lstm_gan import build_sequence_critic, build_sequence_generator  # noqa: E402


@pytest.mark.parametrize("frames_per_step", [1, 4])
def test_sequence_gan_shapes(frames_per_step):
    generator = build_sequence_generator(12, 5, units=8, frames_per_step=frames_per_step)
    critic = build_sequence_critic(12, 5, units=8, frames_per_step=frames_per_step)
    frames = generator(np.random.default_rng(0).normal(size=(3, 12 // frames_per_step, 16)).astype("float32"))
    assert frames.shape == (3, 12, 5)
    assert float(tf.reduce_max(tf.abs(frames))) <= 1.0
    assert critic(frames).shape == (3, 1)


def test_each_lstm_step_emits_consecutive_frames():
    generator = build_sequence_generator(8, 3, units=4, frames_per_step=2)
    noise = np.random.default_rng(0).normal(size=(1, 4, 16)).astype("float32")
    changed = noise.copy()
    changed[0, 3] += 1.0  # the last LSTM step: only the last two frames may change
    difference = np.abs(np.asarray(generator(changed)) - np.asarray(generator(noise)))[0].max(axis=1)
    assert np.all(difference[:6] == 0) and np.all(difference[6:] > 0)
    with pytest.raises(ValueError, match="must divide the 8 frames"):
        build_sequence_critic(8, 3, units=4, frames_per_step=3)
