"""Fault injection: hostile kits, damaged caches and run folders, impossible outputs, two trainers on one run.

Every case ends in one line and exit status 2 (or heals, with one warning line), never in a traceback, with
nothing read outside what the user pointed at and the run folder still loadable.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import warnings

import numpy as np
import pytest
import soundfile as sf

from drumgan.data.cache import CacheWarning
from drumgan.data.preparation import prepare
from drumgan.data.sources import discover
from drumgan.data.synthetic import make_synthetic_kit

from helpers import TINY_TRAIN, one_error_line, start_cli

pytestmark = pytest.mark.slow  # trains models or runs the command line: make test, not make test-fast

tf = pytest.importorskip("tensorflow")

from drumgan.cli.commands import main  # noqa: E402
from drumgan.training.folder import RunFolder  # noqa: E402
from drumgan.training.run import Run  # noqa: E402


def tone(path, seconds=0.3):
    t = np.arange(int(16000 * seconds)) / 16000
    sf.write(path, 0.5 * np.sin(2 * np.pi * 200 * t) * np.exp(-8 * t), 16000)


@pytest.fixture(scope="module")
def small_kit(tmp_path_factory):
    """One synthetic kit of one sample per class: quick to decode (no worker processes)."""
    return make_synthetic_kit(tmp_path_factory.mktemp("small"), n_kits=1, per_class=1, seed=2)


@pytest.fixture(scope="module")
def module_env(synthetic_kit, tmp_path_factory):
    """The command line's environment for this module: the synthetic kit, and one cache for every test."""
    return {"DRUMGAN_CACHE": str(tmp_path_factory.mktemp("cache")), "DRUMGAN_DATA": str(synthetic_kit)}


@pytest.fixture(scope="module")
def template_run(module_env, tmp_path_factory):
    """A run folder of 2 LSTM steps made by the command line, once."""
    folder = tmp_path_factory.mktemp("template") / "run"
    with pytest.MonkeyPatch.context() as patch:
        for name, value in module_env.items():
            patch.setenv(name, value)
        assert main(["train", "lstm", "--out", str(folder), "--steps", "2", *TINY_TRAIN]) == 0
    return folder


@pytest.fixture
def lstm_run(module_env, template_run, tmp_path, monkeypatch, capsys):
    """A copy of the template run, for the test to damage, with the command line's environment set."""
    for name, value in module_env.items():
        monkeypatch.setenv(name, value)
    capsys.readouterr()
    return shutil.copytree(template_run, tmp_path / "run")


# -- kits confined to their folder ---------------------------------------------------------------------------


