"""Shared fixtures: a small synthetic kit, the default config, and a folder of odd and broken files."""

import numpy as np
import pytest
import soundfile as sf

from drumgan.config import FeatureConfig
from drumgan.synthetic import make_synthetic_kit


@pytest.fixture(scope="session")
def config():
    return FeatureConfig()


@pytest.fixture(scope="session")
def synthetic_kit(tmp_path_factory):
    """3 kits x 7 classes x 2 samples, written once per test session."""
    return make_synthetic_kit(tmp_path_factory.mktemp("synthetic"), n_kits=3, per_class=2, seed=1)


def decaying_tone(n=30000, rate=44100, freq=220.0):
    t = np.arange(n) / rate
    return (0.8 * np.sin(2 * np.pi * freq * t) * np.exp(-t * 6)).astype(np.float32)


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


def pytest_configure(config):
    """Keep TensorFlow's C++ log lines out of test output."""
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
