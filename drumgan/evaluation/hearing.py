"""Measures of clips from their audio alone, at one rate for every row, not through the model's log-mel.

Every set is resampled to :data:`AUDIO_RATE`, so a row made at 16 kHz shows the octaves it lacks, and is
compared with the training kits decoded afresh at that rate:

- ``fad``: Frechet audio distance on the embedding of a pretrained music-tagging network (:mod:`.pretrained`),
  where its package is installed;
- ``fd_audio``: Frechet distance on hand-made descriptors from an STFT of another size than the models'
  (band-energy shares up to 22 kHz, MFCC statistics, spectral centroid, flatness and roll-off, attack,
  decay and rise times), each standardised on the training clips;
- ``onset_ms``: how long a clip's envelope takes to rise from -30 to -6 dB of its peak (real drums take a
  few ms; an attack smeared over an analysis window takes longer);
- ``high_db``: the share of a clip's energy above 8 kHz, in dB (-60 is the floor: nothing there);
- ``d_train_stft``: multi-resolution log-STFT distance (RMS dB) to the nearest training clip.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..config import FeatureConfig
from ..data.audio import resample_clips
from ..features.envelope import envelope_times, onset_ms
from . import metrics, pretrained

AUDIO_RATE = 44100
AUDIO_CONFIG = FeatureConfig().at_rate(AUDIO_RATE)  # clips of AUDIO_CONFIG.n_samples samples
HIGH_HZ = 8000.0  # high_db: energy above this (the Nyquist frequency of 16 kHz audio)
FLOOR_DB = -60.0  # shares and levels are floored here
BAND_EDGES_HZ = (0, 150, 400, 1000, 2500, 5000, 8000, 12000, 16000, AUDIO_RATE / 2)
DESCRIPTOR_FFT, DESCRIPTOR_HOP = 2048, 512
N_MFCC = 13
STFT_FLOOR_DB = -100.0  # d_train_stft: levels below this (re full scale) count as this
STFT_RESOLUTIONS = (256, 1024, 4096)  # d_train_stft: FFT sizes, hop half of each
CHUNK = 128  # training clips compared at a time


def to_audio_rate(waves: np.ndarray, sample_rate: int) -> np.ndarray:
    """``waves`` (n, samples) resampled to :data:`AUDIO_RATE` and cut or zero-padded to ``AUDIO_CONFIG.n_samples``."""
    return resample_clips(waves, sample_rate, AUDIO_RATE, AUDIO_CONFIG.n_samples)


def _power(waves: np.ndarray, n_fft: int, hop: int) -> np.ndarray:
    """Power spectrograms (n, 1 + n_fft // 2, frames), Hann window, centred frames; a full-scale sine is -6 dB."""
    import librosa

    spectrum = librosa.stft(np.asarray(waves, np.float32), n_fft=n_fft, hop_length=hop)
    return (np.abs(spectrum) / (n_fft / 2)) ** 2


def _db(x, floor_db: float = FLOOR_DB) -> np.ndarray:
    return np.maximum(10 * np.log10(np.maximum(x, 1e-30)), floor_db)


def high_share_db(waves: np.ndarray) -> np.ndarray:
    """The share of each clip's energy above :data:`HIGH_HZ`, in dB (floored at :data:`FLOOR_DB`)."""
    power = _power(waves, DESCRIPTOR_FFT, DESCRIPTOR_HOP).sum(axis=-1)
    high = np.fft.rfftfreq(DESCRIPTOR_FFT, 1 / AUDIO_RATE) >= HIGH_HZ
    return _db(power[:, high].sum(axis=1) / np.maximum(power.sum(axis=1), 1e-30))


def descriptors(waves: np.ndarray) -> np.ndarray:
    """Hand-made descriptors (n, 41) of clips at :data:`AUDIO_RATE`: band shares, energy-weighted centroid,
    flatness, roll-off, MFCC means and deviations, attack, decay and rise times."""
    import librosa

    power = _power(waves, DESCRIPTOR_FFT, DESCRIPTOR_HOP)  # (n, bins, frames)
    freqs = np.fft.rfftfreq(DESCRIPTOR_FFT, 1 / AUDIO_RATE)
    frame_energy = power.sum(axis=1)  # (n, frames)
    weight = frame_energy / np.maximum(frame_energy.sum(axis=1, keepdims=True), 1e-30)
    total = np.maximum(frame_energy.sum(axis=1), 1e-30)
    band = np.digitize(freqs, BAND_EDGES_HZ[1:-1])
    shares = np.stack([power[:, band == b].sum(axis=(1, 2)) for b in range(len(BAND_EDGES_HZ) - 1)], axis=1)
    safe = np.maximum(frame_energy, 1e-30)
    centroid = (freqs[:, None] * power).sum(axis=1) / safe
    cumulative = np.cumsum(power, axis=1) / safe[:, None, :]
    rolloff = freqs[np.minimum((cumulative < 0.85).sum(axis=1), len(freqs) - 1)]
    flatness = np.exp(np.mean(np.log(power + 1e-12), axis=1)) / (np.mean(power, axis=1) + 1e-12)
    mel = librosa.feature.melspectrogram(S=power, sr=AUDIO_RATE, n_fft=DESCRIPTOR_FFT, n_mels=40)
    mfcc = librosa.feature.mfcc(S=librosa.power_to_db(mel, ref=1.0, amin=1e-10, top_db=80.0), n_mfcc=N_MFCC)
    mfcc_mean = (mfcc * weight[:, None, :]).sum(axis=2)
    mfcc_std = np.sqrt((((mfcc - mfcc_mean[..., None]) ** 2) * weight[:, None, :]).sum(axis=2))
    attack, decay = envelope_times(waves, AUDIO_RATE, frame_ms=10.0)
    weighted = lambda x: (x * weight).sum(axis=1)  # noqa: E731
    return np.column_stack(
        [
            _db(shares / total[:, None]),
            np.log2(np.maximum(weighted(centroid), 20.0)),
            np.log10(np.maximum(weighted(flatness), 1e-6)),
            np.log2(np.maximum(weighted(rolloff), 20.0)),
            mfcc_mean,
            mfcc_std,
            np.log10(attack + 0.005),
            np.log10(decay + 0.005),
            np.log10(onset_ms(waves) + 1.0),
        ]
    ).astype(np.float64)


def multi_resolution_stft(waves: np.ndarray) -> np.ndarray:
    """Each clip's log-magnitude STFTs at :data:`STFT_RESOLUTIONS`, each scaled so that the squared distance
    between two rows is the mean squared dB difference over resolutions: (n, features)."""
    parts = []
    for n_fft in STFT_RESOLUTIONS:
        db = _db(_power(waves, n_fft, n_fft // 2), STFT_FLOOR_DB).reshape(len(waves), -1)
        parts.append(db / np.sqrt(db.shape[1] * len(STFT_RESOLUTIONS)))
    return np.concatenate(parts, axis=1)


def nearest_stft_distance(query: np.ndarray, training: np.ndarray) -> np.ndarray:
    """Each row of ``query``'s distance (RMS dB) to its nearest row of ``training``, both :func:`multi_resolution_stft`
    features; ``training`` is taken :data:`CHUNK` rows at a time."""
    best = np.full(len(query), np.inf)
    norms = (query.astype(np.float64) ** 2).sum(axis=1)[:, None]
    for start in range(0, len(training), CHUNK):
        block = np.asarray(training[start : start + CHUNK], np.float32)
        squared = norms + (block.astype(np.float64) ** 2).sum(axis=1)[None, :] - 2 * (query @ block.T)
        best = np.minimum(best, squared.min(axis=1))
    return np.sqrt(np.maximum(best, 0.0))


class Hearing:
    """The audio measures of sets of clips against ``training`` clips (n, ``AUDIO_CONFIG.n_samples``) at
    :data:`AUDIO_RATE`; it keeps their descriptors, pretrained embeddings (:attr:`embeddings`, None where not
    ``with_fad`` or without the network's package, said in one warning) and (in half precision) log-STFTs, not the
    clips."""

    def __init__(self, training: np.ndarray, with_fad: bool = True):
        self.embeddings = _pretrained_embeddings(training) if with_fad else None
        reference = np.concatenate([descriptors(training[i : i + CHUNK]) for i in range(0, len(training), CHUNK)])
        self.mean, self.std = reference.mean(axis=0), reference.std(axis=0) + 1e-6
        self.reference = (reference - self.mean) / self.std
        self.training_stft = np.concatenate(
            [multi_resolution_stft(training[i : i + CHUNK]).astype(np.float16) for i in range(0, len(training), CHUNK)]
        )

    def measure(self, waves: np.ndarray) -> dict:
        """``fad`` and its bootstrap interval ``fad_interval`` (where the network is installed), ``fd_audio``, and
        the medians ``onset_ms``, ``high_db`` and ``d_train_stft`` of clips at :data:`AUDIO_RATE`."""
        standardised = (descriptors(waves) - self.mean) / self.std
        fad = {}
        if self.embeddings is not None:
            embedded = pretrained.embeddings(waves, AUDIO_RATE)
            fad["fad"] = metrics.frechet_distance(embedded, self.embeddings)
            fad["fad_interval"] = metrics.frechet_interval(embedded, self.embeddings)
        return {
            **fad,
            "fd_audio": metrics.frechet_distance(standardised, self.reference),
            "onset_ms": float(np.median(onset_ms(waves))),
            "high_db": float(np.median(high_share_db(waves))),
            "d_train_stft": float(np.median(nearest_stft_distance(multi_resolution_stft(waves), self.training_stft))),
        }


def _pretrained_embeddings(training: np.ndarray) -> np.ndarray | None:
    """The pretrained network's embeddings of ``training``, or None (one warning) where its package is missing."""
    if not pretrained.available():
        warnings.warn(f"fad is not measured: {pretrained.MISSING}", stacklevel=3)
        return None
    return pretrained.embeddings(training, AUDIO_RATE)
