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
    data = {"data_id": "dataset-x", "train": 3, "synthetic": True}
    folder.write_meta({"settings": {"model": "lstm"}, "feature_config": {}, "data": data})
    assert folder.exists() and folder.read_meta()["data"]["data_id"] == "dataset-x"
    folder.write_history([{"step": 10, "time": 1.5, "loss": 0.25}, {"step": 20, "time": 2.5, "loss": 0.125}])
    assert folder.read_history() == [{"step": 10, "time": 1.5, "loss": 0.25}, {"step": 20, "time": 2.5, "loss": 0.125}]
    np.savez(folder.checkpoint, step=7)
    assert folder.checkpoint_step() == 7


def test_old_meta_key_reads_as_data_id_and_a_plain_folder_is_refused(tmp_path):
    folder = RunFolder(tmp_path)
    with pytest.raises(RunError, match="not a run folder"):
        folder.read_meta()
    old = {"settings": {}, "feature_config": {}, "data": {"fingerprint": "dataset-old", "train": 1}}
    folder.meta_path.write_text(json.dumps(old))
    assert folder.read_meta()["data"] == {"data_id": "dataset-old", "train": 1}


@pytest.mark.parametrize(
    "content, reason",
    [
        (b'{"settings": ', "Expecting value"),
        (b'{"settings": {}, "data": {"data_id": "d"}}', "no 'feature_config'"),
        (b'{"settings": [], "feature_config": {}, "data": {"data_id": "d"}}', "not an object"),
        (b'{"settings": {}, "feature_config": {}, "data": {}}', "no 'data_id'"),
        (b"\xff\xfe", "can't decode"),
    ],
)
def test_a_run_json_that_is_not_what_drumgan_writes_is_one_line_naming_it(tmp_path, content, reason):
    folder = RunFolder(tmp_path)
    folder.meta_path.write_bytes(content)
    with pytest.raises(RunError, match=f"run.json cannot be read as a run's settings \\(.*{reason}"):
        folder.read_meta()
