import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from drumgan.models.conv_gan import build_critic, build_generator  # noqa: E402


@pytest.mark.parametrize("size", [64, 128])
def test_conv_shapes(size):
    generator, critic = build_generator(size, width=8), build_critic(size, width=8)
    images = generator(np.random.default_rng(0).normal(size=(3, 100)).astype("float32"))
    assert images.shape == (3, size, size, 1)
    assert float(tf.reduce_max(tf.abs(images))) <= 1.0
    assert critic(images).shape == (3, 1)


def test_builders_reject_sizes_they_cannot_make():
    with pytest.raises(ValueError, match="4 \\* 2\\*\\*k"):
        build_generator(60, width=4)
