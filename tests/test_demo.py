"""The demo: WAVs, a mel-grid PNG and an offline HTML page from trained runs."""

import json
import re

import pytest
import soundfile as sf

from helpers import run_cli

pytest.importorskip("tensorflow")


def test_demo_writes_a_kit_per_run_a_png_and_a_self_contained_page(tiny_runs, tmp_path):
    out = tmp_path / "demo"
    runs = [tiny_runs / "lstm", tiny_runs / "conv-gan"]
    done = run_cli("demo", *[a for r in runs for a in ("--run", str(r))], "-n", "3", "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    made = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(made["wavs"]) == 6 and {p.split("/")[-2] for p in made["wavs"]} == {"lstm", "conv-gan"}
    assert sf.info(made["wavs"][0]).samplerate == 16000
    assert open(made["png"], "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    page = open(made["html"]).read()
    assert len(re.findall(r'<audio controls[^>]* src="data:audio/wav;base64,', page)) == 6
    assert "data:image/png;base64," in page and "http" not in page  # nothing to fetch


def test_demo_without_trained_runs_says_what_to_do(tmp_path):
    done = run_cli("demo", "--run", str(tmp_path / "nothing"), "--out", str(tmp_path / "demo"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "make runs" in done.stderr
