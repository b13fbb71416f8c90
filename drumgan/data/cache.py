"""The dataset cache folder: content digests of the source files, datasets stored as shards, caches that heal,
and no stale ones.

- **Digests.** A dataset is keyed by the content of its files, not by their size and modification time
  (an edit can keep both). Hashing every file on every ``prepare`` would cost most of a second on the
  Hydrogen kits, so each file's digest is kept in ``digests.json`` beside its size, modification and
  change times and inode, and is computed again only when one of those differs (no tool can set the
  change time back).
- **Datasets as shards.** Each dataset is a folder ``dataset-<fingerprint>/``: its clips' arrays as shards
  (:mod:`drumgan.data.shards`), the small per-sample arrays in ``samples.npz``, and ``manifest.json``, which
  lists every shard with its rows and content digest. A dataset is built in a hidden folder beside it and
  renamed into place once whole, so a reader finds a whole dataset or none.
- **Healing.** A dataset that cannot be read (a missing or changed shard, a damaged manifest or
  ``samples.npz``) is reported in one line, removed and built again.
- **No stale files.** ``sources.json`` records which cache file each source (its folders, the config and
  the split) last had; when a source's data change, its old dataset and the classifiers trained on it
  are removed (a dataset stored in an older format goes on its own).
- **An unwritable folder** is reported in one line; the dataset is then built and used from memory.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import socket
import tempfile
import warnings
from pathlib import Path

import numpy as np

from ..atomic import writable_folder, write_atomically, write_text_atomically
from ..errors import DamagedFile, OutputError
from ..npzfile import read_npz
from .shards import ShardedArray

FORMAT = "drumgan-dataset"
FORMAT_VERSION = 3  # 2: one .npz file per dataset
MANIFEST, SAMPLES = "manifest.json", "samples.npz"
STAGING = ".building"


def file_digest(path) -> str:
    """A file's content digest (BLAKE2b, 32 hex digits)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "blake2b").hexdigest()[:32]


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

    def digests(self, files: list[str], known: dict[str, str] | None = None) -> dict[str, str]:
        """The content digest (BLAKE2b) of each file, from ``digests.json`` where the file is unchanged, else from
        ``known`` (digests of files this process has just written) or computed now."""
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
                entry = [*key, (known or {}).get(path) or file_digest(path)]
                memo[path], changed = entry, True
            out[path] = entry[4]
        if changed and self.writable:
            memo = {path: entry for path, entry in memo.items() if os.path.exists(path)}  # not of removed files
            write_text_atomically(memo_path, json.dumps(memo))
        return out

    def load(self, path: Path) -> tuple[dict[str, np.ndarray], dict[str, ShardedArray]] | None:
        """The per-sample arrays and the sharded clip arrays of the dataset folder ``path``; None where there is
        none, or it cannot be read (then it is removed, in one warning line)."""
        if not path.exists():
            return None
        try:
            manifest = json.loads((path / MANIFEST).read_text())
            if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
                raise ValueError(f"not a {FORMAT} of version {FORMAT_VERSION}")
            clips, recorded = {}, {}
            for name, field in manifest["fields"].items():
                files = [path / shard["file"] for shard in field["shards"]]
                recorded.update({str(f): shard["digest"] for f, shard in zip(files, field["shards"])})
                rows = [shard["rows"] for shard in field["shards"]]
                clips[name] = ShardedArray(files, rows, field["row_shape"], field["dtype"])
            found = self.digests(list(recorded))
            changed = [f for f in recorded if found[f] != recorded[f]]
            if changed:
                raise DamagedFile(f"{Path(changed[0]).name} is not the shard its manifest recorded")
            if {len(array) for array in clips.values()} != {manifest["clips"]}:
                raise ValueError(f"its fields do not all hold {manifest['clips']} clips")
            return read_npz(path / SAMPLES, "dataset cache"), clips
        except (OSError, ValueError, KeyError, TypeError, DamagedFile) as error:
            reason = "no manifest" if isinstance(error, FileNotFoundError) and MANIFEST in str(error) else error
            self.discard(path, f"{path} cannot be read as a dataset ({reason})")
            return None

    def discard(self, path: Path, reason: str) -> None:
        """Remove a dataset that cannot be used, saying why in one line."""
        warnings.warn(f"{reason}; it is removed and the dataset built again", CacheWarning, 3)
        _remove(path)

    @contextlib.contextmanager
    def staging(self):
        """A new hidden folder to build a dataset in (None where the cache cannot be written: build in memory);
        removed unless :meth:`save` renamed it into place. Folders left by builds that died are removed first."""
        if not self.writable:
            yield None
            return
        host = socket.gethostname()
        for left in self.folder.glob(f"{STAGING}-{host}-*"):
            pid = left.name.split("-")[-2]
            if pid.isdigit() and not _alive(int(pid)):
                _remove(left)
        folder = Path(tempfile.mkdtemp(prefix=f"{STAGING}-{host}-{os.getpid()}-", dir=self.folder))
        folder.chmod(0o755)  # as a folder made by mkdir would be, not mkdtemp's private 0o700
        try:
            yield folder
        finally:
            _remove(folder)

    def save(
        self, staging: Path, path: Path, arrays: dict[str, np.ndarray], clips: dict[str, ShardedArray], source_key: str
    ) -> None:
        """Complete the dataset built in ``staging`` (its clips' shards written there already) with ``arrays`` and the
        manifest, rename it to ``path``, and remove what the source ``source_key`` had before.

        Raises:
            OutputError: the folder cannot be written (a full disk, say).
        """
        try:
            manifest = self._complete(staging, arrays, clips)
            staging.rename(path)
        except OSError as error:
            if not (path / MANIFEST).is_file():  # else another process has just saved the same dataset
                reason = error.strerror or error
                raise OutputError(f"the dataset cannot be written in {self.folder} ({reason})") from None
        else:  # their digests, computed as they were written, go in the memo: loading it need not hash them again
            shards = [shard for field in manifest["fields"].values() for shard in field["shards"]]
            known = {str(path / shard["file"]): shard["digest"] for shard in shards}
            self.digests(list(known), known)
        self._replace(source_key, path)

    @staticmethod
    def _complete(staging: Path, arrays: dict[str, np.ndarray], clips: dict[str, ShardedArray]) -> dict:
        """Write ``samples.npz`` and the manifest (returned) into ``staging``."""
        write_atomically(staging / SAMPLES, lambda f: np.savez(f, **arrays))
        fields = {
            name: {
                "row_shape": list(array.row_shape),
                "dtype": str(array.dtype),
                "shards": [
                    {"file": f.name, "rows": rows, "digest": file_digest(f)} for f, rows in zip(array.files, array.rows)
                ],
            }
            for name, array in clips.items()
        }
        clip_count = len(next(iter(clips.values())))
        manifest = {"format": FORMAT, "version": FORMAT_VERSION, "clips": clip_count, "fields": fields}
        write_text_atomically(staging / MANIFEST, json.dumps(manifest, indent=1))
        return manifest

    def _replace(self, source_key: str, path: Path) -> None:
        index_path = self.folder / "sources.json"
        try:
            index = json.loads(index_path.read_text())
        except (OSError, ValueError):
            index = {}
        previous = index.get(source_key)
        if previous and previous != path.name:
            stale = self.folder / previous
            other_data = stale.stem != path.stem  # then the classifiers trained on it go too
            derived = self.folder.glob(f"{stale.stem}-*") if other_data else []
            for old in [stale, *derived]:
                _remove(old)
        index[source_key] = path.name
        write_text_atomically(index_path, json.dumps(index, indent=1))


def _remove(path: Path) -> None:
    """Remove a file or a folder, whichever ``path`` is (nothing if it is gone)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
