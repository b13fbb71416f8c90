"""Instruments a drummer plays: each one drum (one latent) in velocity layers that get louder and brighter as they
get harder, and round robins, takes of one layer that each are a fresh variation of the drum.

Real multi-velocity kits (the Hydrogen kits' 126 layered instruments, ``benchmarks/velocity_layers.py``) get
louder from layer to layer (in 92 % of adjacent pairs; 8 dB from the softest to the hardest, the median instrument)
and brighter (spectral centroid x 1.09 the median instrument, x 1.46 the upper quartile), and no harder by the
project's hardness measure. So an instrument's takes are variations of its latent (:data:`TAKE_SPREAD` standard
deviations apart), :data:`CANDIDATES` drawn for each one kept; a run trained with timbre asks the harder layers
for more brightness (:data:`BRIGHTNESS_SPAN` of the training kits' percentiles from the softest layer to the
hardest). Every take's brightness is then measured and the takes, cut into groups from the dullest to the
brightest, are dealt to the layers in that order, so brightness rises with the layer whatever the run. A softer
layer is darkened further, as a soft hit excites a drum's upper partials less (:func:`darkened`), and set
:data:`LEVEL_SPAN_DB` x its distance from the hardest below it in level. Each layer's round robins are the takes of
its group heard as the instrument's class (where a classifier is given), chosen far apart from each other.
"""

from __future__ import annotations

import numpy as np

from ..config import CLASSES
from ..errors import RunError
from ..features.timbre import CONTROLS, measure
from ..latents import truncate
from .sampling import class_request, timbre_request

LEVEL_SPAN_DB = 8.0  # the softest layer's peak below the hardest's: the median layered instrument of the Hydrogen kits
BRIGHTNESS_SPAN = 0.3  # a timbre run's softest to hardest layer, in brightness percentiles of its training kits
TAKE_SPREAD = 0.5  # latent standard deviations between an instrument's takes (its latent's variations)
CANDIDATES = 3  # takes drawn for each one kept: a layer chooses its round robins among its group of them
DARK_HZ, DARK_MAX = 1000.0, 0.9  # the softest layer's share of its own low-pass (none for the hardest)
MAX_TAKES = 64  # layers x round robins of one instrument


def layer_gains(layers: int) -> np.ndarray:
    """Each layer's gain (linear), softest first: from :data:`LEVEL_SPAN_DB` below the hardest up to 1."""
    steps = np.linspace(-LEVEL_SPAN_DB, 0.0, layers) if layers > 1 else np.zeros(1)
    return (10 ** (steps / 20)).astype(np.float32)


def check_layers(run, layers: int, round_robins: int) -> None:
    """Refuse a layered kit of ``run`` that cannot be made: fewer than one layer or take, more than :data:`MAX_TAKES`
    takes an instrument, or several takes of a run without a latent (the LSTM baseline)."""
    if layers < 1 or round_robins < 1:
        raise RunError(f"--layers and --round-robin must be at least 1, got {layers} and {round_robins}")
    if layers * round_robins > MAX_TAKES:
        raise RunError(f"--layers x --round-robin is {layers * round_robins}; at most {MAX_TAKES} takes an instrument")
    if layers * round_robins > 1 and not hasattr(run.model, "latent_shape"):
        raise RunError(f"{run.dir} has no latent to vary (an LSTM baseline): --layers and --round-robin need a GAN run")


def instrument_takes(run, latent, n: int, seed: int, classes=None, timbre=None) -> np.ndarray:
    """``n`` takes of the drum at ``latent``: audio ``(n, samples)`` of latents :data:`TAKE_SPREAD` standard
    deviations around it (the first take at ``latent`` itself), each asking for ``classes`` and ``timbre`` rows."""
    noise = np.random.default_rng([seed, 7]).standard_normal((n, *latent.shape)).astype(np.float32)
    noise[0] = 0
    spectra = run.codec.decode(run.model.from_latents(latent[None] + TAKE_SPREAD * noise, classes, timbre))
    return run.codec.to_audio(spectra, seed=seed)


def _rising_brightness(run, n: int, layers: int, round_robins: int, classes, asked) -> np.ndarray | None:
    """A timbre run's rows of percentiles for ``n`` takes, ``round_robins`` a layer: ``asked`` (default each class's
    median) with brightness rising over :data:`BRIGHTNESS_SPAN` from the softest layer to the hardest."""
    if run.timbre is None:
        return None
    rows = timbre_request(run, n, asked or {}, classes)
    position = np.repeat(np.linspace(-0.5, 0.5, layers) if layers > 1 else np.zeros(1), round_robins)
    column = CONTROLS.index("brightness")
    rows[:, column] = np.clip(rows[:, column] + BRIGHTNESS_SPAN * position, 0.0, 1.0)
    return rows


def darkened(waves: np.ndarray, rate: int, amount: float) -> np.ndarray:
    """``waves`` with ``amount`` (0 to 1) of them replaced by their one-pole low-pass at :data:`DARK_HZ`: every
    frequency above it quieter, the more so the higher, as a softer hit excites a drum's upper partials less."""
    from scipy.signal import lfilter

    if amount <= 0:
        return waves
    pole = np.exp(-2 * np.pi * DARK_HZ / rate)
    low = lfilter([1 - pole], [1, -pole], waves, axis=-1).astype(np.float32)
    return (1 - amount) * waves + amount * low