def test_a_kit_cannot_reach_outside_its_folder_and_nothing_outside_is_opened(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    tone(outside / "take.wav")
    tone(outside / "other.wav")
    kit = tmp_path / "kits" / "evil"
    kit.mkdir(parents=True)
    tone(kit / "kick.wav")
    (kit / "link.wav").symlink_to(outside / "take.wav")
    names = ["kick.wav", "../../outside/take.wav", str(outside / "other.wav"), "/etc/hostname", "link.wav"]
    layers = "".join(
        f"<instrument><name>Kick {i}</name><filename>{n}</filename></instrument>" for i, n in enumerate(names)
    )
    (kit / "drumkit.xml").write_text(
        f"<drumkit_info><name>Evil</name><instrumentList>{layers}</instrumentList></drumkit_info>"
    )
    opened = []
    sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" and args else None)
    dataset = prepare([kit], cache=tmp_path / "cache", progress=False)
    reached = [p for p in opened if p.startswith((str(outside), "/etc/hostname"))]
    assert reached == [], reached  # not opened (Python's own opens are audited; decoding only gets samples)
    assert [os.path.basename(p) for p in dataset.paths] == ["kick.wav"]
    reasons = {os.path.basename(s.path): s.reason for s in dataset.skipped}
    assert set(reasons) == {"take.wav", "other.wav", "hostname", "link.wav"} and len(dataset.skipped) == 4
    assert all("only files inside the folder are read" in r for r in reasons.values())
    assert "symbolic link" in reasons["link.wav"]


def test_a_name_that_is_not_utf8_is_skipped_with_its_reason(tmp_path):
    folder = tmp_path / "samples"
    folder.mkdir()
    tone(folder / "kick.wav")
    tone(bytes(folder) + b"/snare-\xff.wav")
    found = discover(folder)
    assert [os.path.basename(s.path) for s in found.samples] == ["kick.wav"]
    assert found.skipped[0].path.endswith("snare-\\xff.wav") and "not valid UTF-8" in found.skipped[0].reason
    dataset = prepare([folder], cache=tmp_path / "cache", progress=False)
    assert len(dataset) == 1 and dataset.found == 2


def test_one_broken_kit_in_a_folder_of_kits_is_skipped_and_the_others_load(tmp_path):
    for name in ("good", "broken"):
        (tmp_path / name).mkdir()
        tone(tmp_path / name / "kick.wav")
    xml = "<drumkit_info><name>Good</name><instrumentList><instrument><name>Kick</name><filename>kick.wav</filename>"
    (tmp_path / "good" / "drumkit.xml").write_text(xml + "</instrument></instrumentList></drumkit_info>")
    (tmp_path / "broken" / "drumkit.xml").write_text("<drumkit_info><name>Broken")
    found = discover(tmp_path)
    assert [s.kit for s in found.samples] == ["Good"]
    assert found.skipped[0].path.endswith("broken/drumkit.xml") and "files were not used" in found.skipped[0].reason


# -- caches that heal --------------------------------------------------------------------------------------------


DAMAGES = {
    "samples.npz": ["truncated", "bit flip", "empty", "random", "pickled", "not a dataset", "missing"],
    "waves-00000.npy": ["truncated", "bit flip", "empty", "missing"],
    "log_mels-00000.npy": ["bit flip", "random"],
    "manifest.json": ["truncated", "empty", "random", "missing"],
}


@pytest.mark.parametrize("name, damage", [(name, damage) for name, damages in DAMAGES.items() for damage in damages])
def test_a_damaged_dataset_is_named_removed_and_rebuilt(small_kit, tmp_path, name, damage):
    first = prepare([small_kit], cache=tmp_path, progress=False)
    waves, log_mels = first.waves[:], first.log_mels[:]  # read before the damage
    target = first.cache_path / name
    data = target.read_bytes()
    rng = np.random.default_rng(0)
    damaged = {
        "truncated": data[: len(data) // 2],
        "bit flip": data[:1000] + bytes([data[1000] ^ 0xFF]) + data[1001:] if len(data) > 1000 else None,
        "empty": b"",
        "random": rng.bytes(5000),
    }
    if damage == "pickled":
        np.savez(target, waves=np.array([{"a": 1}], dtype=object))
    elif damage == "not a dataset":
        np.savez(target, waves=np.zeros(3))
    elif damage == "missing":
        target.unlink()
    else:
        target.write_bytes(damaged[damage])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        again = prepare([small_kit], cache=tmp_path, progress=False)
    messages = [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]
    assert len(messages) == 1 and str(first.cache_path) in messages[0] and "built again" in messages[0]
    assert "unsafe" not in messages[0] and "pickle" not in messages[0] and not again.from_cache
    assert np.array_equal(again.waves, waves) and np.array_equal(again.log_mels, log_mels)
    assert prepare([small_kit], cache=tmp_path, progress=False).from_cache  # healed for good


def test_an_unwritable_cache_folder_is_one_warning_and_the_dataset_is_built_in_memory(small_kit, tmp_path):
    (tmp_path / "a file").write_text("x")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dataset = prepare([small_kit], cache=tmp_path / "a file" / "cache", progress=False)
    messages = [str(w.message) for w in caught if issubclass(w.category, CacheWarning)]
    assert len(messages) == 1 and "cannot be written" in messages[0] and "from memory" in messages[0]
    assert len(dataset) == 7 and not dataset.from_cache


def test_an_edit_that_keeps_size_and_time_rebuilds_and_the_stale_cache_goes(small_kit, tmp_path):
    kit = shutil.copytree(small_kit, tmp_path / "kit")
    first = prepare([kit], cache=tmp_path / "cache", progress=False)
    (tmp_path / "cache" / f"{first.data_id}-classifier-v3-m5-e60.keras").write_bytes(b"derived from it")
    edited = next(kit.rglob("kick_00.wav"))
    stat, data = edited.stat(), bytearray(edited.read_bytes())
    data[-2] ^= 0x01  # one sample's lowest bit: same size
    edited.write_bytes(bytes(data))
    os.utime(edited, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same modification time
    second = prepare([kit], cache=tmp_path / "cache", progress=False)
    assert not second.from_cache and second.data_id != first.data_id
    assert sorted(p.name for p in (tmp_path / "cache").glob("dataset-*")) == [second.cache_path.name]


# -- run folders and outputs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage, message",
    [
        ("truncated checkpoint", "checkpoint.npz cannot be read as a checkpoint (BadZipFile"),
        ("random checkpoint", "checkpoint.npz cannot be read as a checkpoint"),
        ("missing codec", "codec.npz cannot be read as a codec (no such file)"),
        ("invalid run.json", "run.json cannot be read as a run's settings"),
        ("unknown setting", "run.json holds settings this version cannot use"),
    ],
)
def test_a_damaged_run_folder_is_one_line_for_train_and_generate(lstm_run, capsys, damage, message):
    checkpoint, meta = lstm_run / "checkpoint.npz", lstm_run / "run.json"
    if damage == "truncated checkpoint":
        checkpoint.write_bytes(checkpoint.read_bytes()[:300])
    elif damage == "random checkpoint":
        checkpoint.write_bytes(np.random.default_rng(1).bytes(4000))
    elif damage == "missing codec":
        (lstm_run / "codec.npz").unlink()
    elif damage == "invalid run.json":
        meta.write_text('{"settings": ')
    else:
        settings = json.loads(meta.read_text())
        settings["settings"]["dropout"] = 0.5
        meta.write_text(json.dumps(settings))
    assert main(["generate", "--run", str(lstm_run), "-n", "2", "--out", str(lstm_run.parent / "wavs")]) == 2
    assert message in one_error_line(capsys)
    assert not (lstm_run.parent / "wavs").exists()
    assert main(["train", "lstm", "--out", str(lstm_run), "--steps", "4", *TINY_TRAIN]) == 2
    assert message in one_error_line(capsys)


@pytest.mark.parametrize("where", ["a file", "under a file", "/proc"])
def test_an_output_that_cannot_be_written_is_refused_before_any_work(lstm_run, capsys, where):
    (lstm_run.parent / "a file").write_text("x")
    out = {
        "a file": lstm_run.parent / "a file",
        "under a file": lstm_run.parent / "a file" / "x",
        "/proc": "/proc/drumgan",
    }[where]
    assert main(["train", "lstm", "--out", str(out), "--steps", "2", *TINY_TRAIN]) == 2
    assert "cannot be written" in one_error_line(capsys) or where == "a file"
    assert main(["generate", "--run", str(lstm_run), "-n", "2", "--out", str(out)]) == 2
    assert str(out) in one_error_line(capsys)


def test_steps_below_the_current_step_and_a_batch_above_the_training_set_are_refused(lstm_run, capsys):
    before = {p.name: p.read_bytes() for p in lstm_run.iterdir() if p.is_file()}
    assert main(["train", "lstm", "--out", str(lstm_run), "--steps", "1", *TINY_TRAIN]) == 2
    assert "already at step 2; --steps 1 would go back" in one_error_line(capsys)
    assert {p.name: p.read_bytes() for p in lstm_run.iterdir() if p.is_file()} == before  # nothing changed
    assert main(["train", "lstm", "--out", str(lstm_run.parent / "big"), "--steps", "1", "--batch-size", "1000"]) == 2
    assert "--batch-size 1000 is larger than the" in one_error_line(capsys)
    assert not (lstm_run.parent / "big").exists()  # the refused run's folder is not left behind


def test_two_trainings_on_one_folder_one_runs_and_the_checkpoint_always_loads(module_env, template_run, tmp_path):
    env = {**os.environ, **module_env}  # the dataset is cached already
    run = tmp_path / "run"
    command = ["train", "lstm", "--out", str(run), "--steps", "100000", *TINY_TRAIN]
    first = start_cli(*command, env=env)
    deadline = time.monotonic() + 120
    while RunFolder(run).checkpoint_step() is None:  # the first holds the lock and has written a checkpoint
        assert first.poll() is None and time.monotonic() < deadline, first.stderr.read()
        time.sleep(0.2)
    second = start_cli(*command, env=env)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 2 and "is being trained by process" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert first.poll() is None and RunFolder(run).checkpoint_step() >= 1  # it trains on; its checkpoint reads
    first.send_signal(signal.SIGKILL)
    first.communicate()
    assert Run.load(run).step == RunFolder(run).checkpoint_step() >= 1  # and loads after a kill


# -- every file under a source is found -----------------------------------------------------------------------


def test_a_source_mixing_kits_plain_folders_loose_and_special_files_counts_every_file(tmp_path):
    source = tmp_path / "source"
    kit = source / "deeper" / "kitfolder"
    kit.mkdir(parents=True)
    tone(kit / "kick.wav")
    tone(kit / "unlisted snare.wav")
    xml = "<drumkit_info><name>Nested Kit</name><instrumentList><instrument><name>Kick</name><filename>kick.wav"
    (kit / "drumkit.xml").write_text(xml + "</filename></instrument></instrumentList></drumkit_info>")
    for rel in ("plain/toms/tom1.wav", "plain/hat.wav", "loose_clap.wav", "deeper/cymbal.wav"):
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        tone(source / rel)
    os.mkfifo(source / "plain" / "kick.wav")  # never opened: reading it would wait for ever
    os.mkfifo(kit / "fifo snare.wav")
    (source / "plain" / "loop").symlink_to(source)  # a symbolic link loop
    (source / "plain" / "gone.wav").symlink_to(source / "nowhere.wav")  # broken, inside
    found = discover(source)
    names = sorted(os.path.basename(s.path) for s in found.samples)
    assert names == ["cymbal.wav", "hat.wav", "kick.wav", "loose_clap.wav", "tom1.wav", "unlisted snare.wav"]
    assert {s.kit for s in found.samples if "kitfolder" in s.path} == {"Nested Kit"}
    reasons = {os.path.relpath(s.path, source): s.reason for s in found.skipped}
    assert set(reasons) == {"plain/kick.wav", "deeper/kitfolder/fifo snare.wav", "plain/loop", "plain/gone.wav"}
    assert "a FIFO, not a regular file" in reasons["plain/kick.wav"]
    assert "a FIFO" in reasons["deeper/kitfolder/fifo snare.wav"]
    assert "a folder already read (a loop)" in reasons["plain/loop"]
    assert "broken symbolic link" in reasons["plain/gone.wav"]
    dataset = prepare([source], cache=tmp_path / "cache", progress=False)
    assert dataset.found == len(dataset) + len(dataset.skipped) == 10 and len(dataset) == 6


# -- stopping: signals, full disks, absurd sizes -----------------------------------------------------------------


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_stops_training_after_its_step_with_a_checkpoint_and_one_line(
    module_env, template_run, tmp_path, signum, status
):
    env = {**os.environ, **module_env}  # the dataset is cached already
    run = tmp_path / "run"
    command = ["train", "lstm", "--out", str(run), "--steps", "100000", *TINY_TRAIN]
    trainer = start_cli(*command, env=env)
    deadline = time.monotonic() + 120
    while RunFolder(run).checkpoint_step() is None:  # training, past its first step
        assert trainer.poll() is None and time.monotonic() < deadline, trainer.stderr.read()
        time.sleep(0.2)
    trainer.send_signal(signum)
    out, err = trainer.communicate(timeout=60)
    name = signal.Signals(signum).name
    lines = err.strip().splitlines()
    assert trainer.returncode == status and len(lines) == 1, err
    step = int(lines[0].split("stopped at step ")[1].split()[0])
    assert lines[0] == f"stopped at step {step} by {name}; the same command resumes"
    assert RunFolder(run).checkpoint_step() == step  # written at the stop, not a minute before
    again = start_cli(*command[:5], str(step + 2), *TINY_TRAIN, "--json", env=env)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0 and json.loads(out.splitlines()[-1])["resumed_from"] == step


def test_a_second_sigint_stops_at_once():
    from drumgan.signals import Stopped, requests_to_stop

    asked = []
    with pytest.raises(Stopped), requests_to_stop(asked.append):
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)  # the handler raises here
    assert asked == ["SIGTERM"]
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # handlers restored


def test_ctrl_c_outside_training_is_one_line_and_leaves_no_partial_file(lstm_run, capsys, monkeypatch):
    import drumgan.data.audio as audio

    written, write = [], audio.write_atomically

    def interrupted_on_the_third(path, data):
        if len(written) == 2:
            write(path, lambda f: (f.write(b"RIFF half"), (_ for _ in ()).throw(KeyboardInterrupt)))
        write(path, data)
        written.append(path)

    monkeypatch.setattr(audio, "write_atomically", interrupted_on_the_third)
    out = lstm_run.parent / "wavs"
    assert main(["generate", "--run", str(lstm_run), "-n", "4", "--out", str(out)]) == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["stopped by SIGINT: nothing partial was left in place of a file"]
    assert sorted(p.name for p in out.iterdir()) == ["run_000.wav", "run_001.wav"]  # whole, and nothing else


def disk_full(*args):
    raise OSError(28, "No space left on device")


def test_a_full_disk_is_one_line_for_train_and_generate_and_nothing_truncated_is_left(lstm_run, capsys, monkeypatch):
    import drumgan.atomic as atomic

    checkpoint = (lstm_run / "checkpoint.npz").read_bytes()
    monkeypatch.setattr(atomic.os, "fsync", disk_full)
    assert main(["train", "lstm", "--out", str(lstm_run), "--steps", "3", *TINY_TRAIN]) == 2
    line = one_error_line(capsys)
    assert "the disk is full: the folder" in line and str(lstm_run) in line
    assert (lstm_run / "checkpoint.npz").read_bytes() == checkpoint  # the old one survives
    out = lstm_run.parent / "wavs"
    assert main(["generate", "--run", str(lstm_run), "-n", "2", "--out", str(out)]) == 2
    assert "the disk is full" in one_error_line(capsys) and list(out.iterdir()) == []
    assert sorted(p.name for p in lstm_run.iterdir() if p.name.endswith(".tmp")) == []


def test_an_absurd_number_of_clips_is_refused_in_one_line(lstm_run, capsys):
    assert main(["generate", "--run", str(lstm_run), "-n", "10000000", "--out", str(lstm_run.parent / "w")]) == 2
    assert "generate 1 to 10000 clips a call" in one_error_line(capsys)
    assert not (lstm_run.parent / "w").exists()


def test_a_long_file_costs_its_first_seconds_not_its_length(tmp_path):
    from drumgan.data.audio import DECODE_SECONDS, decode

    path = tmp_path / "an hour.wav"
    with sf.SoundFile(path, "w", 8000, 1, "PCM_16") as f:  # an hour of 8 kHz noise, written in parts
        for _ in range(60):
            f.write(np.random.default_rng(0).uniform(-0.5, 0.5, 8000 * 60))
    data, rate, frames = decode(str(path))
    assert len(data) == DECODE_SECONDS * 8000 and frames == 3600 * 8000


def test_results_written_at_once_by_several_writers_keep_every_row(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    from drumgan.errors import OutputError
    from drumgan.evaluation.results import save_results

    path = tmp_path / "metrics.json"
    alike = {"data": "d", "config": {"rate": 1}, "n": 4, "seed": 0}

    def write(i):
        return save_results({**alike, "rows": {f"run{i}": {"fd": i}}, "runs": {f"run{i}": {}}}, path, merge=True)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(16)))
    saved = json.loads(path.read_text())
    assert sorted(saved["rows"]) == sorted(f"run{i}" for i in range(16)) and len(saved["runs"]) == 16
    with pytest.raises(OutputError, match="measured with another n"):
        save_results({**alike, "n": 8, "rows": {"x": {}}}, path, merge=True)
    assert len(json.loads(path.read_text())["rows"]) == 16


def test_short_runs_of_every_family_stopped_by_time_under_load_all_exit(module_env, template_run, tmp_path):
    env = {**os.environ, **module_env}  # the dataset is cached already
    tiny = {"lstm": ["--units", "8"], "lstm-gan": ["--units", "8"], "conv-gan": ["--width", "4"]}
    for round_ in range(2):  # the three families at once: each loads the cores the others train on
        started = time.monotonic()
        trainers = {
            model: start_cli(
                "train",
                model,
                "--out",
                str(tmp_path / f"{model}-{round_}"),
                "--steps",
                "100000",
                "--minutes",
                "0.01",
                "--batch-size",
                "8",
                "--json",
                *options,
                env=env,
            )  # fmt: skip
            for model, options in tiny.items()
        }
        for model, trainer in trainers.items():
            try:
                out, err = trainer.communicate(timeout=max(1, 150 - (time.monotonic() - started)))
            except subprocess.TimeoutExpired:
                for other in trainers.values():
                    other.kill()
                pytest.fail(f"{model} did not exit within 150 s of its start (round {round_})")
            assert trainer.returncode == 0 and json.loads(out.splitlines()[-1])["stopped_by_time"], err
