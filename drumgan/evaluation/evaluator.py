"""Offline evaluation: generated drums measured in the terms of drumgan's own classifier, beside reference rows.

Every row is a set of waves measured the same way (audio -> constant-Q spectrogram -> classifier), against the
training kits: ``real_heldout`` (held-out kits, the ceiling), ``real_train`` (a sample of the training clips
themselves, what the models learn; each clip's nearest training clip is sought in the other kits, so its near
copies are those of real drums from kits never seen), ``griffin_lim`` (held-out kits through log-mel and
Griffin-Lim, the ceiling that inversion alone allows), ``noise`` (white noise, the floor), and one row per
trained run (its samples through the same Griffin-Lim). Beside those, every row is heard from its audio alone at
44.1 kHz (:mod:`.hearing`), against the training kits decoded afresh at that rate; there ``real_heldout`` is the
held-out files at 44.1 kHz too. A run's decays, class by class, are judged by every training clip's
(``training_decay_by_class``).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np

from ..data.audio import resample_clips
from ..errors import RunError
from ..features.envelope import envelope_times
from ..features.inverse import to_audio
from ..features.spectral import log_mel
from ..generation.sampling import generate_waves
from ..training.logs import write_measures
from . import metrics
from .hearing import AUDIO_RATE, Hearing, to_audio_rate
from .metrics import FD_DRAWS, REFERENCE_ROWS
from .neighbours import heldout_to_train, nearest_clips, nearest_in_other_kits, nearest_neighbours
from .results import run_record

FLOAT_SLACK = 1e-5
"""How far apart two computations of one clip's distance may lie (a clip's float32 log-mel computed in batches of
other sizes differs by up to about 1e-5 dB, its normalised distance by less): a clip counts as a near copy only
nearer than the nearest held-out clip by more than this."""


class Evaluator:
    """Measures sets of waves against the training kits of ``dataset``.

    Args:
        dataset: the :class:`~drumgan.dataset.DrumDataset` the runs were trained on.
        classifier: a trained drum classifier; default the one cached beside the dataset.
        ndb_bins: k of NDB/K.
        seed: picks the held-out subset, the noise, the runs' latents and Griffin-Lim's initial phases.
        progress: show a bar while the classifier trains (once per dataset).
        hearing: also measure each row from its audio (:mod:`.hearing`; the training kits are decoded at
            44.1 kHz on the first measurement).
        sources: where ``dataset`` came from (as for :func:`~drumgan.data.preparation.prepare`; default its default),
            to find the data of a run trained on the same files at another sample rate.
    """

    def __init__(
        self,
        dataset,
        classifier=None,
        ndb_bins: int = 20,
        seed: int = 0,
        progress: bool = False,
        hearing: bool = True,
        sources=None,
    ):
        from .classifier import accuracy, cached_classifier  # TensorFlow, only when measuring

        self.dataset, self.config, self.seed, self.progress = dataset, dataset.config, seed, progress
        self._hearing = None if hearing else False
        self._second_listener = None
        self.second_listener_accuracy = None  # (overall, {class index: accuracy}) once the listener is made
        self.sources = sources
        self.run_audio = {}  # run name -> its samples at AUDIO_RATE, for runs made at another rate than the dataset
        self._twins = {}  # feature config -> the dataset's files prepared at it, for runs made at another rate
        self.classifier = classifier if classifier is not None else cached_classifier(dataset, progress=progress)
        self.classifier_accuracy = accuracy(self.classifier, dataset, dataset.test_index)
        self.reference_index = metrics.at_most(dataset.train_index, seed=seed)
        self.reference = dataset.normalized(self.reference_index)  # training clips' normalised log-mels, for NDB/K
        probabilities, embeddings = self._classified(dataset.waves[self.reference_index])
        self.embedding_scale = float(embeddings.std()) or 1.0  # FD and KID in units of the training clips' spread
        self.train_embeddings = embeddings / self.embedding_scale
        self.train_classes = probabilities.argmax(axis=1)  # the classifier's class of each reference clip
        self.bins = metrics.ndb_bins(self.reference, ndb_bins, seed)
        heldout = heldout_to_train(dataset)
        self.closest_heldout = float(heldout.min()) if len(heldout) else 0.0  # the bar of measure's near_copies

    def audio_clips(self, index) -> np.ndarray:
        """The dataset's clips ``index`` at :data:`~.hearing.AUDIO_RATE`: its own where it has that rate, else its
        files decoded afresh (with the same trimming and length in seconds)."""
        from ..data.preparation import decode_files

        if self.config.sample_rate == AUDIO_RATE:
            return np.asarray(self.dataset.waves[index])
        return decode_files(self.dataset.paths[index], self.config.at_rate(AUDIO_RATE), progress=self.progress)

    @property
    def hearing(self):
        """The :class:`~.hearing.Hearing` of the training clips (None where switched off), made on first use."""
        if self._hearing is None:
            self._hearing = Hearing(self.audio_clips(self.reference_index))
        return self._hearing or None

    @property
    def second_listener(self):
        """The :class:`~.second_listener.SecondListener` fitted on the training kits (made on first use), with its
        held-out accuracy overall and per class index in :attr:`second_listener_accuracy`."""
        if self._second_listener is None:
            from .second_listener import SecondListener

            train, test = self.dataset.train_index, self.dataset.test_index
            labels = self.dataset.labels
            listener = SecondListener(self.audio_clips(train), labels[train], len(self.dataset.class_names), self.seed)
            held_out = self.audio_clips(test) if len(test) else None
            self.second_listener_accuracy = (
                listener.accuracy_per_class(held_out, labels[test]) if held_out is not None else (None, {})
            )
            self._second_listener = listener
        return self._second_listener

    def measure(self, waves: np.ndarray, audio: np.ndarray | None = None, itself=None) -> dict:
        """Every metric of ``waves`` ``(n, n_samples)`` (FD with its bootstrap interval over the clips,
        ``fd_interval``), with the class shares and median envelope times, and
        ``near_copies``: how many lie nearer a training clip than the nearest held-out clip does (memorisation).
        Sets differ in their mix of classes (a cymbal rings ten times as long as a kick), so the decay is also given
        per class the classifier hears (``decay_by_class``) and at the training kits' mix (``decay_matched_s``).

        ``audio``: the same clips at :data:`~.hearing.AUDIO_RATE` where there are better ones than ``waves``
        resampled (the held-out files themselves); the :mod:`.hearing` metrics are measured on it. ``itself``: the
        training clips ``waves`` are (the ``real_train`` row): each one's nearest-neighbour search leaves out its own
        kit, so that its ``d_train`` and ``near_copies`` are those of real drums from kits the search never saw.
        """
        waves = np.asarray(waves, np.float32)
        if waves.ndim != 2 or len(waves) < 2 or waves.shape[1] != self.config.n_samples:
            raise ValueError(f"expected at least 2 waves of {self.config.n_samples} samples, got shape {waves.shape}")
        log_mels = log_mel(waves, self.config)
        normalized = self.dataset.normalizer.transform(log_mels)
        probabilities, embeddings = self.classify_waves(waves)
        d_train = (
            nearest_clips(log_mels, self.dataset)[1]
            if itself is None
            else nearest_in_other_kits(log_mels, self.dataset, itself)
        )
        _, d_self = nearest_neighbours(normalized, normalized, exclude_self=True)
        attack, decay = envelope_times(waves, self.config.sample_rate)
        heard = probabilities.argmax(axis=1)
        shares = np.bincount(heard, minlength=len(self.dataset.class_names)) / len(waves)
        return {
            "n": len(waves),
            "is": metrics.inception_score(probabilities),
            "fd": metrics.frechet_distance(embeddings, self.train_embeddings),
            "fd_interval": metrics.frechet_interval(embeddings, self.train_embeddings, seed=self.seed),
            "kid": metrics.kernel_inception_distance(embeddings, self.train_embeddings),
            "ndb_k": metrics.ndb_k(self.reference, normalized, bins=self.bins),
            "d_train": float(np.median(d_train)),
            "d_self": float(np.median(d_self)),
            "near_copies": self.near_copies(d_train),
            "attack_s": float(np.median(attack)),
            **self.decays(decay, heard),
            "classes": {name: float(s) for name, s in zip(self.dataset.class_names, shares)},
            **self._heard(waves, audio),
        }

    def near_copies(self, d_train: np.ndarray) -> int:
        """How many clips lie nearer a training clip than the nearest held-out clip does, given each clip's distance
        to its nearest training clip (:func:`~.neighbours.nearest_clips`)."""
        return int((np.asarray(d_train) < self.closest_heldout - FLOAT_SLACK).sum())

    def _heard(self, waves: np.ndarray, audio: np.ndarray | None) -> dict:
        if self.hearing is None:
            return {}
        return self.hearing.measure(audio if audio is not None else to_audio_rate(waves, self.config.sample_rate))

    def heldout_index(self, n: int) -> np.ndarray:
        """The held-out clips of the ``real_heldout`` row: up to ``n`` of them, drawn by the seed."""
        test = self.dataset.test_index
        return np.sort(np.random.default_rng(self.seed).choice(test, n, replace=False)) if len(test) > n else test

    def train_sample_index(self, n: int) -> np.ndarray:
        """The training clips of the ``real_train`` row: up to ``n`` of them, drawn by the seed."""
        train = self.dataset.train_index
        rng = np.random.default_rng([self.seed, 1])
        return np.sort(rng.choice(train, n, replace=False)) if len(train) > n else train

    def reference_waves(self, n: int) -> dict[str, np.ndarray]:
        """The reference rows' waves: up to ``n`` held-out samples and ``n`` training ones, the held-out ones
        through Griffin-Lim, and ``n`` noises."""
        test = self.heldout_index(n)
        noise = np.random.default_rng(self.seed).standard_normal((n, self.config.n_samples)).astype(np.float32)
        return {
            "real_heldout": self.dataset.waves[test],
            "real_train": self.dataset.waves[self.train_sample_index(n)],
            "griffin_lim": to_audio(self.dataset.log_mels[test], self.config, seed=self.seed),
            "noise": noise / np.abs(noise).max(axis=1, keepdims=True),
        }

    def run_waves(self, run, n: int, truncation: float = 1.0, draw: int = 0) -> np.ndarray:
        """``n`` samples of a trained run (a GAN's latents truncated by ``truncation``), made audible by the same
        Griffin-Lim as the ``griffin_lim`` row; their latents and phases from the seed plus ``draw``.

        A run trained on the same files at another sample rate is heard at its own rate, then resampled to the
        dataset's for the classifier; its own audio is kept in :attr:`run_audio` for the :mod:`.hearing` measures.
        """
        hint = "Pass the --source it was trained on, or train your own run on this data."
        config, seed = run.codec.config, self.seed + draw
        if config == self.config:
            run.check_data(self.dataset, hint)
            return generate_waves(run, n, seed, truncation=truncation)
        if config.at_rate(self.config.sample_rate) != self.config:
            raise RunError(
                f"{run.dir} uses another feature config than the dataset being evaluated; "
                "evaluate runs of one --size at a time"
            )
        from ..data.preparation import prepare

        twin = self._twins.get(config)
        if twin is None:  # prepared once, not once a draw
            cache = Path(self.dataset.cache_path).parent if self.dataset.cache_path else None
            twin = self._twins[config] = prepare(self.sources, config, cache=cache, progress=False)
        if not np.array_equal(twin.paths, self.dataset.paths):
            raise RunError(f"{run.dir} at {config.sample_rate} Hz was not trained on these files. {hint}")
        run.check_data(twin, hint)
        native = generate_waves(run, n, seed, truncation=truncation)
        if not draw:
            self.run_audio[run.name] = to_audio_rate(native, config.sample_rate)
        return resample_clips(native, config.sample_rate, self.config.sample_rate, self.config.n_samples)

    def waves(
        self, runs, n: int | None = None, progress: bool = False, truncation: float = 1.0
    ) -> dict[str, np.ndarray]:
        """The waves of every row: the reference rows, then ``n`` samples of each run (:meth:`run_waves`), named
        after its folder."""
        from tqdm.auto import tqdm

        n = n or min(len(self.dataset.test_index), metrics.REFERENCE_CLIPS)
        if n < 2:
            raise ValueError(f"n must be at least 2 (nearest-neighbour and KID need pairs), got {n}")
        names = [run.name for run in runs]
        clashes = sorted({name for name in names if names.count(name) > 1 or name in REFERENCE_ROWS})
        if clashes:
            raise RunError(f"rows are named after run folders, and these names clash: {', '.join(clashes)}")
        dimension = self.train_embeddings.shape[1]
        if n <= dimension:
            warnings.warn(
                f"{n} samples per row is not more than the {dimension}-dimensional embedding: FD is unreliable",
                stacklevel=2,
            )
        steps = tqdm(total=1 + len(runs), desc="audio for evaluation", disable=not progress)
        sets = self.reference_waves(n)
        steps.update()
        for run in runs:
            sets[run.name] = self.run_waves(run, n, truncation)
            steps.update()
        steps.close()
        return sets

    def draws(self, run, first_waves: np.ndarray, first: dict, truncation: float = 1.0, draws: int = FD_DRAWS) -> dict:
        """A run's measures over ``draws`` draws of its samples, the first ``first_waves`` (measured as ``first``,
        :meth:`measure`'s row of them), the others drawn by :meth:`run_waves` at the same size: each draw's FD and
        near copies (``fd_draws``, ``near_copies_draws``), and the decays of all the draws' clips together
        (``decay_s``, ``decay_matched_s``, ``decay_by_class``: a class has a few dozen clips in one draw)."""
        fds, copies = [first["fd"]], [first["near_copies"]]
        heard, decays = [self.predicted_classes(first_waves)], [envelope_times(first_waves, self.config.sample_rate)[1]]
        for draw in range(1, draws):
            waves = self.run_waves(run, len(first_waves), truncation, draw)
            probabilities, embeddings = self.classify_waves(waves)
            fds.append(metrics.frechet_distance(embeddings, self.train_embeddings))
            copies.append(self.near_copies(nearest_clips(log_mel(waves, self.config), self.dataset)[1]))
            heard.append(probabilities.argmax(axis=1))
            decays.append(envelope_times(waves, self.config.sample_rate)[1])
        return {
            "fd_draws": fds,
            "near_copies_draws": copies,
            **self.decays(np.concatenate(decays), np.concatenate(heard)),
        }

    def decays(self, decay: np.ndarray, heard: np.ndarray) -> dict:
        """The median decay of clips whose decays are ``decay`` and whose classes the classifier hears as ``heard``:
        overall (``decay_s``), at the training kits' mix of classes (``decay_matched_s``) and per class heard
        (``decay_by_class``)."""
        shares = np.bincount(heard, minlength=len(self.dataset.class_names))
        train_shares = np.bincount(self.train_classes, minlength=len(shares)) / len(self.train_classes)
        return {
            "decay_s": float(np.median(decay)),
            "decay_matched_s": metrics.class_matched_median(decay, heard, train_shares),
            "decay_by_class": {
                name: float(np.median(decay[heard == k]))
                for k, name in enumerate(self.dataset.class_names)
                if shares[k]
            },
        }

    def training_decays(self) -> dict[str, float]:
        """The median decay of the training clips (at most :data:`~.metrics.REFERENCE_CLIPS`, the reference of FD)
        the classifier hears as each class: what a run's decays are judged by (a sample of 176 of them puts a
        class's median at 0.66 to 1.72 times it: 5th to 95th percentile, the hi-hats' the widest)."""
        decay = envelope_times(self.dataset.waves[self.reference_index], self.config.sample_rate)[1]
        return self.decays(decay, self.train_classes)["decay_by_class"]

    def report(self, sets: dict[str, np.ndarray], runs=(), truncation: float = 1.0) -> dict:
        """:meth:`measure` of each set, with the classifier's accuracy, the data and config; see :func:`evaluate`.
        A run's ``fd`` and ``near_copies`` are the means of its :meth:`draws` (listed as ``fd_draws`` and
        ``near_copies_draws``) and its decays those of all the draws' clips; its other measures are of the first
        draw, ``sets[run.name]``. ``training_decay_by_class``: :meth:`training_decays`."""
        audio, itself = dict(self.run_audio), {}
        if "real_heldout" in sets:
            audio["real_heldout"] = self.audio_clips(self.heldout_index(len(sets["real_heldout"])))
        if "real_train" in sets:
            itself["real_train"] = self.train_sample_index(len(sets["real_train"]))
            audio["real_train"] = self.audio_clips(itself["real_train"])
        rows = {name: self.measure(waves, audio.get(name), itself.get(name)) for name, waves in sets.items()}
        for run in runs:
            draws = self.draws(run, sets[run.name], rows[run.name], truncation)
            means = {"fd": np.mean(draws["fd_draws"]), "near_copies": np.mean(draws["near_copies_draws"])}
            rows[run.name].update({key: float(value) for key, value in means.items()}, **draws)
        return {
            "classifier_accuracy": self.classifier_accuracy,
            "training_decay_by_class": self.training_decays(),
            "rows": rows,
            "n": max(len(waves) for waves in sets.values()),
            "seed": self.seed,
            "data": self.dataset.data_id,
            "config": json.loads(self.config.to_json()),
            "runs": {run.name: run_record(run, truncation) for run in runs},
        }

    def classify_waves(self, waves: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The classifier's class probabilities and embeddings of ``waves`` ``(n, n_samples)``, the embeddings divided
        by :attr:`embedding_scale` (the training clips' standard deviation), so that FD reads in units of their
        spread and KID's cubic kernel sees values near 1."""
        probabilities, embeddings = self._classified(waves)
        return probabilities, embeddings / self.embedding_scale

    def _classified(self, waves: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        from .classifier import embed, images

        return embed(self.classifier, images(waves, self.config.sample_rate))

    def predicted_classes(self, waves: np.ndarray) -> np.ndarray:
        """The classifier's most probable class (index into ``dataset.class_names``) of each wave."""
        return self.classify_waves(waves)[0].argmax(axis=1)


def evaluate(
    runs,
    dataset,
    n: int | None = None,
    seed: int = 0,
    classifier=None,
    progress: bool = False,
    per_class_n: int = 0,
    sources=None,
    truncation: float = 1.0,
) -> dict:
    """Metrics of the reference rows and of each run (rows named after the run folders).

    Args:
        runs: :class:`~drumgan.training.run.Run` objects (``Run.load(folder)``).
        dataset: the dataset they were trained on.
        n: samples per row; default the number of held-out samples (the real rows never have more), at most
            :data:`~drumgan.evaluation.metrics.REFERENCE_CLIPS`.
        sources: where ``dataset`` came from, for runs trained on its files at another sample rate (``Evaluator``).
        truncation: each GAN's latents pulled toward the mean (:func:`drumgan.latents.truncate`; 1: none).
        per_class_n: if above 0, also :func:`drumgan.evaluation.per_class.per_class` of each run with this many
            clips per class (``per_class`` in the result).

    Returns:
        ``{"classifier_accuracy", "rows": {name: measure(...)}, "n", "seed", "data", "config", "runs"}``, and
        ``"per_class": {name: {class: ...}}`` where asked, with ``"listener_accuracy"``, the second listener's
        held-out accuracy, where a conditional run was heard by it.
    """
    evaluator = Evaluator(dataset, classifier, seed=seed, progress=progress, sources=sources)
    results = evaluator.report(evaluator.waves(runs, n, progress, truncation), runs, truncation)
    if per_class_n:
        from .per_class import per_class

        results["per_class"] = {run.name: per_class(evaluator, run, per_class_n, seed, truncation) for run in runs}
        if evaluator.second_listener_accuracy is not None:  # a conditional run was heard by the second listener
            results["listener_accuracy"] = evaluator.second_listener_accuracy[0]
    return results


def log_results(runs, results: dict) -> None:
    """Each run's row of ``results`` into its TensorBoard logs (``logs/evaluate``), at the run's step (a run folder
    one may read but not write is one warning, :class:`drumgan.training.logs.LogWarning`)."""
    for run in runs:
        write_measures(run.folder.logs("evaluate"), run.step, results["rows"][run.name])
