"""The demo: WAVs, a mel-grid PNG and an offline HTML page from trained runs."""

import json
import os
import re

import pytest
import soundfile as sf

from helpers import run_cli

pytest.importorskip("tensorflow")


def test_demo_puts_real_drums_and_their_round_trip_before_a_kit_per_run(tiny_runs, synthetic_kit, tmp_path):
    out, env = tmp_path / "demo", {**os.environ, "DRUMGAN_CACHE": str(tmp_path / "cache")}
    runs = [a for r in ("lstm", "conv-gan") for a in ("--run", str(tiny_runs / r))]
    done = run_cli("demo", *runs, "-n", "3", "--source", str(synthetic_kit), "--out", str(out), "--json", env=env)
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout.strip().splitlines()[-1])
    folders = [p.split("/")[-2] for p in made["wavs"]]
    assert len(made["wavs"]) == 12 and sorted(set(folders), key=folders.index) == [
        "real",
        "round_trip",
        "lstm",
        "conv-gan",
    ]
    assert sf.info(made["wavs"][0]).samplerate == 44100
    assert open(made["png"], "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    page = open(made["html"]).read()
    assert len(re.findall(r'<audio controls[^>]* src="data:audio/ogg;base64,', page)) == 12
    assert "data:image/png;base64," in page and "http" not in page  # nothing to fetch


def test_demo_without_trained_runs_says_what_to_do(tmp_path):
    done = run_cli("demo", "--run", str(tmp_path / "nothing"), "--out", str(tmp_path / "demo"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "make runs" in done.stderr
