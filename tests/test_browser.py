"""The committed notebooks as a person meets them: opened in JupyterLab in headless Chromium before any cell runs,
and exported by nbconvert and opened from disk. Every committed player must be there and playable."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from browser import (
    audio_states,
    chromium,
    jupyterlab,
    missing,
    overflowing,
    page_text,
    play_through,
    players_loaded,
    show_first_player,
    wait_for,
)

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCREENSHOTS = ROOT / "artifacts" / "browser"
WIDGET_TROUBLE = ("Error displaying widget", "Loading widget")
PLAYABLE_WIDTH = 150  # px: narrower, Chromium drops the play button from an <audio> element's controls

pytestmark = pytest.mark.skipif(missing() is not None, reason=f"no browser: {missing()}")


def committed_players(notebook: Path) -> int:
    """``<audio>`` elements in the notebook's committed HTML outputs."""
    cells = json.loads(notebook.read_text())["cells"]
    html = ["".join(o.get("data", {}).get("text/html", "")) for c in cells for o in c.get("outputs", [])]
    return sum(text.count("<audio") for text in html)


def check_players(driver, expected: int, where: str, min_width: float = 0) -> None:
    loaded = wait_for(driver, players_loaded(expected), seconds=90)
    states = loaded["states"] if loaded else audio_states(driver)
    assert len(states) == expected, f"{where}: {len(states)} players, {expected} committed"
    for k, state in enumerate(states):
        assert state["src"].startswith("data:audio/ogg;base64,") and len(state["src"]) > 1000, (where, k)
        assert state["error"] is None and state["duration"] > 0.5, (where, k, state["error"], state["duration"])
        assert state["width"] >= min_width, f"{where}: player {k} is {state['width']:.0f} px wide, too narrow to play"
    text = page_text(driver)
    assert not [t for t in WIDGET_TROUBLE if t in text], where


@pytest.fixture(scope="module")
def driver():
    browser = chromium()
    yield browser
    browser.quit()


def test_every_notebook_commits_players():
    assert all(committed_players(nb) > 0 for nb in NOTEBOOKS)
    assert committed_players(ROOT / "notebooks" / "05_conv_gan.ipynb") == 32  # 16 generated, each beside its nearest


def test_players_play_in_jupyterlab_before_any_cell_runs(driver, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with jupyterlab(ROOT / "notebooks", tmp_path) as (url, token):
        for notebook in NOTEBOOKS:
            driver.get(f"{url}/lab/tree/{notebook.name}?reset&token={token}")
            opened = wait_for(driver, lambda d: d.execute_script("return document.querySelectorAll('.jp-Cell').length"))
            assert opened, f"{notebook.name} did not open in JupyterLab"
            check_players(driver, committed_players(notebook), notebook.name)
            assert not overflowing(driver), f"{notebook.name}: outputs wider than the notebook"
            show_first_player(driver)
            driver.save_screenshot(str(SCREENSHOTS / f"lab-{notebook.stem}.png"))


def test_players_play_in_the_html_export_offline(driver, tmp_path):
    command = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--output-dir", str(tmp_path)]
    subprocess.run([*command, *map(str, NOTEBOOKS)], check=True, capture_output=True)
    for notebook in NOTEBOOKS:
        page = tmp_path / f"{notebook.stem}.html"
        driver.get(page.as_uri())
        check_players(driver, committed_players(notebook), page.name, min_width=PLAYABLE_WIDTH)
        show_first_player(driver)
        driver.save_screenshot(str(SCREENSHOTS / f"html-{notebook.stem}.png"))


def test_a_compressed_player_plays_to_its_end_without_a_media_error(driver, tmp_path):
    import numpy as np

    from drumgan.display.players import player_grid

    rate = 44100
    t = np.arange(int(0.6 * rate)) / rate
    wave = (0.8 * np.sin(2 * np.pi * 220 * t) * np.exp(-4 * t)).astype(np.float32)
    page = tmp_path / "player.html"
    page.write_text(f"<html><body>{player_grid([('a tone', wave)], rate)._repr_html_()}</body></html>")
    driver.get(page.as_uri())
    assert wait_for(driver, players_loaded(1), seconds=30)
    played = play_through(driver)
    assert played["error"] is None and played["ended"], played
    assert played["duration"] == pytest.approx(len(wave) / rate, abs=0.01)
    assert played["time"] == pytest.approx(played["duration"], abs=0.01)
