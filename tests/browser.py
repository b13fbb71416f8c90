"""A real browser for the notebook tests: JupyterLab from the project's environment, opened in Debian's headless
Chromium through Selenium (its driver from Debian's ``chromium-driver``, so nothing is downloaded)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WIDTH, HEIGHT = 1280, 1000  # a laptop window: JupyterLab's notebook is then about 1,000 px wide

# Every <audio> element: its source, whether the browser could read it (after metadata loads), its width.
AUDIO_STATE = """
return Array.from(document.querySelectorAll('audio')).map(a => ({
    src: a.currentSrc || a.getAttribute('src') || '',
    ready: a.readyState, duration: a.duration, error: a.error ? a.error.code : null,
    width: a.getBoundingClientRect().width,
}));
"""


def missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not Path(path).is_file():
            return f"{path} not found (apt-get install {package})"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -r requirements.txt)"
    return None


def chromium():
    """A headless Chromium driven by Selenium, at the window size above."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    flags = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--mute-audio")
    for flag in (*flags, "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(flag)
    options.add_argument(f"--window-size={WIDTH},{HEIGHT}")
    return webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _serving(what: str, command: list[str], ready: str, log: Path, seconds: float, env=None):
    """A server started with ``command`` (its output in ``log``), until the block ends; it is ready once the URL
    ``ready`` answers (RuntimeError naming ``what`` and ``log`` if it does not within ``seconds``)."""
    out = open(log, "w")
    server = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                urllib.request.urlopen(ready, timeout=5)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{what} did not start; see {log}") from None
                time.sleep(0.5)
        yield
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        out.close()


@contextlib.contextmanager
def jupyterlab(root: Path, home: Path):
    """JupyterLab serving ``root`` on 127.0.0.1 with a token; yields its base URL (token included).

    ``home`` holds its settings, workspaces and trust database, so nothing of the user's is read or
    changed and every notebook opens untrusted, as on a fresh clone.
    """
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTER_CONFIG_DIR": str(home / "config")}
    env["JUPYTER_RUNTIME_DIR"] = str(home / "runtime")
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}"]
    command += [f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}"]
    command += [f"--LabApp.workspaces_dir={home / 'workspaces'}", f"--LabApp.user_settings_dir={home / 'settings'}"]
    command += [
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
    ]
    if os.geteuid() == 0:  # CI runs as root
        command.append("--allow-root")
    url = f"http://127.0.0.1:{port}"
    with _serving("JupyterLab", command, f"{url}/api/status?token={token}", home / "jupyterlab.log", 60, env):
        yield url, token


@contextlib.contextmanager
def tensorboard(logdir: Path, log: Path):
    """TensorBoard serving ``logdir`` on 127.0.0.1 (its output in ``log``); yields its base URL once its scalar
    tags answer."""
    port = _free_port()
    command = [sys.executable, "-m", "tensorboard.main", "--logdir", str(logdir), "--host", "127.0.0.1"]
    url = f"http://127.0.0.1:{port}"
    with _serving("TensorBoard", [*command, "--port", str(port)], f"{url}/data/plugin/scalars/tags", log, 90):
        yield url


def wait_for(driver, condition, seconds: float = 60.0, every: float = 0.5):
    """Poll ``condition(driver)`` until it returns something true; returns it, or the last value at the deadline."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition(driver)
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


def audio_states(driver) -> list[dict]:
    return driver.execute_script(AUDIO_STATE)


def players_loaded(expected: int):
    """A condition: ``expected`` audio elements are there and each has read its metadata or failed."""

    def condition(driver):
        states = audio_states(driver)
        done = len(states) >= expected and all(s["ready"] >= 1 or s["error"] is not None for s in states)
        return {"states": states} if done else None

    return condition


def page_text(driver) -> str:
    return driver.execute_script("return document.body.innerText")


DEEP_TEXT = """
const text = node => {
    let found = node.shadowRoot ? text(node.shadowRoot) : '';
    for (const child of node.childNodes) found += child.nodeType === 3 ? child.textContent + ' ' : text(child);
    return found;
};
return text(document.body);
"""


def deep_text(driver) -> str:
    """The page's text, shadow roots included (TensorBoard's dashboards draw inside them)."""
    return driver.execute_script(DEEP_TEXT)


def overflowing(driver) -> list[str]:
    """Outputs wider than the notebook area that holds them (a horizontal scroll bar)."""
    return driver.execute_script(
        """
        return Array.from(document.querySelectorAll('.jp-OutputArea-output'))
            .filter(o => o.scrollWidth > o.clientWidth + 2)
            .map(o => o.innerText.slice(0, 80));
        """
    )


def show_first_player(driver) -> None:
    """Scroll the first player's table to the top of the window (for the screenshot)."""
    for _ in range(3):  # cells laid out late (content-visibility) move it: scroll until it stays
        driver.execute_script("document.querySelector('audio')?.closest('table')?.scrollIntoView({block: 'start'})")
        time.sleep(0.7)


PLAY_THROUGH = """
const done = arguments[arguments.length - 1];
const audio = document.querySelectorAll('audio')[arguments[0]];
const report = () => done({ended: audio.ended, time: audio.currentTime, duration: audio.duration,
                           error: audio.error ? audio.error.code : null});
audio.addEventListener('ended', report);
audio.addEventListener('error', report);
audio.play().catch(e => done({ended: false, time: 0, duration: audio.duration, error: String(e)}));
"""


def play_through(driver, index: int = 0, seconds: float = 30) -> dict:
    """Play the page's ``index``-th ``<audio>`` to its end; what it reached: ``{ended, time, duration, error}``."""
    driver.set_script_timeout(seconds)
    return driver.execute_async_script(PLAY_THROUGH, index)
