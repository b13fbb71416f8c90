"""Rows of one array kept as shards on disk: ``.npy`` files of a fixed number of rows, written as the rows come
and read back a few rows at a time.

A dataset larger than memory is written shard by shard while it is decoded (:class:`ShardWriter`) and read by
row (:class:`ShardedArray`): each read is an ``os.preadv`` into the array it returns, with no memory map, so a
process holds the rows it asked for and no more (mapped pages would count as its own until the kernel took them
back). :class:`MemoryRows` is the same writer's interface for a dataset kept in memory.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import numpy as np

from ..errors import DamagedFile, OutputError

SHARD_ROWS = 512
"""Rows per shard: 32 MiB of 1 s clips at 16 kHz (float32), 88 MiB at 44.1 kHz."""


class ShardedArray:
    """A read-only ``(rows, *row_shape)`` array over the shard files ``files`` of ``rows`` rows each.

    Indexing (an integer, a slice, integer or boolean arrays) reads just those rows and returns a new
    ``np.ndarray``; ``np.asarray`` of it reads every row.
    """

    def __init__(self, files: list[Path], rows: list[int], row_shape: tuple[int, ...], dtype):
        self.files, self.rows = [Path(f) for f in files], [int(r) for r in rows]
        self.dtype, self.row_shape = np.dtype(dtype), tuple(int(n) for n in row_shape)
        self.row_bytes = int(np.prod(self.row_shape, dtype=np.int64)) * self.dtype.itemsize
        self._first_row = np.cumsum([0, *self.rows])
        self._opened: dict[int, tuple[int, int]] = {}  # shard -> (file descriptor, offset of its first row)
        self._opening = threading.Lock()

    @property
    def shape(self) -> tuple[int, ...]:
        return (int(self._first_row[-1]), *self.row_shape)

    @property
    def ndim(self) -> int:
        return 1 + len(self.row_shape)

    def __len__(self) -> int:
        return int(self._first_row[-1])

    def __repr__(self) -> str:
        return f"ShardedArray(shape={self.shape}, dtype={self.dtype}, shards={len(self.files)})"

    def __array__(self, dtype=None, copy=None):
        whole = self[:]
        return whole if dtype is None else whole.astype(dtype)

    def __getitem__(self, key) -> np.ndarray:
        if isinstance(key, tuple):  # the rows first, then the rest of the key in memory
            rows, rest = key[0], key[1:]
            return self[rows][rest] if isinstance(rows, (int, np.integer)) else self[rows][(slice(None), *rest)]
        if isinstance(key, (int, np.integer)):
            return self.take([key])[0]
        if isinstance(key, slice):
            return self.take(np.arange(len(self))[key])
        key = np.asarray(key)
        return self.take(np.flatnonzero(key) if key.dtype == bool else key)

    def take(self, rows) -> np.ndarray:
        """The rows ``rows`` (integers, negative ones counted from the end), in that order."""
        rows = np.asarray(rows, dtype=np.int64).reshape(-1)
        rows = np.where(rows < 0, rows + len(self), rows)
        out = np.empty((len(rows), *self.row_shape), self.dtype)
        if not len(rows):
            return out
        if rows.min() < 0 or rows.max() >= len(self):
            raise IndexError(f"row index out of range for {len(self)} rows")
        order = np.argsort(rows, kind="stable")
        in_order = bool(np.all(order == np.arange(len(rows))))
        ascending = out if in_order else np.empty_like(out)
        flat = ascending.reshape(len(rows), -1).view(np.uint8)
        sorted_rows = rows[order]
        shard_of = np.searchsorted(self._first_row, sorted_rows, side="right") - 1
        breaks = np.flatnonzero((np.diff(sorted_rows) != 1) | (np.diff(shard_of) != 0)) + 1
        for a, b in zip([0, *breaks], [*breaks, len(rows)]):  # one read per run of consecutive rows in a shard
            shard = int(shard_of[a])
            fd, offset = self._open(shard)
            row = int(sorted_rows[a] - self._first_row[shard])
            self._preadv(fd, flat[a:b], offset + row * self.row_bytes, shard)
        if not in_order:
            out[order] = ascending
        return out

    def _preadv(self, fd: int, buffer: np.ndarray, position: int, shard: int) -> None:
        view, done = memoryview(buffer).cast("B"), 0
        while done < len(view):
            got = os.preadv(fd, [view[done:]], position + done)
            if got == 0:
                raise DamagedFile(f"{self.files[shard]} ends before its last row: the dataset cache is damaged")
            done += got

    def _open(self, shard: int) -> tuple[int, int]:
        with self._opening:  # tf.data's threads read too
            if shard not in self._opened:
                self._opened[shard] = self._open_now(shard)
            return self._opened[shard]

    def _open_now(self, shard: int) -> tuple[int, int]:
        """A descriptor of the shard's file and the offset of its first row, once its header is checked."""
        path = self.files[shard]
        try:
            with open(path, "rb") as f:
                version = np.lib.format.read_magic(f)
                read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else None
                shape, fortran, dtype = (read_header or np.lib.format.read_array_header_2_0)(f)
                offset = f.tell()
        except (OSError, ValueError) as error:
            raise DamagedFile(f"{path} cannot be read as a dataset shard ({error})") from None
        expected = (self.rows[shard], *self.row_shape)
        if shape != expected or fortran or dtype != self.dtype:
            raise DamagedFile(f"{path} holds {shape} {dtype}, not the {expected} {self.dtype} of its manifest")
        return os.open(path, os.O_RDONLY), offset

    def close(self) -> None:
        for fd, _ in self._opened.values():
            os.close(fd)
        self._opened.clear()

    def __del__(self):
        self.close()

    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k not in ("_opened", "_opening")}  # nor do open files

    def __setstate__(self, state):
        self.__dict__.update(state, _opened={}, _opening=threading.Lock())


