import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from drumgan.config import CLASSES, FeatureConfig
from drumgan.data import preparation
from drumgan.data.preparation import SyntheticDataWarning, prepare, resolve_sources, split_by_kit
from drumgan.errors import SourceError
from drumgan.paths import HYDROGEN_DRUMKITS

from conftest import requires_hydrogen


@pytest.fixture
def kit_copy(synthetic_kit, tmp_path):
    """A writable copy of the synthetic kit."""
    target = tmp_path / "kits"
    for path in synthetic_kit.rglob("*.wav"):
        out = target / path.relative_to(synthetic_kit)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(path.read_bytes())
    return target


def test_build_counts_add_up_and_split_holds_out_whole_kits(synthetic_kit, tmp_path):
    data = prepare([synthetic_kit], cache=tmp_path / "cache", progress=False)
    assert data.found == len(data) + len(data.skipped) == 3 * 7 * 2
    assert data.waves.shape == (42, data.config.n_samples)
    assert data.log_mels.shape == (42, 64, 64)
    assert set(data.class_counts().values()) == {6}
    train_kits, test_kits = set(data.kits[data.train_index]), set(data.kits[data.test_index])
    assert test_kits and train_kits and not train_kits & test_kits
    assert not data.from_cache


def test_normalizer_is_fitted_on_the_training_kits_only(synthetic_kit, tmp_path):
    data = prepare([synthetic_kit], cache=tmp_path, progress=False)
    train = data.log_mels[data.train_index]
    assert np.allclose(data.normalizer.mean, train.mean(axis=(0, 2)), atol=1e-3)
    assert np.abs(data.normalized()).max() <= 1


def test_second_prepare_loads_the_cache_without_pickle(synthetic_kit, tmp_path):
    first = prepare([synthetic_kit], cache=tmp_path, progress=False)
    second = prepare([synthetic_kit], cache=tmp_path, progress=False)
    assert second.from_cache and second.cache_path == first.cache_path
    assert np.array_equal(first.waves, second.waves) and np.array_equal(first.is_test, second.is_test)
    with np.load(first.cache_path / "samples.npz", allow_pickle=False) as z:
        assert len(z["paths"]) == len(first) and "waves" not in z
    assert np.load(first.cache_path / "waves-00000.npy", allow_pickle=False).shape == first.waves.shape


def test_a_changed_file_or_config_rebuilds(kit_copy, tmp_path):
    cache = tmp_path / "cache"
    before = prepare([kit_copy], cache=cache, progress=False)
    target = next(kit_copy.rglob("kick_00.wav"))
    sf.write(target, np.random.default_rng(0).normal(size=3000) * 0.1, 22050)
    changed = prepare([kit_copy], cache=cache, progress=False)
    assert not changed.from_cache and changed.cache_path != before.cache_path
    other_config = prepare([kit_copy], config=FeatureConfig(n_mels=32), cache=cache, progress=False)
    assert not other_config.from_cache and other_config.log_mels.shape[1] == 32


def test_broken_files_are_skipped_with_reasons_and_counted(odd_files, tmp_path):
    folder, valid, broken = odd_files
    data = prepare([folder], cache=tmp_path / "cache", progress=False, workers=1)
    assert data.found == len(valid) + len(broken)
    assert sorted(os.path.basename(p) for p in data.paths) == sorted(valid)
    assert sorted(os.path.basename(s.path) for s in data.skipped) == sorted(broken)
    assert all(s.reason for s in data.skipped)


def test_parallel_and_serial_builds_agree(synthetic_kit, tmp_path):
    serial = prepare([synthetic_kit], cache=tmp_path / "a", progress=False, workers=1)
    parallel = prepare([synthetic_kit], cache=tmp_path / "b", progress=False, workers=2)
    assert np.array_equal(serial.waves, parallel.waves)
    assert (serial.workers, parallel.workers) == (1, 2) and parallel.summary()["files_per_second"] > 0
    assert prepare([synthetic_kit], cache=tmp_path / "b", progress=False).summary()["files_per_second"] is None


