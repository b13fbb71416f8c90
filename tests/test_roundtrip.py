import numpy as np
import pytest

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
    mel_name = "log-mel 64, STFT bins below 150 Hz, Griffin-Lim 6"
    assert default["option"] == next(iter(results)) == mel_name
    assert default["meets"] == roundtrip.meets(default) and default["meets_all"] == all(default["meets"].values())
    bins = config.n_fft // 2 + 1
    stft, mel = results["STFT magnitude, Griffin-Lim 6"], results[mel_name]
    assert stft["spectral_convergence"] < mel["spectral_convergence"] and stft["representation"] == f"{bins} x 64"
    log_stft = results["log-STFT (--feature stft), Griffin-Lim 6"]  # what a --feature stft run learns, in dB
    assert log_stft["representation"] == f"{bins - 1} x 64"
    assert log_stft["spectral_convergence"] < mel["spectral_convergence"]
    assert (
        results["log-mel 128, STFT bins below 150 Hz, Griffin-Lim 6"]["spectral_convergence"]
        < mel["spectral_convergence"]
    )
    assert "log-mel 64, mel bands only, Griffin-Lim 6" in results
    attack = results["log-mel 64, STFT bins below 150 Hz, Griffin-Lim 6, attack channel"]
    assert attack["representation"] == "64 x 64 + 64" and attack["hardness_rank"] > mel["hardness_rank"]
    for row in results.values():
        assert row["sample_rate"] == config.sample_rate and row["onset_ms"] >= 0 and row["decay_s"] > 0
        assert all(row[f"real_{key}"] == default[f"real_{key}"] for key in ("onset_ms", "decay_s", "high_db"))


def test_an_attack_stays_sharp_from_onset_aligned_phases_and_smears_from_random_ones(config):
    from drumgan.data.audio import to_fixed_length
    from drumgan.evaluation.hearing import to_audio_rate
    from drumgan.features.envelope import onset_ms

    rng = np.random.default_rng(2)
    t = np.arange(config.n_samples) / config.sample_rate
    hits = np.stack([np.exp(-t / 0.08) * rng.standard_normal(len(t)) for _ in range(8)])  # noise bursts from 0
    clips = np.stack([to_fixed_length(h[:, None].astype(np.float32), config.sample_rate, config) for h in hits])
    log_mels = roundtrip.spectral.log_mel(clips, config)
    aligned = roundtrip.inverse.log_mel_to_audio(log_mels, config)
    random = roundtrip.inverse.log_mel_to_audio(log_mels, config, n_iter=32, onset_aligned=False)
    rise = {name: np.median(onset_ms(to_audio_rate(w, config.sample_rate))) for name, w in
            (("real", clips), ("aligned", aligned), ("random", random))}  # fmt: skip
    assert rise["aligned"] <= max(rise["real"], 2.0) < rise["random"], rise


def test_the_round_trip_is_written_beside_the_clips_under_the_same_names(synthetic_dataset, tmp_path):
    import soundfile as sf

    from drumgan.bench.roundtrip import write_round_trip

    rows = synthetic_dataset.spread_held_out(3)
    written = write_round_trip(synthetic_dataset, rows, tmp_path)
    real = sorted(p.relative_to(tmp_path / "real") for p in (tmp_path / "real").rglob("*.wav"))
    trip = sorted(p.relative_to(tmp_path / "round_trip") for p in (tmp_path / "round_trip").rglob("*.wav"))
    assert len(real) == len(rows) == len(written["real"]) and real == trip
    for row, path in zip(rows, written["real"]):
        assert path.split("/")[-2] == synthetic_dataset.class_names[synthetic_dataset.labels[row]]
        audio, rate = sf.read(path)
        assert rate == synthetic_dataset.config.sample_rate
        assert np.abs(audio - synthetic_dataset.waves[row]).max() < 1e-3  # the clip itself, 16-bit
    back = sf.read(written["round_trip"][0])[0]
    assert len(back) == synthetic_dataset.config.n_samples and not np.allclose(back, sf.read(written["real"][0])[0])


def test_class_hearing_gives_each_judge_the_real_clips_beside_their_round_trip():
    labels = np.array([0, 0, 1, 1, 1])
    real, round_trip = np.zeros((5, 8)), np.ones((5, 8))
    judges = {"ear": lambda waves: labels if waves[0, 0] == 0 else np.array([0, 1, 1, 1, 1])}
    rows = roundtrip.class_hearing(real, round_trip, labels, ["kick", "snare"], judges)
    assert rows == [
        {"class": "kick", "n": 2, "ear real": 1.0, "ear round trip": 0.5},
        {"class": "snare", "n": 3, "ear real": 1.0, "ear round trip": 1.0},
    ]


@pytest.mark.parametrize("pitch", [55.0, 80.0, 110.0])
def test_the_low_rows_keep_a_bodys_pitch_where_mel_bands_alone_spread_it(config, pitch):
    t = np.arange(config.n_samples) / config.sample_rate
    body = (np.sin(2 * np.pi * pitch * t) * np.exp(-8 * t)).astype(np.float32)
    paths = roundtrip.body_paths(body[None], config)
    assert list(paths)[0] == "real" and all(w.shape == (1, config.n_samples) for w in paths.values())
    freqs = np.fft.rfftfreq(config.n_samples, 1 / config.sample_rate)
    band = (freqs > 20) & (freqs < 200)

    def share_at_pitch(wave):  # the share of the 20-200 Hz band's energy within 5 Hz of the pitch
        power = np.abs(np.fft.rfft(wave)) ** 2
        return power[band & (np.abs(freqs - pitch) < 5)].sum() / power[band].sum()

    real, kept, mel_only = (share_at_pitch(w[0]) for w in paths.values())
    assert real > 0.8 and kept > 0.5 and kept > 1.5 * mel_only
