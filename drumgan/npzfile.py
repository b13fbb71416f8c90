"""Plain-array files (``.npz`` without pickle): read whole, or refused in one line that names the file."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import numpy as np

from .errors import DamagedFile

_READ_ERRORS = (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zlib.error)


def read_npz(path, what: str, hint: str = "") -> dict[str, np.ndarray]:
    """Every array in ``path``, each read and checked (CRC) now.

    Raises:
        DamagedFile: the file is missing, truncated, corrupt or not a plain-array file; the message names
            the file, says it is ``what`` (e.g. "checkpoint") and ends with ``hint``.
    """
    path = Path(path)
    try:
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as z:  # closed whatever np.load raises
            return {key: z[key] for key in z.files}
    except _READ_ERRORS as error:
        ending = f". {hint}" if hint else ""
        raise DamagedFile(f"{path} cannot be read as a {what} ({_reason(error)}){ending}") from None


def _reason(error: Exception) -> str:
    if isinstance(error, FileNotFoundError):
        return "no such file"
    if isinstance(error, PermissionError):
        return "permission denied"
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if "pickle" in text:  # numpy's own words suggest loading it unsafely
        return "it is not a plain-array file"
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