def test_decoding_a_block_at_a_time_keeps_every_file_in_order(synthetic_kit, tmp_path, monkeypatch):
    whole = prepare([synthetic_kit], cache=tmp_path / "a", progress=False, workers=2)
    monkeypatch.setattr(preparation, "DECODE_BLOCK", 3)  # blocks of 6 files for 2 processes
    monkeypatch.setattr(preparation, "ANALYSIS_BLOCK", 5)
    monkeypatch.setattr("drumgan.data.shards.SHARD_ROWS", 4)
    blocks = prepare([synthetic_kit], cache=tmp_path / "b", progress=False, workers=2)
    assert np.array_equal(blocks.paths, whole.paths) and np.array_equal(blocks.log_mels, whole.log_mels)
    assert np.array_equal(blocks.waves, whole.waves) and np.allclose(blocks.normalizer.std, whole.normalizer.std)
    assert len(blocks.waves.files) == -(-len(whole) // 4) > 1


def test_a_source_with_no_usable_audio_is_one_clear_error(tmp_path):
    (tmp_path / "a.wav").write_text("not audio")
    with pytest.raises(SourceError, match="None of the 1 files"):
        prepare([tmp_path], cache=tmp_path / "cache", progress=False)


def test_split_by_kit_covers_classes_and_falls_back_to_files():
    kits = np.array(["a"] * 10 + ["b"] * 10 + ["c"] * 10 + ["d"] * 10 + ["e"] * 10)
    labels = np.array([0, 1] * 25)
    is_test = split_by_kit(kits, labels, np.array([str(i) for i in range(50)]), 0.2)
    assert 0 < is_test.sum() <= 15 and len(set(kits[is_test])) >= 1
    assert all(is_test[kits == k].all() or not is_test[kits == k].any() for k in "abcde")
    one_kit = split_by_kit(np.array(["k"] * 200), np.zeros(200, int), np.array([f"f{i}" for i in range(200)]), 0.2)
    assert 20 < one_kit.sum() < 60


def test_no_real_source_falls_back_to_a_synthetic_kit_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.delenv("DRUMGAN_DATA", raising=False)
    monkeypatch.setattr(preparation.paths, "hydrogen_available", lambda: False)
    with pytest.warns(SyntheticDataWarning, match="SYNTHETIC"):
        sources, synthetic = resolve_sources(None, tmp_path)
    assert synthetic and (sources[0] / "synthetic_kit_0").is_dir()


def test_drumgan_data_selects_the_source(tmp_path, monkeypatch):
    monkeypatch.setenv("DRUMGAN_DATA", str(tmp_path))
    assert resolve_sources(None, tmp_path) == ([tmp_path], False)


@requires_hydrogen
def test_loads_at_least_800_samples_of_every_class(hydrogen):
    assert len(hydrogen) >= 800
    assert all(count > 0 for count in hydrogen.class_counts().values())
    assert hydrogen.found == len(hydrogen) + len(hydrogen.skipped)
    assert len(set(hydrogen.kits)) == 16


@requires_hydrogen
def test_held_out_kits_are_never_trained_on_and_cover_every_class(hydrogen):
    assert not set(hydrogen.kits[hydrogen.train_index]) & set(hydrogen.test_kits)
    assert all(count > 0 for count in hydrogen.class_counts(hydrogen.test_index).values())
    assert 0.1 < hydrogen.is_test.mean() < 0.35


@requires_hydrogen
def test_every_sample_is_fixed_length_and_peak_normalised(hydrogen):
    assert hydrogen.waves.shape[1] == hydrogen.config.n_samples
    assert np.allclose(np.abs(hydrogen.waves).max(axis=1), 1.0)
    assert np.isfinite(hydrogen.log_mels).all()


@requires_hydrogen
def test_second_load_is_from_the_cache(hydrogen):
    again = prepare([HYDROGEN_DRUMKITS], progress=False)
    assert again.from_cache and again.cache_path == hydrogen.cache_path
    assert set(CLASSES) == set(again.class_counts())


def test_a_built_dataset_hashes_each_shard_once(synthetic_kit, tmp_path, monkeypatch):
    from drumgan.data import cache

    hashed, digest = [], cache.file_digest
    monkeypatch.setattr(cache, "file_digest", lambda path: hashed.append(str(path)) or digest(path))
    data = prepare([synthetic_kit], cache=tmp_path, progress=False)
    shards = [*data.waves.files, *data.log_mels.files]
    assert sorted(p.name for p in map(Path, hashed) if p.suffix == ".npy") == sorted(p.name for p in shards)
    hashed.clear()
    assert prepare([synthetic_kit], cache=tmp_path, progress=False).from_cache and not hashed


def test_unnamed_clips_are_the_others_a_hydrogen_kit_gives_no_name(tmp_path):
    from drumgan.data.synthetic import GENERATORS

    rng, rate = np.random.default_rng(0), 16000
    kit = tmp_path / "kits" / "gm"
    kit.mkdir(parents=True)
    listed = {"kick.wav": "c3 - bass drum", "bell.wav": "g#4 - cowbell", "a.wav": "f#4 - ", "b.wav": "Sample: b.wav"}
    entries = "".join(
        f"<instrument><name>{name}</name><filename>{f}</filename></instrument>" for f, name in listed.items()
    )
    (kit / "drumkit.xml").write_text(
        f"<drumkit_info><name>GM</name><instrumentList>{entries}</instrumentList></drumkit_info>"
    )
    plain = tmp_path / "kits" / "plain"
    plain.mkdir()
    for path in [*(kit / f for f in [*listed, "c.wav"]), plain / "thing.wav", plain / "kick_1.wav"]:
        sound = GENERATORS["kick" if "kick" in path.name else "other"](rng)
        sf.write(path, 0.9 * sound / np.abs(sound).max(), rate)
    data = prepare([kit, plain], cache=tmp_path / "cache", progress=False)
    names = np.array([Path(p).name for p in data.paths])
    assert sorted(names[data.unnamed]) == ["a.wav", "b.wav", "c.wav"]  # c.wav: in the kit, not in drumkit.xml
    assert set(np.array(data.class_names)[data.labels[data.unnamed]]) == {"other"}
    kept = data.train_rows(leave_out_unnamed=True)
    assert set(kept) == set(data.train_index) - set(np.flatnonzero(data.unnamed)) and len(kept) < len(data.train_index)
    assert list(data.train_rows()) == list(data.train_index)
