"""Build a drum dataset from a source once, cache it as shards, and load it at once after.

The clips' arrays (waves and log-mels) are written shard by shard while the files are decoded and are read
back a few rows at a time (:mod:`drumgan.data.shards`), so a dataset larger than memory can be prepared,
trained on and evaluated: what a process holds is the rows it asks for, besides the small per-sample arrays.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import os
import signal
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, fields
from functools import partial
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from .. import paths
from ..config import CLASSES, FeatureConfig
from ..errors import SourceError
from ..features.codec import Normalizer
from ..features.spectral import log_mel
from .cache import DatasetCache
from .labels import is_placeholder
from .shards import SHARD_ROWS, MemoryRows, ShardWriter, chunks
from .sources import HYDROGEN_DRUMKITS, Discovery, Skipped, discover_all

DATA_VERSION = 2  # bump when what a build produces changes for the same files and config: it names the data
TEST_FRACTION = 0.2
DECODE_BLOCK = 64  # files per decoding process handed out at a time: the decoded clips waiting stay bounded
ANALYSIS_BLOCK = 64  # clips analysed (log-mel) at a time: the STFT of a block is 4 times the block's waves

PER_SAMPLE = {"per_sample": True}  # marks the fields with one row per loaded file (each cached under its name)
CLIPS = {"per_sample": True, "clips": True}  # ... and those that are the clips' arrays, stored as shards


class SyntheticDataWarning(UserWarning):
    """No real drum samples were found, so the synthetic kit is used."""


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
            **{name: getattr(self, name) for name in _per_sample_fields(clips=False)},
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
            **{name: arrays[name] for name in _per_sample_fields(clips=False)},
            **{name: clips[name] for name in expected},
            normalizer=Normalizer(arrays["norm_mean"], arrays["norm_std"], config.norm_std_scale),
            skipped=[Skipped(str(p), str(r)) for p, r in zip(arrays["skipped_paths"], arrays["skipped_reasons"])],
            found=int(arrays["found"]),
            **state,
        )


def _per_sample_fields(clips: bool) -> list[str]:
    """The fields of one row per clip: the clips' arrays (``clips``) or the others."""
    return [
        f.name for f in fields(DrumDataset) if f.metadata.get("per_sample") and f.metadata.get("clips", False) == clips
    ]


def resolve_sources(sources=None, cache: Path | None = None) -> tuple[list[Path], bool]:
    """The sources to read, and whether they are the synthetic fallback.

    Explicit ``sources`` first, then ``$DRUMGAN_DATA``, then the Hydrogen kits; where none
    exists, a synthetic kit is written under the cache and a :class:`SyntheticDataWarning` given.
    """
    chosen = [Path(s) for s in sources] if sources else paths.configured_sources()
    if chosen:
        return chosen, False
    if paths.hydrogen_available():
        return [HYDROGEN_DRUMKITS], False
    from .synthetic import make_synthetic_kit

    root = (cache or paths.cache_dir()) / "synthetic"
    if not (root / "synthetic_kit_0").is_dir():
        try:
            make_synthetic_kit(root, n_kits=8, per_class=4, seed=0)
        except OSError as error:
            raise SourceError(
                f"No real drum samples were found, and the synthetic kit cannot be written in {root} "
                f"({error.strerror}): pass --source, or set DRUMGAN_CACHE to a folder that can be written"
            ) from None
    warnings.warn(
        f"No real drum samples found (no --source, no DRUMGAN_DATA, nothing in {HYDROGEN_DRUMKITS}): "
        f"using the SYNTHETIC kit in {root}. Run `make data` for the real Hydrogen kits.",
        SyntheticDataWarning,
        stacklevel=2,
    )
    return [root], True


def fingerprint(
    discovery: Discovery, config: FeatureConfig, test_fraction: float, identity, version: int = DATA_VERSION
) -> str:
    """A hash of the config and of every file's path, ``identity(path)``, label and kit, and of the files skipped.

    The identity is the file's content digest; cache version 1 used ``"size|mtime_ns"`` (:func:`former_identity`),
    which runs made then recorded.
    """
    h = hashlib.sha1(f"{version}|{config.to_json()}|{test_fraction}".encode())
    for s in discovery.samples:
        h.update(f"\n{s.path}|{identity(s.path)}|{s.label}|{s.kit}|{s.instrument}".encode())
    for s in discovery.skipped:
        h.update(f"\nskip|{s.path}|{s.reason}".encode())
    return h.hexdigest()[:20]


def former_identity(path: str) -> str:
    """A file's identity in cache version 1: its size and modification time."""
    stat = os.stat(path)
    return f"{stat.st_size}|{stat.st_mtime_ns}"


