"""The audio measures that do not pass through the model's log-mel (drumgan.evaluation.hearing)."""

import numpy as np
import pytest
import scipy.signal

from drumgan.data.preparation import decode_files
from drumgan.errors import SourceError
from drumgan.evaluation import hearing
from drumgan.evaluation.hearing import AUDIO_CONFIG, AUDIO_RATE, Hearing, to_audio_rate
from drumgan.features.envelope import onset_ms

N = AUDIO_CONFIG.n_samples


def _struck(rng, n_clips, fade_ms=0.0, low_pass_hz=None):
    """Decaying noise bursts at 44.1 kHz starting 2 ms in, optionally faded in and low-passed."""
    t = np.arange(N) / AUDIO_RATE
    waves = rng.standard_normal((n_clips, N)) * np.exp(-np.maximum(t - 0.002, 0) / rng.uniform(0.05, 0.3, (n_clips, 1)))
    waves[:, t < 0.002] = 0
    if low_pass_hz:
        waves = scipy.signal.sosfilt(scipy.signal.butter(8, low_pass_hz, fs=AUDIO_RATE, output="sos"), waves)
    if fade_ms:
        waves *= np.clip((t - 0.002) / (fade_ms / 1000), 0, 1)
    return (waves / np.abs(waves).max(axis=1, keepdims=True)).astype(np.float32)


def test_clips_are_brought_to_the_audio_rate_and_length():
    tone = np.sin(2 * np.pi * 1000 * np.arange(16384) / 16000).astype(np.float32)[None]
    moved = to_audio_rate(tone, 16000)
    assert moved.shape == (1, N)
    spectrum = np.abs(np.fft.rfft(moved[0, :44100]))
    assert np.argmax(spectrum) == pytest.approx(1000, abs=1)  # 1 Hz bins over one second
    same = np.random.default_rng(0).standard_normal((2, N)).astype(np.float32)
    assert np.array_equal(to_audio_rate(same, AUDIO_RATE), same)


def test_a_struck_sound_rises_in_a_millisecond_and_a_faded_one_takes_longer():
    rng = np.random.default_rng(1)
    assert np.all(onset_ms(_struck(rng, 4)) <= 1.0)
    assert np.all(onset_ms(_struck(rng, 4, fade_ms=30)) >= 10.0)


def test_the_share_above_8_khz_is_the_floor_for_16_khz_audio_and_its_bandwidth_for_white_noise():
    rng = np.random.default_rng(2)
    white = rng.uniform(-1, 1, (3, N)).astype(np.float32)
    expected = 10 * np.log10((AUDIO_RATE / 2 - hearing.HIGH_HZ) / (AUDIO_RATE / 2))
    assert hearing.high_share_db(white) == pytest.approx(np.full(3, expected), abs=0.2)
    at_16k = to_audio_rate(rng.uniform(-1, 1, (3, 16384)).astype(np.float32), 16000)
    assert np.all(hearing.high_share_db(at_16k) < -40)


def test_nearest_stft_distance_is_the_brute_force_minimum():
    rng = np.random.default_rng(3)
    query, training = rng.standard_normal((5, 7)).astype(np.float32), rng.standard_normal((300, 7)).astype(np.float32)
    brute = np.sqrt(((query[:, None].astype(np.float64) - training[None]) ** 2).sum(-1)).min(axis=1)
    assert hearing.nearest_stft_distance(query, training) == pytest.approx(brute, rel=1e-5)


def test_the_training_clips_score_as_themselves_and_band_limited_copies_do_not():
    rng = np.random.default_rng(4)
    training = _struck(rng, 60)
    heard = Hearing(training)
    assert hearing.descriptors(training[:3]).shape == (3, 41)
    itself = heard.measure(training)
    assert itself["d_train_stft"] == pytest.approx(0.0, abs=0.05) and itself["fd_audio"] < 1e-3
    muffled = heard.measure(_struck(np.random.default_rng(4), 60, low_pass_hz=7000))
    smeared = heard.measure(_struck(np.random.default_rng(4), 60, fade_ms=20))
    fresh = heard.measure(_struck(np.random.default_rng(5), 60))
    assert muffled["high_db"] < itself["high_db"] - 20 and muffled["fd_audio"] > 10 * fresh["fd_audio"]
    assert smeared["onset_ms"] > itself["onset_ms"] + 5 and smeared["fd_audio"] > fresh["fd_audio"]
    assert fresh["d_train_stft"] > 1.0


def test_a_dataset_s_files_decode_afresh_at_another_rate(synthetic_dataset, tmp_path):
    index = synthetic_dataset.train_index[:3]
    same = decode_files(synthetic_dataset.paths[index], synthetic_dataset.config)
    assert np.array_equal(same, synthetic_dataset.waves[index])
    faster = decode_files(synthetic_dataset.paths[index], synthetic_dataset.config.at_rate(AUDIO_RATE))
    assert faster.shape == (3, N)
    with pytest.raises(SourceError, match="gone.wav"):
        decode_files([tmp_path / "gone.wav"], synthetic_dataset.config)
