import librosa
import numpy as np
import pytest

from drumgan import features
from drumgan.config import FeatureConfig


def sine(freq, config, seconds=None):
    t = np.arange(config.n_samples) / config.sample_rate
    return (np.sin(2 * np.pi * freq * t) * np.exp(-t * 2)).astype(np.float32)


def test_log_mel_is_a_64_by_64_image_with_batch_dims(config):
    waves = np.stack([sine(440, config), sine(2000, config)])
    out = features.log_mel(waves, config)
    assert out.shape == (2, 64, 64) and out.dtype == np.float32
    assert out.min() >= config.log_floor_db - 1e-3


def test_large_option_is_128_by_128():
    config = FeatureConfig.large()
    assert features.log_mel(sine(440, config), config).shape == (128, 128)


def test_a_tone_lands_in_the_mel_bin_of_its_frequency(config):
    out = features.log_mel(sine(1000, config), config)
    centres = librosa.mel_frequencies(n_mels=config.n_mels + 2, fmax=config.fmax)[1:-1]
    assert abs(centres[np.argmax(out[:, 10])] - 1000) < 100


def test_mfcc_matches_librosa_and_inverts_exactly_with_every_coefficient(config):
    logmel = features.log_mel(sine(300, config), config)
    assert np.allclose(features.mfcc(logmel, 20), librosa.feature.mfcc(S=logmel, n_mfcc=20), atol=1e-3)
    back = features.mfcc_to_log_mel(features.mfcc(logmel), config.n_mels)
    assert np.allclose(back, logmel, atol=1e-3)


def test_normalizer_is_per_bin_in_range_and_invertible(config):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 8, 16)) * np.arange(1, 9)[None, :, None] + np.arange(8)[None, :, None] * 10
    norm = features.Normalizer.fit(x)
    z = norm.transform(x)
    assert z.min() >= -1 and z.max() <= 1
    assert np.allclose(z.mean(axis=(0, 2)), 0, atol=0.02)  # every bin centred, not one global scalar
    assert np.allclose(z.std(axis=(0, 2)), 1 / 3, atol=0.02)
    kept = np.abs(z) < 1  # the clip loses what lies beyond 3 std
    assert kept.mean() > 0.99 and np.allclose(norm.inverse(z)[kept], x[kept], atol=1e-3)  # float32


def test_normalizer_rejects_a_bad_shape():
    with pytest.raises(ValueError, match="examples, bins, frames"):
        features.Normalizer.fit(np.zeros((4, 4)))


def test_round_trip_keeps_length_rate_and_pitch(config):
    wave = sine(500, config)
    audio = features.log_mel_to_audio(features.log_mel(wave[None], config), config, n_iter=16)
    assert audio.shape == (1, config.n_samples)
    spectrum = np.abs(np.fft.rfft(audio[0, :8192]))
    assert abs(np.argmax(spectrum) * config.sample_rate / 8192 - 500) < 30  # not stretched in time or pitch


def _drums(config, n=4):
    t = np.arange(config.n_samples) / config.sample_rate
    noise = np.random.default_rng(0).standard_normal((n, config.n_samples))
    return (noise * np.exp(-t * np.arange(5, 5 + 10 * n, 10)[:, None])).astype(np.float32)


def test_griffin_lim_matches_librosa_on_a_batch(config):
    magnitude = features.stft_magnitude(_drums(config), config)
    ours = features.griffin_lim(magnitude, config, n_iter=8, seed=3)
    theirs = librosa.griffinlim(np.pad(magnitude, [(0, 0), (0, 0), (0, 1)]), n_iter=8, hop_length=config.hop_length,
                                n_fft=config.n_fft, length=config.n_samples, random_state=3)
    assert ours.shape == theirs.shape == (4, config.n_samples)
    np.testing.assert_allclose(ours, theirs, atol=1e-3 * np.abs(theirs).max())


def test_mel_inverse_is_non_negative_and_fits_the_mel_bands_better_than_the_pseudo_inverse(config):
    log_mels = features.log_mel(_drums(config), config)
    magnitude = features.log_mel_to_magnitude(log_mels, config)
    assert magnitude.shape == (4, 1 + config.n_fft // 2, config.n_frames) and (magnitude >= 0).all()
    power = 10 ** (log_mels / 10)

    def misfit(linear_power):
        return np.abs(np.einsum("mf,nft->nmt", features.mel_basis(config), linear_power) - power).sum()

    clipped_pinv = np.clip(np.einsum("fm,nmt->nft", np.linalg.pinv(features.mel_basis(config)), power), 0, None)
    assert misfit(magnitude**2) < 0.5 * misfit(clipped_pinv)


def test_mel_inverse_of_a_batch_is_that_of_each_sample_whatever_its_slice(config):
    log_mels = features.log_mel(_drums(config), config)
    batch = features.log_mel_to_magnitude(log_mels.reshape(2, 2, *log_mels.shape[1:]), config)
    alone = np.stack([features.log_mel_to_magnitude(one, config) for one in log_mels])
    np.testing.assert_array_equal(batch.reshape(alone.shape), alone)


def test_mfcc_path_returns_the_exact_length(config):
    logmel = features.log_mel(sine(200, config), config)
    assert features.mfcc_to_audio(features.mfcc(logmel, 13), config, n_iter=4).shape == (config.n_samples,)


def test_config_rejects_inconsistent_settings():
    with pytest.raises(ValueError, match="multiple of hop_length"):
        FeatureConfig(n_samples=1000, hop_length=256)
    with pytest.raises(ValueError, match="n_mfcc"):
        FeatureConfig(n_mfcc=100)
    assert FeatureConfig.from_json(FeatureConfig().to_json()) == FeatureConfig()
