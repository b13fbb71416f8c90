"""Sample-quality metrics on arrays (inception score, Frechet distance, KID, NDB/K, envelopes) and their names.

Pure NumPy/SciPy, so each can be checked on cases with known answers. The embeddings and class
probabilities they take come from drumgan's own drum classifier, or from the pretrained network of
:mod:`.pretrained` (installed with its package, never downloaded at run time).
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg
import scipy.stats

from ..errors import TooFewClips

METRICS = ("is", "fd", "kid", "ndb_k", "d_train", "d_self", "near_copies")
HEARING_METRICS = ("fad", "fd_audio", "onset_ms", "high_db", "d_train_stft")  # from the audio alone (.hearing)
BETTER = {
    "is": "higher",
    "fd": "lower",
    "kid": "lower",
    "ndb_k": "lower",
    "d_train": "near real_heldout",
    "d_self": "higher",
    "near_copies": "lower",
    "fad": "lower",
    "fd_audio": "lower",
    "onset_ms": "near real_heldout",
    "high_db": "near real_heldout",
    "d_train_stft": "near real_heldout",
}
FD_DRAWS = 10
"""Draws of a run's samples whose FD and near copies are averaged into its row's ``fd`` and ``near_copies`` (and
whose clips give its decays). One draw of 176 samples from a run swings its FD with a standard deviation of 3 to
6 (benchmarks/README.md, FD over draws of a run's samples): more than three seeds of a recipe differ. Each draw
has the row's size, so the mean reads on the scale of the reference rows, whose clips are one set."""
DESCRIPTIONS = {
    "is": "inception score (classifier confidence x variety; 1 to the number of classes)",
    "fd": "Frechet distance to the training kits on the classifier embedding (constant-Q, not the models' log-mel);"
    f" a run's: the mean over {FD_DRAWS} draws of its samples",
    "kid": "kernel inception distance (unbiased MMD, cubic kernel) on the same embedding",
    "ndb_k": "share of k-means bins of the training kits whose share of samples differs (z-test, 5%)",
    "d_train": "median RMS distance to the nearest training sample (normalised log-mel); 0 = copies",
    "d_self": "median RMS distance to the nearest other sample of the same set; 0 = all alike",
    "near_copies": "samples nearer a training sample than the nearest held-out real one is (memorisation);"
    f" a run's: the mean over {FD_DRAWS} draws",
    "fad": "Frechet audio distance to the training kits on a pretrained music-tagging network (musicnn's MSD VGG)",
    "fd_audio": "Frechet distance to the training kits on 41 audio descriptors at 44.1 kHz (bands to 22 kHz)",
    "onset_ms": "median rise time of the 1 ms envelope from -30 to -6 dB of its peak; smeared attacks are slow",
    "high_db": "median share of energy above 8 kHz, in dB (-60: none, as in 16 kHz audio)",
    "d_train_stft": "median multi-resolution log-STFT distance (RMS dB) to the nearest training clip at 44.1 kHz",
}
REFERENCE_ROWS = (
    "real_heldout",
    "real_train",
    "griffin_lim",
    "noise",
)  # the rows every evaluation measures beside runs
CEILING_METRICS = ("is", "fd", "kid", "ndb_k")  # the scores compared with the Griffin-Lim ceiling
REFERENCE_CLIPS = 2048
"""The most clips of a split the evaluation holds at once: the classifier trains on at most this many training clips,
FD, KID and NDB/K compare with at most this many, and a row has at most this many samples unless asked for more.
Nearest-neighbour distances search every training clip, a chunk at a time."""


def at_most(index: np.ndarray, n: int = REFERENCE_CLIPS, seed: int = 0) -> np.ndarray:
    """``index``, or ``n`` of its entries drawn at random (kept in their order) where it has more."""
    index = np.asarray(index)
    if len(index) <= n:
        return index
    return np.sort(np.random.default_rng(seed).choice(index, n, replace=False))


def inception_score(probabilities: np.ndarray) -> float:
    """``exp(E_x KL(p(y|x) || p(y)))`` of ``(n, classes)`` class probabilities: 1 to the number of classes."""
    p = np.clip(np.asarray(probabilities, np.float64), 1e-12, 1.0)
    marginal = p.mean(axis=0, keepdims=True)
    return float(np.exp(np.mean(np.sum(p * (np.log(p) - np.log(marginal)), axis=1))))


def needs_clips(what: str, least: int, **sets) -> None:
    """Refuse sets (name: array) of fewer than ``least`` clips for the measure ``what``.

    Raises:
        TooFewClips: in one line naming the measure, how many it needs and how many each short set holds.
    """
    short = [f"{len(clips)} {name}" for name, clips in sets.items() if len(clips) < least]
    if short:
        raise TooFewClips(f"the {what} needs at least {least} clips a set, got {' and '.join(short)}")


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Frechet distance between Gaussians fitted to two ``(n, features)`` embedding sets (at least 2 each)."""
    needs_clips("Frechet distance", 2, measured=a, reference=b)
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    mu_a, mu_b = a.mean(axis=0), b.mean(axis=0)
    cov_a, cov_b = np.atleast_2d(np.cov(a, rowvar=False)), np.atleast_2d(np.cov(b, rowvar=False))
    with warnings.catch_warnings():  # sets smaller than the dimension give singular covariances
        warnings.simplefilter("ignore", scipy.linalg.LinAlgWarning)
        root = scipy.linalg.sqrtm(cov_a @ cov_b)
        if not np.isfinite(root).all():  # nudge both covariances
            eps = 1e-6 * np.eye(len(cov_a))
            root = scipy.linalg.sqrtm((cov_a + eps) @ (cov_b + eps))
    value = np.sum((mu_a - mu_b) ** 2) + np.trace(cov_a + cov_b - 2 * np.real(root))
    return float(max(value, 0.0))


BOOTSTRAP_DRAWS = 100  # resamplings of a set for :func:`frechet_interval`
INTERVAL = 0.9  # the bootstrap interval's coverage


def frechet_interval(a: np.ndarray, b: np.ndarray, draws: int = BOOTSTRAP_DRAWS, seed: int = 0) -> list[float]:
    """The :data:`INTERVAL` bootstrap interval ``[low, high]`` of :func:`frechet_distance` of ``a`` to ``b``, with
    ``a``'s clips drawn again with replacement ``draws`` times: the evaluation's own noise over its clips.

    A draw repeats some clips, so its distance is biased upward (the more, the fewer clips per dimension); the
    interval is the distance itself plus the draws' spread about their median. Each draw's trace term is
    ``tr sqrt(B^1/2 A B^1/2)`` from a symmetric eigendecomposition, with ``B^1/2`` (the reference's) computed once,
    so a draw costs milliseconds where ``sqrtm`` costs a fifth of a second.
    """
    needs_clips("Frechet distance", 2, measured=a, reference=b)
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    mu_b, cov_b = b.mean(axis=0), np.atleast_2d(np.cov(b, rowvar=False))
    values, vectors = np.linalg.eigh(cov_b)
    root_b = (vectors * np.sqrt(np.maximum(values, 0))) @ vectors.T
    rng = np.random.default_rng(seed)
    distances = []
    for _ in range(draws):
        drawn = a[rng.integers(0, len(a), len(a))]
        cov_a = np.atleast_2d(np.cov(drawn, rowvar=False))
        cross = np.sqrt(np.maximum(np.linalg.eigvalsh(root_b @ cov_a @ root_b), 0)).sum()
        mean_term = np.sum((drawn.mean(axis=0) - mu_b) ** 2)
        distances.append(max(mean_term + np.trace(cov_a) + np.trace(cov_b) - 2 * cross, 0.0))
    tail = 100 * (1 - INTERVAL) / 2
    spread = np.percentile(distances, [tail, 100 - tail]) - np.median(distances)
    return [float(max(v, 0.0)) for v in frechet_distance(a, b) + spread]


def kernel_inception_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Unbiased squared MMD with the cubic polynomial kernel ``(x.y / d + 1)^3`` (KID); near 0 for one distribution.
    Each set holds at least 2 clips."""
    needs_clips("kernel inception distance", 2, measured=a, reference=b)
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    d = a.shape[1]
    k_aa, k_bb, k_ab = ((a @ a.T) / d + 1) ** 3, ((b @ b.T) / d + 1) ** 3, ((a @ b.T) / d + 1) ** 3
    m, n = len(a), len(b)
    same_a = (k_aa.sum() - np.trace(k_aa)) / (m * (m - 1))
    same_b = (k_bb.sum() - np.trace(k_bb)) / (n * (n - 1))
    return float(same_a + same_b - 2 * k_ab.mean())


def ndb_bins(reference: np.ndarray, k: int = 20, seed: int = 0):
    """k-means with ``k`` clusters on ``reference`` (flattened, at least ``k`` clips): the bins of :func:`ndb_k`."""
    from sklearn.cluster import KMeans

    needs_clips(f"NDB/K's k-means ({k} bins)", k, reference=reference)
    return KMeans(n_clusters=k, n_init=3, random_state=seed).fit(
        np.asarray(reference, np.float64).reshape(len(reference), -1)
    )


def ndb_k(
    reference: np.ndarray, samples: np.ndarray, k: int = 20, alpha: float = 0.05, seed: int = 0, bins=None
) -> float:
    """Number of statistically different bins over ``k`` (Richardson & Weiss 2018).

    ``bins`` (from :func:`ndb_bins` on ``reference``, fitted here if not given) cluster both sets; each
    set's share of items per bin is compared with a two-proportion z-test at level ``alpha``. 0: the
    same spread over the bins.
    """
    bins = bins if bins is not None else ndb_bins(reference, k, seed)
    needs_clips("NDB/K", 1, measured=samples)
    k = bins.n_clusters
    p_ref = np.bincount(bins.labels_, minlength=k) / len(bins.labels_)
    gen = np.asarray(samples, np.float64).reshape(len(samples), -1)
    p_gen = np.bincount(bins.predict(gen), minlength=k) / len(gen)
    n_ref = len(bins.labels_)
    pooled = (p_ref * n_ref + p_gen * len(gen)) / (n_ref + len(gen))
    se = np.sqrt(pooled * (1 - pooled) * (1 / n_ref + 1 / len(gen)))
    z = np.divide(p_ref - p_gen, se, out=np.zeros(k), where=se > 0)
    return float(np.mean(np.abs(z) > scipy.stats.norm.ppf(1 - alpha / 2)))


def period_contrast_db(log_mels: np.ndarray, period: int = 4) -> float:
    """How much more each bin's level moves with a period of ``period`` frames than at the neighbouring
    modulation frequencies, in dB (median over clips and bins): about 0 for real drums, well above 0 for a
    model that draws a pattern every ``period`` frames (the LSTM-GAN's frames per LSTM step).

    The modulation spectrum is the DFT over frames of each bin's level in dB, its mean removed; the period's
    component is compared with the mean of the two components beside it.
    """
    x = np.asarray(log_mels, np.float64)
    frames = x.shape[-1]
    k = frames // period
    if frames % period or not 1 < k < frames // 2:
        raise ValueError(f"period must divide the {frames} frames and leave neighbours below Nyquist, got {period}")
    spectrum = np.abs(np.fft.rfft(x - x.mean(axis=-1, keepdims=True), axis=-1))
    neighbours = 0.5 * (spectrum[..., k - 1] + spectrum[..., k + 1])
    return float(np.median(20 * np.log10(np.maximum(spectrum[..., k], 1e-9) / np.maximum(neighbours, 1e-9))))


def class_matched_median(values: np.ndarray, classes: np.ndarray, shares: np.ndarray) -> float:
    """The median of ``values`` with each clip weighted so that its class (``classes``, indices) carries the share
    ``shares[class]`` of the whole rather than its share among these clips: what the median would be if the clips
    came in the class mix ``shares``. Classes absent from ``classes`` are left out and the rest rescaled."""
    values, classes = np.asarray(values, np.float64), np.asarray(classes)
    counts = np.bincount(classes, minlength=len(shares))
    weights = np.asarray(shares, np.float64)[classes] / counts[classes]
    if weights.sum() <= 0:
        return float(np.median(values))
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    return float(values[order][np.searchsorted(cumulative, 0.5)])
