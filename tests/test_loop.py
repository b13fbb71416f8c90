import numpy as np
import pytest

from drumgan.errors import RunError

from helpers import tiny

pytestmark = pytest.mark.slow  # trains models or runs the command line: make test, not make test-fast

tf = pytest.importorskip("tensorflow")

from drumgan.training.loop import (  # noqa: E402
    READ_STEPS,
    batch_order,
    batch_steps,
    clip_reader,
    fit_steps,
    read_batches,
    train,
)
from drumgan.training.run import Run  # noqa: E402

TINY = {"lstm": dict(units=8), "lstm-gan": dict(units=8), "conv-gan": dict(width=4, critic_steps=2)}


def test_batch_order_is_a_function_of_the_step():
    whole = batch_order(10, 4, seed=3, start=0, stop=9)
    assert np.array_equal(batch_order(10, 4, seed=3, start=4, stop=9), whole[4:])
    flat = whole.ravel()
    for epoch in range(3):
        assert sorted(flat[epoch * 10 : epoch * 10 + 10]) == list(range(10))  # every epoch a permutation
    assert not np.array_equal(batch_order(10, 4, seed=4, start=0, stop=9), whole)


def test_batch_steps_draw_the_same_batches_a_chunk_at_a_time():
    whole = batch_order(10, 4, seed=3, start=2, stop=11)
    np.testing.assert_array_equal(np.stack(list(batch_steps(10, 4, seed=3, start=2, stop=11, chunk=3))), whole)
    endless = batch_steps(10, 4, seed=3, start=2, stop=10**9, chunk=5)  # drawn as it is read, not all at once
    np.testing.assert_array_equal(np.stack([next(endless) for _ in range(9)]), whole)


@pytest.mark.parametrize("model", ["lstm", "lstm-gan", "conv-gan"])
def test_resumed_run_holds_what_the_uninterrupted_run_holds(synthetic_dataset, tmp_path, model):
    whole = train(tmp_path / "whole", tiny(model, 4), synthetic_dataset, checkpoint_seconds=0, progress=False).result
    assert whole["step"] == 4 and whole["resumed_from"] is None
    half = train(tmp_path / "split", tiny(model, 2), synthetic_dataset, checkpoint_seconds=0, progress=False).result
    assert half["step"] == 2
    rest = train(tmp_path / "split", tiny(model, 4), synthetic_dataset, checkpoint_seconds=0, progress=False).result
    assert rest["step"] == 4 and rest["resumed_from"] == 2
    a, b = Run.load(tmp_path / "whole"), Run.load(tmp_path / "split")
    assert a.step == b.step == 4
    for x, y in zip(a.model.weights, b.model.weights):
        np.testing.assert_allclose(x.numpy(), y.numpy(), rtol=1e-4, atol=1e-5)
    assert [r["step"] for r in b.history()] == [1, 2, 3, 4]
    assert rest["samples_per_second"] > 0


def test_finished_run_reports_its_step_without_training(synthetic_dataset, tmp_path):
    train(tmp_path / "r", tiny("lstm", 2), synthetic_dataset, progress=False)
    run = train(tmp_path / "r", tiny("lstm", 2), synthetic_dataset, progress=False)
    assert isinstance(run, Run) and run.dir == tmp_path / "r"
    again = run.result
    assert again["step"] == 2 and again["resumed_from"] == 2 and again["samples_per_second"] == 0.0


def test_settings_a_family_ignores_do_not_block_a_resume(synthetic_dataset, tmp_path):
    train(tmp_path / "r", tiny("lstm", 1, width=32), synthetic_dataset, progress=False)
    assert (
        train(tmp_path / "r", tiny("lstm", 2, width=8), synthetic_dataset, progress=False).result["resumed_from"] == 1
    )
    with pytest.raises(RunError, match="model 'lstm' \\(asked 'lstm-gan'\\)"):
        train(tmp_path / "r", tiny("lstm-gan", 2), synthetic_dataset, progress=False)


def test_a_time_budget_stops_cleanly_and_the_same_call_goes_on(synthetic_dataset, tmp_path):
    from drumgan.training.folder import RunFolder

    settings = tiny("conv-gan", 100_000)
    first = train(tmp_path / "run", settings, synthetic_dataset, progress=False, minutes=0.02)
    assert first.result["stopped_by_time"] and 0 < first.step < 100_000
    assert RunFolder(tmp_path / "run").checkpoint_step() == first.step  # checkpoint written at the stop
    again = train(tmp_path / "run", settings, synthetic_dataset, progress=False, minutes=0.02)
    assert again.result["resumed_from"] == first.step and again.step > first.step
    done = train(tmp_path / "done", tiny("conv-gan", 2), synthetic_dataset, progress=False, minutes=10)
    assert done.step == 2 and not done.result["stopped_by_time"]


@pytest.mark.parametrize("model, conditional", [("conv-gan", False), ("conv-gan", True), ("lstm", False)])
def test_the_batches_are_the_encoded_clips_of_the_batch_order(synthetic_dataset, tmp_path, model, conditional):
    data = synthetic_dataset
    run = Run.create(tmp_path / "r", tiny(model, 20, batch_size=4, conditional=conditional), data)
    read = clip_reader(run, data)
    n, train_rows = len(data.train_index), data.train_index
    got = list(read_batches(read, batch_steps(n, 4, 0, 3, 20), next_frame=model == "lstm"))
    encoded = run.codec.encode(data.log_mels[train_rows])
    assert len(got) == 17
    for batch, rows in zip(got, batch_order(n, 4, 0, 3, 20)):
        clips = batch[0] if conditional or model == "lstm" else batch
        assert np.array_equal(clips, encoded[rows][:, :-1] if model == "lstm" else encoded[rows])
        if conditional:
            assert np.array_equal(batch[1].argmax(axis=1), data.labels[train_rows[rows]])


def test_training_holds_a_few_batches_of_clips_not_the_dataset(synthetic_dataset, tmp_path, monkeypatch):
    from drumgan.data.shards import ShardedArray

    run = Run.create(tmp_path / "r", tiny("conv-gan", 40, batch_size=1), synthetic_dataset)
    reads, take = [], ShardedArray.take
    monkeypatch.setattr(ShardedArray, "take", lambda self, rows: reads.append(len(rows)) or take(self, rows))
    fit_steps(run, synthetic_dataset, 0, 40)
    assert run.step == 40 and max(reads) <= READ_STEPS < len(synthetic_dataset.train_index)


def test_xla_compiles_the_training_step_and_the_run_goes_on_without_it(synthetic_dataset, tmp_path):
    first = train(tmp_path / "r", tiny("conv-gan", 2), synthetic_dataset, progress=False, xla=True)
    assert first.result["xla"] and first.model.jit_compile and first.step == 2
    again = train(tmp_path / "r", tiny("conv-gan", 3), synthetic_dataset, progress=False)
    assert not again.result["xla"] and not again.model.jit_compile and again.step == 3


def test_a_dataset_at_another_rate_than_the_settings_is_refused(synthetic_dataset, tmp_path):
    settings = tiny("conv-gan", 1, sample_rate=16000)  # the same 64 x 64 image, at another rate
    with pytest.raises(RunError, match="at 44100 Hz, the settings need 64x64 at 16000 Hz"):
        train(tmp_path / "run", settings, synthetic_dataset, progress=False)
    assert not (tmp_path / "run").exists()
