"""The command line: one JSON line with --json, one clear line for bad input, resuming after SIGKILL."""

import json
import os
import signal
import time

import pytest

from drumgan.config import CLASSES
from drumgan.evaluation.metrics import METRICS, REFERENCE_ROWS

from helpers import run_cli, start_cli

pytestmark = pytest.mark.slow  # trains models or runs the command line: make test, not make test-fast

tf = pytest.importorskip("tensorflow")

from drumgan.cli.commands import main  # noqa: E402
from drumgan.training.folder import RunFolder  # noqa: E402


def test_sigkill_then_the_same_command_resumes(synthetic_kit, tmp_path):
    env = {**os.environ, "DRUMGAN_CACHE": str(tmp_path / "cache")}
    run = tmp_path / "run"
    command = [
        "train",
        "lstm",
        "--out",
        str(run),
        "--source",
        str(synthetic_kit),
        "--units",
        "8",
        "--batch-size",
        "8",
        "--checkpoint-seconds",
        "0",
        "--json",
    ]
    proc = start_cli(*command, "--steps", "100000", env=env)
    deadline = time.monotonic() + 120
    while (RunFolder(run).checkpoint_step() or 0) < 3:
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.poll() else "timed out"
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    saved = RunFolder(run).checkpoint_step()  # loads: not torn
    target = saved + 5
    done = start_cli(*command, "--steps", str(target), env=env)
    out, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["resumed_from"] == saved and result["step"] == target
    assert set(result) == {
        "model",
        "step",
        "resumed_from",
        "seconds",
        "samples_per_second",
        "checkpoint",
        "stopped_by_time",
        "stopped_by_signal",
        "distribute",
        "replicas",
        "mixed_precision",
        "xla",
    }
    assert result["distribute"] == "none" and result["replicas"] == 1 and not result["mixed_precision"]
    assert result["xla"] is False


