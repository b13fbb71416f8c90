import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from drumgan.models import build_model  # noqa: E402
from drumgan.models.conv_gan import build_critic, build_generator  # noqa: E402
from drumgan.models.gan import GAN  # noqa: E402
from drumgan.models.lstm import build_lstm  # noqa: E402
from drumgan.models.lstm_gan import build_sequence_critic, build_sequence_generator  # noqa: E402
from drumgan.training import TrainSettings  # noqa: E402


def weights_of(model):
    return [w.numpy().copy() for w in model.trainable_weights]


def changed(before, model):
    return any(not np.allclose(a, b.numpy()) for a, b in zip(before, model.trainable_weights))


@pytest.mark.parametrize("size", [64, 128])
def test_conv_shapes(size):
    generator, critic = build_generator(size, width=8), build_critic(size, width=8)
    images = generator(np.random.default_rng(0).normal(size=(3, 100)).astype("float32"))
    assert images.shape == (3, size, size, 1)
    assert float(tf.reduce_max(tf.abs(images))) <= 1.0
    assert critic(images).shape == (3, 1)


def test_builders_reject_sizes_they_cannot_make():
    with pytest.raises(ValueError, match="4 \\* 2\\*\\*k"):
        build_generator(60)


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
        build_sequence_critic(8, 3, frames_per_step=3)


def test_lstm_shapes_and_sampling():
    model = build_lstm(n_frames=12, n_features=5, units=8, n_seed_frames=4)
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


@pytest.mark.parametrize("family", ["conv-gan", "lstm-gan"])
@pytest.mark.parametrize("loss", ["wgan-gp", "nonsaturating"])
def test_a_few_gan_steps_change_both_networks_without_nan(family, loss):
    settings = TrainSettings.for_model(family, loss=loss, critic_steps=2, width=4, units=8)
    gan = build_model(settings, n_frames=16, n_features=16)
    shape = (12, 16, 16, 1) if family == "conv-gan" else (12, 16, 16)
    real = np.random.default_rng(0).uniform(-1, 1, shape).astype("float32")
    before_g, before_c = weights_of(gan.generator), weights_of(gan.critic)
    history = gan.fit(real, batch_size=5, epochs=2, verbose=0, shuffle=False)  # the last batch (2) is smaller
    assert np.all(np.isfinite(history.history["critic_loss"] + history.history["generator_loss"]))
    assert changed(before_g, gan.generator) and changed(before_c, gan.critic)
    assert int(gan.generator_optimizer.iterations) == 6 and int(gan.critic_optimizer.iterations) == 12


def test_gan_samples_are_fixed_by_the_seed():
    gan = GAN(build_generator(8, width=2), build_critic(8, width=2))
    assert np.array_equal(gan.sample(3, seed=5), gan.sample(3, seed=5))
    assert not np.allclose(gan.sample(3, seed=5), gan.sample(3, seed=6))


def test_bad_gan_settings_are_refused():
    with pytest.raises(ValueError, match="wgan-gp"):
        GAN(build_generator(8, width=2), build_critic(8, width=2), loss="hinge")
    with pytest.raises(ValueError, match="critic_steps"):
        GAN(build_generator(8, width=2), build_critic(8, width=2), critic_steps=0)


def test_conv_gan_needs_square_images():
    with pytest.raises(ValueError, match="square"):
        build_model(TrainSettings.for_model("conv-gan", width=2), n_frames=16, n_features=8)
