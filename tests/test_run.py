"""A run and its model: refusing another run's settings or data, and loading folders made by older versions."""

import json

import numpy as np
import pytest

from drumgan.errors import RunError

from conftest import requires_hydrogen
from helpers import tiny

tf = pytest.importorskip("tensorflow")

from drumgan.generation.sampling import generate_wavs  # noqa: E402
from drumgan.training.loop import train  # noqa: E402
from drumgan.training.run import Run  # noqa: E402


def test_other_settings_in_the_same_folder_are_refused(synthetic_dataset, tmp_path):
    train(tmp_path / "r", tiny("lstm", 1), synthetic_dataset, progress=False)
    with pytest.raises(RunError, match="units 8 \\(asked 16\\)"):
        train(tmp_path / "r", tiny("lstm", 2, units=16), synthetic_dataset, progress=False)
    with pytest.raises(RunError, match="not a run folder"):
        Run.load(tmp_path / "nothing")


def test_a_run_refuses_other_data_with_the_hint_it_is_given(synthetic_dataset, tmp_path):
    run = train(tmp_path / "r", tiny("lstm", 1), synthetic_dataset, progress=False)
    run.check_data(synthetic_dataset, "unused")
    run.data["data_id"] = "dataset-other"
    with pytest.raises(RunError, match="trained on other data \\(dataset-other, now dataset-.*\\)\\. Do this\\."):
        run.check_data(synthetic_dataset, "Do this.")


def test_a_run_folder_of_an_older_version_loads_resumes_and_generates(synthetic_dataset, tmp_path):
    train(tmp_path / "r", tiny("lstm-gan", 1, frames_per_step=1), synthetic_dataset, progress=False)
    meta = json.loads((tmp_path / "r" / "run.json").read_text())
    del meta["settings"]["frames_per_step"]  # made before the setting existed
    meta["data"].pop("data_id")  # made before the key was renamed, and before the cache was keyed by content:
    meta["data"]["fingerprint"] = synthetic_dataset.former_data_id
    (tmp_path / "r" / "run.json").write_text(json.dumps(meta))
    old = Run.load(tmp_path / "r")
    assert old.settings.frames_per_step == 1 and old.data["data_id"] == synthetic_dataset.former_data_id
    assert old.step == 1
    resumed = train(tmp_path / "r", tiny("lstm-gan", 2, frames_per_step=1), synthetic_dataset, progress=False)
    assert resumed.result["resumed_from"] == 1 and resumed.step == 2
    assert json.loads((tmp_path / "r" / "run.json").read_text())["data"]["data_id"] == synthetic_dataset.data_id
    assert len(generate_wavs(resumed, 2, tmp_path / "out")) == 2


@requires_hydrogen
def test_a_conditional_run_trains_on_the_named_clips_and_records_what_it_left_out(hydrogen, tmp_path):
    run = Run.create(tmp_path / "r", tiny("conv-gan", 1, conditional=True), hydrogen)
    left_out = int(hydrogen.unnamed[hydrogen.train_index].sum())
    assert left_out > 0 and run.data["left_out_unnamed"] == left_out
    assert run.data["train"] == len(run.train_rows(hydrogen)) == len(hydrogen.train_index) - left_out
    assert run.data["classes"]["other"] == hydrogen.class_counts(hydrogen.train_index)["other"] - left_out


def test_training_an_existing_run_reads_its_settings_once_and_builds_its_model_once(
    synthetic_dataset, tmp_path, monkeypatch
):
    import drumgan.training.run as run_module
    from drumgan.training.folder import RunFolder

    train(tmp_path / "r", tiny("lstm", 2), synthetic_dataset, progress=False)
    reads, builds = [], []
    read_meta, build_model = RunFolder.read_meta, run_module.build_model
    monkeypatch.setattr(RunFolder, "read_meta", lambda self: reads.append(1) or read_meta(self))
    monkeypatch.setattr(run_module, "build_model", lambda *a, **k: builds.append(1) or build_model(*a, **k))
    run = train(tmp_path / "r", tiny("lstm", 3), synthetic_dataset, progress=False)
    assert run.step == 3 and run.result["resumed_from"] == 2
    assert (len(reads), len(builds)) == (1, 1)


def test_a_run_records_the_code_that_made_it_and_the_code_that_resumed_it(synthetic_dataset, tmp_path, monkeypatch):
    from drumgan.training import run as run_module

    made = {"commit": "a" * 40, "clean": True, "versions": {"numpy": "1"}}
    monkeypatch.setattr(run_module, "code_version", lambda: made)
    train(tmp_path / "run", tiny("lstm", 2), synthetic_dataset, progress=False)
    meta = json.loads((tmp_path / "run" / "run.json").read_text())
    assert meta["code"] == made and "resumed_by" not in meta
    train(tmp_path / "run", tiny("lstm", 2), synthetic_dataset, progress=False)  # finished: nothing trained
    assert "resumed_by" not in json.loads((tmp_path / "run" / "run.json").read_text())
    other = {**made, "commit": "b" * 40, "clean": False}
    monkeypatch.setattr(run_module, "code_version", lambda: other)
    train(tmp_path / "run", tiny("lstm", 3), synthetic_dataset, progress=False)
    assert json.loads((tmp_path / "run" / "run.json").read_text())["resumed_by"] == [other]


def test_the_code_version_names_this_checkout_and_the_libraries():
    from drumgan.provenance import code_version

    version = code_version()
    assert set(version["versions"]) == {"tensorflow", "keras", "numpy"} and version["versions"]["numpy"]
    if version["commit"] is not None:
        assert len(version["commit"]) == 40 and isinstance(version["clean"], bool)


@pytest.mark.parametrize("model", ["conv-gan", "lstm-gan", "lstm"])
def test_two_runs_of_the_same_settings_and_seed_end_with_identical_weights(synthetic_dataset, tmp_path, model):
    runs = [train(tmp_path / f"run{k}", tiny(model, 6), synthetic_dataset, progress=False) for k in range(2)]
    first, second = ([np.asarray(v) for v in run.model.variables] for run in runs)
    assert len(first) == len(second) and all(np.array_equal(a, b) for a, b in zip(first, second))
    other = train(tmp_path / "seed1", tiny(model, 6, seed=1), synthetic_dataset, progress=False)
    assert not all(np.array_equal(a, np.asarray(b)) for a, b in zip(first, other.model.variables))
