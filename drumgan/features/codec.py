"""Log-mel spectrograms <-> the normalised tensors a model trains on and emits.

A codec fixes the feature (the log-mel itself, or its MFCCs), the per-bin SpecGAN :class:`Normalizer`
fitted on the training split, and the layout: ``image`` (batch, bins, frames, 1) for the conv GAN,
``sequence`` (batch, frames, bins) for the LSTMs. ``decode`` undoes all three, so every model's
output can be turned back into a log-mel and listened to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import write_atomically
from ..config import FEATURES, LAYOUTS, FeatureConfig
from ..errors import DamagedFile
from ..npzfile import read_npz
from .inverse import mfcc_to_log_mel
from .spectral import mfcc


@dataclass(frozen=True)
class Normalizer:
    """SpecGAN normalisation: per-bin ``(x - mean) / (scale * std)``, clipped to [-1, 1].

    ``mean`` and ``std`` have one value per feature bin (mel bin or MFCC coefficient), fitted
    over every frame of the training split.
    """

    mean: np.ndarray
    std: np.ndarray
    scale: float = 3.0

    @classmethod
    def fit(cls, features, scale: float = 3.0) -> Normalizer:
        """Fit on ``(n_examples, n_bins, n_frames)`` features, or on an iterable of such chunks in one pass (each
        chunk's mean and squared deviations merged into the running ones, as Chan, Golub and LeVeque do)."""
        count, mean, squares = 0, 0.0, 0.0
        for chunk in [features] if hasattr(features, "shape") else features:  # one array, or chunks of one
            chunk = np.asarray(chunk)
            if chunk.ndim != 3:
                raise ValueError(f"expected (examples, bins, frames) arrays, got shape {chunk.shape}")
            per_bin = np.moveaxis(chunk, 1, 0).reshape(chunk.shape[1], -1).astype(np.float64)
            n = per_bin.shape[1]
            if n == 0:
                continue
            chunk_mean = per_bin.mean(axis=1)
            chunk_squares = ((per_bin - chunk_mean[:, None]) ** 2).sum(axis=1)
            delta, total = chunk_mean - mean, count + n
            mean = chunk_mean if count == 0 else mean + delta * n / total
            squares = chunk_squares if count == 0 else squares + chunk_squares + delta**2 * count * n / total
            count = total
        if count == 0:
            raise ValueError("expected a non-empty (examples, bins, frames) array")
        std = np.maximum(np.sqrt(squares / count), 1e-3)  # a constant bin would divide by zero
        return cls(mean.astype(np.float32), std.astype(np.float32), float(scale))

    def transform(self, features: np.ndarray) -> np.ndarray:
        """Features -> [-1, 1]."""
        z = (features - self.mean[:, None]) / (self.scale * self.std[:, None])
        return np.clip(z, -1.0, 1.0).astype(np.float32)

    def inverse(self, normalized: np.ndarray) -> np.ndarray:
        """[-1, 1] -> features (exact for values the clip did not touch)."""
        return (np.asarray(normalized) * self.scale * self.std[:, None] + self.mean[:, None]).astype(np.float32)


def _features(log_mels: np.ndarray, config: FeatureConfig, feature: str) -> np.ndarray:
    """The log-mels themselves, or their first ``config.n_mfcc`` MFCCs."""
    return log_mels if feature == "mel" else mfcc(log_mels, config.n_mfcc)


@dataclass(frozen=True)
class Codec:
    config: FeatureConfig
    normalizer: Normalizer
    feature: str = "mel"
    layout: str = "image"

    def __post_init__(self):
        if self.feature not in FEATURES:
            raise ValueError(f"feature must be one of {FEATURES}, got {self.feature!r}")
        if self.layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {LAYOUTS}, got {self.layout!r}")

    @classmethod
    def fit(cls, log_mels, config: FeatureConfig, feature: str = "mel", layout: str = "image") -> Codec:
        """Fit the normaliser on training log-mels ``(n, n_mels, n_frames)``, or an iterable of such chunks."""
        chunks = [log_mels] if hasattr(log_mels, "shape") else log_mels
        features = (_features(chunk, config, feature) for chunk in chunks)
        return cls(config, Normalizer.fit(features, config.norm_std_scale), feature, layout)

    @property
    def n_bins(self) -> int:
        """Values per frame: mel bins or MFCC coefficients."""
        return self.config.n_mels if self.feature == "mel" else self.config.n_mfcc

    @property
    def floor(self) -> np.ndarray | None:
        """What silence (the log-mel floor) encodes to in each bin, shaped to broadcast over a batch of model
        tensors; None for MFCCs, which have no floor."""
        if self.feature != "mel":
            return None
        silence = np.full((1, self.config.n_mels, 1), self.config.log_floor_db, np.float32)
        per_bin = self.normalizer.transform(silence)[0, :, 0]
        return per_bin[:, None, None] if self.layout == "image" else per_bin[None, :]

    def encode(self, log_mels: np.ndarray) -> np.ndarray:
        """Log-mels (dB) -> normalised model tensors in [-1, 1]."""
        z = self.normalizer.transform(_features(log_mels, self.config, self.feature))
        return z[..., None] if self.layout == "image" else np.ascontiguousarray(z.transpose(0, 2, 1))

    def decode(self, tensors: np.ndarray) -> np.ndarray:
        """Model tensors -> log-mels (dB), ``(n, n_mels, n_frames)``."""
        tensors = np.asarray(tensors, dtype=np.float32)
        z = tensors[..., 0] if self.layout == "image" else tensors.transpose(0, 2, 1)
        features = self.normalizer.inverse(np.clip(z, -1, 1))
        return features if self.feature == "mel" else mfcc_to_log_mel(features, self.config.n_mels)

    def save(self, path: Path) -> None:
        """Write the normaliser and choices (the feature config is saved by the run)."""
        arrays = dict(mean=self.normalizer.mean, std=self.normalizer.std, scale=self.normalizer.scale)
        write_atomically(path, lambda f: np.savez(f, **arrays, feature=self.feature, layout=self.layout))

    @classmethod
    def load(cls, path: Path, config: FeatureConfig) -> Codec:
        """Read what :meth:`save` wrote (DamagedFile, naming the file, if it cannot be)."""
        hint = "The run folder is incomplete: train into a new --out folder"
        z = read_npz(path, "codec", hint)
        try:
            normalizer = Normalizer(z["mean"], z["std"], float(z["scale"]))
            return cls(config, normalizer, str(z["feature"]), str(z["layout"]))
        except (KeyError, ValueError) as error:
            raise DamagedFile(f"{path} is not a drumgan codec ({error}). {hint}") from None