def test_cli_reports_a_missing_run_in_one_line(tmp_path):
    done = run_cli("generate", "--run", str(tmp_path), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error:") and "not a run folder" in done.stderr


def test_cli_prepare_json_is_the_last_line(synthetic_kit, tmp_path):
    import json

    env = {**os.environ, "DRUMGAN_CACHE": str(tmp_path)}
    result = run_cli("prepare", "--source", str(synthetic_kit), "--json", env=env)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["found"] == summary["loaded"] + len(summary["skipped"]) == 42
    assert set(summary["classes"]) == set(CLASSES)
    assert summary["split"]["train"] + summary["split"]["test"] == 42
    assert summary["from_cache"] is False and summary["cache"].startswith(str(tmp_path))
    assert summary["files_per_second"] > 0 and summary["workers"] == (os.cpu_count() or 1)
    again = json.loads(run_cli("prepare", "--source", str(synthetic_kit), "--json", env=env).stdout.splitlines()[-1])
    assert again["from_cache"] is True and again["files_per_second"] is None


def test_roundtrip_cli_measures_every_path_and_says_whether_the_default_meets_its_targets(
    synthetic_kit, synthetic_dataset, capsys, monkeypatch
):
    monkeypatch.setenv("DRUMGAN_CACHE", str(synthetic_dataset.cache_path.parent))  # its classifier, trained once
    assert main(["roundtrip", "--source", str(synthetic_kit), "-n", "4", "--json"]) == 0
    captured = capsys.readouterr()
    results = json.loads(captured.out.strip().splitlines()[-1])
    classes = results.pop("classes")
    assert sum(row["n"] for row in classes) == 4 and "heard as their class" in captured.err
    assert all(0 <= row[f"{judge} {part}"] <= 1 for row in classes for judge in ("classifier", "listener")
               for part in ("real", "round trip"))  # fmt: skip
    default = results.pop("default")
    assert results[default["option"]]["spectral_convergence"] == default["spectral_convergence"]
    assert len(results) == 10 and all(row["n"] == 4 for row in results.values())
    assert all(f"real_{key}" in default for key in ("onset_ms", "decay_s", "high_db", "fd_audio"))
    assert ("does NOT meet" in captured.err) == (not default["meets_all"])


def test_cli_missing_source_is_one_sentence_without_traceback(tmp_path):
    result = run_cli("prepare", "--source", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_evaluate_cli_prints_every_row_and_field_and_writes_the_results_file(
    tiny_runs, synthetic_kit, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("DRUMGAN_CACHE", str(tmp_path / "cache"))
    results = tmp_path / "results" / "metrics.json"
    argv = [
        "evaluate",
        "--run",
        str(tiny_runs / "lstm"),
        "--run",
        str(tiny_runs / "conv-gan"),
        "-n",
        "4",
        "--source",
        str(synthetic_kit),
        "--results",
        str(results),
        "--json",
    ]
    # the runs were trained on the module's cache; the same files give the same data fingerprint
    assert main(argv) == 0
    last = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(last) == {"classifier_accuracy", "training_decay_by_class", "rows"}
    assert 0 <= last["classifier_accuracy"] <= 1
    assert set(last["rows"]) == {*REFERENCE_ROWS, "lstm", "conv-gan"}
    for row in last["rows"].values():
        assert all(isinstance(row[m], (int, float)) for m in METRICS)
    saved = json.loads(results.read_text())
    assert saved["rows"] == last["rows"] and saved["config"]["n_mels"] == 64 and saved["data"]
    assert main(["evaluate", "--run", str(tmp_path), "--source", str(synthetic_kit)]) == 2  # not a run folder


def test_train_minutes_stops_in_time_with_the_usual_json_line(synthetic_kit, tmp_path):
    env = {**os.environ, "DRUMGAN_CACHE": str(tmp_path / "cache")}
    out = str(tmp_path / "run")
    args = ["train", "conv-gan", "--out", out, "--source", str(synthetic_kit), "--width", "4", "--batch-size", "8"]
    done = run_cli(*args, "--steps", "100000", "--minutes", "0.05", "--json", env=env)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["stopped_by_time"] and 0 < result["step"] < 100000 and result["checkpoint"]
    refused = run_cli(*args, "--minutes", "0", env=env)
    assert refused.returncode == 2 and "must be above 0" in refused.stderr
    budget = [*args[:3], str(tmp_path / "budget"), *args[4:], "--minutes", "0.05", "--json"]  # no --steps
    first = json.loads(run_cli(*budget, env=env).stdout.strip().splitlines()[-1])
    again = json.loads(run_cli(*budget, env=env).stdout.strip().splitlines()[-1])
    assert first["stopped_by_time"] and again["stopped_by_time"] and again["resumed_from"] == first["step"] > 0
    stored = json.loads((tmp_path / "budget" / "run.json").read_text())["settings"]
    assert stored["steps"] == 4000  # the family's length: --minutes is a cap, not a length


def test_a_run_at_44100_hz_is_prepared_trained_and_heard_at_its_rate(synthetic_kit, tmp_path):
    import soundfile as sf

    env = {**os.environ, "DRUMGAN_CACHE": str(tmp_path / "cache")}
    source = ["--source", str(synthetic_kit)]
    prepared = run_cli("prepare", *source, "--sample-rate", "44100", "--json", env=env)
    summary = json.loads(prepared.stdout.splitlines()[-1])
    assert (summary["sample_rate"], summary["clip_samples"]) == (44100, 45056)
    run, out = tmp_path / "run", tmp_path / "wavs"
    trained = run_cli(
        "train", "conv-gan", "--out", str(run), *source, "--sample-rate", "44100", "--steps", "2", "--batch-size", "4",
        "--width", "4", env=env,
    )  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    made = run_cli("generate", "--run", str(run), "-n", "2", "--out", str(out), "--json", env=env)
    assert made.returncode == 0, made.stderr
    for path in json.loads(made.stdout.splitlines()[-1])["files"]:
        info = sf.info(path)
        assert (info.samplerate, info.subtype, info.frames) == (44100, "PCM_16", 45056)
    assert json.loads((run / "run.json").read_text())["settings"]["sample_rate"] == 44100


def test_an_unoffered_sample_rate_is_one_line():
    done = run_cli("prepare", "--sample-rate", "8000")
    assert done.returncode == 2 and "invalid choice" in done.stderr and "Traceback" not in done.stderr


def test_a_log_stft_conv_gan_trains_and_writes_wavs(synthetic_kit, tmp_path):
    import soundfile as sf

    env = {**os.environ, "DRUMGAN_CACHE": str(tmp_path / "cache")}
    run, out = tmp_path / "run", tmp_path / "wavs"
    trained = run_cli(
        "train", "conv-gan", "--out", str(run), "--source", str(synthetic_kit), "--feature", "stft", "--steps", "2",
        "--batch-size", "4", "--width", "4", "--json", env=env,
    )  # fmt: skip
    assert trained.returncode == 0, trained.stderr
    assert json.loads((run / "run.json").read_text())["settings"]["feature"] == "stft"
    made = run_cli("generate", "--run", str(run), "-n", "2", "--out", str(out), "--json", env=env)
    assert made.returncode == 0, made.stderr
    for path in json.loads(made.stdout.splitlines()[-1])["files"]:
        info = sf.info(path)
        assert (info.samplerate, info.frames) == (44100, 45056)
