import numpy as np
import pytest
import soundfile as sf

from helpers import tiny

tf = pytest.importorskip("tensorflow")

from drumgan.generation.sampling import generate_wavs  # noqa: E402
from drumgan.training.loop import train  # noqa: E402
from drumgan.training.run import Run  # noqa: E402


@pytest.mark.parametrize("model", ["lstm", "conv-gan"])
def test_generated_wavs_have_the_configured_rate_length_and_range(synthetic_dataset, tmp_path, model):
    train(tmp_path / "r", tiny(model, 1), synthetic_dataset, progress=False)
    paths = generate_wavs(Run.load(tmp_path / "r"), 3, tmp_path / "out", seed=1)
    assert [p.name for p in paths] == ["r_000.wav", "r_001.wav", "r_002.wav"]
    for path in paths:
        info = sf.info(path)
        assert (info.samplerate, info.frames, info.channels, info.subtype) == (44100, 45056, 1, "PCM_16")
        wave, _ = sf.read(path)
        assert 0 < np.abs(wave).max() <= 1


@pytest.mark.parametrize(
    "model, feature", [("conv-gan", "mel"), ("conv-gan", "stft"), ("conv-gan", "mel-attack"), ("lstm", "mel-attack")]
)
def test_clips_are_the_log_mels_and_the_audio_of_one_draw_of_the_runs_own_spectra(
    synthetic_dataset, tmp_path, model, feature
):
    from drumgan.generation.sampling import generate_clips, generate_log_mels, generate_spectra, generate_waves

    run = train(tmp_path / feature, tiny(model, 2, feature=feature), synthetic_dataset, progress=False)
    spectra = generate_spectra(run, 3, seed=5)
    assert spectra.shape == (3, {"stft": 1408, "mel": 64, "mel-attack": 128}[feature], 64)
    log_mels, waves = generate_clips(run, 3, seed=5)
    assert np.array_equal(log_mels, generate_log_mels(run, 3, seed=5)) and log_mels.shape == (3, 64, 64)
    assert np.array_equal(waves, generate_waves(run, 3, seed=5)) and waves.shape == (3, 45056)


def test_the_attack_channel_is_refused_in_one_line_where_the_hop_holds_no_whole_sub_frames(synthetic_dataset, tmp_path):
    from drumgan.errors import RunError

    settings = tiny("conv-gan", 1, feature="mel-attack", sample_rate=22050)
    with pytest.raises(RunError, match="--feature mel-attack: the attack channel needs a hop of whole 0.25 ms"):
        train(tmp_path / "r", settings, synthetic_dataset, progress=False)
    assert not (tmp_path / "r").exists()  # refused before any work
