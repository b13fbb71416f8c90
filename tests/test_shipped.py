"""The trained runs and the classifier that ship with the repository: small, bound to the Hydrogen data, usable."""

import subprocess

import numpy as np
import pytest
import soundfile as sf

from drumgan.paths import DEFAULT_RUNS, project_root, shipped_dir
from drumgan.training.folder import RunFolder

from conftest import requires_hydrogen
from helpers import run_cli

RUNS = project_root() / "runs"
SHIPPED_FILES = ("run.json", "codec.npz", "weights.npz", "history.csv")
MAX_BYTES = 15_000_000


def tracked(folder) -> list[str]:
    done = subprocess.run(["git", "ls-files", str(folder)], cwd=project_root(), capture_output=True, text=True)
    if done.returncode:
        pytest.skip("not a git checkout")
    return done.stdout.split()


@pytest.mark.parametrize("name", DEFAULT_RUNS)
def test_each_default_run_ships_what_generation_needs_and_its_last_previews(name):
    files = tracked(RUNS / name)
    assert {f"runs/{name}/{f}" for f in SHIPPED_FILES} <= set(files)
    previews = [f for f in files if "/previews/" in f]
    assert 1 <= len(previews) <= 3 and all(f.endswith(".png") for f in previews)
    assert f"runs/{name}/checkpoint.npz" not in files


def test_the_shipped_runs_take_at_most_15_mb():
    files = tracked(RUNS)
    assert files and sum((project_root() / f).stat().st_size for f in files) <= MAX_BYTES


@requires_hydrogen
@pytest.mark.parametrize("name", DEFAULT_RUNS)
def test_each_default_run_is_finished_and_bound_to_the_hydrogen_data(name, hydrogen):
    pytest.importorskip("tensorflow")
    from drumgan.generation.sampling import generate_waves
    from drumgan.training.run import Run

    run = Run.load(RUNS / name)
    assert run.step == run.settings.steps and RunFolder(RUNS / name).weights.exists()
    run.check_data(hydrogen, "the shipped runs were trained on another version of the Hydrogen kits")
    waves = generate_waves(run, 2)
    assert waves.shape == (2, hydrogen.config.n_samples) and abs(waves).max() > 0.5


@requires_hydrogen
def test_the_hydrogen_classifier_ships(hydrogen):
    assert list(shipped_dir().glob(f"{hydrogen.data_id}-classifier-*.keras"))


def test_generate_works_on_the_shipped_conv_gan_at_once(tmp_path):
    done = run_cli("generate", "--run", str(RUNS / "conv_gan"), "-n", "8", "--out", str(tmp_path), "--json")
    assert done.returncode == 0, done.stderr
    wavs = sorted(tmp_path.glob("*.wav"))
    info = sf.info(wavs[0])
    assert len(wavs) == 8 and (info.samplerate, info.frames, info.subtype) == (44100, 45056, "PCM_16")


@pytest.mark.parametrize("name", ["conv_gan", "lstm_gan"])
def test_the_shipped_gans_were_trained_with_the_default_recipe(name):
    pytest.importorskip("tensorflow")
    from drumgan.settings import TrainSettings, recipe_of
    from drumgan.training.run import Run

    settings = Run.load(RUNS / name).settings
    assert recipe_of(settings) == recipe_of(TrainSettings.for_model(settings.model)) == "r1"


@pytest.fixture(scope="module")
def conditional_classes(hydrogen):
    """The shipped conditional run's per-class table (32 clips a class) and its evaluator."""
    pytest.importorskip("tensorflow")
    from drumgan.evaluation.evaluator import Evaluator
    from drumgan.evaluation.per_class import per_class
    from drumgan.training.run import Run

    evaluator = Evaluator(hydrogen)
    return per_class(evaluator, Run.load(RUNS / "conv_gan_conditional"), n=32), evaluator


@requires_hydrogen
def test_the_shipped_conditional_run_makes_the_classes_it_is_asked_for(hydrogen, conditional_classes):
    table, evaluator = conditional_classes
    judged = {name: row for name, row in table.items() if row["judged"]}
    assert set(judged) == {"kick", "snare", "hihat", "tom", "cymbal", "other"}
    assert all(row["ratio"] >= 0.7 for row in judged.values()), judged  # the toms too, since the low rows keep a body
    assert all(row["listener_ratio"] >= 0.7 for row in judged.values()), judged  # heard from the audio too
    other = hydrogen.class_names.index("other")
    train_other = hydrogen.train_index[hydrogen.labels[hydrogen.train_index] == other]
    heard = evaluator.predicted_classes(hydrogen.waves[train_other])  # as generated clips are heard: from audio
    assert table["other"]["train_accuracy"] == pytest.approx(np.mean(heard == other), abs=0.05)


def test_the_shipped_timbre_run_ships_its_training_timbres():
    assert "runs/conv_gan_timbre/timbre.npz" in tracked(RUNS / "conv_gan_timbre")


@requires_hydrogen
def test_the_shipped_timbre_run_brightens_deepens_hardens_and_lengthens_as_asked(hydrogen):
    pytest.importorskip("tensorflow")
    from drumgan.features.timbre import CONTROLS, measure
    from drumgan.generation.sampling import generate_waves, timbre_request
    from drumgan.training.run import Run

    run = Run.load(RUNS / "conv_gan_timbre")
    assert run.step == run.settings.steps and run.settings.timbre and run.settings.conditional
    assert run.settings.feature == "mel-attack"  # the attack channel carries the hardness
    for control in ("brightness", "depth", "hardness", "decay"):
        k = CONTROLS.index(control)
        low, high = (
            measure(generate_waves(run, 16, 0, timbre=timbre_request(run, 16, {control: p})), 44100)[:, k]
            for p in (0.1, 0.9)
        )
        assert np.median(high) > np.median(low), control
