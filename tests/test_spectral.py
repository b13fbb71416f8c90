"""Analysis: log-mels and MFCCs of known signals."""

import librosa
import numpy as np
import pytest

from drumgan.config import FeatureConfig
from drumgan.features import inverse, spectral

from helpers import sine


def test_log_mel_is_a_64_by_64_image_with_batch_dims(config):
    waves = np.stack([sine(440, config), sine(2000, config)])
    out = spectral.log_mel(waves, config)
    assert out.shape == (2, 64, 64) and out.dtype == np.float32
    assert out.min() >= config.log_floor_db - 1e-3


def test_large_option_is_128_by_128():
    config = FeatureConfig.large()
    assert spectral.log_mel(sine(440, config), config).shape == (128, 128)


@pytest.mark.parametrize("frequency, tolerance", [(1000, 100), (62.5, 8), (4000, 400)])
def test_a_tone_lands_in_the_row_of_its_frequency(config, frequency, tolerance):
    out = spectral.log_mel(sine(frequency, config), config)
    centres = spectral.row_frequencies(config)
    assert abs(centres[np.argmax(out[:, 10])] - frequency) < tolerance


def test_mfcc_matches_librosa_and_inverts_exactly_with_every_coefficient(config):
    logmel = spectral.log_mel(sine(300, config), config)
    assert np.allclose(spectral.mfcc(logmel, 20), librosa.feature.mfcc(S=logmel, n_mfcc=20), atol=1e-3)
    back = inverse.mfcc_to_log_mel(spectral.mfcc(logmel), config.n_mels)
    assert np.allclose(back, logmel, atol=1e-3)


def test_log_stft_keeps_every_bin_but_nyquist_with_a_full_scale_sine_at_0_db_and_inverts_above_its_floor(config):
    t = np.arange(config.n_samples) / config.sample_rate
    tone = np.sin(2 * np.pi * 1000 * t).astype(np.float32)  # steady, full scale
    out = spectral.log_stft(np.stack([tone, np.zeros_like(tone)]), config)
    assert out.shape == (2, config.n_fft // 2, config.n_frames) == (2, 1408, 64) and out.dtype == np.float32
    bin_1k = round(1000 * config.n_fft / config.sample_rate)
    assert np.argmax(out[0, :, 32]) == bin_1k and abs(out[0, bin_1k, 32]) < 0.5  # 0 dB
    assert np.all(out[1] == spectral.LOG_STFT_FLOOR_DB) and out.min() >= spectral.LOG_STFT_FLOOR_DB
    magnitude = inverse.log_stft_to_magnitude(out, config)
    assert magnitude.shape == (2, 1 + config.n_fft // 2, config.n_frames) and not magnitude[1].any()
    exact = spectral.stft_magnitude(tone, config)
    loud = out[0] > spectral.LOG_STFT_FLOOR_DB
    assert np.allclose(magnitude[0, :-1][loud], exact[:-1][loud], rtol=1e-3) and not magnitude[0, -1].any()


def test_the_constant_q_spectrogram_tells_a_kicks_falling_body_from_a_steady_low_band():
    """The classifier's spectrogram: a semitone a bin from 32.7 Hz, so 110 and 55 Hz lie 12 bins apart."""
    from drumgan.features.spectral import CQT_BINS_PER_OCTAVE, CQT_HOP, cqt_bins, log_cqt

    rate = 44100
    assert cqt_bins(rate) == 9 * CQT_BINS_PER_OCTAVE and cqt_bins(16000) == 7 * CQT_BINS_PER_OCTAVE
    t = np.arange(rate) / rate
    falling = np.sin(2 * np.pi * np.cumsum(np.geomspace(110, 55, rate)) / rate)  # a kick's body, an octave down
    steady = np.sin(2 * np.pi * 110 * t)
    image = log_cqt(np.stack([falling, steady]).astype(np.float32), rate)
    assert image.shape == (2, cqt_bins(rate), rate // CQT_HOP) and image.min() >= -1 and image.max() <= 1
    start, end = image[:, :, 5].argmax(axis=1), image[:, :, -5].argmax(axis=1)
    assert abs((start[0] - end[0]) - CQT_BINS_PER_OCTAVE) <= 1 and start[1] == end[1]


def test_the_lowest_rows_are_the_stfts_own_bins_and_configs_made_before_them_keep_their_ids(config):
    import dataclasses
    import json

    mel_only = dataclasses.replace(config, mel_linear_below_hz=0.0)  # every config before the field existed
    assert config.n_linear_bins == 9 and mel_only.n_linear_bins == 0  # 15.7 Hz bins at 44.1 kHz, 2816-point FFT
    basis = spectral.mel_basis(config)
    assert basis.shape == spectral.mel_basis(mel_only).shape  # the model's input keeps its 64 rows
    np.testing.assert_array_equal(basis[:9], np.eye(basis.shape[1])[1:10])
    assert not basis[9:, :10].any()  # the mel bands start above them
    falling = sine(110, config) + sine(
        55, config
    )  # a body's two pitches, 55 Hz apart: one mel band, apart in these rows
    rows = spectral.log_mel(falling, config)[:9, 10]
    assert rows.argsort()[-2:].tolist() in ([3, 6], [6, 3])  # bins 4 and 7: 62.6 and 109.6 Hz
    assert (
        "mel_linear_below_hz" not in mel_only.to_json() and json.loads(config.to_json())["mel_linear_below_hz"] == 150
    )
    assert type(config).from_json(mel_only.to_json()) == mel_only  # a stored config without the field reads as before
    assert type(config).from_dict(json.loads(mel_only.to_json())) == mel_only
