"""The notebooks themselves: none drops out, each is committed with outputs and holds little logic."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
EXPECTED = [
    "01_decode.ipynb",
    "02_mfcc.ipynb",
    "03_lstm_baseline.ipynb",
    "04_lstm_gan.ipynb",
    "05_conv_gan.ipynb",
    "06_compare.ipynb",
    "07_explore.ipynb",
]


def test_every_expected_notebook_is_there():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == EXPECTED


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_committed_with_outputs_and_no_errors(name):
    cells = json.loads((NOTEBOOKS / name).read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    outputs = [o for c in code for o in c.get("outputs", [])]
    assert any("image/png" in o.get("data", {}) for o in outputs), "no plots committed"
    assert any("<audio controls" in "".join(o.get("data", {}).get("text/html", "")) for o in outputs), "no players"
    assert "/work/" not in json.dumps(outputs) and "/home/" not in json.dumps(outputs), "a machine's own paths"
    assert not [o for o in outputs if o["output_type"] == "error"]
    source = "\n".join("".join(c["source"]) for c in code)
    assert "import drumgan" in source or "from drumgan" in source
    assert not re.search(r"sys\.path\.(insert|append)", source)
    assert any("# Parameters" in "".join(c["source"]) for c in code), "a parameters cell at the top"
    assert all(len("".join(c["source"]).splitlines()) <= 40 for c in code), "logic belongs in drumgan/"
    assert any("NBVAL_CHECK_OUTPUT" in "".join(c["source"]) for c in code)


@pytest.mark.parametrize("name", EXPECTED)
def test_committed_figures_fit_the_notebook_width(name):
    import base64
    import struct

    cells = json.loads((NOTEBOOKS / name).read_text())["cells"]
    pngs = [o["data"]["image/png"] for c in cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    widths = [struct.unpack(">I", base64.b64decode(png)[16:20])[0] for png in pngs]
    assert max(widths) <= 1024, widths  # matplotlib's tight bounding box may add a few pixels to 980


@pytest.mark.parametrize("name", EXPECTED)
def test_notebook_is_light_and_its_players_compressed(name):
    path = NOTEBOOKS / name
    assert path.stat().st_size <= 1.5e6, f"{name} is {path.stat().st_size / 1e6:.2f} MB"
    text = path.read_text()
    assert "data:audio/wav" not in text and "data:audio/ogg;base64," in text
