import librosa
import numpy as np

from drumgan.features import inverse, spectral

from helpers import noise_drums, sine


def test_round_trip_keeps_length_rate_and_pitch(config):
    wave = sine(500, config)
    audio = inverse.log_mel_to_audio(spectral.log_mel(wave[None], config), config, n_iter=16)
    assert audio.shape == (1, config.n_samples)
    spectrum = np.abs(np.fft.rfft(audio[0, :8192]))
    assert abs(np.argmax(spectrum) * config.sample_rate / 8192 - 500) < 30  # not stretched in time or pitch


def test_griffin_lim_matches_librosa_on_a_batch(config):
    magnitude = spectral.stft_magnitude(noise_drums(config), config)
    ours = inverse.griffin_lim(magnitude, config, n_iter=8, seed=3, onset_aligned=False)  # librosa's start
    theirs = librosa.griffinlim(
        np.pad(magnitude, [(0, 0), (0, 0), (0, 1)]),
        n_iter=8,
        hop_length=config.hop_length,
        n_fft=config.n_fft,
        length=config.n_samples,
        random_state=3,
    )
    assert ours.shape == theirs.shape == (4, config.n_samples)
    np.testing.assert_allclose(ours, theirs, atol=1e-3 * np.abs(theirs).max())


def test_mel_inverse_is_non_negative_and_fits_the_mel_bands_better_than_the_pseudo_inverse(config):
    log_mels = spectral.log_mel(noise_drums(config), config)
    magnitude = inverse.log_mel_to_magnitude(log_mels, config)
    assert magnitude.shape == (4, 1 + config.n_fft // 2, config.n_frames) and (magnitude >= 0).all()
    power = 10 ** (log_mels / 10)

    def misfit(linear_power):
        return np.abs(np.einsum("mf,nft->nmt", spectral.mel_basis(config), linear_power) - power).sum()

    clipped_pinv = np.clip(np.einsum("fm,nmt->nft", np.linalg.pinv(spectral.mel_basis(config)), power), 0, None)
    assert misfit(magnitude**2) < 0.5 * misfit(clipped_pinv)


def test_mel_inverse_of_a_batch_is_that_of_each_sample_whatever_its_slice(config):
    log_mels = spectral.log_mel(noise_drums(config), config)
    batch = inverse.log_mel_to_magnitude(log_mels.reshape(2, 2, *log_mels.shape[1:]), config)
    alone = np.stack([inverse.log_mel_to_magnitude(one, config) for one in log_mels])
    # the same up to float32 rounding: BLAS may block a wider matrix product differently
    np.testing.assert_allclose(batch.reshape(alone.shape), alone, rtol=1e-4, atol=1e-6 * alone.max())


def test_mfcc_path_returns_the_exact_length(config):
    logmel = spectral.log_mel(sine(200, config), config)
    assert inverse.mfcc_to_audio(spectral.mfcc(logmel, 13), config, n_iter=4).shape == (config.n_samples,)
