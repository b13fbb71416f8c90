"""Timbre descriptors a producer asks for, measured from a clip's audio at its own rate, and their percentiles.

For clips ``x`` at rate ``sr``, with ``P[f, t]`` the power spectrogram (Hann window, :data:`FFT` points, hop
:data:`HOP`) and ``E[t] = sum_f P[f, t]`` each frame's energy:

- ``brightness``: the spectral centroid in Hz, ``sum_t E[t] c[t] / sum_t E[t]`` with
  ``c[t] = sum_f f P[f, t] / E[t]``;
- ``depth``: the share of the clip's energy below :data:`DEPTH_HZ`, ``sum_{f < 150 Hz} P / sum P``;
- ``hardness``: how steeply the attack rises, ``24 dB / r`` in dB per ms, where ``r`` is the time the
  :data:`HARDNESS_FRAME_MS` RMS envelope takes from 30 to 6 dB below its peak (at least one frame);
- ``decay``: Schroeder's decay to :data:`DECAY_DB` below the peak, in s
  (:func:`~drumgan.features.envelope.envelope_times`);
- ``noisiness``: the spectral flatness, ``sum_t E[t] g[t] / a[t] / sum_t E[t]``, with ``g[t]`` and ``a[t]``
  the geometric and arithmetic means of ``P[:, t]`` (0 for a pure tone, 1 for white noise).

Each is expressed as a percentile of the training kits (:class:`Percentiles`): 0.9 means "more than nine in
ten training clips".
"""

from __future__ import annotations

import numpy as np

from ..atomic import write_atomically
from ..errors import DamagedFile
from ..npzfile import read_npz
from .envelope import ONSET_FROM_DB, ONSET_TO_DB, envelope_times, onset_ms

CONTROLS = ("brightness", "depth", "hardness", "decay", "noisiness")
FFT, HOP = 2048, 512
DEPTH_HZ = 150.0
HARDNESS_FRAME_MS = 0.25
DECAY_DB = 40.0


def _power(waves: np.ndarray) -> np.ndarray:
    """Power spectrograms ``(n, 1 + FFT // 2, frames)`` of ``waves`` (Hann window, centred frames)."""
    import librosa

    return np.abs(librosa.stft(np.asarray(waves, np.float32), n_fft=FFT, hop_length=HOP)) ** 2


def measure(waves: np.ndarray, rate: int) -> np.ndarray:
    """The raw descriptors ``(n, len(CONTROLS))`` of clips ``waves`` ``(n, samples)`` at ``rate``, in
    :data:`CONTROLS` order (see the module's formulas)."""
    waves = np.asarray(waves, np.float32)
    power = _power(waves)
    freqs = np.fft.rfftfreq(FFT, 1 / rate)
    energy = power.sum(axis=1)  # (n, frames)
    weight = energy / np.maximum(energy.sum(axis=1, keepdims=True), 1e-30)
    centroid = (freqs[:, None] * power).sum(axis=1) / np.maximum(energy, 1e-30)
    flatness = np.exp(np.mean(np.log(power + 1e-12), axis=1)) / (np.mean(power, axis=1) + 1e-12)
    depth = power[:, freqs < DEPTH_HZ].sum(axis=(1, 2)) / np.maximum(power.sum(axis=(1, 2)), 1e-30)
    hardness = hardness_of(waves, rate)
    decay = envelope_times(waves, rate, drop_db=DECAY_DB)[1]
    noisiness = (flatness * weight).sum(axis=1)
    return np.column_stack([(centroid * weight).sum(axis=1), depth, hardness, decay, noisiness])


def hardness_of(waves: np.ndarray, rate: int) -> np.ndarray:
    """The ``hardness`` of clips ``waves`` ``(n, samples)`` at ``rate``, in dB per ms (see the module's formula)."""
    rise = np.maximum(onset_ms(waves, rate, HARDNESS_FRAME_MS), HARDNESS_FRAME_MS)  # at least one frame
    return (ONSET_TO_DB - ONSET_FROM_DB) / rise


