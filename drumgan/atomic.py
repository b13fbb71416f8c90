"""Atomic file writing (a reader sees the old file or the new one, never half of one), and folders checked
for writing before any work is done.

Every file drumgan writes for later reading (checkpoints, run settings, loss history, dataset caches,
the classifier, results) goes through here. The temporary file has a name of its own to each writer
(process and random part), lies beside the target, is flushed to disk and then renamed over it.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import tempfile
from pathlib import Path

from .errors import OutputError

NO_SPACE = (errno.ENOSPC, errno.EDQUOT)  # what a full disk (or a spent quota) says


def no_space_message(path) -> str:
    """One line: the disk that holds ``path`` (a file or folder being written; None if unknown) is full."""
    where = f"the folder {Path(path).parent}" if path else "a file"
    return f"the disk is full: {where} cannot be written (free some space, or write elsewhere)"


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path`` (same suffix) to write to; on success it replaces ``path``.

    On an exception the temporary file is removed and ``path`` is left as it was; a full disk is raised as
    :class:`OutputError` in one line naming the folder.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}-{secrets.token_hex(4)}.tmp{path.suffix}")
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as error:
        if error.errno in NO_SPACE:
            raise OutputError(no_space_message(path)) from None
        raise
    finally:
        tmp.unlink(missing_ok=True)


def write_atomically(path, write) -> None:
    """Call ``write(file)`` on a temporary binary file, flush it to disk, then rename it to ``path``."""
    with atomic_path(path) as tmp, open(tmp, "wb") as f:
        write(f)
        f.flush()
        os.fsync(f.fileno())


@contextlib.contextmanager
def locked(lock_path):
    """Hold an exclusive lock (``flock`` on ``lock_path``, created if need be) for the block: writers of the same
    file that read, change and write it take turns. It is released when the block ends or the process dies."""
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def write_text_atomically(path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    write_atomically(path, lambda f: f.write(text.encode()))


def writable_folder(path, what: str) -> Path:
    """Create the folder ``path`` (with its parents) and check that a file can be written in it.

    Raises:
        OutputError: in one line naming ``what`` and the folder: it is a file, lies under a file, or cannot be
            created or written (permissions, a read-only or virtual file system).
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputError(f"{what} {path} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise OutputError(f"{what} {path} cannot be written ({error.strerror or error})") from None
    return path
