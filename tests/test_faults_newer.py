"""Fault injection on the newer paths: a run's timbre bank and feature config, its TensorBoard folder, the results
file, kit names at the file system's limit and measures asked of too few clips.

Every case ends in one line and exit status 2 before any work (or, for the logs, one warning line and training as
without them), never in a traceback, with nothing lost.
"""

import json
import os
import shutil
import signal
import time

import numpy as np
import pytest

from helpers import TINY_TRAIN, one_error_line, start_cli

pytestmark = pytest.mark.slow  # runs the command line: make test, not make test-fast

tf = pytest.importorskip("tensorflow")

from drumgan.cli.commands import main  # noqa: E402
from drumgan.training.folder import RunFolder  # noqa: E402


@pytest.fixture(scope="module")
def module_env(synthetic_kit, synthetic_dataset):
    """The command line's environment for this module: the synthetic kit, and the cache of its dataset (whose
    classifier is then trained once a test run)."""
    return {"DRUMGAN_CACHE": str(synthetic_dataset.cache_path.parent), "DRUMGAN_DATA": str(synthetic_kit)}


@pytest.fixture
def cli_env(module_env, monkeypatch, capsys):
    for name, value in module_env.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()


@pytest.fixture
def timbre_copy(timbre_run, tmp_path, cli_env):
    """A copy of the test run's timbre run, for the test to damage."""
    return shutil.copytree(timbre_run, tmp_path / "timbre")


BANKS = {
    "other array names": (lambda raw, labels: {"a": raw, "b": labels}, "holds no 'raw' or 'labels' array"),
    "one-dimensional raw": (lambda raw, labels: {"raw": raw[:, 0], "labels": labels}, "not numbers of shape"),
    "too few labels": (lambda raw, labels: {"raw": raw, "labels": labels[:3]}, "(one per row of 'raw')"),
    "zero rows": (lambda raw, labels: {"raw": raw[:0], "labels": labels[:0]}, "holds no clip"),
    "NaNs": (lambda raw, labels: {"raw": raw * np.nan, "labels": labels}, "NaN or infinite"),
    "a label past the classes": (lambda raw, labels: {"raw": raw, "labels": labels + 100}, "outside the run's"),
    "labels as floats": (lambda raw, labels: {"raw": raw, "labels": labels.astype(float)}, "integers"),
}


@pytest.mark.parametrize("damage", BANKS)
@pytest.mark.parametrize("command", ["generate", "kit"])
def test_a_damaged_timbre_bank_is_one_line_naming_it_before_any_work(timbre_copy, tmp_path, capsys, damage, command):
    bank = timbre_copy / "timbre.npz"
    with np.load(bank) as z:
        arrays, expected = BANKS[damage][0](z["raw"], z["labels"]), BANKS[damage][1]
    np.savez(bank, **arrays)
    out = tmp_path / "out"
    args = ["--class", "kick"] if command == "generate" else ["--name", "k"]
    assert main([command, "--run", str(timbre_copy), "--timbre", "brightness=0.9", "--out", str(out), *args]) == 2
    line = one_error_line(capsys)
    assert str(bank) in line and expected in line
    assert not out.exists()  # refused before any work