class Percentiles:
    """Where descriptor values fall among the training kits': 0 below every training clip, 1 above every one."""

    def __init__(self, reference: np.ndarray):
        """``reference``: the training clips' raw descriptors ``(n, len(CONTROLS))``."""
        self.sorted = np.sort(np.asarray(reference, np.float64), axis=0)

    def of(self, values: np.ndarray) -> np.ndarray:
        """The percentile in [0, 1] of each of ``values`` ``(n, len(CONTROLS))`` (ties count half)."""
        values = np.asarray(values, np.float64)
        columns = []
        for k in range(self.sorted.shape[1]):
            below = np.searchsorted(self.sorted[:, k], values[:, k], side="left")
            not_above = np.searchsorted(self.sorted[:, k], values[:, k], side="right")
            columns.append((below + not_above) / (2 * len(self.sorted)))
        return np.column_stack(columns)

    def median(self) -> np.ndarray:
        """The training kits' median of each descriptor, in its own unit."""
        return np.median(self.sorted, axis=0)


class TimbreBank:
    """The timbre of the clips a run trained on, kept in the run (``timbre.npz``), so that a shipped run needs no
    dataset: their raw descriptors (the reference of its percentiles) and their class indices, row by row."""

    def __init__(self, raw: np.ndarray, labels: np.ndarray):
        self.raw, self.labels = np.asarray(raw, np.float64), np.asarray(labels, np.int64)
        self.scale = Percentiles(self.raw)
        self.percentiles = self.scale.of(self.raw).astype(np.float32)  # what training asks the generator for

    def median(self, label: int | None = None) -> np.ndarray:
        """The median percentile of each control among the clips (of class index ``label``, where given and held)."""
        rows = self.labels == label if label is not None and np.any(self.labels == label) else slice(None)
        return np.median(self.percentiles[rows], axis=0).astype(np.float32)

    def draw(self, n: int, rng: np.random.Generator, labels=None) -> np.ndarray:
        """``n`` training clips' rows drawn with ``rng`` (for their :attr:`percentiles` and :attr:`labels`): the
        ``i``-th among the clips of ``labels[i]`` where ``labels`` is given (any clip where none of that class is
        held)."""
        if labels is None:
            return rng.integers(len(self.raw), size=n)
        rows = []
        for label in labels:
            among = np.flatnonzero(self.labels == label)
            rows.append(rng.choice(among) if len(among) else rng.integers(len(self.raw)))
        return np.asarray(rows, np.int64)

    def save(self, path) -> None:
        write_atomically(path, lambda f: np.savez(f, raw=self.raw, labels=self.labels))

    @classmethod
    def load(cls, path, n_classes: int | None = None) -> TimbreBank:
        """The bank saved in ``path``, its arrays checked first (their labels below ``n_classes``, where given).

        Raises:
            DamagedFile: the file cannot be read, or its arrays are not a bank's; the message names the file and
                what is wrong.
        """
        hint = "The run folder is incomplete: train into a new --out folder"
        arrays = read_npz(path, "run's timbre file", hint)
        problem = _bank_problem(arrays, n_classes)
        if problem:
            raise DamagedFile(f"{path} is not a run's timbre file: {problem}. {hint}")
        return cls(arrays["raw"], arrays["labels"])


def _bank_problem(arrays: dict[str, np.ndarray], n_classes: int | None) -> str | None:
    """What keeps ``arrays`` from being a :class:`TimbreBank`'s, or None."""
    missing = [name for name in ("raw", "labels") if name not in arrays]
    if missing:
        return f"it holds no {' or '.join(repr(m) for m in missing)} array (it holds {sorted(arrays) or 'none'})"
    raw, labels = arrays["raw"], arrays["labels"]
    if raw.ndim != 2 or raw.shape[1] != len(CONTROLS) or raw.dtype.kind not in "fiu":
        return f"'raw' is {raw.dtype} {raw.shape}, not numbers of shape (clips, {len(CONTROLS)})"
    if not len(raw):
        return "it holds no clip"
    if not np.isfinite(raw).all():
        return f"'raw' holds {np.count_nonzero(~np.isfinite(raw))} NaN or infinite values"
    if labels.shape != (len(raw),) or labels.dtype.kind not in "iu":
        return f"'labels' is {labels.dtype} {labels.shape}, not {len(raw)} integers (one per row of 'raw')"
    top = n_classes if n_classes is not None else np.iinfo(np.int64).max
    if labels.min() < 0 or labels.max() >= top:
        return f"'labels' runs from {labels.min()} to {labels.max()}, outside the run's {n_classes} classes"
    return None
