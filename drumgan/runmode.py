"""Quick mode: small budgets for tests and CI, full budgets otherwise."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from .paths import runs_dir


def quick_mode() -> bool:
    """True where ``DRUMGAN_QUICK`` is set (not '0'), or ``CI`` is set: tests and CI runs."""
    flag = os.environ.get("DRUMGAN_QUICK")
    if flag is not None:
        return flag.strip().lower() not in ("", "0", "false", "no")
    return bool(os.environ.get("CI"))


def pick(full, quick):
    """``quick`` in quick mode, else ``full``: ``EPOCHS = pick(full=200, quick=2)``."""
    return quick if quick_mode() else full


def run_folder(name: str, fresh: bool = True) -> Path:
    """Where a notebook keeps run ``name``: ``runs/NAME``, or ``runs/quick/NAME`` in quick mode, relative to the
    working directory (so that outputs show ``../runs/NAME``, not this machine's absolute path).

    A full run folder is kept (training it again resumes or just loads it). In quick mode ``fresh``
    empties the folder first, so a quick run is always trained anew by the current code.
    """
    folder = runs_dir() / name if not quick_mode() else runs_dir() / "quick" / name
    if quick_mode() and fresh and folder.exists():
        shutil.rmtree(folder)
    return Path(os.path.relpath(folder))
