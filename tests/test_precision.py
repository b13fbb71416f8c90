"""Mixed precision: float16 arithmetic inside the networks, float32 outputs and weights, a loss-scaled step, and
a checkpoint that resumes at full precision."""

import numpy as np
import pytest

from helpers import tiny

pytestmark = pytest.mark.slow  # trains models or runs the command line: make test, not make test-fast

tf = pytest.importorskip("tensorflow")

from drumgan import precision  # noqa: E402
from drumgan.training.loop import train  # noqa: E402
from drumgan.training.run import Run  # noqa: E402


@pytest.fixture
def mixed():
    precision.use_mixed(True)
    yield
    precision.use_mixed(False)


@pytest.mark.parametrize("model", ["conv-gan", "lstm-gan", "lstm"])
def test_a_mixed_precision_run_computes_in_float16_and_resumes_in_float32(mixed, synthetic_dataset, tmp_path, model):
    run = train(tmp_path / "run", tiny(model, 2), synthetic_dataset, progress=False)
    assert run.result["mixed_precision"] and run.step == 2
    network = getattr(run.model, "generator", run.model)
    assert {layer.compute_dtype for layer in network.layers if layer.weights} >= {"float16"}
    assert all(w.dtype == "float32" for w in network.weights)
    optimizer = run.model.optimized[0][0]
    assert isinstance(optimizer, tf.keras.optimizers.LossScaleOptimizer)
    assert float(optimizer.scale_loss(tf.constant(1.0))) > 1  # the loss is scaled up before its gradients
    samples = run.model.sample(2, seed=0)
    assert samples.dtype == np.float32 and np.isfinite(samples).all()
    precision.use_mixed(False)
    again = train(tmp_path / "run", tiny(model, 3), synthetic_dataset, progress=False)
    assert again.result["resumed_from"] == 2 and again.step == 3 and not again.result["mixed_precision"]
    assert Run.load(tmp_path / "run").step == 3
