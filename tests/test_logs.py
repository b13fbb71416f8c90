"""TensorBoard logs: what a run writes into RUN/logs/ (read back from the event files), resumed without a step
twice, the measures of evaluate, the time-to-quality curves, and TensorBoard serving them."""

import json
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from browser import chromium, deep_text, missing, tensorboard, wait_for

from helpers import tiny

pytestmark = pytest.mark.slow  # trains models or runs the command line: make test, not make test-fast

tf = pytest.importorskip("tensorflow")
event_accumulator = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")

from drumgan.bench.curve import log_curves  # noqa: E402
from drumgan.display.previews import save_preview  # noqa: E402
from drumgan.training.folder import RunFolder  # noqa: E402
from drumgan.training.logs import write_measures  # noqa: E402
from drumgan.training.loop import train  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "artifacts" / "browser"


def read(log_dir: Path) -> dict[str, list]:
    """{tag: [events]} of every event file in ``log_dir``."""
    accumulator = event_accumulator.EventAccumulator(str(log_dir), size_guidance={"tensors": 0})
    accumulator.Reload()
    return {tag: accumulator.Tensors(tag) for tag in accumulator.Tags()["tensors"]}


def steps(events) -> list[int]:
    return [event.step for event in events]


def test_a_run_logs_its_losses_previews_and_audio_and_a_resume_adds_only_new_steps(synthetic_dataset, tmp_path):
    run_dir, settings = tmp_path / "run", tiny("conv-gan", 20)
    train(run_dir, settings, synthetic_dataset, preview=save_preview, preview_every=10, progress=False)
    folder = RunFolder(run_dir)
    scalars = read(folder.logs("train"))
    assert set(scalars) == {"train/critic_loss", "train/generator_loss", "train/penalty", "train/steps_per_second"}
    assert steps(scalars["train/critic_loss"]) == [row["step"] for row in folder.read_history()] == list(range(1, 21))
    previews = read(folder.logs("previews"))
    assert steps(previews["previews/mel"]) == steps(previews["previews/audio"]) == [10, 20]
    audio = tf.make_ndarray(previews["previews/audio"][0].tensor_proto)  # encoded WAV, as TensorBoard stores it
    header = audio.ravel()[0]
    assert header[:4] == b"RIFF" and int.from_bytes(header[24:28], "little") == synthetic_dataset.config.sample_rate
    first = float(tf.make_ndarray(scalars["train/critic_loss"][-1].tensor_proto))
    assert first == pytest.approx(folder.read_history()[-1]["critic_loss"])

    train(run_dir, tiny("conv-gan", 30), synthetic_dataset, preview=save_preview, preview_every=10, progress=False)
    scalars, previews = read(folder.logs("train")), read(folder.logs("previews"))
    assert steps(scalars["train/critic_loss"]) == list(range(1, 31))  # steps 21-30 added, none twice
    assert steps(previews["previews/mel"]) == [10, 20, 30]


def test_a_killed_run_logs_nothing_past_its_checkpoint(synthetic_dataset, tmp_path, monkeypatch):
    from drumgan.training.callbacks import RunRecorder

    run_dir = tmp_path / "run"
    train(run_dir, tiny("lstm", 6), synthetic_dataset, checkpoint_seconds=3600, progress=False)  # saved at the end
    assert steps(read(RunFolder(run_dir).logs("train"))["train/loss"]) == list(range(1, 7))
    monkeypatch.setattr(RunRecorder, "on_train_end", lambda self, logs=None: None)  # dies before its last save
    train(run_dir, tiny("lstm", 9), synthetic_dataset, checkpoint_seconds=3600, progress=False)
    assert steps(read(RunFolder(run_dir).logs("train"))["train/loss"]) == list(range(1, 7))
    monkeypatch.undo()
    train(run_dir, tiny("lstm", 9), synthetic_dataset, progress=False)  # resumed from step 6: 7-9, once
    assert steps(read(RunFolder(run_dir).logs("train"))["train/loss"]) == list(range(1, 10))


def test_measures_and_curves_are_logged_at_their_step(tmp_path):
    write_measures(tmp_path / "evaluate", 300, {"fd": 12.5, "n": 8, "classes": {"kick": 1.0}, "met": True})
    logged = read(tmp_path / "evaluate")
    assert set(logged) == {"evaluate/fd", "evaluate/n"} and steps(logged["evaluate/fd"]) == [300]
    points = [
        {"minutes": m, "fd": 100 / m, "kid": 1, "is": 2, "ndb_k": 0.1, "d_train": 0.1, "d_self": 0.1} for m in (1, 2)
    ]
    log_curves({"recipes": {"r1": {"points": points}}}, tmp_path / "curves")
    curve = read(tmp_path / "curves" / "r1")["time_to_quality/fd"]
    assert steps(curve) == [60, 120] and np.isclose(float(tf.make_ndarray(curve[1].tensor_proto)), 50)


def tags_of(url: str, plugin: str) -> dict:
    with urllib.request.urlopen(f"{url}/data/plugin/{plugin}/tags", timeout=10) as answer:
        return json.loads(answer.read())


def test_tensorboard_serves_the_shipped_runs_curves(tmp_path):
    with tensorboard(ROOT / "runs", tmp_path / "tensorboard.log") as url:
        tags = wait_for(None, lambda _: (t := tags_of(url, "scalars")) and "conv_gan/logs/train" in t and t, 60)
    assert "train/generator_loss" in tags["conv_gan/logs/train"], tags
    assert {"lstm_baseline/logs/train", "lstm_gan/logs/train", "conv_gan_conditional/logs/train"} <= set(tags)


@pytest.mark.skipif(missing() is not None, reason=f"no browser: {missing()}")
def test_tensorboards_dashboards_list_a_runs_tags_in_a_browser(synthetic_dataset, tmp_path):
    train(tmp_path / "runs" / "tiny", tiny("conv-gan", 4), synthetic_dataset, preview=save_preview, preview_every=2)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver = chromium()
    try:
        with tensorboard(tmp_path / "runs", tmp_path / "tensorboard.log") as url:
            for dashboard, tag in (("scalars", "train/critic_loss"), ("audio", "previews/audio")):
                driver.get(f"{url}/#{dashboard}")
                shown = wait_for(driver, lambda d, tag=tag: tag in deep_text(d), 60)
                driver.save_screenshot(str(SCREENSHOTS / f"tensorboard_{dashboard}.png"))
                assert shown, f"{tag} not listed on TensorBoard's {dashboard} dashboard: {deep_text(driver)[:500]}"
    finally:
        driver.quit()
