"""The one feature configuration used everywhere in drumgan."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import numpy as np

CLASSES = ("kick", "snare", "hihat", "tom", "cymbal", "clap", "other")
"""Drum classes, in label order."""
FEATURES = ("mel", "mfcc", "stft", "mel-attack")
"""What a model learns: the log-mel itself, its MFCCs, the log-magnitude STFT (linear frequency, every bin
but the Nyquist one: SpecGAN's representation, which keeps what the mel bands average away), or the log-mel with
the attack channel's rows under it (:mod:`drumgan.features.attack`)."""
SAMPLE_RATES = (16000, 22050, 44100, 48000)
"""The sample rates a dataset and a run may be set to (``prepare``/``train --sample-rate``)."""
LAYOUTS = ("image", "sequence")
"""How a model holds a clip: ``image`` (bins, frames, 1) or ``sequence`` (frames, bins)."""
LATER_FIELDS = {"mel_linear_below_hz": 0.0}
"""FeatureConfig fields added after dataset ids and runs were first made from its JSON, with the value that every
config made before them had (:meth:`FeatureConfig.to_json`, :meth:`FeatureConfig.from_dict`)."""


@dataclass(frozen=True)
class FeatureConfig:
    """Audio and feature settings shared by the data pipeline, the models and the evaluation.

    The analysis and the resynthesis both read ``sample_rate`` and ``hop_length`` from here,
    so a round trip through the features returns exactly ``n_samples`` samples at ``sample_rate``.
    """

    sample_rate: int = 44100
    n_samples: int = 45056  # about 1.02 s: 64 frames of the hop
    n_fft: int = 2816  # four hops
    hop_length: int = 704  # 16 ms
    n_mels: int = 64
    n_mfcc: int = 20
    fmin: float = 0.0
    mel_linear_below_hz: float = 150.0  # STFT bins below this are rows of their own, mel bands above (0: all mel)
    log_floor_db: float = -80.0  # log-mel floor: power below this is clipped
    silence_db: float = -60.0  # a file whose peak is below this (dBFS) is skipped as silent
    onset_db: float = -40.0  # leading samples below this, relative to the peak, are trimmed
    preroll_ms: float = 2.0  # kept before the detected onset
    fade_ms: float = 100.0  # fade-out applied when a long sample is cut to n_samples
    griffin_lim_iters: int = 6  # from onset-aligned phases (features.inverse.onset_phases)
    norm_std_scale: float = 3.0  # SpecGAN: (x - mean) / (3 * std), clipped to [-1, 1]

    def __post_init__(self):
        if self.n_samples % self.hop_length:
            raise ValueError(f"n_samples ({self.n_samples}) must be a multiple of hop_length ({self.hop_length})")
        if not 0 < self.n_mfcc <= self.n_mels:
            raise ValueError(f"n_mfcc must be in 1..n_mels ({self.n_mels}), got {self.n_mfcc}")
        if not 0 <= self.n_linear_bins < self.n_mels:
            raise ValueError(f"mel_linear_below_hz leaves no mel bands: {self.n_linear_bins} STFT bins below it")

    @property
    def n_linear_bins(self) -> int:
        """STFT bins (DC left out) below ``mel_linear_below_hz``: the feature's first rows, one bin each."""
        if not self.mel_linear_below_hz:
            return 0
        return int(np.ceil(self.mel_linear_below_hz * self.n_fft / self.sample_rate)) - 1

    @property
    def n_frames(self) -> int:
        """Frames per spectrogram: n_samples / hop_length (64 by default)."""
        return self.n_samples // self.hop_length

    @property
    def n_stft_bins(self) -> int:
        """Bins of the log-magnitude STFT feature: n_fft / 2 (every bin of the STFT but the Nyquist one)."""
        return self.n_fft // 2

    @property
    def fmax(self) -> float:
        return self.sample_rate / 2

    @property
    def duration(self) -> float:
        """Length of every sample in seconds."""
        return self.n_samples / self.sample_rate

    def at_rate(self, sample_rate: int) -> FeatureConfig:
        """The same representation at ``sample_rate``: as many frames and bins, about as long a clip.

        The hop (a multiple of 16 samples) and the FFT scale with the rate, so the model's input shape
        is unchanged and the mel bins reach up to the new Nyquist frequency.
        """
        if sample_rate not in SAMPLE_RATES:
            rates = ", ".join(str(r) for r in SAMPLE_RATES)
            raise ValueError(f"sample rate must be one of {rates} Hz, got {sample_rate}")
        hop = 16 * round(self.hop_length * sample_rate / self.sample_rate / 16)
        n_fft = self.n_fft * hop // self.hop_length
        return dataclasses.replace(
            self, sample_rate=sample_rate, hop_length=hop, n_fft=n_fft, n_samples=self.n_frames * hop
        )

    @classmethod
    def large(cls, **overrides) -> FeatureConfig:
        """The 128x128 option: 128 mel bins and 128 frames (half the hop, the same clip and FFT)."""
        return cls(**{"n_mels": 128, "hop_length": cls.hop_length // 2, **overrides})

    def to_json(self) -> str:
        """The config as JSON; a field added after configs were first hashed (:data:`LATER_FIELDS`) is written only
        where it differs from the value configs had before it, so that datasets and runs made then keep their ids."""
        fields = dataclasses.asdict(self)
        for name, before in LATER_FIELDS.items():
            if fields[name] == before:
                del fields[name]
        return json.dumps(fields, sort_keys=True)

    @classmethod
    def from_dict(cls, fields: dict) -> FeatureConfig:
        """The config of stored ``fields``; a field added later (:data:`LATER_FIELDS`) and missing there takes the
        value configs had before it."""
        return cls(**{**LATER_FIELDS, **fields})

    @classmethod
    def from_json(cls, text: str) -> FeatureConfig:
        return cls.from_dict(json.loads(text))
