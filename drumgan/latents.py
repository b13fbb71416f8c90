"""What a GAN generates from: latents, class mixtures (for a conditional run) and paths between them."""

from __future__ import annotations

import numpy as np

from .errors import RunError


def one_hot(labels, n_classes: int) -> np.ndarray:
    """``(n, n_classes)`` float32 rows with a 1 at each label."""
    return np.eye(n_classes, dtype=np.float32)[np.asarray(labels, int)]


def class_mixture(class_names, weights: dict[str, float]) -> np.ndarray:
    """The class vector ``(n_classes,)`` of ``{name: weight}``, weights scaled to sum to 1.

    Raises:
        RunError: a name that is not one of ``class_names``, a negative weight, or weights summing to 0.
    """
    unknown = sorted(set(weights) - set(class_names))
    if unknown:
        raise RunError(f"unknown class {', '.join(unknown)}; this run knows {', '.join(class_names)}")
    values = np.array([float(weights.get(name, 0.0)) for name in class_names], np.float32)
    if (values < 0).any() or not values.sum() > 0:
        raise RunError(f"class weights must be at least 0 and not all 0, got {weights}")
    return values / values.sum()


def parse_mixture(text: str) -> dict[str, float]:
    """``"kick=0.5,snare=0.5"`` -> ``{"kick": 0.5, "snare": 0.5}``; a bare name weighs 1."""
    return parse_named_values(text, "--mix", "NAME=WEIGHT", "kick=0.5,snare=0.5", bare=1.0)


def parse_named_values(text: str, option: str, form: str, example: str, bare: float | None = None) -> dict[str, float]:
    """``"a=0.5,b=1"`` -> ``{"a": 0.5, "b": 1.0}``; a bare name takes ``bare`` (where None it is refused).

    Raises:
        RunError: a part that is not ``form`` (said with ``option`` and ``example``), or nothing at all.
    """
    values = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, _, value = part.partition("=")
        try:
            values[name.strip()] = float(value) if value or bare is None else bare
        except ValueError:
            raise RunError(f"{option} wants {form} pairs such as {example}; got {part!r}") from None
    if not values:
        raise RunError(f"{option} wants {form} pairs such as {example}")
    return values


def check_truncation(psi: float) -> float:
    """``psi`` as a float, if it is a truncation (:func:`truncate`) between 0 and 1.

    Raises:
        RunError: ``psi`` outside [0, 1].
    """
    if not 0 <= psi <= 1:
        raise RunError(f"truncation must be between 0 and 1 (1: none), got {psi}")
    return float(psi)


def truncate(latents, psi: float) -> np.ndarray:
    """``latents`` pulled toward the mean latent (0) by ``psi``: the truncation trick, trading variety for clips
    nearer the typical one (of their class, for a conditional run); 1 leaves them as drawn."""
    return np.asarray(latents, np.float32) * np.float32(check_truncation(psi))


def slerp(a: np.ndarray, b: np.ndarray, t) -> np.ndarray:
    """Spherical interpolation from latent ``a`` (t = 0) to ``b`` (t = 1), one row per value of ``t``.

    Gaussian latents lie near a sphere; a straight line between two of them passes through its inside, where
    the generator saw few latents in training, while the arc keeps their norm.
    """
    a, b, t = np.asarray(a, np.float64), np.asarray(b, np.float64), np.atleast_1d(np.asarray(t, np.float64))
    cos = np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    if omega < 1e-6:  # (nearly) the same direction: the straight line is the arc
        return ((1 - t)[:, None] * a + t[:, None] * b).astype(np.float32)
    weights_a, weights_b = np.sin((1 - t) * omega) / np.sin(omega), np.sin(t * omega) / np.sin(omega)
    return (weights_a[:, None] * a + weights_b[:, None] * b).astype(np.float32)


def lerp(a: np.ndarray, b: np.ndarray, t) -> np.ndarray:
    """Linear interpolation from ``a`` to ``b`` (class mixtures, which are weights, not points on a sphere)."""
    t = np.atleast_1d(np.asarray(t, np.float32))[:, None]
    return ((1 - t) * np.asarray(a, np.float32) + t * np.asarray(b, np.float32)).astype(np.float32)


def class_path(class_names, stops: list[str], per_leg: int) -> np.ndarray:
    """Class vectors from the first of ``stops`` through each to the last (e.g. kick -> snare -> cymbal),
    ``per_leg`` steps a leg: ``(1 + per_leg * (len(stops) - 1), n_classes)``."""
    if len(stops) < 2 or per_leg < 1:
        raise RunError("a class path needs at least two classes and one step a leg")
    ends = [class_mixture(class_names, {name: 1.0}) for name in stops]
    legs = [lerp(a, b, np.arange(per_leg) / per_leg) for a, b in zip(ends, ends[1:])]
    return np.concatenate([*legs, ends[-1][None]])
