import numpy as np

from drumgan.bench import roundtrip
from drumgan.data.synthetic import GENERATORS


def test_identical_spectrograms_score_zero():
    s = np.random.default_rng(0).random((2, 10, 5))
    assert np.allclose(roundtrip.spectral_convergence(s, s), 0)
    assert np.allclose(roundtrip.log_spectral_distance(s, s), 0)
    assert np.all(roundtrip.log_spectral_distance(s, s * 2) > 5)


def test_measure_reports_every_path_at_the_exact_length(config):
    rng = np.random.default_rng(0)
    waves = np.stack(
        [np.pad(g(rng, config.sample_rate), (0, config.n_samples))[: config.n_samples] for g in GENERATORS.values()]
    )
    rows = roundtrip.measure(waves.astype(np.float32), config, n_mfccs=(20,), n_iter=8)
    names = [r["path"] for r in rows]
    assert names == ["stft magnitude", "log-mel (64 bins)", "mfcc (20 coefficients)"]
    assert all(r["length"] == config.n_samples and r["sample_rate"] == config.sample_rate for r in rows)
    sc = {r["path"]: r["spectral_convergence"] for r in rows}
    assert sc["stft magnitude"] < sc["log-mel (64 bins)"] < sc["mfcc (20 coefficients)"]  # each compression loses more
    assert all(r["onset_ms"] >= 0 and r["real_onset_ms"] == rows[0]["real_onset_ms"] for r in rows)


def test_compare_puts_the_default_first_and_the_stft_magnitude_loses_least(config):
    rng = np.random.default_rng(1)
    waves = np.stack(
        [np.pad(g(rng, config.sample_rate), (0, config.n_samples))[: config.n_samples] for g in GENERATORS.values()]
    ).astype(np.float32)
    results = roundtrip.compare(waves, config)
    default = results.pop("default")
    assert default["option"] == next(iter(results)) == "log-mel 64, Griffin-Lim 32"
    assert default["meets"] == all(default[k] <= limit for k, limit in roundtrip.TARGETS.items())
    stft, mel = results["STFT magnitude, Griffin-Lim 32"], results["log-mel 64, Griffin-Lim 32"]
    assert stft["spectral_convergence"] < mel["spectral_convergence"] and stft["representation"] == "513 x 64"
    log_stft = results["log-STFT (--feature stft), Griffin-Lim 32"]  # what a --feature stft run learns, in dB
    assert log_stft["representation"] == "512 x 64" and log_stft["spectral_convergence"] < mel["spectral_convergence"]
    assert results["log-mel 128, Griffin-Lim 32"]["spectral_convergence"] < mel["spectral_convergence"]
    assert all(row["real_onset_ms"] == default["real_onset_ms"] and row["onset_ms"] >= 0 for row in results.values())
