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


def test_the_networks_take_rectangular_images_of_many_bins():
    generator, critic = build_generator((32, 8), width=4), build_critic((32, 8), width=4)
    images = generator(np.zeros((2, 100), "float32"))
    assert images.shape == (2, 32, 8, 1) and critic(images).shape == (2, 1)
    assert generator.get_layer("head").output_shape == (None, 16, 4, 8)  # bins / 2**k x 4 frames
    with pytest.raises(ValueError, match="multiple of 2\\*\\*k"):
        build_critic((30, 16), width=4)
