"""Preparing a dataset: find a source's files, decode them on every core, analyse them, split by kit, and cache
the result so that the next call loads it at once.

The clips' arrays (waves and log-mels) are written shard by shard while the files are decoded
(:mod:`drumgan.data.shards`), so a dataset larger than memory can be prepared: what a process holds is a block of
clips at a time, besides the small per-sample arrays.
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
from .dataset import DATA_VERSION, DrumDataset, per_sample_fields
from .shards import MemoryRows, ShardWriter, chunks
from .sources import Discovery, Skipped, discover_all

TEST_FRACTION = 0.2
DECODE_BLOCK = 64  # files per decoding process handed out at a time: the decoded clips waiting stay bounded
ANALYSIS_BLOCK = 64  # clips analysed (log-mel) at a time: the STFT of a block is 4 times the block's waves


class SyntheticDataWarning(UserWarning):
    """No real drum samples were found, so the synthetic kit is used."""


def resolve_sources(sources=None, cache: Path | None = None) -> tuple[list[Path], bool]:
    """The sources to read, and whether they are the synthetic fallback.

    Explicit ``sources`` first, then ``$DRUMGAN_DATA``, then the Hydrogen kits; where none
    exists, a synthetic kit is written under the cache and a :class:`SyntheticDataWarning` given.
    """
    chosen = [Path(s) for s in sources] if sources else paths.configured_sources()
    if chosen:
        return chosen, False
    if paths.hydrogen_available():
        return [paths.HYDROGEN_DRUMKITS], False
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
        f"No real drum samples found (no --source, no DRUMGAN_DATA, nothing in {paths.HYDROGEN_DRUMKITS}): "
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
                clips = {name: getattr(built, name) for name in per_sample_fields(clips=True)}
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
