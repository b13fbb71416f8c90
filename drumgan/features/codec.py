"""Spectrograms <-> the normalised tensors a model trains on and emits, and the way from them to audio.

A codec fixes the feature (the log-mel itself, its MFCCs, the log-magnitude STFT, or the log-mel with the attack
channel's rows under it: the fine envelope of :func:`~.attack.folded_envelope`), the normaliser (per bin,
SpecGAN's, fitted on the training split; for the log-STFT and the envelope's rows a fixed map of their range), and
the layout: ``image`` (batch, bins, frames, 1) for the conv GAN, ``sequence`` (batch, frames, bins) for the LSTMs.
Its *spectrum* is the dB spectrogram it encodes and decodes: the log-mel for the mel and MFCC features (with the
envelope's rows under it for ``mel-attack``), the log-STFT for the STFT one. ``to_audio`` and ``to_log_mel`` turn
a spectrum into audio and into the log-mel every display and measure reads, so every model's output can be
listened to and compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import write_atomically
from ..config import FEATURES, LAYOUTS, FeatureConfig
from ..errors import DamagedFile
from ..npzfile import read_npz
from .attack import folded_envelope, folded_rows, with_attack
from .inverse import log_stft_to_audio, log_stft_to_magnitude, mfcc_to_log_mel, to_audio
from .spectral import LOG_STFT_FLOOR_DB, log_mel, log_mel_of_magnitude, log_stft, mfcc


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

    @classmethod
    def of_range(cls, low: float, high: float, n_bins: int, scale: float = 3.0) -> Normalizer:
        """The normaliser that maps ``[low, high]`` to [-1, 1] in every bin (nothing inside the range clipped)."""
        mean = np.full(n_bins, (low + high) / 2, np.float32)
        return cls(mean, np.full(n_bins, (high - low) / (2 * scale), np.float32), float(scale))

    def transform(self, features: np.ndarray) -> np.ndarray:
        """Features -> [-1, 1]."""
        z = (features - self.mean[:, None]) / (self.scale * self.std[:, None])
        return np.clip(z, -1.0, 1.0).astype(np.float32)

    def inverse(self, normalized: np.ndarray) -> np.ndarray:
        """[-1, 1] -> features (exact for values the clip did not touch)."""
        return (np.asarray(normalized) * self.scale * self.std[:, None] + self.mean[:, None]).astype(np.float32)


def _features(spectra: np.ndarray, config: FeatureConfig, feature: str) -> np.ndarray:
    """The spectra themselves, or the first ``config.n_mfcc`` MFCCs of log-mels."""
    return mfcc(spectra, config.n_mfcc) if feature == "mfcc" else spectra


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
    def fit(cls, spectra, config: FeatureConfig, feature: str = "mel", layout: str = "image") -> Codec:
        """Fit the normaliser on the training split's spectra ``(n, bins, frames)`` (:meth:`read`), or an iterable of
        such chunks; the log-STFT's is fixed (its floor to 0 dB, the level of a full-scale sine) and reads none."""
        if feature == "stft":
            return cls(config, Normalizer.of_range(LOG_STFT_FLOOR_DB, 0.0, config.n_stft_bins), feature, layout)
        chunks = [spectra] if hasattr(spectra, "shape") else spectra
        features = (_features(chunk[:, : config.n_mels], config, feature) for chunk in chunks)
        normalizer = Normalizer.fit(features, config.norm_std_scale)
        if feature == "mel-attack":
            envelope = Normalizer.of_range(config.log_floor_db, 0.0, folded_rows(config), config.norm_std_scale)
            normalizer = Normalizer(
                np.concatenate([normalizer.mean, envelope.mean]),
                np.concatenate([normalizer.std, envelope.std]),
                normalizer.scale,
            )
        return cls(config, normalizer, feature, layout)

    @property
    def n_bins(self) -> int:
        """Values per frame: mel bins, MFCC coefficients, STFT bins, or mel bins and the envelope's sub-frames."""
        if self.feature == "mel-attack":
            return self.config.n_mels + folded_rows(self.config)
        return {"mel": self.config.n_mels, "mfcc": self.config.n_mfcc, "stft": self.config.n_stft_bins}[self.feature]

    @property
    def floor(self) -> np.ndarray | None:
        """What silence (the spectrum's floor) encodes to in each bin, shaped to broadcast over a batch of model
        tensors; None for MFCCs, which have no floor."""
        if self.feature == "mfcc":
            return None
        level = LOG_STFT_FLOOR_DB if self.feature == "stft" else self.config.log_floor_db
        silence = np.full((1, self.n_bins, 1), level, np.float32)
        per_bin = self.normalizer.transform(silence)[0, :, 0]
        return per_bin[:, None, None] if self.layout == "image" else per_bin[None, :]

    def analyse(self, waves: np.ndarray) -> np.ndarray:
        """The spectra of ``waves`` ``(n, samples)`` at the codec's config."""
        if self.feature == "stft":
            return log_stft(waves, self.config)
        return self._with_envelope(log_mel(waves, self.config), waves)

    def read(self, dataset, rows) -> np.ndarray:
        """The spectra of a dataset's clips at ``rows``: its cached log-mels (with the envelope of its waves for
        ``mel-attack``), or the log-STFTs of its waves."""
        if self.feature == "stft":
            return self.analyse(dataset.waves[rows])
        waves = dataset.waves[rows] if self.feature == "mel-attack" else None
        return self._with_envelope(dataset.log_mels[rows], waves)

    def _with_envelope(self, log_mels: np.ndarray, waves) -> np.ndarray:
        """``log_mels``, with the fine envelope of ``waves`` in rows under them for ``mel-attack``."""
        if self.feature != "mel-attack":
            return log_mels
        return np.concatenate([log_mels, folded_envelope(waves, self.config)], axis=-2)

    def read_chunks(self, dataset, index, size: int = 512):
        """:meth:`read` of ``index``, ``size`` clips at a time (one pass with bounded memory)."""
        index = np.asarray(index)
        return (self.read(dataset, index[start : start + size]) for start in range(0, len(index), size))

    def encode(self, spectra: np.ndarray) -> np.ndarray:
        """Spectra (dB) -> normalised model tensors in [-1, 1]."""
        z = self.normalizer.transform(_features(spectra, self.config, self.feature))
        return z[..., None] if self.layout == "image" else np.ascontiguousarray(z.transpose(0, 2, 1))

    def decode(self, tensors: np.ndarray) -> np.ndarray:
        """Model tensors -> spectra (dB), ``(n, bins, n_frames)``: log-mels (with the envelope's rows under them for
        ``mel-attack``), or log-STFTs for the STFT feature."""
        tensors = np.asarray(tensors, dtype=np.float32)
        z = tensors[..., 0] if self.layout == "image" else tensors.transpose(0, 2, 1)
        features = self.normalizer.inverse(np.clip(z, -1, 1))
        return mfcc_to_log_mel(features, self.config.n_mels) if self.feature == "mfcc" else features

    def to_audio(self, spectra: np.ndarray, n_iter: int | None = None, seed: int = 0) -> np.ndarray:
        """Peak-normalised audio of decoded spectra (Griffin-Lim with ``seed``; the mel inverse first for log-mels,
        and for ``mel-attack`` the attack channel's rise after)."""
        if self.feature == "stft":
            return log_stft_to_audio(spectra, self.config, n_iter=n_iter, seed=seed)
        audio = to_audio(self.to_log_mel(spectra), self.config, n_iter=n_iter, seed=seed)
        if self.feature == "mel-attack":  # given the rise of the attack channel, the envelope's first column
            return with_attack(audio, np.asarray(spectra)[:, self.config.n_mels :, 0], self.config.sample_rate)
        return audio

    def to_log_mel(self, spectra: np.ndarray) -> np.ndarray:
        """The log-mels (dB) of decoded spectra, which every plot and log-mel measure reads."""
        if self.feature == "mel-attack":
            return np.asarray(spectra)[..., : self.config.n_mels, :]
        if self.feature != "stft":
            return spectra
        return log_mel_of_magnitude(log_stft_to_magnitude(spectra, self.config), self.config)

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
