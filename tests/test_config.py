import pytest

from drumgan.config import FeatureConfig


def test_config_rejects_inconsistent_settings():
    with pytest.raises(ValueError, match="multiple of hop_length"):
        FeatureConfig(n_samples=1000, hop_length=256)
    with pytest.raises(ValueError, match="n_mfcc"):
        FeatureConfig(n_mfcc=100)
    assert FeatureConfig.from_json(FeatureConfig().to_json()) == FeatureConfig()


@pytest.mark.parametrize("rate", [16000, 22050, 44100, 48000])
def test_a_config_at_another_rate_keeps_the_image_shape_and_about_one_second(rate):
    for shape in (FeatureConfig(), FeatureConfig.large()):
        moved = shape.at_rate(rate)
        assert (moved.sample_rate, moved.n_mels, moved.n_frames) == (rate, shape.n_mels, shape.n_frames)
        assert moved.n_samples == moved.n_frames * moved.hop_length and moved.hop_length % 16 == 0
        assert abs(moved.duration - shape.duration) < 0.01
        assert moved.n_fft / moved.hop_length == shape.n_fft / shape.hop_length
        assert moved.fmax == rate / 2
    assert FeatureConfig().at_rate(44100) == FeatureConfig() and FeatureConfig().at_rate(16000).n_fft == 1024


def test_an_unoffered_rate_is_refused():
    with pytest.raises(ValueError, match="sample rate must be one of"):
        FeatureConfig().at_rate(8000)
