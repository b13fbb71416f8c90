"""The run folder: every file a training run keeps, named here and nowhere else.

``run.json`` (settings, feature config, the data it was trained on), ``codec.npz`` (the normaliser),
``timbre.npz`` (a timbre-conditioned run's training timbres, :class:`~drumgan.features.timbre.TimbreBank`),
``checkpoint.npz`` (weights, optimizer state and step), ``weights.npz`` (what generation needs, for sharing a
run without its checkpoint: :command:`python -m drumgan export`), ``history.csv`` (losses), ``previews/`` (a mel
grid PNG and a WAV from fixed latents every so many steps), ``logs/`` (TensorBoard: ``train`` the losses,
``previews`` the preview images and audio, ``evaluate`` the measures) and ``.lock`` (held by the one process that
trains the run). Every file is written atomically, so a reader never sees half of one.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import json
import os
import shutil
import socket
from pathlib import Path

from ..atomic import writable_folder, write_text_atomically
from ..errors import OutputError, RunError
from ..npzfile import read_npz


class RunFolder:
    """The paths of one run folder and the reading and writing of its small files (no TensorFlow)."""

    def __init__(self, path):
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"RunFolder({str(self.path)!r})"

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def meta_path(self) -> Path:
        return self.path / "run.json"

    @property
    def codec_path(self) -> Path:
        return self.path / "codec.npz"

    @property
    def timbre_path(self) -> Path:
        return self.path / "timbre.npz"

    @property
    def checkpoint(self) -> Path:
        return self.path / "checkpoint.npz"

    @property
    def weights(self) -> Path:
        return self.path / "weights.npz"

    @property
    def history_path(self) -> Path:
        return self.path / "history.csv"

    @property
    def previews(self) -> Path:
        return self.path / "previews"

    def logs(self, part: str) -> Path:
        """The TensorBoard log folder of ``part``: 'train' (losses and speed), 'previews' (images and audio) or
        'evaluate' (the measures of each evaluation)."""
        return self.path / "logs" / part

    def preview_steps(self) -> list[int]:
        """The steps that have a preview image, in order."""
        return [int(path.stem.split("_")[1]) for path in self.preview_images()]

    def copy_to(self, path) -> RunFolder:
        """This run as it is now (settings, codec, timbres, checkpoint or weights, history) copied into the folder
        ``path``, which is returned as a :class:`RunFolder`; nothing is copied from a folder that holds no run yet."""
        copy = RunFolder(path)
        if self.exists():
            copy.path.mkdir(parents=True, exist_ok=True)
            kept = (self.codec_path, self.timbre_path, self.checkpoint, self.weights, self.history_path, self.meta_path)
            for source in kept:
                if source.is_file():
                    shutil.copy2(source, copy.path / source.name)
        return copy

    @property
    def lock_path(self) -> Path:
        return self.path / ".lock"

    def exists(self) -> bool:
        """Whether the folder holds a run (its ``run.json``)."""
        return self.meta_path.is_file()

    def read_meta(self) -> dict:
        """``run.json``, with the data record under the names used today (``data_id``, ``train``, ``synthetic``)."""
        if not self.exists():
            raise RunError(f"{self.path} is not a run folder (no run.json); train one with `python -m drumgan train`")
        try:
            meta = json.loads(self.meta_path.read_text())
            data = meta["data"]
            if "fingerprint" in data:  # run folders made before the key was renamed
                data["data_id"] = data.pop("fingerprint")
            if not (isinstance(meta["settings"], dict) and isinstance(meta["feature_config"], dict)):
                raise ValueError("its settings or feature_config is not an object")
            data["data_id"]  # noqa: B018  (a KeyError names what is missing)
        except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
            reason = f"no {error}" if isinstance(error, KeyError) else str(error).splitlines()[0]
            raise RunError(f"{self.meta_path} cannot be read as a run's settings ({reason})") from None
        return meta

    def write_meta(self, meta: dict) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        write_text_atomically(self.meta_path, json.dumps(meta, indent=2))

    def read_history(self) -> list[dict]:
        """Rows of ``history.csv`` with numbers as numbers (empty if there is none yet)."""
        if not self.history_path.exists():
            return []
        with open(self.history_path, newline="") as f:
            return [{k: (int(v) if k == "step" else float(v)) for k, v in row.items()} for row in csv.DictReader(f)]

    def write_history(self, rows: list[dict]) -> None:
        columns = list(dict.fromkeys(k for row in rows for k in row))
        out = io.StringIO()
        writer = csv.DictWriter(out, columns)
        writer.writeheader()
        writer.writerows(rows)
        write_text_atomically(self.history_path, out.getvalue())

    def checkpoint_step(self) -> int | None:
        """The step the checkpoint holds, or None if there is none (DamagedFile if it cannot be read)."""
        if not self.checkpoint.exists():
            return None
        return int(read_npz(self.checkpoint, "checkpoint")["step"])

    def preview_path(self, step: int, suffix: str) -> Path:
        """Where the preview of ``step`` goes (``.png`` or ``.wav``); creates ``previews/``."""
        self.previews.mkdir(parents=True, exist_ok=True)
        return self.previews / f"step_{step:06d}{suffix}"

    def preview_images(self) -> list[Path]:
        """The preview PNGs, oldest first."""
        return sorted(self.previews.glob("step_*.png"))

    @contextlib.contextmanager
    def lock(self):
        """Hold the folder's exclusive lock while training; another process asking for it is refused in one line.

        The lock (``flock`` on ``.lock``) is released when the block ends or the process dies, however it dies.
        A folder it created for a run that was then refused is removed again.
        """
        created = not self.path.exists()
        try:
            writable_folder(self.path, "the run folder")
        except OutputError as error:
            raise RunError(str(error)) from None
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
                raise RunError(
                    f"{self.path} is being trained by {holder}; wait for it to end, or train into another --out folder"
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"process {os.getpid()} on {socket.gethostname()}\n".encode(), 0)
            try:
                yield self
            finally:
                if created and not self.exists():  # refused before a run was made: leave nothing behind
                    self.lock_path.unlink(missing_ok=True)
                    with contextlib.suppress(OSError):
                        self.path.rmdir()
        finally:
            os.close(fd)  # closing the descriptor releases the lock
