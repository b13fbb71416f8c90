"""From a trained run to log-mels, audio and WAV files, and the previews written during training."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..config import CLASSES
from ..data.audio import write_wavs
from ..errors import RunError
from ..features.timbre import CONTROLS
from ..latents import check_truncation, class_mixture, parse_named_values

MAX_CLIPS = 10_000  # clips one call generates at most (another seed gives others)
WRITE_BATCH = 256  # clips made audible and written at a time


def class_request(run, n: int, name: str | None = None, mix: dict[str, float] | None = None) -> np.ndarray | None:
    """``n`` rows of the class vector asked for by ``name`` (one class) or ``mix`` (``{name: weight}``), for a
    conditional run; None where neither is given.

    Raises:
        RunError: a class is asked of a run that is not conditional, or a name the run does not know.
    """
    if name is None and mix is None:
        return None
    if not run.settings.conditional:
        raise RunError(
            f"{run.dir} is not class-conditional, so it cannot be asked for a class: train one with "
            "`python -m drumgan train conv-gan --conditional` (the shipped one is runs/conv_gan_conditional)"
        )
    vector = class_mixture(run.class_names, {name: 1.0} if name is not None else mix)
    return np.repeat(vector[None], n, axis=0)


def parse_timbre(text: str) -> dict[str, float]:
    """``"brightness=0.9,decay=0.2"`` -> ``{"brightness": 0.9, "decay": 0.2}`` (checked by :func:`timbre_request`)."""
    return parse_named_values(text, "--timbre", "NAME=PERCENTILE", "brightness=0.9,decay=0.2")


def timbre_request(run, n: int, asked: dict[str, float] | None = None, classes=None) -> np.ndarray | None:
    """``n`` rows of the timbre percentiles ``asked`` (``{control: percentile}``) of a timbre-conditioned run, each
    control not named at the median of the training clips (of the class asked for where ``classes`` asks for one
    class); None where nothing is asked.

    Raises:
        RunError: timbre asked of a run not trained with it, an unknown control, or a percentile outside [0, 1].
    """
    if asked is None:
        return None
    if run.timbre is None:
        raise RunError(
            f"{run.dir} was not trained with timbre, so it cannot be asked for one: train one with `python -m drumgan "
            "train conv-gan --conditional --timbre` (the shipped one is runs/conv_gan_timbre)"
        )
    unknown = [name for name in asked if name not in CONTROLS]
    if unknown:
        raise RunError(f"unknown timbre control {', '.join(unknown)}; choose from {', '.join(CONTROLS)}")
    outside = [f"{name}={value:g}" for name, value in asked.items() if not 0 <= value <= 1]
    if outside:
        raise RunError(f"--timbre {', '.join(outside)}: a control is a percentile of the training kits, in [0, 1]")
    one_class = classes is not None and np.max(classes[0]) == 1
    row = run.timbre.median(int(np.argmax(classes[0])) if one_class else None)
    for name, value in asked.items():
        row[CONTROLS.index(name)] = value
    return np.repeat(row[None], n, axis=0)


def sampling_options(run, classes=None, truncation: float = 1.0, timbre=None) -> dict:
    """What ``run.model.sample`` is asked besides ``n`` and ``seed``: the ``classes`` of a conditional run
    (:func:`class_request`), the ``timbre`` of a timbre-conditioned one (:func:`timbre_request`) and the
    ``truncation`` of a GAN's latents (:func:`drumgan.latents.truncate`; 1: none), each where given.

    Raises:
        RunError: ``truncation`` outside [0, 1], or other than 1 for a run without latents (the LSTM baseline).
    """
    psi = check_truncation(truncation)
    if psi != 1 and not hasattr(run.model, "latents"):
        raise RunError(f"--truncation needs a GAN run (one with latents); {run.dir} is {run.settings.model}")
    asked = {"classes": classes, "timbre": timbre, "truncation": psi if psi != 1 else None}
    return {name: value for name, value in asked.items() if value is not None}


def check_count(n: int) -> int:
    """``n``, if it is a number of clips one call can generate: 1 to :data:`MAX_CLIPS`.

    Raises:
        RunError: ``n`` below 1 or above :data:`MAX_CLIPS`.
    """
    if not 1 <= n <= MAX_CLIPS:
        raise RunError(f"-n {n}: generate 1 to {MAX_CLIPS} clips a call (another --seed gives others)")
    return n


def generate_spectra(run, n: int, seed: int = 0, classes=None, truncation: float = 1.0, timbre=None) -> np.ndarray:
    """``n`` generated spectra in the run's own representation (dB, ``(n, bins, n_frames)``: log-mels, or log-STFTs
    for a ``--feature stft`` run), from fixed latents or seed frames; a conditional run's ask for ``classes``
    (:func:`class_request`), else for classes drawn as the training kits hold them; a timbre-conditioned run's for
    ``timbre`` (:func:`timbre_request`), else for training clips' timbres; a GAN's latents truncated by
    ``truncation`` (:func:`sampling_options`)."""
    check_count(n)
    return run.codec.decode(run.model.sample(n, seed, **sampling_options(run, classes, truncation, timbre)))


def generate_log_mels(run, n: int, seed: int = 0, classes=None, truncation: float = 1.0, timbre=None) -> np.ndarray:
    """The log-mels (dB), ``(n, n_mels, n_frames)``, of :func:`generate_spectra`: what plots and measures read."""
    return run.codec.to_log_mel(generate_spectra(run, n, seed, classes, truncation, timbre))


def generate_along(run, latents: np.ndarray, classes=None) -> np.ndarray:
    """Log-mels (dB) of a GAN run at the given latents (and, for a conditional run, class mixtures), row by row:
    paths through the latent space (:func:`drumgan.latents.slerp`) or from class to class
    (:func:`drumgan.latents.class_path`)."""
    latents = np.asarray(latents, np.float32)
    if classes is not None and len(classes) != len(latents):
        latents = np.repeat(latents[:1], len(classes), axis=0)  # one latent along a path of classes
    return run.codec.to_log_mel(run.codec.decode(run.model.from_latents(latents, classes)))


def generate_waves(run, n: int, seed: int = 0, classes=None, truncation: float = 1.0, timbre=None) -> np.ndarray:
    """``n`` generated samples as peak-normalised audio ``(n, n_samples)`` (Griffin-Lim with ``seed``)."""
    return run.codec.to_audio(generate_spectra(run, n, seed, classes, truncation, timbre), seed=seed)


def generate_clips(
    run, n: int, seed: int = 0, classes=None, truncation: float = 1.0, timbre=None
) -> tuple[np.ndarray, np.ndarray]:
    """``(log_mels, waves)`` of ``n`` generated samples: what to look at and what to listen to (each made from the
    run's own spectra, as :func:`generate_log_mels` and :func:`generate_waves` make them)."""
    spectra = generate_spectra(run, n, seed, classes, truncation, timbre)
    return run.codec.to_log_mel(spectra), run.codec.to_audio(spectra, seed=seed)


def write_spectra(run, spectra: np.ndarray, out_dir, seed: int = 0, prefix: str | None = None) -> list[Path]:
    """``spectra`` of ``run`` (:func:`generate_spectra`) made audible (Griffin-Lim with ``seed``) and written as WAVs
    ``prefix_000.wav`` ... (default prefix: the run's name)."""
    paths = []
    for first in range(0, len(spectra), WRITE_BATCH):  # a bounded batch of audio at a time: any n fits in memory
        waves = run.codec.to_audio(spectra[first : first + WRITE_BATCH], seed=seed)
        paths += write_wavs(waves, out_dir, run.codec.config.sample_rate, prefix or run.name, first=first)
    return paths


def generate_wavs(
    run, n: int, out_dir, seed: int = 0, classes=None, prefix: str | None = None, truncation: float = 1.0, timbre=None
) -> list[Path]:
    """Generate ``n`` samples from ``run`` (of ``classes`` and ``timbre``, where asked) and write them as WAVs."""
    return write_spectra(run, generate_spectra(run, n, seed, classes, truncation, timbre), out_dir, seed, prefix)


def kit_clips(
    run, per_class: int, seed: int = 0, classify=None, truncation: float = 1.0, timbre: dict | None = None
) -> tuple[np.ndarray, list[str]]:
    """Waves for a kit and their class names, in class order: ``per_class`` of every class a conditional run saw
    in training; for any other run ``per_class`` times as many clips as there are classes, each named by
    ``classify(waves)`` (its class names, e.g. the evaluation classifier's). ``timbre`` (``{control: percentile}``)
    gives a timbre-conditioned run's kit a character, each class's other controls at its own median."""
    if per_class < 1:
        raise ValueError(f"per_class must be at least 1, got {per_class}")
    if run.settings.conditional:
        names = [name for name, count in run.data["classes"].items() if count]
        parts = []
        for i, name in enumerate(names):
            classes = class_request(run, per_class, name)
            asked = timbre_request(run, per_class, timbre, classes)
            parts.append(generate_waves(run, per_class, seed + i, classes, truncation, asked))
        return np.concatenate(parts), [name for name in names for _ in range(per_class)]
    if classify is None:
        raise ValueError("a run that is not conditional needs classify to name its clips")
    asked = timbre_request(run, per_class * len(CLASSES), timbre)
    waves = generate_waves(run, per_class * len(CLASSES), seed, truncation=truncation, timbre=asked)
    labels = list(classify(waves))
    order = sorted(range(len(labels)), key=lambda i: (CLASSES.index(labels[i]), i))
    return waves[order], [labels[i] for i in order]
