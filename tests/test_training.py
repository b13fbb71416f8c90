import dataclasses
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

pytest.importorskip("tensorflow")

from drumgan.callbacks import read_checkpoint_step  # noqa: E402
from drumgan.checkpoint import load_checkpoint  # noqa: E402
from drumgan.codec import Codec  # noqa: E402
from drumgan.config import FeatureConfig  # noqa: E402
from drumgan.dataset import prepare  # noqa: E402
from drumgan.errors import CheckpointError, RunError, TrainingDiverged  # noqa: E402
from drumgan.generation import generate_wavs, nearest_neighbours  # noqa: E402
from drumgan.training import Run, TrainSettings, batch_order, train  # noqa: E402

TINY = {"lstm": dict(units=8), "lstm-gan": dict(units=8), "conv-gan": dict(width=4, critic_steps=2)}


@pytest.fixture(scope="module")
def dataset(synthetic_kit, tmp_path_factory):
    return prepare([synthetic_kit], cache=tmp_path_factory.mktemp("cache"), progress=False)


def tiny(model, steps, **kw):
    return TrainSettings.for_model(model, steps=steps, batch_size=8, **{**TINY[model], **kw})


def test_batch_order_is_a_function_of_the_step():
    whole = batch_order(10, 4, seed=3, start=0, stop=9)
    assert np.array_equal(batch_order(10, 4, seed=3, start=4, stop=9), whole[4:])
    flat = whole.ravel()
    for epoch in range(3):
        assert sorted(flat[epoch * 10 : epoch * 10 + 10]) == list(range(10))  # every epoch a permutation
    assert not np.array_equal(batch_order(10, 4, seed=4, start=0, stop=9), whole)


@pytest.mark.parametrize("feature,layout", [("mel", "image"), ("mel", "sequence"), ("mfcc", "sequence")])
def test_codec_round_trip(dataset, feature, layout, tmp_path):
    codec = Codec.fit(dataset.log_mels, FeatureConfig(), feature, layout)
    encoded = codec.encode(dataset.log_mels[:4])
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


@pytest.mark.parametrize("model", ["lstm", "lstm-gan", "conv-gan"])
def test_resumed_run_holds_what_the_uninterrupted_run_holds(dataset, tmp_path, model):
    whole = train(tmp_path / "whole", tiny(model, 4), dataset, checkpoint_seconds=0, progress=False)
    assert whole["step"] == 4 and whole["resumed_from"] is None
    half = train(tmp_path / "split", tiny(model, 2), dataset, checkpoint_seconds=0, progress=False)
    assert half["step"] == 2
    rest = train(tmp_path / "split", tiny(model, 4), dataset, checkpoint_seconds=0, progress=False)
    assert rest["step"] == 4 and rest["resumed_from"] == 2
    a, b = Run.load(tmp_path / "whole"), Run.load(tmp_path / "split")
    assert a.step == b.step == 4
    for x, y in zip(a.model.weights, b.model.weights):
        np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-4, atol=1e-5)
    assert [r["step"] for r in b.history()] == [1, 2, 3, 4]
    assert rest["samples_per_second"] > 0


def test_finished_run_reports_its_step_without_training(dataset, tmp_path):
    train(tmp_path / "r", tiny("lstm", 2), dataset, progress=False)
    again = train(tmp_path / "r", tiny("lstm", 2), dataset, progress=False)
    assert again["step"] == 2 and again["resumed_from"] == 2 and again["samples_per_second"] == 0.0


def test_other_settings_in_the_same_folder_are_refused(dataset, tmp_path):
    train(tmp_path / "r", tiny("lstm", 1), dataset, progress=False)
    with pytest.raises(RunError, match="units 8 \\(asked 16\\)"):
        train(tmp_path / "r", tiny("lstm", 2, units=16), dataset, progress=False)
    with pytest.raises(RunError, match="not a run folder"):
        Run.load(tmp_path / "nothing")


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(dataset, tmp_path):
    train(tmp_path / "r", tiny("lstm", 2), dataset, progress=False)
    good = [w.numpy().copy() for w in Run.load(tmp_path / "r").model.weights]
    poisoned = dataclasses.replace(dataset, log_mels=np.full_like(dataset.log_mels, np.nan))
    with pytest.raises(TrainingDiverged, match="loss = nan at step 3.*checkpoint \\(step 2\\) is intact"):
        train(tmp_path / "r", tiny("lstm", 5), poisoned, checkpoint_seconds=0, progress=False)
    kept = Run.load(tmp_path / "r")
    assert kept.step == 2
    assert all(np.array_equal(a, b.numpy()) for a, b in zip(good, kept.model.weights))


