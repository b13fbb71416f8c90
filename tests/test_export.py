"""Inference weights: exported from a checkpoint, loaded without it, and refused for further training."""

import shutil

import numpy as np
import pytest

from drumgan.errors import CheckpointError, RunError

from helpers import run_cli, tiny

pytestmark = pytest.mark.slow  # trains models or runs the command line: make test, not make test-fast

tf = pytest.importorskip("tensorflow")

from drumgan.generation.export import TOLERANCE_DB, export_weights, half_precision_error  # noqa: E402
from drumgan.generation.sampling import generate_log_mels  # noqa: E402
from drumgan.training.checkpoint import load_weights, save_weights  # noqa: E402
from drumgan.training.loop import train  # noqa: E402
from drumgan.training.run import Run  # noqa: E402


def weights_only(run_dir, to):
    """A copy of a run folder without its checkpoint: what a shipped run is."""
    shutil.copytree(run_dir, to, ignore=shutil.ignore_patterns("checkpoint.npz", ".lock"))
    return to


@pytest.mark.parametrize("model", ["lstm", "conv-gan"])
def test_a_run_loads_from_its_weights_alone_and_generates_the_same(model, synthetic_dataset, tmp_path):
    run = train(tmp_path / "run", tiny(model, 3), synthetic_dataset, progress=False)
    save_weights(run.folder.weights, run.model, dtype="float32")
    shipped = Run.load(weights_only(run.dir, tmp_path / "shipped"))
    assert shipped.weights_only and shipped.step == 3
    np.testing.assert_allclose(generate_log_mels(shipped, 4), generate_log_mels(run, 4), atol=1e-4)


def test_a_weights_only_run_is_loaded_at_its_step_but_not_trained_further(synthetic_dataset, tmp_path):
    run = train(tmp_path / "run", tiny("conv-gan", 2), synthetic_dataset, progress=False)
    export_weights(run)
    shipped = weights_only(run.dir, tmp_path / "shipped")
    again = train(shipped, tiny("conv-gan", 2), synthetic_dataset, progress=False)  # finished: loaded as it is
    assert again.step == 2 and not (shipped / "checkpoint.npz").exists()
    with pytest.raises(RunError, match="cannot train further"):
        train(shipped, tiny("conv-gan", 4), synthetic_dataset, progress=False)
    assert Run.load(shipped).step == 2


def test_weights_of_another_model_are_refused(synthetic_dataset, tmp_path):
    small = train(tmp_path / "small", tiny("lstm", 1), synthetic_dataset, progress=False)
    save_weights(small.folder.weights, small.model)
    other = Run.create(tmp_path / "big", tiny("lstm", 1, units=16), synthetic_dataset)
    with pytest.raises(CheckpointError, match="shape"):
        load_weights(small.folder.weights, other.model)


def test_export_measures_half_precision_and_keeps_float32_where_it_would_be_heard(synthetic_dataset, tmp_path):
    run = train(tmp_path / "run", tiny("conv-gan", 2), synthetic_dataset, progress=False)
    before = generate_log_mels(run, 4)
    error = half_precision_error(run)
    np.testing.assert_array_equal(generate_log_mels(run, 4), before)  # the run's own weights are put back
    exported = export_weights(run)
    assert exported["half_precision_error_db"] == pytest.approx(error, abs=1e-4)
    assert exported["dtype"] == ("float16" if error <= TOLERANCE_DB else "float32")
    assert np.load(run.folder.weights)["weights/0"].dtype == np.dtype(exported["dtype"])


def test_export_cli_needs_a_checkpoint(tiny_runs, tmp_path):
    done = run_cli("export", "--run", str(tiny_runs / "lstm"), "--json")
    assert done.returncode == 0, done.stderr
    shipped = weights_only(tiny_runs / "lstm", tmp_path / "shipped")
    refused = run_cli("export", "--run", str(shipped))
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "no checkpoint" in refused.stderr
