import numpy as np
import pytest
import soundfile as sf

from drumgan.config import FeatureConfig
from drumgan.data.audio import SampleError, load_sample, to_fixed_length, wav_bytes, write_wav


def test_every_odd_valid_file_loads_to_the_fixed_length(odd_files, config):
    folder, valid, _ = odd_files
    for name in valid:
        wave = load_sample(str(folder / name), config)
        assert wave.shape == (config.n_samples,) and wave.dtype == np.float32, name
        assert np.isclose(np.abs(wave).max(), 1.0), name


@pytest.mark.parametrize(
    "name, reason",
    [
        ("empty.wav", "empty file"),
        ("text.wav", "not a readable audio file"),
        ("notes.txt", "not a readable audio file"),
        ("truncated_pcm16_44k_mono.wav", "truncated"),
        ("truncated_pcm24_32k.aiff", "truncated"),
        ("truncated_stereo.flac", "not a readable audio file"),
        ("truncated_vorbis.ogg", "not a readable audio file"),
        ("header_only.wav", "truncated"),
        ("nan.wav", "NaN or infinite"),
        ("inf.wav", "NaN or infinite"),
        ("silent.wav", "silent"),
    ],
)
def test_broken_files_raise_a_specific_reason(odd_files, config, name, reason):
    folder, _, broken = odd_files
    assert name in broken
    with pytest.raises(SampleError, match=reason):
        load_sample(str(folder / name), config)


def test_onset_is_trimmed_and_short_samples_zero_padded(config):
    rate = config.sample_rate
    x = np.zeros((4000, 1), dtype=np.float32)
    x[1000:1100, 0] = 0.5
    wave = to_fixed_length(x, rate, config)
    preroll = int(config.preroll_ms * rate / 1000)
    assert np.argmax(np.abs(wave) > 0) == preroll  # silence before the onset is gone
    assert np.all(wave[3000:] == 0)


def test_long_samples_are_cut_with_a_fade_out(config):
    x = np.ones((config.n_samples * 2, 2), dtype=np.float32) * 0.3
    wave = to_fixed_length(x, config.sample_rate, config)
    assert len(wave) == config.n_samples
    assert wave[0] == pytest.approx(1.0) and abs(wave[-1]) < 1e-3
    assert np.all(np.diff(wave[-1000:]) <= 1e-7)  # monotone fade


def test_resampling_keeps_pitch(config):
    rate = 44100
    t = np.arange(rate) / rate
    x = np.sin(2 * np.pi * 1000 * t)[:, None].astype(np.float32)
    wave = to_fixed_length(x, rate, config)
    spectrum = np.abs(np.fft.rfft(wave[:8192]))
    assert np.argmax(spectrum) * config.sample_rate / 8192 == pytest.approx(1000, abs=4)


def test_write_wav_is_16_bit_clipped(tmp_path, config):
    path = tmp_path / "out.wav"
    write_wav(path, np.array([0.0, 2.0, -2.0, 0.5], dtype=np.float32), config.sample_rate)
    info = sf.info(path)
    assert (info.subtype, info.samplerate, info.frames) == ("PCM_16", config.sample_rate, 4)
    data, _ = sf.read(path)
    assert data.max() <= 1.0 and data.min() >= -1.0 and data[1] == pytest.approx(1.0, abs=1e-4)


def test_writing_nan_is_refused(config):
    with pytest.raises(ValueError, match="NaN"):
        wav_bytes(np.array([0.0, np.nan]), config.sample_rate)


def test_sample_error_for_silence_reports_the_level():
    with pytest.raises(SampleError, match="dBFS"):
        to_fixed_length(np.full((100, 1), 1e-5, dtype=np.float32), 16000, FeatureConfig())


def test_player_bytes_are_ogg_vorbis_at_the_clips_rate_and_length_and_far_smaller_than_the_wav(config):
    import io

    from drumgan.data.audio import player_bytes

    t = np.arange(config.n_samples) / config.sample_rate
    wave = (0.8 * np.sin(2 * np.pi * 80 * t) * np.exp(-6 * t)).astype(np.float32)
    data = player_bytes(wave, config.sample_rate)
    info = sf.info(io.BytesIO(data))
    assert (info.format, info.subtype, info.samplerate, info.frames) == ("OGG", "VORBIS", config.sample_rate, len(wave))
    assert len(data) < len(wav_bytes(wave, config.sample_rate)) / 4
    assert np.corrcoef(sf.read(io.BytesIO(data))[0], wave)[0, 1] > 0.99
    with pytest.raises(ValueError, match="NaN"):
        player_bytes(np.array([0.0, np.nan]), config.sample_rate)
