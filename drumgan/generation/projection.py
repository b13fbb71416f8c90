"""Variations of a user's own sound: invert it into a conv GAN (optimisation-based GAN inversion), then sample
around the inverted latent.

The inversion has two stages. The first searches the latent (and, for a conditional run, the class mixture)
from several random starts for the generator output nearest the clip. The second fits what the latent cannot
express as a residual added to the generator's first feature map (inverting past the latent, as
intermediate-layer GAN inversion does), kept small by a penalty. Variations are the generator at latents
around the inverted one, ``spread`` standard deviations away, each with the same residual: at spread 0 the
reconstruction itself.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..backend import keras, tf
from ..data.audio import SampleError, load_sample
from ..errors import RunError
from ..settings import VARIATION_SPREAD

LATENT_STEPS = 200  # Adam steps of the first stage
RESIDUAL_STEPS = 200  # and of the second
STARTS = 16  # random latents the first stage starts from
RESIDUAL_PENALTY = 1e-3  # weight of the residual's mean square in the second stage's loss


@dataclass
class Inversion:
    """A clip inverted into a run: the latent, class mixture (None for an unconditional run) and feature-map
    residual that reconstruct it, and the RMS distance of the reconstruction on the normalised spectrum."""

    latent: np.ndarray  # (latent_dim,)
    classes: np.ndarray | None  # (n_classes,)
    residual: np.ndarray  # (bins / 2**k, 4, channels): the first feature map
    distance: float


def _parts(run):
    model = run.model
    if run.settings.model != "conv-gan":
        raise RunError(f"{run.dir} is a {run.settings.model} run: variations of a sample need a conv-gan run")
    return model, model.sampler.get_layer("head"), model.sampler.get_layer("body")


def _rms(a, b):
    return tf.sqrt(tf.reduce_mean(tf.square(a - b), axis=[1, 2, 3]))


def invert(run, spectrum_db: np.ndarray, seed: int = 0, starts: int = STARTS) -> Inversion:
    """Invert one spectrum (dB, ``(bins, n_frames)``, the run's: :func:`load_spectrum`) into the conv GAN of
    ``run`` (see the module's text)."""
    model, head, body = _parts(run)
    target = tf.constant(run.codec.encode(np.asarray(spectrum_db, np.float32)[None]))
    rng = np.random.default_rng(seed)
    latents = tf.Variable(rng.standard_normal((starts, *model.latent_shape)).astype(np.float32))
    logits = tf.Variable(np.zeros((starts, model.n_classes), np.float32)) if model.conditional else None

    def features(z, class_logits):
        return head(model.inputs(z, tf.nn.softmax(class_logits) if model.conditional else None), training=False)

    def image(feature_map):
        return model.held(body(feature_map, training=False))

    searched = [latents] + ([logits] if model.conditional else [])
    optimizer = keras.optimizers.Adam(0.05)

    @tf.function
    def latent_step():
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(_rms(image(features(latents, logits)), target) ** 2)
        optimizer.apply_gradients(zip(tape.gradient(loss, searched), searched))

    for _ in range(LATENT_STEPS):
        latent_step()
    best = int(tf.argmin(_rms(image(features(latents, logits)), target)))
    z = latents[best : best + 1]
    best_logits = logits[best : best + 1] if model.conditional else None
    base = tf.constant(features(z, best_logits))
    residual = tf.Variable(tf.zeros_like(base))
    residual_optimizer = keras.optimizers.Adam(0.01)

    @tf.function
    def residual_step():
        with tf.GradientTape() as tape:
            error = tf.reduce_mean(tf.square(image(base + residual) - target))
            loss = error + RESIDUAL_PENALTY * tf.reduce_mean(tf.square(residual))
        residual_optimizer.apply_gradients([(tape.gradient(loss, residual), residual)])

    for _ in range(RESIDUAL_STEPS):
        residual_step()
    distance = float(_rms(image(base + residual), target)[0])
    classes = np.asarray(tf.nn.softmax(best_logits))[0] if model.conditional else None
    return Inversion(np.asarray(z)[0], classes, np.asarray(residual)[0], distance)


def variations(run, inversion: Inversion, n: int, spread: float = VARIATION_SPREAD, seed: int = 0) -> np.ndarray:
    """``n`` generated samples (model space) around ``inversion``: latents ``spread`` standard deviations from
    the inverted one (fixed by ``seed``), the inverted class mixture and residual."""
    if spread < 0:
        raise RunError(f"--spread must be at least 0, got {spread}")
    model, head, body = _parts(run)
    noise = np.random.default_rng(seed).standard_normal((n, *model.latent_shape)).astype(np.float32)
    latents = inversion.latent[None] + spread * noise
    classes = np.repeat(inversion.classes[None], n, axis=0) if model.conditional else None
    feature_maps = head(model.inputs(latents, classes), training=False) + inversion.residual[None]
    return np.asarray(model.held(body(feature_maps, training=False)))


def load_spectrum(path, codec) -> np.ndarray:
    """The spectrum (dB, the ``codec``'s: log-mel or log-STFT) of one audio file, prepared as the training clips
    are (mono, resampled, onset-trimmed, cut or padded to the clip length). Raises :class:`RunError` with the
    reason for a file that cannot be used."""
    try:
        wave = load_sample(str(path), codec.config)
    except FileNotFoundError:
        raise RunError(f"--like {path}: no such file") from None
    except (SampleError, OSError) as error:
        raise RunError(f"--like {path} cannot be used: {error}") from None
    return codec.analyse(wave[None])[0]


def variations_of_file(
    run, path, n: int, spread: float = VARIATION_SPREAD, seed: int = 0
) -> tuple[np.ndarray, Inversion]:
    """``n`` spectra (dB, the run's: :func:`.sampling.generate_spectra`) of variations of the audio file at
    ``path`` (:func:`variations`), and its inversion."""
    inversion = invert(run, load_spectrum(path, run.codec), seed)
    return run.codec.decode(variations(run, inversion, n, spread, seed)), inversion