class ShardWriter:
    """Rows appended a block at a time, written as ``NAME-00000.npy`` shards of ``shard_rows`` rows in ``folder``."""

    def __init__(self, folder, name: str, row_shape, dtype=np.float32, shard_rows: int | None = None):
        self.folder, self.name, self.shard_rows = Path(folder), name, shard_rows or SHARD_ROWS
        self.row_shape, self.dtype = tuple(row_shape), np.dtype(dtype)
        self.pending: list[np.ndarray] = []
        self.files: list[Path] = []
        self.rows: list[int] = []

    def append(self, block: np.ndarray) -> None:
        block = np.asarray(block, self.dtype)
        if block.shape[1:] != self.row_shape:
            raise ValueError(f"rows of {self.name} are {self.row_shape}, got {block.shape[1:]}")
        self.pending.append(block)
        while sum(len(b) for b in self.pending) >= self.shard_rows:
            rows = np.concatenate(self.pending)
            self._write(rows[: self.shard_rows])
            self.pending = [rows[self.shard_rows :]]

    def _write(self, rows: np.ndarray) -> None:
        path = self.folder / f"{self.name}-{len(self.files):05d}.npy"
        try:
            np.save(path, rows)
        except OSError as error:
            raise OutputError(f"the dataset cannot be written in {self.folder} ({error.strerror or error})") from None
        self.files.append(path)
        self.rows.append(len(rows))

    def close(self) -> ShardedArray:
        """Write the last rows; the array of every row written."""
        rest = np.concatenate(self.pending) if self.pending else np.empty((0, *self.row_shape), self.dtype)
        if len(rest):
            self._write(rest)
        self.pending = []
        return ShardedArray(self.files, self.rows, self.row_shape, self.dtype)


class MemoryRows:
    """:class:`ShardWriter`'s interface for rows kept in memory (a dataset whose cache cannot be written)."""

    def __init__(self, row_shape, dtype=np.float32):
        self.row_shape, self.dtype = tuple(row_shape), np.dtype(dtype)
        self.blocks: list[np.ndarray] = []

    def append(self, block: np.ndarray) -> None:
        self.blocks.append(np.asarray(block, self.dtype))

    def close(self) -> np.ndarray:
        return np.concatenate(self.blocks) if self.blocks else np.empty((0, *self.row_shape), self.dtype)


def chunks(array, index=None, size: int = SHARD_ROWS):
    """The rows ``index`` (default all) of a :class:`ShardedArray` or an ``np.ndarray``, ``size`` at a time: one pass
    over them with bounded memory."""
    index = np.arange(len(array)) if index is None else np.asarray(index)
    for start in range(0, len(index), size):
        yield array[index[start : start + size]]
