"""A prepared drum dataset: the clips, their log-mels, labels, kits and the train/test split.

The clips' arrays are shards read a few rows at a time where the dataset is cached
(:mod:`drumgan.data.shards`); :mod:`drumgan.data.preparation` builds and caches it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import numpy as np

from ..atomic import write_atomically
from ..config import CLASSES, FeatureConfig
from ..features.codec import Normalizer
from ..features.timbre import CONTROLS, Percentiles, measure
from .labels import is_placeholder
from .shards import SHARD_ROWS, chunks
from .sources import Skipped

TIMBRE_VERSION = 2  # bump when what features.timbre.measure gives changes
DATA_VERSION = 2  # bump when what a build produces changes for the same files and config: it names the data

PER_SAMPLE = {"per_sample": True}  # marks the fields with one row per loaded file (each cached under its name)
CLIPS = {"per_sample": True, "clips": True}  # ... and those that are the clips' arrays, stored as shards


@dataclass
class DrumDataset:
    """Fixed-length drum samples with their log-mels, labels, kits and the train/test split.

    Row ``i`` of every array describes one loaded file. ``is_test`` marks the held-out kits.
    """

    config: FeatureConfig
    waves: np.ndarray = field(metadata=CLIPS)  # (n, n_samples) float32, peak 1; a ShardedArray when cached
    log_mels: np.ndarray = field(metadata=CLIPS)  # (n, n_mels, n_frames) float32, dB; likewise
    labels: np.ndarray = field(metadata=PER_SAMPLE)  # (n,) int index into CLASSES
    kits: np.ndarray = field(metadata=PER_SAMPLE)  # (n,) str
    instruments: np.ndarray = field(
        metadata=PER_SAMPLE
    )  # (n,) str, the Hydrogen instrument name ('' for plain folders)
    paths: np.ndarray = field(metadata=PER_SAMPLE)  # (n,) str
    source_rates: np.ndarray = field(metadata=PER_SAMPLE)  # (n,) int, the file's own sample rate
    source_channels: np.ndarray = field(metadata=PER_SAMPLE)  # (n,) int
    source_seconds: np.ndarray = field(metadata=PER_SAMPLE)  # (n,) float, the file's own duration
    is_test: np.ndarray = field(metadata=PER_SAMPLE)  # (n,) bool
    normalizer: Normalizer  # fitted on the training split's log-mels
    skipped: list[Skipped]
    found: int
    synthetic: bool = False
    cache_path: Path | None = None
    from_cache: bool = False
    seconds: float = 0.0
    class_names: tuple[str, ...] = field(default=CLASSES)
    former_data_id: str | None = None  # what cache version 1 called the same data (path, size, mtime)
    files_per_second: float | None = None  # the decoding rate, where the dataset was built
    workers: int = 1  # decoding processes, likewise

    def __len__(self) -> int:
        return len(self.labels)

    @property
    def data_id(self) -> str:
        """The cache file's name without suffix (``dataset-<fingerprint>``): the data that runs and results record."""
        return Path(self.cache_path).stem

    def is_data(self, data_id: str) -> bool:
        """Whether ``data_id`` (recorded by a run) names this dataset, under today's name or its former one."""
        return data_id in (self.data_id, self.former_data_id)

    @property
    def train_index(self) -> np.ndarray:
        return np.flatnonzero(~self.is_test)

    @property
    def test_index(self) -> np.ndarray:
        return np.flatnonzero(self.is_test)

    @property
    def unnamed(self) -> np.ndarray:
        """(n,) bool: clips of class 'other' from a Hydrogen kit whose drumkit.xml gives them no name (a placeholder
        such as 'f#4 - ' or 'Sample: FILE', or no entry at all), so that 'other' is a default, not what they are.
        A Hydrogen kit is one with an instrument name; plain folders have none and are left as they are."""
        names = np.array([str(name) for name in self.instruments])
        hydrogen = np.isin(self.kits, np.unique(self.kits[names != ""]))
        placeholder = np.array([name == "" or is_placeholder(name) for name in names], dtype=bool)
        return (self.labels == self.class_names.index("other")) & hydrogen & placeholder

    def train_rows(self, leave_out_unnamed: bool = False) -> np.ndarray:
        """The training split's rows, without the :attr:`unnamed` clips where asked (a conditional run's)."""
        return np.flatnonzero(~self.is_test & ~(self.unnamed if leave_out_unnamed else False))

    def spread_held_out(self, n: int) -> np.ndarray:
        """Indices of up to ``n`` held-out clips spread evenly over the held-out kits (over the training clips
        where no kit is held out): the real drums a benchmark or a demo puts beside the generated ones."""
        clips = self.test_index if len(self.test_index) else self.train_index
        return clips[np.linspace(0, len(clips) - 1, min(n, len(clips))).astype(int)]

    @property
    def test_kits(self) -> list[str]:
        return sorted(str(k) for k in set(self.kits[self.is_test].tolist()))

    def normalized(self, index=None) -> np.ndarray:
        """Log-mels normalised to [-1, 1] (SpecGAN per-bin statistics of the training split)."""
        chosen = self.log_mels[:] if index is None else self.log_mels[index]
        return self.normalizer.transform(chosen)

    def log_mel_chunks(self, index=None, size: int = SHARD_ROWS):
        """The log-mels of ``index`` (default every clip), ``size`` clips at a time: a pass with bounded memory."""
        return chunks(self.log_mels, index, size)

    def timbre(self) -> np.ndarray:
        """Each clip's raw timbre descriptors ``(n, len(CONTROLS))`` (:func:`drumgan.features.timbre.measure`),
        measured once and kept beside the cached dataset (``dataset-<id>-timbre-v<TIMBRE_VERSION>.npy``)."""
        path = Path(f"{self.cache_path}-timbre-v{TIMBRE_VERSION}.npy") if self.cache_path else None
        if path is not None and path.is_file():
            try:
                values = np.load(path, allow_pickle=False)
                if values.shape == (len(self), len(CONTROLS)):
                    return values
            except (OSError, ValueError):
                pass  # damaged: measured again below
        values = np.concatenate([measure(chunk, self.config.sample_rate) for chunk in chunks(self.waves)])
        if path is not None:
            try:
                write_atomically(path, lambda f: np.save(f, values))
            except OSError:
                pass  # a cache that cannot be written is measured again next time
        return values

    def timbre_scale(self) -> Percentiles:
        """Where timbre descriptors fall among the training clips' (``features.timbre.Percentiles``)."""
        return Percentiles(self.timbre()[self.train_index])

    def timbre_percentiles(self) -> np.ndarray:
        """Each clip's timbre as percentiles in [0, 1] of the training clips' (:meth:`timbre_scale`)."""
        return self.timbre_scale().of(self.timbre())

    def class_counts(self, index=None) -> dict[str, int]:
        labels = self.labels if index is None else self.labels[index]
        counts = np.bincount(labels, minlength=len(self.class_names))
        return {name: int(c) for name, c in zip(self.class_names, counts)}

    def kit_counts(self) -> dict[str, int]:
        names, counts = np.unique(self.kits, return_counts=True)
        return {str(n): int(c) for n, c in zip(names, counts)}

    def kit_table(self) -> list[dict]:
        """One row per kit: its samples per class, total and split ('test' for held-out kits)."""
        rows = []
        for kit in sorted(set(self.kits.tolist()), key=str.lower):
            index = np.flatnonzero(self.kits == kit)
            held_out = self.is_test[index]
            split = "test" if held_out.all() else "train" if not held_out.any() else "mixed"
            rows.append({"kit": kit, **self.class_counts(index), "total": len(index), "split": split})
        return rows

    def examples_per_class(self, n: int = 1, index=None, seed: int = 0) -> np.ndarray:
        """Up to ``n`` indices of each class (in class order), drawn with a fixed seed from ``index``."""
        rng = np.random.default_rng(seed)
        pool = np.arange(len(self)) if index is None else np.asarray(index)
        chosen = []
        for label in range(len(self.class_names)):
            members = pool[self.labels[pool] == label]
            chosen.extend(rng.choice(members, size=min(n, len(members)), replace=False).tolist())
        return np.array(chosen, dtype=int)

    def training_examples(self, n: int, seed: int = 0) -> np.ndarray:
        """Indices of up to ``n`` training samples, two per class in class order: the real rows the notebooks show."""
        return self.examples_per_class(2, index=self.train_index, seed=seed)[:n]

    def describe(self, i: int) -> str:
        """'kick · GMRockKit' for sample ``i``."""
        return f"{self.class_names[self.labels[i]]} · {self.kits[i]}"

    def summary(self) -> dict:
        """The counts that ``python -m drumgan prepare --json`` prints."""
        return {
            "found": self.found,
            "loaded": len(self),
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "classes": self.class_counts(),
            "kits": self.kit_counts(),
            "split": {"train": int((~self.is_test).sum()), "test": int(self.is_test.sum())},
            "test_kits": self.test_kits,
            "synthetic": self.synthetic,
            "from_cache": self.from_cache,
            "seconds": round(self.seconds, 3),
            "files_per_second": self.files_per_second,
            "workers": self.workers,
            "cache": str(self.cache_path),
            "sample_rate": self.config.sample_rate,
            "clip_samples": self.config.n_samples,
        }

    def to_arrays(self) -> dict[str, np.ndarray]:
        """What ``samples.npz`` holds: the per-sample fields but the clips under their own names, and the rest as
        plain arrays."""
        return {
            **{name: getattr(self, name) for name in per_sample_fields(clips=False)},
            "norm_mean": self.normalizer.mean,
            "norm_std": self.normalizer.std,
            "skipped_paths": np.array([s.path for s in self.skipped], dtype=str),
            "skipped_reasons": np.array([s.reason for s in self.skipped], dtype=str),
            "found": np.array(self.found),
            "config": np.array(self.config.to_json()),
            "version": np.array(DATA_VERSION),
        }

    @classmethod
    def from_arrays(cls, arrays, clips, **state) -> DrumDataset:
        """Invert :meth:`to_arrays`, with the clips' arrays ``clips`` (by field name); ``state`` sets the fields not
        cached (``synthetic``, ``cache_path``, ...)."""
        config = FeatureConfig.from_json(str(arrays["config"]))
        expected = {"waves": (config.n_samples,), "log_mels": (config.n_mels, config.n_frames)}
        for name, shape in expected.items():
            if clips[name].shape[1:] != shape or len(clips[name]) != len(arrays["labels"]):
                raise ValueError(f"{name} are {clips[name].shape}, not {len(arrays['labels'])} of {shape}")
        return cls(
            config=config,
            **{name: arrays[name] for name in per_sample_fields(clips=False)},
            **{name: clips[name] for name in expected},
            normalizer=Normalizer(arrays["norm_mean"], arrays["norm_std"], config.norm_std_scale),
            skipped=[Skipped(str(p), str(r)) for p, r in zip(arrays["skipped_paths"], arrays["skipped_reasons"])],
            found=int(arrays["found"]),
            **state,
        )


def per_sample_fields(clips: bool) -> list[str]:
    """The fields of one row per clip: the clips' arrays (``clips``) or the others."""
    return [
        f.name for f in fields(DrumDataset) if f.metadata.get("per_sample") and f.metadata.get("clips", False) == clips
    ]