def source_key(sources: list[Path], config: FeatureConfig, test_fraction: float) -> str:
    """What identifies a source whatever its files hold: its folders, the config and the split."""
    folders = "|".join(sorted(os.path.realpath(s) for s in sources))
    return hashlib.sha1(f"{DATA_VERSION}|{folders}|{config.to_json()}|{test_fraction}".encode()).hexdigest()[:20]


def split_by_kit(
    kits: np.ndarray, labels: np.ndarray, paths_: np.ndarray, test_fraction: float = TEST_FRACTION
) -> np.ndarray:
    """Hold out whole kits: about ``test_fraction`` of the samples, covering as many classes as can be.

    Kits are taken in a fixed order (by a hash of their names); each pick is the kit that adds the
    most classes not yet held out, without passing 1.5x the target size (or the smallest kit's
    size, so that one kit is always held out). With a single kit the
    split falls back to whole files, chosen by a hash of their paths.
    """

    def stable(text: str) -> str:
        return hashlib.sha1(text.encode()).hexdigest()

    names = sorted(set(kits.tolist()), key=stable)
    target = test_fraction * len(kits)
    if len(names) < 2:
        return np.array([int(stable(p), 16) % 1000 < test_fraction * 1000 for p in paths_], dtype=bool)
    size = {k: int((kits == k).sum()) for k in names}
    classes = {k: set(labels[kits == k].tolist()) for k in names}
    limit = max(1.5 * target, min(size.values()))
    test, covered, held = [], set(), 0
    while held < target:
        room = [k for k in names if k not in test and held + size[k] <= limit and len(test) + 1 < len(names)]
        if not room:
            break
        best = max(room, key=lambda k: len(classes[k] - covered))  # ties: the first in hash order
        test.append(best)
        covered |= classes[best]
        held += size[best]
    return np.isin(kits, test)


def _load_one(path: str, config: FeatureConfig):
    """(wave, None, (rate, channels, seconds)) for a usable file, else (None, reason, None)."""
    from .audio import SampleError, decode, to_fixed_length

    try:
        data, rate, frames = decode(path)
        wave = to_fixed_length(data, rate, config)
    except SampleError as error:
        return None, str(error), None
    except Exception as error:  # anything else a broken file provokes still gets a reason
        return None, f"could not be decoded ({type(error).__name__}: {error})", None
    return wave, None, (rate, data.shape[1], frames / rate)


def decode_files(paths_, config: FeatureConfig, workers: int | None = None, progress: bool = False) -> np.ndarray:
    """The clips of the files ``paths_`` decoded afresh at ``config`` (a dataset's files at another rate, say):
    ``(n, config.n_samples)`` float32.

    Raises:
        SourceError: a file can no longer be decoded (it names the file and why).
    """
    files = [str(p) for p in paths_]
    workers = workers or os.cpu_count() or 1
    waves = np.empty((len(files), config.n_samples), np.float32)
    for i, (wave, reason, _) in enumerate(_decoded(files, config, workers if len(files) >= 32 else 1, progress)):
        if wave is None:
            raise SourceError(f"{files[i]} {reason}; prepare the dataset again")
        waves[i] = wave
    return waves


def _decoded(files: list[str], config: FeatureConfig, workers: int, progress: bool):
    """``_load_one`` of each file in turn, decoded by ``workers`` processes (this one where 1) a bounded block
    at a time."""
    from tqdm.auto import tqdm

    load = partial(_load_one, config=config)
    block = workers * DECODE_BLOCK
    with contextlib.ExitStack() as stack:
        bar = stack.enter_context(tqdm(total=len(files), desc="decoding samples", unit="file", disable=not progress))
        mapped = map
        if workers > 1:
            ignore_ctrl_c = (signal.SIGINT, signal.SIG_IGN)  # the main process stops them, in one line, not each
            pool = ProcessPoolExecutor(workers, get_context("spawn"), initializer=signal.signal, initargs=ignore_ctrl_c)
            stack.enter_context(pool)
            mapped = partial(pool.map, chunksize=8)
        for start in range(0, len(files), block):
            for result in mapped(load, files[start : start + block]):
                bar.update()
                yield result


