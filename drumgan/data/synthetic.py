"""A procedural drum kit: kicks, snares, hats, toms, cymbals, claps and cowbells from a seed.

Used by the unit tests, and as the fallback dataset (with a warning) where no real samples exist.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from scipy import signal

SYNTHETIC_RATE = 44100


def _decay(n: int, seconds: float, rate: int) -> np.ndarray:
    return np.exp(-np.arange(n) / (seconds * rate))


def _noise(rng: np.random.Generator, n: int, rate: int, band: tuple[float, float] | None) -> np.ndarray:
    x = rng.standard_normal(n)
    if band:
        low, high = band
        sos = signal.butter(4, [low, min(high, 0.45 * rate)], "bandpass", fs=rate, output="sos")
        x = signal.sosfilt(sos, x)
    return x / (np.abs(x).max() + 1e-12)


def _sweep(n: int, rate: int, f_start: float, f_end: float, sweep_s: float) -> np.ndarray:
    t = np.arange(n) / rate
    freq = f_end + (f_start - f_end) * np.exp(-t / sweep_s)
    return np.sin(2 * np.pi * np.cumsum(freq) / rate)


def kick(rng, rate=SYNTHETIC_RATE):
    n = int(rate * rng.uniform(0.4, 0.8))
    body = _sweep(n, rate, rng.uniform(120, 200), rng.uniform(40, 60), rng.uniform(0.02, 0.05))
    click = _noise(rng, n, rate, (1000, 6000)) * _decay(n, 0.004, rate)
    return body * _decay(n, rng.uniform(0.12, 0.3), rate) + 0.3 * click


def snare(rng, rate=SYNTHETIC_RATE):
    n = int(rate * rng.uniform(0.25, 0.5))
    tone = _sweep(n, rate, rng.uniform(250, 330), rng.uniform(170, 210), 0.01)
    rattle = _noise(rng, n, rate, (rng.uniform(1500, 3000), 9000))
    return 0.6 * tone * _decay(n, 0.05, rate) + rattle * _decay(n, rng.uniform(0.06, 0.15), rate)


def hihat(rng, rate=SYNTHETIC_RATE):
    open_hat = rng.random() < 0.4
    n = int(rate * (rng.uniform(0.3, 0.6) if open_hat else rng.uniform(0.08, 0.15)))
    return _noise(rng, n, rate, (7000, 16000)) * _decay(n, rng.uniform(0.1, 0.2) if open_hat else 0.02, rate)


def tom(rng, rate=SYNTHETIC_RATE):
    n = int(rate * rng.uniform(0.4, 0.7))
    pitch = rng.uniform(80, 250)
    body = _sweep(n, rate, pitch * 1.4, pitch, rng.uniform(0.03, 0.08))
    return body * _decay(n, rng.uniform(0.15, 0.3), rate) + 0.1 * _noise(rng, n, rate, (500, 4000)) * _decay(
        n, 0.01, rate
    )


def cymbal(rng, rate=SYNTHETIC_RATE):
    n = int(rate * rng.uniform(0.9, 1.5))
    t = np.arange(n) / rate
    base = rng.uniform(300, 600)
    metal = sum(signal.square(2 * np.pi * base * r * t) for r in (1.0, 1.48, 1.65, 2.13, 2.78, 3.41))
    sos = signal.butter(4, 5000, "highpass", fs=rate, output="sos")
    metal = signal.sosfilt(sos, metal)
    x = metal / np.abs(metal).max() + 0.5 * _noise(rng, n, rate, (4000, 15000))
    return x * _decay(n, rng.uniform(0.3, 0.6), rate)


def clap(rng, rate=SYNTHETIC_RATE):
    n = int(rate * rng.uniform(0.25, 0.4))
    burst = _noise(rng, n, rate, (800, 3000))
    envelope = np.zeros(n)
    for k in range(4):
        start = int(rate * (k * rng.uniform(0.008, 0.012)))
        length = n - start
        envelope[start:] += _decay(length, 0.006 if k < 3 else rng.uniform(0.05, 0.1), rate)
    return burst * envelope


def cowbell(rng, rate=SYNTHETIC_RATE):
    n = int(rate * rng.uniform(0.3, 0.5))
    t = np.arange(n) / rate
    f = rng.uniform(500, 600)
    x = signal.square(2 * np.pi * f * t) + signal.square(2 * np.pi * f * 1.48 * t)
    return x * _decay(n, 0.08, rate)


GENERATORS = {
    "kick": kick,
    "snare": snare,
    "hihat": hihat,
    "tom": tom,
    "cymbal": cymbal,
    "clap": clap,
    "other": cowbell,
}
"""One generator per drum class; each takes a NumPy Generator and returns a float waveform."""


def make_synthetic_kit(root: str | Path, n_kits: int = 4, per_class: int = 4, seed: int = 0) -> Path:
    """Write a deterministic synthetic dataset: ``root/synthetic_kit_K/CLASS_I.wav``.

    Each kit folder is one kit, and each file name names its class, so the folder reads as a
    plain folder of samples. Existing files are overwritten.

    Returns:
        ``root``.
    """
    root = Path(root)
    rng = np.random.default_rng(seed)
    for k in range(n_kits):
        kit = root / f"synthetic_kit_{k}"
        kit.mkdir(parents=True, exist_ok=True)
        for label, generate in GENERATORS.items():
            for i in range(per_class):
                x = generate(rng)
                x = 0.9 * x / np.abs(x).max()
                # a few milliseconds of silence first, so the onset trim has work to do
                x = np.concatenate([np.zeros(int(rng.integers(0, 400))), x])
                sf.write(kit / f"{label}_{i:02d}.wav", x.astype(np.float32), SYNTHETIC_RATE, subtype="PCM_16")
    return root
