"""The run folder: its paths, its small files, and reading what older versions wrote."""

import json

import numpy as np
import pytest

from drumgan.errors import RunError
from drumgan.training.folder import RunFolder


def test_every_file_of_a_run_has_its_path_here(tmp_path):
    folder = RunFolder(tmp_path / "r")
    assert [
        p.name for p in (folder.meta_path, folder.codec_path, folder.checkpoint, folder.history_path, folder.previews)
    ] == ["run.json", "codec.npz", "checkpoint.npz", "history.csv", "previews"]
    assert (
        folder.preview_path(250, ".png") == tmp_path / "r" / "previews" / "step_000250.png" and folder.previews.is_dir()
    )


def test_meta_and_history_round_trip(tmp_path):
    folder = RunFolder(tmp_path / "r")
    assert not folder.exists() and folder.read_history() == [] and folder.checkpoint_step() is None
    folder.write_meta({"settings": {"model": "lstm"}, "data": {"data_id": "dataset-x", "train": 3, "synthetic": True}})
    assert folder.exists() and folder.read_meta()["data"]["data_id"] == "dataset-x"
    folder.write_history([{"step": 10, "time": 1.5, "loss": 0.25}, {"step": 20, "time": 2.5, "loss": 0.125}])
    assert folder.read_history() == [{"step": 10, "time": 1.5, "loss": 0.25}, {"step": 20, "time": 2.5, "loss": 0.125}]
    np.savez(folder.checkpoint, step=7)
    assert folder.checkpoint_step() == 7


def test_old_meta_key_reads_as_data_id_and_a_plain_folder_is_refused(tmp_path):
    folder = RunFolder(tmp_path)
    with pytest.raises(RunError, match="not a run folder"):
        folder.read_meta()
    folder.meta_path.write_text(json.dumps({"settings": {}, "data": {"fingerprint": "dataset-old", "train": 1}}))
    assert folder.read_meta()["data"] == {"data_id": "dataset-old", "train": 1}
