import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from drumgan.models.conv_gan import build_critic, build_generator
from drumgan.models.gan import GAN  # noqa: E402


@pytest.mark.parametrize("size", [64, 128])
def test_shapes(size):
    generator, critic = build_generator(size, width=8), build_critic(size, width=8)
    images = generator(np.random.default_rng(0).normal(size=(3, 100)).astype("float32"))
    assert images.shape == (3, size, size, 1)
    assert float(tf.reduce_max(tf.abs(images))) <= 1.0
    assert critic(images).shape == (3, 1)


def test_builders_reject_sizes_they_cannot_make():
    with pytest.raises(ValueError, match="4 \\* 2\\*\\*k"):
        build_generator(60)


@pytest.mark.parametrize("loss", ["wgan-gp", "nonsaturating"])
def test_a_few_steps_change_both_networks_without_nan(loss):
    tf.random.set_seed(0)
    gan = GAN(build_generator(16, width=4), build_critic(16, width=4), critic_steps=2, loss=loss)
    gan.compile()
    real = np.random.default_rng(0).uniform(-1, 1, (12, 16, 16, 1)).astype("float32")
    before_g = [w.numpy().copy() for w in gan.generator.trainable_weights]
    before_c = [w.numpy().copy() for w in gan.critic.trainable_weights]
    history = gan.fit(real, batch_size=5, epochs=2, verbose=0)  # the last batch (2) is smaller
    losses = history.history["critic_loss"] + history.history["generator_loss"]
    assert np.all(np.isfinite(losses))
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(before_g, gan.generator.trainable_weights))
    assert any(not np.allclose(a, b.numpy()) for a, b in zip(before_c, gan.critic.trainable_weights))


def test_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="wgan-gp"):
        GAN(build_generator(8, width=2), build_critic(8, width=2), loss="hinge")
