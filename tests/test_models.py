import pytest

from drumgan.settings import TrainSettings

tf = pytest.importorskip("tensorflow")

from drumgan.models import build_model  # noqa: E402


def test_conv_gan_needs_square_images():
    with pytest.raises(ValueError, match="square"):
        build_model(TrainSettings.for_model("conv-gan", width=2), n_frames=16, n_features=8)
