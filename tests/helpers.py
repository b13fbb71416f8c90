"""Test helpers shared by the test modules: synthetic signals, tiny training settings, the command line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from drumgan.settings import TrainSettings

TINY = {"lstm": dict(units=8), "lstm-gan": dict(units=8), "conv-gan": dict(width=4, critic_steps=2)}
TINY_TRAIN = ["--units", "8", "--batch-size", "8", "--checkpoint-seconds", "0"]  # the command line's tiny LSTM


def one_error_line(capsys) -> str:
    """The one line a command wrote on stderr, checked to be an error and no traceback."""
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "Traceback" not in err[0], err
    return err[0]


def tiny(model: str, steps: int, **overrides) -> TrainSettings:
    """Settings of a model small enough to train a few steps in a test."""
    return TrainSettings.for_model(model, steps=steps, **{"batch_size": 8, **TINY[model], **overrides})


def sine(freq: float, config) -> np.ndarray:
    """A decaying sine of ``config.n_samples`` at ``config.sample_rate``."""
    t = np.arange(config.n_samples) / config.sample_rate
    return (np.sin(2 * np.pi * freq * t) * np.exp(-t * 2)).astype(np.float32)


def noise_drums(config, n: int = 4) -> np.ndarray:
    """``n`` noise bursts, each decaying faster than the one before."""
    t = np.arange(config.n_samples) / config.sample_rate
    noise = np.random.default_rng(0).standard_normal((n, config.n_samples))
    return (noise * np.exp(-t * np.arange(5, 5 + 10 * n, 10)[:, None])).astype(np.float32)


def decaying_tone(n: int = 30000, rate: int = 44100, freq: float = 220.0) -> np.ndarray:
    t = np.arange(n) / rate
    return (0.8 * np.sin(2 * np.pi * freq * t) * np.exp(-t * 6)).astype(np.float32)


def run_cli(*args, env=None, **kwargs) -> subprocess.CompletedProcess:
    """``python -m drumgan ARGS`` in a new process, its output captured as text."""
    return subprocess.run([sys.executable, "-m", "drumgan", *args], capture_output=True, text=True, env=env, **kwargs)


def start_cli(*args, env=None) -> subprocess.Popen:
    """``python -m drumgan ARGS`` started in the background."""
    return subprocess.Popen(
        [sys.executable, "-m", "drumgan", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