def _build(
    discovery: Discovery, config: FeatureConfig, workers: int, progress: bool, test_fraction: float, folder
) -> DrumDataset:
    """Decode every sample, writing the clips as shards in ``folder`` (or keeping them in memory where None)."""
    if folder is None:
        waves, log_mels = MemoryRows((config.n_samples,)), MemoryRows((config.n_mels, config.n_frames))
    else:
        waves = ShardWriter(folder, "waves", (config.n_samples,))
        log_mels = ShardWriter(folder, "log_mels", (config.n_mels, config.n_frames))
    kept, skipped, block = [], list(discovery.skipped), []
    workers = workers if len(discovery.samples) >= 32 else 1  # a few files decode sooner than processes start
    began = time.perf_counter()

    def flush():
        waves.append(np.stack(block))
        log_mels.append(log_mel(np.stack(block), config))
        block.clear()

    decoded = _decoded([s.path for s in discovery.samples], config, workers, progress)
    for sample, (wave, reason, source) in zip(discovery.samples, decoded):
        if wave is None:
            skipped.append(Skipped(sample.path, reason))
            continue
        kept.append((sample, source))
        block.append(wave)
        if len(block) == ANALYSIS_BLOCK:
            flush()
    if block:
        flush()
    decoding = time.perf_counter() - began
    if not kept:
        raise SourceError(
            f"None of the {discovery.found} files found could be loaded as drum samples "
            f"(first reason: {skipped[0].reason}): point --source at a folder of audio files."
        )
    labels = np.array([CLASSES.index(s.label) for s, _ in kept])
    kits = np.array([s.kit for s, _ in kept])
    files = np.array([s.path for s, _ in kept])
    is_test = split_by_kit(kits, labels, files, test_fraction)
    log_mels = log_mels.close()
    fitted_on = np.flatnonzero(~is_test) if (~is_test).any() else None
    return DrumDataset(
        config=config,
        waves=waves.close(),
        log_mels=log_mels,
        labels=labels,
        kits=kits,
        instruments=np.array([s.instrument for s, _ in kept]),
        paths=files,
        source_rates=np.array([r[0] for _, r in kept]),
        source_channels=np.array([r[1] for _, r in kept]),
        source_seconds=np.array([r[2] for _, r in kept]),
        is_test=is_test,
        normalizer=Normalizer.fit(chunks(log_mels, fitted_on), config.norm_std_scale),
        skipped=skipped,
        found=discovery.found,
        files_per_second=round(len(discovery.samples) / decoding, 1) if decoding > 0 else None,
        workers=workers,
    )


def prepare(
    sources=None,
    config: FeatureConfig = FeatureConfig(),
    cache: str | os.PathLike | None = None,
    workers: int | None = None,
    progress: bool = True,
    test_fraction: float = TEST_FRACTION,
) -> DrumDataset:
    """Load a dataset: from the cache where the files and config are unchanged, else built anew.

    Args:
        sources: folders (Hydrogen kits, folders of kits, or plain folders of audio); default
            ``$DRUMGAN_DATA``, then the Hydrogen kits, then the synthetic kit (with a warning).
        config: feature settings; part of the cache key.
        cache: cache folder; default ``$DRUMGAN_CACHE`` or ``data/cache``.
        workers: decoding processes; default every core.
        progress: show a progress bar while decoding.

    Raises:
        SourceError: a source is missing, empty, or holds no usable audio.
    """
    start = time.perf_counter()
    store = DatasetCache(Path(cache) if cache else paths.cache_dir())
    chosen, synthetic = resolve_sources(sources, store.folder)
    discovery = discover_all(chosen)
    digests = store.digests([s.path for s in discovery.samples])
    cache_path = store.folder / f"dataset-{fingerprint(discovery, config, test_fraction, digests.__getitem__)}"
    former = f"dataset-{fingerprint(discovery, config, test_fraction, former_identity, version=1)}"
    where = dict(synthetic=synthetic, cache_path=cache_path, former_data_id=former)
    dataset = _load(store, cache_path, where, from_cache=True)
    if dataset is None:
        with store.staging() as folder:
            built = _build(discovery, config, workers or os.cpu_count() or 1, progress, test_fraction, folder)
            if folder is None:  # the cache cannot be written: the dataset stays in memory
                dataset = dataclasses.replace(built, **where, from_cache=False)
            else:
                clips = {name: getattr(built, name) for name in _per_sample_fields(clips=True)}
                store.save(folder, cache_path, built.to_arrays(), clips, source_key(chosen, config, test_fraction))
                decoding = dict(files_per_second=built.files_per_second, workers=built.workers)
                dataset = _load(store, cache_path, {**where, **decoding}, from_cache=False)
    dataset.seconds = time.perf_counter() - start
    assert dataset.found == len(dataset) + len(dataset.skipped), "every file found is loaded or skipped"
    return dataset


def _load(store: DatasetCache, path: Path, state: dict, from_cache: bool) -> DrumDataset | None:
    """The dataset stored at ``path``; None where there is none or it cannot be read (then it is removed)."""
    stored = store.load(path)
    if stored is None:
        return None
    try:
        return DrumDataset.from_arrays(*stored, **state, from_cache=from_cache)
    except (KeyError, ValueError, TypeError) as error:
        store.discard(path, f"{path} is not a dataset of this version ({type(error).__name__}: {error})")
        return None
