"""A second listener for classes, which shares nothing with the models' representation: a class check of clips
from hand-made descriptors of their audio at :data:`~.hearing.AUDIO_RATE` (:func:`~.hearing.descriptors`), not
from their log-mel.

It is a multinomial logistic regression on the standardised descriptors, each class weighted by its rarity,
fitted on the training kits; of the simple models tried on the Hydrogen kits (logistic regression with and
without class weights, random forests, gradient-boosted trees) it heard the held-out kits best.
"""

from __future__ import annotations

import numpy as np

from .hearing import CHUNK, descriptors


def _descriptors(audio: np.ndarray) -> np.ndarray:
    return np.concatenate([descriptors(np.asarray(audio[i : i + CHUNK])) for i in range(0, len(audio), CHUNK)])


class SecondListener:
    """Classes heard from descriptors of clips at :data:`~.hearing.AUDIO_RATE`."""

    def __init__(self, audio: np.ndarray, labels: np.ndarray, n_classes: int, seed: int = 0):
        """Fit on training clips ``audio`` ``(n, samples)`` with their ``labels`` (indices below ``n_classes``)."""
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        self.n_classes = n_classes
        self.model = make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=5000, class_weight="balanced", random_state=seed)
        )
        self.model.fit(_descriptors(audio), np.asarray(labels))

    def predict(self, audio: np.ndarray) -> np.ndarray:
        """The class index heard in each clip."""
        return self.model.predict(_descriptors(audio)).astype(int)

    def accuracy_per_class(self, audio: np.ndarray, labels: np.ndarray) -> tuple[float, dict[int, float]]:
        """The share of ``audio`` heard as its ``labels``, overall and per class present."""
        labels = np.asarray(labels)
        heard = self.predict(audio)
        per_class = {int(k): float(np.mean(heard[labels == k] == k)) for k in np.unique(labels)}
        return float(np.mean(heard == labels)), per_class