def _farthest(features: np.ndarray, n: int) -> list[int]:
    """``n`` rows of ``features`` chosen greedily to lie far apart: the first row, then each time the row farthest
    from those chosen."""
    chosen = [0]
    nearest = np.linalg.norm(features - features[0], axis=1)
    while len(chosen) < n:
        chosen.append(int(np.argmax(nearest)))
        nearest = np.minimum(nearest, np.linalg.norm(features - features[chosen[-1]], axis=1))
    return chosen


def layered(waves: np.ndarray, rate: int, layers: int, round_robins: int, heard=None, features=None) -> np.ndarray:
    """``layers`` x ``round_robins`` of ``waves`` (one instrument's drawn takes, at least that many), each layer at
    its :func:`layer_gains`: ``(layers, round_robins, samples)``.

    The takes are sorted by measured brightness and cut into ``layers`` groups, the dullest for the softest layer,
    each group darkened as its layer (:func:`darkened`). From each group the round robins are the takes that
    ``heard(takes)`` (a mask) hears as the instrument's class, then the others, taken far apart from each other in
    ``features(takes)`` (rows; default the audio itself).
    """
    order = np.argsort(measure(waves, rate)[:, CONTROLS.index("brightness")], kind="stable")
    groups = np.array_split(order, layers)
    softness = 1 - np.arange(layers) / (layers - 1) if layers > 1 else np.zeros(1)
    dealt = []
    for v, group in enumerate(groups):
        dark = darkened(waves[group], rate, DARK_MAX * softness[v])
        dark /= np.maximum(np.abs(dark).max(axis=-1, keepdims=True), 1e-9)  # full scale before the layer's gain
        ok = np.asarray(heard(dark), bool) if heard is not None else np.ones(len(dark), bool)
        ranked = np.concatenate([np.flatnonzero(ok), np.flatnonzero(~ok)])
        pool = ranked[: max(round_robins, int(ok.sum()))]
        rows = np.asarray(features(dark[pool]) if features is not None else dark[pool], np.float64)
        dealt.append(dark[pool[_farthest(rows.reshape(len(pool), -1), round_robins)]])
    return np.stack(dealt) * layer_gains(layers)[:, None, None]


def layered_clips(
    run,
    per_class: int,
    layers: int,
    round_robins: int,
    seed: int = 0,
    classify=None,
    truncation: float = 1.0,
    timbre: dict | None = None,
) -> tuple[np.ndarray, list[str]]:
    """A layered kit's audio ``(instruments, layers, round_robins, samples)`` and each instrument's class, in class
    order: ``per_class`` instruments of every class a conditional run saw in training; for any other run
    ``per_class`` times as many, each named by ``classify(waves)`` of its takes (the class most takes are heard as).
    Where ``classify`` is given, each layer's round robins are takes it hears as the instrument's class wherever
    enough are (:func:`layered`).
    Each instrument's latent is truncated by ``truncation``; ``timbre`` (``{control: percentile}``) gives a timbre
    run's kit a character, as :func:`.sampling.kit_clips` does."""
    check_layers(run, layers, round_robins)
    takes, rate = layers * round_robins * CANDIDATES, run.codec.config.sample_rate
    model = run.model
    if run.settings.conditional:
        names = [name for name, count in run.data["classes"].items() if count]
        plan = [name for name in names for _ in range(per_class)]
    else:
        if classify is None:
            raise ValueError("a run that is not conditional needs classify to name its instruments")
        plan = [None] * (per_class * len(CLASSES))
    features = lambda takes: run.codec.encode(run.codec.analyse(takes))  # noqa: E731  (the models' own distance)
    instruments, labels = [], []
    for i, name in enumerate(plan):
        latent = truncate(model.latents(1, seed * 1000 + i), truncation)[0]
        classes = class_request(run, takes, name) if name else None
        asked = _rising_brightness(run, takes, layers, round_robins * CANDIDATES, classes, timbre)
        waves = instrument_takes(run, latent, takes, seed * 1000 + i, classes, asked)
        if name is None:
            heard = list(classify(waves))
            name = max(dict.fromkeys(heard), key=heard.count)
        heard_as = (lambda takes, name=name: np.asarray(classify(takes)) == name) if classify else None
        instruments.append(layered(waves, rate, layers, round_robins, heard_as, features))
        labels.append(name)
    order = sorted(range(len(labels)), key=lambda i: (CLASSES.index(labels[i]), i))
    return np.stack([instruments[i] for i in order]), [labels[i] for i in order]


def layer_rows(instrument: np.ndarray, rate: int) -> list[dict]:
    """One instrument's layers ``(layers, round_robins, samples)`` as table rows: each layer's peak level (dBFS) and
    its takes' brightness (spectral centroid in Hz, :func:`drumgan.features.timbre.measure`)."""
    rows = []
    for v, takes in enumerate(instrument):
        centroid = measure(takes, rate)[:, CONTROLS.index("brightness")]
        peak = 20 * np.log10(np.abs(takes).max(axis=-1))
        rows.append({"layer": v + 1, "peak dBFS": ", ".join(f"{p:.1f}" for p in peak),
                     "brightness Hz": ", ".join(f"{c:.0f}" for c in centroid)})  # fmt: skip
    return rows
