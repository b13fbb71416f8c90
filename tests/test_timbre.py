"""Timbre descriptors: each moves the way its name says on synthetic clips, and percentiles of the training kits."""

import numpy as np

from drumgan.data.dataset import TIMBRE_VERSION
from drumgan.features.timbre import CONTROLS, Percentiles, measure

RATE = 44100
T = np.arange(45056) / RATE


def _hit(freq=1000.0, tau=0.1, rise_ms=0.0, noise=0.0, seed=0):
    tone = np.sin(2 * np.pi * freq * T) + noise * np.random.default_rng(seed).standard_normal(len(T))
    attack = np.minimum(T / (rise_ms / 1000), 1.0) if rise_ms else 1.0
    return (attack * np.exp(-T / tau) * tone).astype(np.float32)


def _column(name, low, high):
    values = measure(np.stack([low, high]), RATE)[:, CONTROLS.index(name)]
    return values[0], values[1]


def test_each_descriptor_moves_the_way_its_name_says():
    low, high = _column("brightness", _hit(300), _hit(6000))
    assert 200 < low < high and 5000 < high < 8000
    low, high = _column("depth", _hit(1000), _hit(60))
    assert low < 0.05 < 0.9 < high
    low, high = _column("hardness", _hit(rise_ms=20), _hit(rise_ms=0))
    assert 0 < low < 3 < 20 < high
    low, high = _column("decay", _hit(tau=0.02), _hit(tau=0.2))
    assert abs(low - 0.02 * np.log(100)) < 0.03 and abs(high - 0.2 * np.log(100)) < 0.1  # 40 dB of energy: tau ln 100
    low, high = _column("noisiness", _hit(noise=0.0), _hit(noise=3.0))
    assert low < 0.05 < 0.3 < high


def test_percentiles_place_values_among_the_training_clips():
    reference = np.column_stack([np.arange(10.0)] * len(CONTROLS))
    percentiles = Percentiles(reference)
    places = percentiles.of(np.array([[-1.0] * 5, [4.0] * 5, [100.0] * 5]))
    assert np.allclose(places[:, 0], [0.0, 0.45, 1.0]) and np.allclose(percentiles.median(), 4.5)


def test_a_dataset_measures_its_timbre_once_and_keeps_it_beside_its_cache(synthetic_dataset):
    values = synthetic_dataset.timbre()
    cached = list(synthetic_dataset.cache_path.parent.glob(f"*-timbre-v{TIMBRE_VERSION}.npy"))
    assert values.shape == (len(synthetic_dataset), len(CONTROLS)) and len(cached) == 1
    assert np.array_equal(np.load(cached[0]), values) and np.array_equal(synthetic_dataset.timbre(), values)
    places = synthetic_dataset.timbre_percentiles()
    assert places.min() >= 0 and places.max() <= 1 and places.shape == values.shape
    kicks, hats = (synthetic_dataset.labels == k for k in (0, 2))
    brightness, depth = CONTROLS.index("brightness"), CONTROLS.index("depth")
    assert places[hats, brightness].mean() > places[kicks, brightness].mean()
    assert places[kicks, depth].mean() > places[hats, depth].mean()