def test_checkpoint_of_another_model_is_refused(dataset, tmp_path):
    train(tmp_path / "small", tiny("lstm", 1), dataset, progress=False)
    other = Run.create(tmp_path / "big", tiny("lstm", 1, units=16), dataset)
    with pytest.raises(CheckpointError, match="shape"):
        load_checkpoint(tmp_path / "small" / "checkpoint.npz", other.model)


@pytest.mark.parametrize("model", ["lstm", "conv-gan"])
def test_generated_wavs_have_the_configured_rate_length_and_range(dataset, tmp_path, model):
    train(tmp_path / "r", tiny(model, 1), dataset, progress=False)
    paths = generate_wavs(Run.load(tmp_path / "r"), 3, tmp_path / "out", seed=1)
    assert [p.name for p in paths] == ["r_000.wav", "r_001.wav", "r_002.wav"]
    for path in paths:
        info = sf.info(path)
        assert (info.samplerate, info.frames, info.channels, info.subtype) == (16000, 16384, 1, "PCM_16")
        wave, _ = sf.read(path)
        assert 0 < np.abs(wave).max() <= 1


def test_nearest_neighbours_find_exact_copies():
    rng = np.random.default_rng(0)
    references = rng.normal(size=(20, 4, 5))
    index, distance = nearest_neighbours(references[[3, 7, 7]], references)
    assert list(index) == [3, 7, 7] and np.allclose(distance, 0, atol=1e-6)
    index, distance = nearest_neighbours(references, references, exclude_self=True)
    assert (index != np.arange(20)).all() and (distance > 0).all()


def cli(*args, env):
    return subprocess.Popen([sys.executable, "-m", "drumgan", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigkill_then_the_same_command_resumes(synthetic_kit, tmp_path):
    env = {**os.environ, "DRUMGAN_CACHE": str(tmp_path / "cache")}
    run = tmp_path / "run"
    command = ["train", "lstm", "--out", str(run), "--source", str(synthetic_kit), "--units", "8",
               "--batch-size", "8", "--checkpoint-seconds", "0", "--json"]
    proc = cli(*command, "--steps", "100000", env=env)
    deadline = time.monotonic() + 120
    while (read_checkpoint_step(run / "checkpoint.npz") or 0) < 3:
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() else "timed out"
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    saved = read_checkpoint_step(run / "checkpoint.npz")  # loads: not torn
    target = saved + 5
    done = cli(*command, "--steps", str(target), env=env)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["resumed_from"] == saved and result["step"] == target
    assert set(result) == {"model", "step", "resumed_from", "seconds", "samples_per_second", "checkpoint"}


def test_cli_reports_a_missing_run_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, "-m", "drumgan", "generate", "--run", str(tmp_path), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error:") and "not a run folder" in done.stderr


def test_settings_a_family_ignores_do_not_block_a_resume(dataset, tmp_path):
    train(tmp_path / "r", tiny("lstm", 1, width=32), dataset, progress=False)
    assert train(tmp_path / "r", tiny("lstm", 2, width=8), dataset, progress=False)["resumed_from"] == 1
    with pytest.raises(RunError, match="model 'lstm' \\(asked 'lstm-gan'\\)"):
        train(tmp_path / "r", tiny("lstm-gan", 2), dataset, progress=False)


def test_frames_per_step_must_divide_the_frames_and_old_runs_load_with_one(dataset, tmp_path):
    with pytest.raises(RunError, match="frames_per_step must divide the 64 frames, got 5"):
        TrainSettings.for_model("lstm-gan", frames_per_step=5)
    train(tmp_path / "r", tiny("lstm-gan", 1, frames_per_step=1), dataset, progress=False)
    meta = json.loads((tmp_path / "r" / "run.json").read_text())
    del meta["settings"]["frames_per_step"]  # a run folder made before the setting existed
    (tmp_path / "r" / "run.json").write_text(json.dumps(meta))
    assert Run.load(tmp_path / "r").settings.frames_per_step == 1
