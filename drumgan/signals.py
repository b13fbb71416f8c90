"""Stopping on SIGINT (Ctrl-C) and SIGTERM (a job scheduler, ``timeout``, a closing terminal): at once with
:class:`Stopped`, or, where work can end cleanly (training), after the step under way."""

from __future__ import annotations

import contextlib
import signal
import threading

NAMES = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}


class Stopped(KeyboardInterrupt):
    """Work stopped by a signal; ``name`` is the signal's ('SIGINT', 'SIGTERM')."""

    def __init__(self, name: str = "SIGINT"):
        super().__init__(name)
        self.name = name


def exit_status(name: str) -> int:
    """The shell's exit status for a process stopped by the signal ``name``: 128 + its number (130, 143)."""
    return 128 + int(getattr(signal, name))


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def raising_stopped():
    """Within it SIGTERM raises :class:`Stopped` as SIGINT raises ``KeyboardInterrupt``, so that both unwind (files
    written atomically are left whole or not at all); outside the main thread it changes nothing."""
    if not _main_thread():
        yield
        return

    def stop(signum, frame):
        raise Stopped(NAMES[signum])

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


@contextlib.contextmanager
def requests_to_stop(request):
    """Within it the first SIGINT or SIGTERM calls ``request(name)`` (the work then ends cleanly when it can); a
    second SIGINT raises :class:`Stopped` at once. Outside the main thread it changes nothing."""
    if not _main_thread():
        yield
        return
    asked = []

    def stop(signum, frame):
        name = NAMES[signum]
        if asked and signum == signal.SIGINT:
            raise Stopped(name)
        if not asked:
            asked.append(name)
            request(name)

    before = {signum: signal.signal(signum, stop) for signum in NAMES}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
