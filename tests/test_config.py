import pytest

from drumgan.config import FeatureConfig


def test_config_rejects_inconsistent_settings():
    with pytest.raises(ValueError, match="multiple of hop_length"):
        FeatureConfig(n_samples=1000, hop_length=256)
    with pytest.raises(ValueError, match="n_mfcc"):
        FeatureConfig(n_mfcc=100)
    assert FeatureConfig.from_json(FeatureConfig().to_json()) == FeatureConfig()
