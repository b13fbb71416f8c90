import pytest

from drumgan.errors import CheckpointError

from helpers import tiny

tf = pytest.importorskip("tensorflow")

from drumgan.training.checkpoint import load_checkpoint  # noqa: E402
from drumgan.training.loop import train  # noqa: E402
from drumgan.training.run import Run  # noqa: E402


def test_checkpoint_of_another_model_is_refused(synthetic_dataset, tmp_path):
    train(tmp_path / "small", tiny("lstm", 1), synthetic_dataset, progress=False)
    other = Run.create(tmp_path / "big", tiny("lstm", 1, units=16), synthetic_dataset)
    with pytest.raises(CheckpointError, match="shape"):
        load_checkpoint(tmp_path / "small" / "checkpoint.npz", other.model)
