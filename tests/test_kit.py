"""Kits written from generated clips: Hydrogen's schema accepts them, drumgan reads them back with their
classes, and nothing is half-written or overwritten unasked."""

import json

import numpy as np
import pytest

from drumgan.data.preparation import prepare
from drumgan.data.sources import discover
from drumgan.errors import OutputError
from drumgan.generation.kit import SCHEMA, clip_names, schema_errors, write_kit

from helpers import noise_drums, run_cli

pytestmark = pytest.mark.slow  # trains models or runs the command line: make test, not make test-fast

LABELS = ["kick", "kick", "snare", "hihat", "tom", "cymbal", "clap", "other"]
needs_schema = pytest.mark.skipif(not SCHEMA.is_file(), reason=f"no {SCHEMA}: run `make data` (hydrogen-data)")


@pytest.fixture
def waves(config):
    return np.concatenate([noise_drums(config, 4), noise_drums(config, 4)])


def test_clips_are_numbered_within_their_class():
    assert clip_names(["kick", "kick", "snare"]) == ["kick_01", "kick_02", "snare_01"]


@needs_schema
def test_the_drumkit_validates_against_hydrogens_schema_and_reads_back_with_its_classes(waves, config, tmp_path):
    written = write_kit(waves, LABELS, config.sample_rate, tmp_path, "test")
    assert written["schema_errors"] == []
    found = discover(tmp_path / "test")
    assert sorted(s.label for s in found.samples) == sorted(LABELS) and not found.skipped
    both = discover(tmp_path)  # the kit and the WAV folder beside it, named by class too
    assert sorted(s.label for s in both.samples) == sorted(LABELS * 2) and not both.skipped
    assert sorted(p.name for p in (tmp_path / "test_wav").iterdir()) == sorted(f"{c}.wav" for c in clip_names(LABELS))
    dataset = prepare([tmp_path / "test"], cache=tmp_path / "cache", progress=False)
    assert dataset.class_counts() == {c: LABELS.count(c) for c in dataset.class_names}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left


@needs_schema
def test_the_schema_check_finds_a_broken_drumkit(waves, config, tmp_path):
    xml = write_kit(waves, LABELS, config.sample_rate, tmp_path, "test")["drumkit_xml"]
    text = open(xml, encoding="utf-8").read().replace("<isMuted>false</isMuted>", "<isMuted>maybe</isMuted>", 1)
    open(xml, "w", encoding="utf-8").write(text)
    assert any("isMuted" in error for error in schema_errors(xml))


def test_an_existing_kit_is_kept_unless_overwrite_is_asked(waves, config, tmp_path):
    write_kit(waves[:2], LABELS[:2], config.sample_rate, tmp_path, "test")
    with pytest.raises(OutputError, match="already exists"):
        write_kit(waves, LABELS, config.sample_rate, tmp_path, "test")
    assert len(list((tmp_path / "test").glob("*.flac"))) == 2
    write_kit(waves, LABELS, config.sample_rate, tmp_path, "test", overwrite=True)
    assert len(list((tmp_path / "test").glob("*.flac"))) == len(LABELS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["test", "test_wav"]


def test_a_name_that_is_a_path_is_refused(waves, config, tmp_path):
    for name in ("../escape", "a/b", ".hidden", ""):
        with pytest.raises(OutputError, match="plain folder name"):
            write_kit(waves, LABELS, config.sample_rate, tmp_path, name)
    assert not list(tmp_path.iterdir())


def test_kit_command_on_a_conditional_run_writes_every_class(conditional_run, tmp_path):
    done = run_cli("kit", "--run", str(conditional_run), "--out", str(tmp_path), "--name", "k", "--per-class", "1")
    assert done.returncode == 0, done.stderr
    labels = sorted(s.label for s in discover(tmp_path / "k").samples)
    assert labels == sorted(["kick", "snare", "hihat", "tom", "cymbal", "clap", "other"])
    again = run_cli("kit", "--run", str(conditional_run), "--out", str(tmp_path), "--name", "k")
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "--overwrite" in again.stderr


def test_generate_and_kit_take_a_truncation_and_refuse_one_outside_0_to_1(conditional_run, tmp_path):
    done = run_cli(
        "generate",
        "--run",
        str(conditional_run),
        "--out",
        str(tmp_path / "g"),
        "-n",
        "2",
        "--truncation",
        "0.5",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["truncation"] == 0.5
    for command in ("generate", "kit"):
        bad = run_cli(command, "--run", str(conditional_run), "--out", str(tmp_path / command), "--truncation", "2")
        assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "between 0 and 1" in bad.stderr
        assert not (tmp_path / command).exists() or not any((tmp_path / command).iterdir())


def test_an_unconditional_runs_clips_are_named_by_classify_in_class_order(tiny_runs):
    from drumgan.config import CLASSES
    from drumgan.generation.sampling import kit_clips
    from drumgan.training.run import Run

    heard = ["snare", "kick", "other", "kick", "hihat", "tom", "snare"]
    waves, labels = kit_clips(Run.load(tiny_runs / "conv-gan"), 1, classify=lambda waves: heard[: len(waves)])
    assert len(waves) == len(CLASSES) and labels == sorted(heard, key=CLASSES.index)
    with pytest.raises(ValueError, match="needs classify"):
        kit_clips(Run.load(tiny_runs / "conv-gan"), 1)
