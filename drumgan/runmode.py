"""Quick mode: small budgets for tests and CI, full budgets otherwise."""

from __future__ import annotations

import os


def quick_mode() -> bool:
    """True where ``DRUMGAN_QUICK`` is set (not '0'), or ``CI`` is set: tests and CI runs."""
    flag = os.environ.get("DRUMGAN_QUICK")
    if flag is not None:
        return flag.strip().lower() not in ("", "0", "false", "no")
    return bool(os.environ.get("CI"))


def pick(full, quick):
    """``quick`` in quick mode, else ``full``: ``EPOCHS = pick(full=200, quick=2)``."""
    return quick if quick_mode() else full
