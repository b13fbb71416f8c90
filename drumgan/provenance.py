"""Which code made a result: the git commit of drumgan's checkout (and whether it held uncommitted changes) and the
versions of the libraries that decide its numbers, recorded in a run's ``run.json``."""

from __future__ import annotations

import subprocess
from importlib import metadata
from pathlib import Path

LIBRARIES = ("tensorflow", "keras", "numpy")


def _git(*args: str) -> str | None:
    root = Path(__file__).resolve().parent.parent
    if not (root / "pyproject.toml").is_file():  # an installed copy, not drumgan's checkout
        return None
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def code_version() -> dict:
    """``{"commit", "clean", "versions"}``: the checkout's commit (None outside a git checkout, or without git),
    whether its tracked files matched that commit (None where unknown), and each of :data:`LIBRARIES`' version."""
    commit = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain", "--untracked-files=no") if commit else None
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"commit": commit, "clean": None if status is None else status == "", "versions": versions}
