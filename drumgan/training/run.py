"""A training run: its settings, codec and model, restored from the run folder's last checkpoint."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from ..backend import keras
from ..config import FeatureConfig
from ..errors import RunError
from ..features.attack import folded_rows
from ..features.codec import Codec
from ..features.timbre import TimbreBank
from ..models import build_model
from ..provenance import code_version
from ..settings import TrainSettings
from .checkpoint import build_optimizers, load_checkpoint, load_weights, step_of
from .folder import RunFolder

SHAPE_FIELDS = ("sample_rate", "n_samples", "n_fft", "hop_length", "n_mels")
"""The fields of a run's ``feature_config`` that its settings decide (and its weights were trained at)."""


class Run:
    """A run folder opened with its model. :func:`~drumgan.training.loop.train` returns one; :meth:`load` opens one.

    Attributes:
        folder: the :class:`RunFolder` (every path in it).
        settings, codec, model: what was trained, and how its tensors map to log-mels.
        data: the dataset it was trained on: ``{"data_id", "train", "synthetic", "classes"}`` (``classes``: training
            clips per class name; runs made before it was recorded lack it).
        timbre: a timbre-conditioned run's :class:`~drumgan.features.timbre.TimbreBank` (its training clips'
            timbres, kept in the folder); None for any other run.
        result: what the last :func:`~drumgan.training.loop.train` call did (None for a loaded run).
    """

    def __init__(self, folder: RunFolder, settings: TrainSettings, codec: Codec, meta: dict):
        self.folder, self.settings, self.codec, self.meta = folder, settings, codec, meta
        self.data = meta["data"]
        self.result: dict | None = None
        keras.utils.set_random_seed(settings.seed)
        counts = list(self.data.get("classes", {}).values()) or None
        classes = len(self.data["classes"]) if "classes" in self.data else None
        self.timbre = TimbreBank.load(folder.timbre_path, classes) if settings.timbre else None
        self.model = build_model(
            settings,
            codec.config.n_frames,
            codec.n_bins,
            n_train=self.data["train"],
            floor=codec.floor,
            class_counts=counts,
            timbre_bank=self.timbre,
        )
        if folder.checkpoint.exists():
            load_checkpoint(folder.checkpoint, self.model)
        elif folder.weights.exists():
            load_weights(folder.weights, self.model)
        build_optimizers(self.model)

    def __repr__(self) -> str:
        return f"Run({str(self.dir)!r}, model={self.settings.model!r}, step={self.step})"

    @property
    def dir(self) -> Path:
        return self.folder.path

    @property
    def name(self) -> str:
        return self.folder.name

    @property
    def class_names(self) -> tuple[str, ...]:
        """The classes a conditional run can be asked for (in its class order); () for any other run."""
        return tuple(self.data["classes"]) if self.settings.conditional else ()

    @property
    def step(self) -> int:
        return step_of(self.model)

    def history(self) -> list[dict]:
        return self.folder.read_history()

    @classmethod
    def load(cls, run_dir) -> Run:
        """Open a run folder that :func:`~drumgan.training.loop.train` made (old folders included)."""
        folder = RunFolder(run_dir)
        meta = folder.read_meta()
        try:  # runs made before frames_per_step existed took a frame per step
            settings = TrainSettings.from_stored(meta["settings"])
            config = FeatureConfig.from_dict(meta["feature_config"])
            settings.check()
        except (TypeError, ValueError) as error:
            raise RunError(f"{folder.meta_path} holds settings this version cannot use ({error})") from None
        disagree = [
            f"{k} {getattr(config, k)} (the settings make {getattr(settings.feature_config, k)})"
            for k in SHAPE_FIELDS
            if getattr(config, k) != getattr(settings.feature_config, k)
        ]
        if disagree:
            raise RunError(f"{folder.meta_path}: its feature_config disagrees with its settings: {'; '.join(disagree)}")
        codec = Codec.load(folder.codec_path, config)
        return cls(folder, settings, codec, meta)

    @classmethod
    def open(cls, run_dir, settings: TrainSettings, get_dataset) -> tuple[Run, object]:
        """The run in ``run_dir`` to train with ``settings``, and its dataset: the one already there, checked
        against ``settings`` and ``settings.steps`` before ``get_dataset()`` is called (so a refused run costs no
        data), then against the dataset; or a new one made on ``get_dataset()``. The folder is read and the model
        built once.

        Raises:
            RunError: the folder holds other settings or data, is past ``settings.steps`` or cannot train on; the
                dataset is at another config; the batch is larger than the training set; the attack channel does not
                fit the sample rate's hop.
        """
        if settings.feature == "mel-attack":
            try:
                folded_rows(settings.feature_config)
            except ValueError as error:
                raise RunError(f"--feature mel-attack: {error}") from None
        folder = RunFolder(run_dir)
        if folder.exists():
            run = cls.load(run_dir)
            run.check_settings(settings)
            run.check_steps(settings.steps)
            dataset = _checked(get_dataset(), settings)
            run.check_data(dataset, "Train your own into a new --out folder (in a notebook: another RUN_NAME).")
            if run.data["data_id"] != dataset.data_id:  # recorded under the data's former name: record today's
                run.data["data_id"] = dataset.data_id
                folder.write_meta(run.meta)
            return run, dataset
        dataset = _checked(get_dataset(), settings)
        return cls.create(run_dir, settings, dataset), dataset

    @classmethod
    def create(cls, run_dir, settings: TrainSettings, dataset) -> Run:
        """A new run in ``run_dir`` on ``dataset``: its codec fitted on the training clips, its settings written."""
        folder = RunFolder(run_dir)
        rows = dataset.train_rows(settings.leave_out_unnamed)
        data = {
            "data_id": dataset.data_id,
            "train": len(rows),
            "synthetic": dataset.synthetic,
            "classes": dataset.class_counts(rows),
        }
        if settings.leave_out_unnamed:
            data["left_out_unnamed"] = len(dataset.train_index) - len(rows)
        training_clips = dataset.log_mel_chunks(rows)
        codec = Codec.fit(training_clips, settings.feature_config, settings.feature, settings.layout)
        folder.path.mkdir(parents=True, exist_ok=True)
        codec.save(folder.codec_path)
        if settings.timbre:
            TimbreBank(dataset.timbre()[rows], dataset.labels[rows]).save(folder.timbre_path)
        config = dataclasses.asdict(settings.feature_config)
        meta = {"settings": dataclasses.asdict(settings), "feature_config": config, "data": data}
        meta["code"] = code_version()
        folder.write_meta(meta)
        return cls(folder, settings, codec, meta)

    def train_rows(self, dataset) -> np.ndarray:
        """The rows of ``dataset`` this run trains on: its training split, less what the settings leave out."""
        return dataset.train_rows(self.settings.leave_out_unnamed)

    def check_settings(self, settings: TrainSettings) -> None:
        """Refuse settings that define another run than this one (``steps`` may differ)."""
        stored, asked = self.settings.used(), settings.used()
        differences = [f"{k} {stored[k]!r} (asked {asked.get(k)!r})" for k in stored if stored[k] != asked.get(k)]
        if differences:
            raise RunError(
                f"{self.dir} holds a run with other settings: {'; '.join(differences)}. Use a new --out folder."
            )

    @property
    def weights_only(self) -> bool:
        """True for a run shared as inference weights (a shipped run): it generates but cannot resume training."""
        return not self.folder.checkpoint.exists() and self.folder.weights.exists()

    def check_steps(self, steps: int) -> None:
        """Refuse a total of steps below the step the run has reached, or beyond it for a run without its
        checkpoint (nothing is changed)."""
        if steps < self.step:
            asked = f"--steps {steps} would go back (ask for {self.step} or more)"
            raise RunError(f"{self.dir} is already at step {self.step}; {asked}")
        if steps > self.step and self.weights_only:
            raise RunError(
                f"{self.dir} holds the weights of a finished run (step {self.step}) but not its checkpoint, so it "
                f"cannot train further. Train into a new --out folder, or delete {self.folder.weights.name} "
                "there to train it again from step 0"
            )

    def check_data(self, dataset, hint: str) -> None:
        """Refuse a dataset other than the one this run was trained on; ``hint`` says what to do instead."""
        if not dataset.is_data(self.data["data_id"]):
            raise RunError(
                f"{self.dir} was trained on other data ({self.data['data_id']}, now {dataset.data_id}). {hint}"
            )

    def record_code(self) -> None:
        """Record the code that goes on training this run where it is not the code that started it (or the last
        that resumed it): ``run.json``'s ``resumed_by`` lists each."""
        now = code_version()
        last = (self.meta.get("resumed_by") or [self.meta.get("code")])[-1]
        if now != last:
            self.meta.setdefault("resumed_by", []).append(now)
            self.folder.write_meta(self.meta)

    def save_steps(self, steps: int) -> None:
        """Record a new total of steps (the only setting a re-run may change)."""
        self.meta["settings"]["steps"] = steps
        self.folder.write_meta(self.meta)
        self.settings = dataclasses.replace(self.settings, steps=steps)


def _checked(dataset, settings: TrainSettings):
    """``dataset``, if ``settings`` can train on it: its config, and a batch no larger than its training clips."""
    if dataset.config != settings.feature_config:
        have, need = dataset.config, settings.feature_config
        raise RunError(
            f"the dataset holds {have.n_mels}x{have.n_frames} log-mels at {have.sample_rate} Hz, the settings need "
            f"{need.n_mels}x{need.n_frames} at {need.sample_rate} Hz: prepare it with config=settings.feature_config"
        )
    n_train = len(dataset.train_rows(settings.leave_out_unnamed))
    if settings.batch_size > n_train:
        left_out = " (the unnamed clips left out; --keep-unnamed keeps them)" if settings.leave_out_unnamed else ""
        raise RunError(
            f"--batch-size {settings.batch_size} is larger than the {n_train} training samples{left_out}; "
            f"use at most {n_train}"
        )
    return dataset


__all__ = ["Run", "RunFolder"]
