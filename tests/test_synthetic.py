"""The synthetic kit: a decaying one-shot per class, deterministic, read back with the classes it was made as."""

import numpy as np

from drumgan.config import CLASSES
from drumgan.data.sources import discover
from drumgan.data.synthetic import GENERATORS, make_synthetic_kit


def test_every_class_has_a_generator_of_decaying_one_shots():
    assert list(GENERATORS) == list(CLASSES)
    rng = np.random.default_rng(0)
    for name, generate in GENERATORS.items():
        wave = generate(rng, 16000)
        tenth = len(wave) // 10
        head, tail = np.abs(wave[:tenth]).max(), np.abs(wave[-tenth:]).max()
        assert np.isfinite(wave).all() and head > 4 * tail, name  # at least 12 dB down by the end


def test_the_kit_is_deterministic_and_read_back_with_its_classes(tmp_path):
    root = make_synthetic_kit(tmp_path / "a", n_kits=2, per_class=1, seed=3)
    again = make_synthetic_kit(tmp_path / "b", n_kits=2, per_class=1, seed=3)
    files = sorted(p.relative_to(root) for p in root.rglob("*.wav"))
    assert len(files) == 2 * len(CLASSES)
    assert all((root / f).read_bytes() == (again / f).read_bytes() for f in files)
    found = discover(root)
    assert {s.kit for s in found.samples} == {"synthetic_kit_0", "synthetic_kit_1"}
    assert all(s.label == s.path.rsplit("/", 1)[-1].split("_")[0] for s in found.samples)
