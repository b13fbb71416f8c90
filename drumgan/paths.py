"""Where drumgan keeps what it makes, and which data it reads by default."""

from __future__ import annotations

import os
from pathlib import Path

HYDROGEN_DRUMKITS = Path("/usr/share/hydrogen/data/drumkits")  # the default data: Debian's hydrogen-drumkits


def project_root() -> Path:
    """The repository root for an editable install, else the working directory."""
    root = Path(__file__).resolve().parent.parent
    return root if (root / "pyproject.toml").is_file() else Path.cwd()


def cache_dir() -> Path:
    """``$DRUMGAN_CACHE``, else ``data/cache`` under the project root."""
    return Path(os.environ.get("DRUMGAN_CACHE") or project_root() / "data" / "cache")


def shipped_dir() -> Path:
    """``data/shipped`` under the project root: what ships trained with the repository (the default data's
    evaluation classifier)."""
    return project_root() / "data" / "shipped"


def configured_sources() -> list[Path] | None:
    """The sources named by ``$DRUMGAN_DATA`` (several separated by ``os.pathsep``), or None."""
    value = os.environ.get("DRUMGAN_DATA", "").strip()
    return [Path(p).expanduser() for p in value.split(os.pathsep) if p] or None


def hydrogen_available() -> bool:
    return HYDROGEN_DRUMKITS.is_dir() and any(HYDROGEN_DRUMKITS.glob("*/drumkit.xml"))


# The default runs, in the notebooks' order: they ship with the repository (inference weights) and
# `make runs` trains them again.
DEFAULT_RUNS = ("lstm_baseline", "lstm_gan", "conv_gan", "conv_gan_conditional", "conv_gan_timbre")


def runs_dir() -> Path:
    """``$DRUMGAN_RUNS``, else ``runs`` under the project root: where training runs are kept."""
    return Path(os.environ.get("DRUMGAN_RUNS") or project_root() / "runs")
