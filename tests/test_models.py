import pytest

from drumgan.settings import TrainSettings

tf = pytest.importorskip("tensorflow")

from drumgan.models import build_model  # noqa: E402


def test_the_conv_gan_takes_images_of_more_bins_than_frames_but_not_bins_it_cannot_halve():
    model = build_model(TrainSettings.for_model("conv-gan", width=2), n_frames=16, n_features=32)
    assert model.generator.output_shape == (None, 32, 16, 1)
    with pytest.raises(ValueError, match="multiple of 2\\*\\*k"):
        build_model(TrainSettings.for_model("conv-gan", width=2), n_frames=16, n_features=30)
