"""Log-mel spectrograms <-> the normalised tensors a model trains on and emits.

A codec fixes the feature (the log-mel itself, or its MFCCs), the per-bin SpecGAN normaliser fitted
on the training split, and the layout: ``image`` (batch, bins, frames, 1) for the conv GAN,
``sequence`` (batch, frames, bins) for the LSTMs. ``decode`` undoes all three, so every model's
output can be turned back into a log-mel and listened to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import FeatureConfig
from .features import Normalizer, mfcc, mfcc_to_log_mel

FEATURES = ("mel", "mfcc")
LAYOUTS = ("image", "sequence")


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
    def fit(cls, log_mels: np.ndarray, config: FeatureConfig, feature: str = "mel", layout: str = "image") -> "Codec":
        """Fit the normaliser on training log-mels ``(n, n_mels, n_frames)``."""
        return cls(config, Normalizer.fit(_features(log_mels, config, feature), config.norm_std_scale), feature, layout)

    @property
    def n_bins(self) -> int:
        """Values per frame: mel bins or MFCC coefficients."""
        return self.config.n_mels if self.feature == "mel" else self.config.n_mfcc

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
        with open(path, "wb") as f:
            np.savez(f, mean=self.normalizer.mean, std=self.normalizer.std, scale=self.normalizer.scale,
                     feature=self.feature, layout=self.layout)

    @classmethod
    def load(cls, path: Path, config: FeatureConfig) -> "Codec":
        with np.load(path, allow_pickle=False) as z:
            normalizer = Normalizer(z["mean"], z["std"], float(z["scale"]))
            return cls(config, normalizer, str(z["feature"]), str(z["layout"]))
