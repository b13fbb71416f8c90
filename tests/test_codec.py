import numpy as np
import pytest

from drumgan.config import FeatureConfig
from drumgan.features.codec import Codec, Normalizer


def test_normalizer_is_per_bin_in_range_and_invertible(config):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 8, 16)) * np.arange(1, 9)[None, :, None] + np.arange(8)[None, :, None] * 10
    norm = Normalizer.fit(x)
    z = norm.transform(x)
    assert z.min() >= -1 and z.max() <= 1
    assert np.allclose(z.mean(axis=(0, 2)), 0, atol=0.02)  # every bin centred, not one global scalar
    assert np.allclose(z.std(axis=(0, 2)), 1 / 3, atol=0.02)
    kept = np.abs(z) < 1  # the clip loses what lies beyond 3 std
    assert kept.mean() > 0.99 and np.allclose(norm.inverse(z)[kept], x[kept], atol=1e-3)  # float32


def test_a_normalizer_fitted_a_chunk_at_a_time_is_the_one_fitted_on_the_whole():
    x = np.random.default_rng(1).normal(size=(37, 8, 16)) * 20 - 50
    whole, chunked = Normalizer.fit(x), Normalizer.fit(x[a : a + 5] for a in range(0, 37, 5))
    assert np.allclose(chunked.mean, whole.mean, rtol=1e-6) and np.allclose(chunked.std, whole.std, rtol=1e-6)
    assert np.allclose(whole.std, x.std(axis=(0, 2)), rtol=1e-5)
    with pytest.raises(ValueError, match="non-empty"):
        Normalizer.fit(iter([]))


def test_normalizer_rejects_a_bad_shape():
    with pytest.raises(ValueError, match="examples, bins, frames"):
        Normalizer.fit(np.zeros((4, 4)))


@pytest.mark.parametrize("feature,layout", [("mel", "image"), ("mel", "sequence"), ("mfcc", "sequence")])
def test_codec_round_trip(synthetic_dataset, feature, layout, tmp_path):
    codec = Codec.fit(synthetic_dataset.log_mels, FeatureConfig(), feature, layout)
    encoded = codec.encode(synthetic_dataset.log_mels[:4])
    assert encoded.shape == ((4, 64, 64, 1) if layout == "image" else (4, 64, codec.n_bins))
    assert np.abs(encoded).max() <= 1
    codec.save(tmp_path / "codec.npz")
    again = Codec.load(tmp_path / "codec.npz", codec.config)
    decoded = again.decode(encoded)
    assert decoded.shape == (4, 64, 64)
    unclipped = np.abs(encoded) < 1
    assert unclipped.mean() > 0.9
    # exact wherever the clip did not touch (MFCC: the dropped coefficients are gone, the kept ones return)
    assert np.allclose(codec.encode(decoded)[unclipped], encoded[unclipped], atol=1e-4)


def test_the_log_stft_codec_maps_its_range_without_clipping_and_gives_audio_and_log_mels(synthetic_dataset):
    config = synthetic_dataset.config
    codec = Codec.fit(None, config, "stft", "image")  # a fixed range: it reads no clips
    assert codec.n_bins == config.n_fft // 2 == 1408
    spectra = codec.read(synthetic_dataset, np.arange(4))
    assert spectra.shape == (4, 1408, 64)
    encoded = codec.encode(spectra)
    assert encoded.shape == (4, 1408, 64, 1) and -1 <= encoded.min() and encoded.max() < 1  # peaks not clipped
    assert np.allclose(codec.floor, -1) and np.allclose(codec.decode(encoded), spectra, atol=1e-3)
    waves = codec.to_audio(spectra)
    assert waves.shape == (4, config.n_samples) and np.allclose(np.abs(waves).max(axis=1), 1)
    # the log-mel of a log-STFT is the clip's own log-mel wherever the floor does not decide it
    log_mels, real = codec.to_log_mel(spectra), synthetic_dataset.log_mels[:4]
    assert log_mels.shape == real.shape and np.median(np.abs(log_mels - real)[real > -60]) < 0.1
    chunks = list(codec.read_chunks(synthetic_dataset, np.arange(6)))
    assert np.allclose(np.concatenate(chunks), codec.read(synthetic_dataset, np.arange(6)))


def test_a_normalizer_of_a_range_maps_its_ends_to_minus_one_and_one():
    norm = Normalizer.of_range(-100.0, 0.0, 3)
    assert np.allclose(norm.transform(np.array([[[-100.0], [-50.0], [0.0]]])).ravel(), [-1, 0, 1])


def test_the_mel_attack_codec_carries_the_attack_channel_under_the_log_mel_and_gives_audio_its_rise(
    synthetic_dataset, tmp_path
):
    from drumgan.features.attack import attack_envelope
    from drumgan.features.timbre import hardness_of

    config, rows = synthetic_dataset.config, np.arange(8)
    codec = Codec.fit(synthetic_dataset.log_mels, config, "mel-attack", "image")
    assert codec.n_bins == 64 + 64
    spectra = codec.read(synthetic_dataset, rows)
    assert spectra.shape == (8, 128, 64) and np.array_equal(spectra[:, :64], synthetic_dataset.log_mels[rows])
    first_hop = np.maximum(attack_envelope(synthetic_dataset.waves[rows], config.sample_rate), config.log_floor_db)
    assert np.allclose(spectra[:, 64:, 0], first_hop)  # the first column is the attack channel
    assert np.allclose(codec.analyse(synthetic_dataset.waves[rows]), spectra, atol=1e-3)
    encoded = codec.encode(spectra)
    assert encoded.shape == (8, 128, 64, 1) and np.abs(encoded).max() <= 1
    codec.save(tmp_path / "codec.npz")
    decoded = Codec.load(tmp_path / "codec.npz", config).decode(encoded)
    assert np.allclose(decoded[:, 64:], spectra[:, 64:], atol=1e-3)  # the envelope's range is never clipped
    assert np.array_equal(codec.to_log_mel(decoded), decoded[:, :64])
    real = hardness_of(synthetic_dataset.waves[rows], config.sample_rate)
    with_channel = hardness_of(codec.to_audio(spectra), config.sample_rate)
    without = hardness_of(Codec.fit(synthetic_dataset.log_mels, config).to_audio(spectra[:, :64]), config.sample_rate)
    assert np.abs(np.log(with_channel / real)).mean() < np.abs(np.log(without / real)).mean()


def test_the_mel_attack_feature_needs_a_hop_of_whole_sub_frames():
    from drumgan.features.attack import folded_rows

    assert [folded_rows(FeatureConfig().at_rate(rate)) for rate in (16000, 44100, 48000)] == [64, 64, 64]
    with pytest.raises(ValueError, match="whole 0.25 ms sub-frames; at 22050 Hz"):
        folded_rows(FeatureConfig().at_rate(22050))
