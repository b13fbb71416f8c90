"""Shared fixtures and markers: a small synthetic kit and its dataset, tiny trained runs, the default
config, a folder of odd and broken files, and the skip for missing Hydrogen kits."""

import os

import numpy as np
import pytest
import soundfile as sf

from drumgan.config import FeatureConfig
from drumgan.data.synthetic import make_synthetic_kit
from drumgan.paths import HYDROGEN_DRUMKITS, hydrogen_available

from helpers import decaying_tone, tiny

requires_hydrogen = pytest.mark.skipif(
    not hydrogen_available(), reason=f"no Hydrogen kits in {HYDROGEN_DRUMKITS}: run `make data` (as root or with sudo)"
)


def pytest_configure(config):
    """Keep TensorFlow's C++ log lines out of test output."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture(scope="session")
def config():
    return FeatureConfig()


@pytest.fixture(scope="session")
def synthetic_kit(tmp_path_factory):
    """3 kits x 7 classes x 2 samples, written once per test run."""
    return make_synthetic_kit(tmp_path_factory.mktemp("synthetic"), n_kits=3, per_class=2, seed=1)


@pytest.fixture(scope="session")
def synthetic_dataset(synthetic_kit, tmp_path_factory):
    """The synthetic kit prepared once per test run, cached in a folder of its own."""
    from drumgan.data.preparation import prepare

    return prepare([synthetic_kit], cache=tmp_path_factory.mktemp("cache"), progress=False)


@pytest.fixture(scope="session")
def tiny_runs(synthetic_dataset, tmp_path_factory):
    """A folder holding two runs of 2 steps on the synthetic dataset: ``lstm`` and ``conv-gan``."""
    from drumgan.training.loop import train

    folder = tmp_path_factory.mktemp("runs")
    for model in ("lstm", "conv-gan"):
        train(folder / model, tiny(model, 2), synthetic_dataset, progress=False)
    return folder


@pytest.fixture(scope="session")
def conditional_run(synthetic_dataset, tmp_path_factory):
    """A class-conditional conv GAN of 2 steps on the synthetic dataset (its folder)."""
    from drumgan.training.loop import train

    folder = tmp_path_factory.mktemp("conditional") / "cond"
    train(folder, tiny("conv-gan", 2, conditional=True), synthetic_dataset, progress=False)
    return folder


@pytest.fixture(scope="session")
def timbre_run(synthetic_dataset, tmp_path_factory):
    """A conv GAN of 2 steps conditioned on class and timbre, on the synthetic dataset (its folder)."""
    from drumgan.training.loop import train

    folder = tmp_path_factory.mktemp("timbre") / "timbre"
    train(folder, tiny("conv-gan", 2, conditional=True, timbre=True), synthetic_dataset, progress=False)
    return folder


@pytest.fixture(scope="session")
def hydrogen():
    """The Hydrogen kits prepared (from the cache after the first time)."""
    from drumgan.data.preparation import prepare

    return prepare([HYDROGEN_DRUMKITS], progress=False)


@pytest.fixture
def odd_files(tmp_path):
    """Valid files in odd formats and broken files of several kinds: ({valid names}, {broken names})."""
    x = decaying_tone()
    valid = {
        "pcm16_44k_mono.wav": ("WAV", "PCM_16", 44100, 1),
        "pcm24_48k_stereo.wav": ("WAV", "PCM_24", 48000, 2),
        "pcm32_96k.wav": ("WAV", "PCM_32", 96000, 1),
        "float_8k.wav": ("WAV", "FLOAT", 8000, 1),
        "double_22k_6ch.wav": ("WAV", "DOUBLE", 22050, 6),
        "u8_11k.wav": ("WAV", "PCM_U8", 11025, 1),
        "ulaw.wav": ("WAV", "ULAW", 8000, 1),
        "adpcm.wav": ("WAV", "IMA_ADPCM", 22050, 1),
        "stereo.flac": ("FLAC", "PCM_16", 44100, 2),
        "pcm24_32k.aiff": ("AIFF", "PCM_24", 32000, 1),
        "vorbis.ogg": ("OGG", "VORBIS", 44100, 2),
        "mono.mp3": ("MP3", "MPEG_LAYER_III", 44100, 1),
    }
    for name, (fmt, subtype, rate, channels) in valid.items():
        sf.write(tmp_path / name, np.tile(x[:, None], (1, channels)), rate, subtype=subtype, format=fmt)
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "text.wav").write_text("not audio at all")
    (tmp_path / "notes.txt").write_text("hello")
    for name in ("pcm16_44k_mono.wav", "stereo.flac", "pcm24_32k.aiff", "vorbis.ogg"):
        data = (tmp_path / name).read_bytes()
        (tmp_path / f"truncated_{name}").write_bytes(data[: len(data) // 2])
    (tmp_path / "header_only.wav").write_bytes((tmp_path / "pcm16_44k_mono.wav").read_bytes()[:44])
    with_nan, with_inf = x.copy(), x.copy()
    with_nan[100], with_inf[100] = np.nan, np.inf
    sf.write(tmp_path / "nan.wav", with_nan, 16000, subtype="FLOAT")
    sf.write(tmp_path / "inf.wav", with_inf, 16000, subtype="FLOAT")
    sf.write(tmp_path / "silent.wav", np.zeros(2000), 16000)
    broken = {p.name for p in tmp_path.iterdir()} - set(valid)
    return tmp_path, set(valid), broken