def test_a_feature_config_that_disagrees_with_the_settings_is_one_line(timbre_copy, tmp_path, capsys):
    meta = json.loads((timbre_copy / "run.json").read_text())
    meta["feature_config"]["sample_rate"] = 12345
    (timbre_copy / "run.json").write_text(json.dumps(meta))
    assert main(["generate", "--run", str(timbre_copy), "-n", "2", "--out", str(tmp_path / "out")]) == 2
    line = one_error_line(capsys)
    assert "run.json" in line and "sample_rate 12345 (the settings make" in line
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("broken", ["logs", "logs/train"])
def test_a_log_folder_that_is_a_file_is_one_warning_and_training_reaches_its_steps(cli_env, tmp_path, capsys, broken):
    run = tmp_path / "run"
    (run / broken).parent.mkdir(parents=True)
    (run / broken).write_text("not a folder")
    assert main(["train", "lstm", "--out", str(run), "--steps", "3", *TINY_TRAIN]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("warning: TensorBoard logs cannot be written to"), err
    assert RunFolder(run).checkpoint_step() == 3
    assert (run / broken).read_text() == "not a folder"  # nothing lost


def test_sigterm_with_a_broken_log_folder_still_stops_with_a_checkpoint_and_143(module_env, tmp_path):
    env = {**os.environ, **module_env}
    run = tmp_path / "run"
    run.mkdir()
    (run / "logs").write_text("not a folder")
    trainer = start_cli("train", "lstm", "--out", str(run), "--steps", "100000", *TINY_TRAIN, env=env)
    deadline = time.monotonic() + 120
    while RunFolder(run).checkpoint_step() is None:
        assert trainer.poll() is None and time.monotonic() < deadline, trainer.stderr.read()
        time.sleep(0.2)
    trainer.send_signal(signal.SIGTERM)
    _, err = trainer.communicate(timeout=60)
    assert trainer.returncode == 143 and "Traceback" not in err, err
    step = int(err.split("stopped at step ")[1].split()[0])
    assert RunFolder(run).checkpoint_step() == step


RESULTS = {
    "a JSON list": ("[1, 2]", "holds a list, not a JSON object of results"),
    "null": ("null", "holds null"),
    "rows as a list": ('{"rows": [1]}', "its rows should be JSON objects"),
    "not JSON": ("{", "cannot be read as results"),
}


@pytest.mark.parametrize("case", RESULTS)
def test_a_results_file_not_of_results_is_refused_before_the_evaluation(tiny_runs, cli_env, tmp_path, capsys, case):
    text, expected = RESULTS[case]
    results = tmp_path / "results.json"
    results.write_text(text)
    started = time.monotonic()
    assert main(["evaluate", "--run", str(tiny_runs / "lstm"), "-n", "4", "--results", str(results)]) == 2
    assert expected in one_error_line(capsys)
    assert results.read_text() == text  # nothing lost
    assert time.monotonic() - started < 30  # refused before the evaluation, which takes longer


def test_a_results_file_that_cannot_be_written_is_refused_before_the_evaluation(tiny_runs, cli_env, tmp_path, capsys):
    results = tmp_path / "results.json"
    results.write_text("{}")
    results.chmod(0o444)
    if os.access(results, os.W_OK):  # root writes a read-only file: make it immutable instead
        if shutil.which("chattr") is None or os.system(f"chattr +i {results} 2>/dev/null") != 0:
            pytest.skip("cannot make a file unwritable here")
    try:
        assert main(["evaluate", "--run", str(tiny_runs / "lstm"), "-n", "4", "--results", str(results)]) == 2
        assert "cannot be written" in one_error_line(capsys)
    finally:
        os.system(f"chattr -i {results} 2>/dev/null")


@pytest.mark.parametrize("length", [255, 300])
def test_a_kit_name_too_long_for_the_file_system_is_one_line_before_any_work(
    tiny_runs, cli_env, tmp_path, capsys, length
):
    out = tmp_path / "kits"
    assert main(["kit", "--run", str(tiny_runs / "conv-gan"), "--out", str(out), "--name", "k" * length]) == 2
    assert "--name may be at most" in one_error_line(capsys)
    assert list(out.iterdir()) == []  # nothing staged, nothing written


def test_the_longest_kit_name_the_file_system_holds_is_written(tiny_runs, cli_env, tmp_path, capsys):
    out = tmp_path / "kits"
    longest = os.pathconf(tmp_path, "PC_NAME_MAX") - len("._wav.old-9999999")
    assert main(["kit", "--run", str(tiny_runs / "conv-gan"), "--out", str(out), "--name", "k" * longest]) == 0
    assert (out / ("k" * longest) / "drumkit.xml").exists()


def test_a_roundtrip_of_one_usable_clip_says_how_many_clips_its_measures_need(synthetic_kit, cli_env, tmp_path, capsys):
    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(next(synthetic_kit.glob("*/kick*.wav")), one)
    assert main(["roundtrip", "--source", str(one), "-n", "4"]) == 2
    assert "needs at least 2 clips a set, got 1" in one_error_line(capsys)
