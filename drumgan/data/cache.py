"""The dataset cache folder: content digests of the source files, cache files that heal, and no stale ones.

- **Digests.** A dataset is keyed by the content of its files, not by their size and modification time
  (an edit can keep both). Hashing every file on every ``prepare`` would cost most of a second on the
  Hydrogen kits, so each file's digest is kept in ``digests.json`` beside its size, modification and
  change times and inode, and is computed again only when one of those differs (no tool can set the
  change time back).
- **Healing.** A cache file that cannot be read is reported in one line, removed and built again.
- **No stale files.** ``sources.json`` records which cache file each source (its folders, the config and
  the split) last had; when a source's data change, its old cache file and the classifiers trained on it
  are removed.
- **An unwritable folder** is reported in one line; the dataset is then built and used from memory.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from pathlib import Path

import numpy as np

from ..atomic import writable_folder, write_atomically, write_text_atomically
from ..errors import DamagedFile, OutputError
from ..npzfile import read_npz


class CacheWarning(UserWarning):
    """The cache could not be used as it is (damaged, or not writable); the dataset is built all the same."""


class DatasetCache:
    """The cache folder ``folder`` (created on first use)."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self._writable: bool | None = None

    @property
    def writable(self) -> bool:
        """Whether files can be written in the folder (checked once, warned about once)."""
        if self._writable is None:
            try:
                writable_folder(self.folder, "the dataset cache folder")
                self._writable = True
            except OutputError as error:
                warnings.warn(f"{error}: the dataset is built and used from memory, not cached", CacheWarning, 3)
                self._writable = False
        return self._writable

    def digests(self, files: list[str]) -> dict[str, str]:
        """The content digest (BLAKE2b) of each file, from ``digests.json`` where the file is unchanged."""
        memo_path = self.folder / "digests.json"
        try:
            memo = json.loads(memo_path.read_text())
        except (OSError, ValueError):
            memo = {}
        out, changed = {}, False
        for path in files:
            stat = os.stat(path)
            key = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
            entry = memo.get(path)
            if not (isinstance(entry, list) and entry[:4] == key):
                with open(path, "rb") as f:
                    entry = [*key, hashlib.file_digest(f, "blake2b").hexdigest()[:32]]
                memo[path], changed = entry, True
            out[path] = entry[4]
        if changed and self.writable:
            write_text_atomically(memo_path, json.dumps(memo))
        return out

    def load(self, path: Path) -> dict[str, np.ndarray] | None:
        """The arrays of cache file ``path``; None where there is none, or it was damaged (then it is removed)."""
        if not path.is_file():
            return None
        try:
            return read_npz(path, "dataset cache")
        except DamagedFile as error:
            self.discard(path, str(error))
            return None

    def discard(self, path: Path, reason: str) -> None:
        """Remove a cache file that cannot be used, saying why in one line."""
        warnings.warn(f"{reason}; it is removed and the dataset built again", CacheWarning, 3)
        path.unlink(missing_ok=True)

    def save(self, path: Path, arrays: dict[str, np.ndarray], source_key: str) -> bool:
        """Write a cache file for the source ``source_key`` and remove that source's previous one; False if
        the folder cannot be written (already warned about)."""
        if not self.writable:
            return False
        try:
            write_atomically(path, lambda f: np.savez(f, **arrays))
        except OSError as error:
            warnings.warn(f"the dataset cache {path} cannot be written ({error.strerror or error})", CacheWarning, 3)
            return False
        self._replace(source_key, path)
        return True

    def _replace(self, source_key: str, path: Path) -> None:
        index_path = self.folder / "sources.json"
        try:
            index = json.loads(index_path.read_text())
        except (OSError, ValueError):
            index = {}
        previous = index.get(source_key)
        if previous and previous != path.name:
            stale = self.folder / previous
            for old in [stale, *self.folder.glob(f"{stale.stem}-*")]:  # and what was derived from it
                old.unlink(missing_ok=True)
        index[source_key] = path.name
        write_text_atomically(index_path, json.dumps(index, indent=1))
