"""The default dataset: the Hydrogen drum kits (skipped, with the reason, where they are not installed)."""

import numpy as np
import pytest

from drumgan.config import CLASSES
from drumgan.dataset import prepare
from drumgan.paths import hydrogen_available
from drumgan.sources import HYDROGEN_DRUMKITS

pytestmark = pytest.mark.skipif(
    not hydrogen_available(), reason=f"no Hydrogen kits in {HYDROGEN_DRUMKITS}: run `make data` (as root or with sudo)"
)


@pytest.fixture(scope="module")
def hydrogen():
    return prepare([HYDROGEN_DRUMKITS], progress=False)


def test_loads_at_least_800_samples_of_every_class(hydrogen):
    assert len(hydrogen) >= 800
    assert all(count > 0 for count in hydrogen.class_counts().values())
    assert hydrogen.found == len(hydrogen) + len(hydrogen.skipped)
    assert len(set(hydrogen.kits)) == 16


def test_held_out_kits_are_never_trained_on_and_cover_every_class(hydrogen):
    assert not set(hydrogen.kits[hydrogen.train_index]) & set(hydrogen.test_kits)
    assert all(count > 0 for count in hydrogen.class_counts(hydrogen.test_index).values())
    assert 0.1 < hydrogen.is_test.mean() < 0.35


def test_every_sample_is_fixed_length_and_peak_normalised(hydrogen):
    assert hydrogen.waves.shape[1] == hydrogen.config.n_samples
    assert np.allclose(np.abs(hydrogen.waves).max(axis=1), 1.0)
    assert np.isfinite(hydrogen.log_mels).all()


def test_second_load_is_from_the_cache(hydrogen):
    again = prepare([HYDROGEN_DRUMKITS], progress=False)
    assert again.from_cache and again.cache_path == hydrogen.cache_path
    assert set(CLASSES) == set(again.class_counts())
