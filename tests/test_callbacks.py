import dataclasses

import numpy as np
import pytest

from drumgan.errors import TrainingDiverged

from helpers import tiny

tf = pytest.importorskip("tensorflow")

from drumgan.training.loop import train  # noqa: E402
from drumgan.training.run import Run  # noqa: E402


def test_nan_loss_stops_and_keeps_the_last_good_checkpoint(synthetic_dataset, tmp_path):
    train(tmp_path / "r", tiny("lstm", 2), synthetic_dataset, progress=False)
    good = [w.numpy().copy() for w in Run.load(tmp_path / "r").model.weights]
    poisoned = dataclasses.replace(synthetic_dataset, log_mels=np.full_like(synthetic_dataset.log_mels, np.nan))
    with pytest.raises(TrainingDiverged, match="loss = nan at step 3.*checkpoint \\(step 2\\) is intact"):
        train(tmp_path / "r", tiny("lstm", 5), poisoned, checkpoint_seconds=0, progress=False)
    kept = Run.load(tmp_path / "r")
    assert kept.step == 2
    assert all(np.array_equal(a, b.numpy()) for a, b in zip(good, kept.model.weights))
