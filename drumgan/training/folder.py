"""The run folder: every file a training run keeps, named here and nowhere else.

``run.json`` (settings, feature config, the data it was trained on), ``codec.npz`` (the normaliser),
``checkpoint.npz`` (weights, optimizer state and step), ``history.csv`` (losses) and ``previews/``
(a mel grid PNG and a WAV from fixed latents every so many steps). Every write is atomic.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np

from ..atomic import write_text_atomically
from ..errors import RunError


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
    def checkpoint(self) -> Path:
        return self.path / "checkpoint.npz"

    @property
    def history_path(self) -> Path:
        return self.path / "history.csv"

    @property
    def previews(self) -> Path:
        return self.path / "previews"

    def exists(self) -> bool:
        """Whether the folder holds a run (its ``run.json``)."""
        return self.meta_path.is_file()

    def read_meta(self) -> dict:
        """``run.json``, with the data record under the names used today (``data_id``, ``train``, ``synthetic``)."""
        if not self.exists():
            raise RunError(f"{self.path} is not a run folder (no run.json); train one with `python -m drumgan train`")
        meta = json.loads(self.meta_path.read_text())
        data = meta["data"]
        if "fingerprint" in data:  # run folders made before the key was renamed
            data["data_id"] = data.pop("fingerprint")
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
        """The step the checkpoint holds, or None if there is none."""
        if not self.checkpoint.exists():
            return None
        with np.load(self.checkpoint, allow_pickle=False) as z:
            return int(z["step"])

    def preview_path(self, step: int, suffix: str) -> Path:
        """Where the preview of ``step`` goes (``.png`` or ``.wav``); creates ``previews/``."""
        self.previews.mkdir(parents=True, exist_ok=True)
        return self.previews / f"step_{step:06d}{suffix}"

    def preview_images(self) -> list[Path]:
        """The preview PNGs, oldest first."""
        return sorted(self.previews.glob("step_*.png"))
