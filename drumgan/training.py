"""Training runs: settings, the run folder, the data pipeline and the resumable training loop.

A run folder holds ``run.json`` (settings, feature config, data fingerprint), ``codec.npz`` (the
normaliser), ``checkpoint.npz`` (weights, optimizer state and step), ``history.csv`` (losses) and
``previews/``. Training the same folder again resumes from its checkpoint and continues the same run:
batches and noise are drawn from the seed and the step, so the resumed run draws what the
uninterrupted one would have.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .callbacks import Previewer, ProgressBar, RunRecorder, read_history
from .checkpoint import load_checkpoint, step_of, write_atomically
from .codec import Codec
from .config import FeatureConfig
from .errors import RunError
from .models import LAYOUTS, MODELS, build_model
from .models.lstm_gan import lstm_steps

UNUSED = {  # settings a family ignores (not compared when a run is resumed)
    "lstm": {"width", "critic_steps", "loss", "frames_per_step"},
    "lstm-gan": {"width", "noise_std"},
    "conv-gan": {"units", "noise_std", "feature", "frames_per_step"},
}
FAMILY_DEFAULTS = {
    "lstm": dict(learning_rate=1e-3, beta_1=0.9, beta_2=0.999, critic_steps=0, loss="mse"),
    "lstm-gan": dict(learning_rate=2e-4, beta_1=0.5, beta_2=0.999, critic_steps=1, loss="nonsaturating", units=64),
    "conv-gan": dict(learning_rate=1e-4, beta_1=0.5, beta_2=0.9, critic_steps=5, loss="wgan-gp"),
}


@dataclass(frozen=True)
class TrainSettings:
    """Everything that defines a run; stored in ``run.json``. Build with :meth:`for_model`."""

    model: str
    steps: int = 1000
    batch_size: int = 64
    seed: int = 0
    feature: str = "mel"  # LSTMs: 'mel' or 'mfcc'; the conv GAN always uses 'mel'
    image_size: int = 64  # 64 or 128 (128 mel bins x 128 frames)
    width: int = 16  # conv GAN channels at full resolution (SpecGAN: 64; 16 fits a laptop CPU)
    units: int = 128  # LSTM units per layer (the LSTM-GAN's default is 64)
    frames_per_step: int = 4  # LSTM-GAN: frames per LSTM step (a reduction factor; 1 is a step per frame)
    noise_std: float = 0.05  # LSTM baseline: noise added to each generated frame
    critic_steps: int = 5
    loss: str = "wgan-gp"
    learning_rate: float = 1e-4
    beta_1: float = 0.5
    beta_2: float = 0.9

    @classmethod
    def for_model(cls, model: str, **overrides) -> "TrainSettings":
        """The family's defaults, then every override that is not None."""
        if model not in MODELS:
            raise RunError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
        given = {k: v for k, v in overrides.items() if v is not None}
        settings = cls(model=model, **{**FAMILY_DEFAULTS[model], **given})
        if settings.model == "conv-gan" and settings.feature != "mel":
            raise RunError("the conv GAN trains on log-mel images; --feature mfcc is for the LSTMs")
        if settings.image_size not in (64, 128):
            raise RunError(f"image_size must be 64 or 128, got {settings.image_size}")
        try:
            lstm_steps(settings.feature_config.n_frames, settings.frames_per_step)
        except ValueError as error:
            raise RunError(str(error)) from None
        if settings.steps < 1 or settings.batch_size < 1:
            raise RunError(f"steps and batch_size must be positive, got {settings.steps} and {settings.batch_size}")
        return settings

    def used(self) -> dict:
        """The settings that define this family's run (``steps`` aside, which a re-run may change)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if k not in UNUSED[self.model] | {"steps"}}

    @property
    def feature_config(self) -> FeatureConfig:
        return FeatureConfig.large() if self.image_size == 128 else FeatureConfig()

    @property
    def samples_per_step(self) -> int:
        """Real samples through the critic (GANs) or the model (LSTM) per step."""
        return self.batch_size * max(self.critic_steps, 1)


def batch_order(n: int, batch_size: int, seed: int, start: int, stop: int) -> np.ndarray:
    """Indices of the batches for steps ``start`` to ``stop``: epochs of seeded permutations of ``n``."""
    first, last = start * batch_size, stop * batch_size
    epochs = range(first // n, (last - 1) // n + 1)
    flat = np.concatenate([np.random.default_rng([seed, e]).permutation(n) for e in epochs])
    offset = first - epochs[0] * n
    return flat[offset : offset + last - first].reshape(stop - start, batch_size).astype(np.int32)


def pipeline(data: np.ndarray, order: np.ndarray, next_frame: bool):
    """A prefetching ``tf.data`` pipeline of the batches in ``order`` (inputs and next-frame targets for the LSTM).

    The batches are gathers from a table in memory, so two batches ahead is plenty; autotuning is off
    because its thread held up the end of ``fit`` by up to 2.5 s (``benchmarks/README.md``).
    """
    import tensorflow as tf

    table = tf.constant(data)
    batches = tf.data.Dataset.from_tensor_slices(order).map(lambda idx: tf.gather(table, idx))
    if next_frame:
        batches = batches.map(lambda seq: (seq[:, :-1], seq[:, 1:]))
    options = tf.data.Options()
    options.autotune.enabled = False
    return batches.prefetch(2).with_options(options)


class Run:
    """A run folder: its settings, codec and model, restored from the last checkpoint if there is one."""

    def __init__(self, run_dir: Path, settings: TrainSettings, codec: Codec, data: dict):
        self.dir, self.settings, self.codec, self.data = Path(run_dir), settings, codec, data
        import keras

        keras.utils.set_random_seed(settings.seed)
        shape = (codec.config.n_frames, codec.n_bins)
        self.model = build_model(settings, *shape, n_train=data["train"])
        self.checkpoint = self.dir / "checkpoint.npz"
        if self.checkpoint.exists():
            load_checkpoint(self.checkpoint, self.model)

    @property
    def step(self) -> int:
        return step_of(self.model)

    @property
    def name(self) -> str:
        return self.dir.name

    def history(self) -> list[dict]:
        return read_history(self.dir / "history.csv")

    @classmethod
    def load(cls, run_dir) -> "Run":
        """Open a run folder that :func:`train` made."""
        run_dir = Path(run_dir)
        if not (run_dir / "run.json").is_file():
            raise RunError(f"{run_dir} is not a run folder (no run.json); train one with `python -m drumgan train`")
        meta = json.loads((run_dir / "run.json").read_text())
        settings = TrainSettings(**{"frames_per_step": 1, **meta["settings"]})  # runs made before the setting took a frame per step
        codec = Codec.load(run_dir / "codec.npz", FeatureConfig.from_json(json.dumps(meta["feature_config"])))
        return cls(run_dir, settings, codec, meta["data"])

    @classmethod
    def create(cls, run_dir, settings: TrainSettings, dataset) -> "Run":
        """Open ``run_dir`` for training on ``dataset``: a new run, or the one already there if it matches."""
        run_dir = Path(run_dir)
        data = {"fingerprint": dataset.data_id, "train": len(dataset.train_index), "synthetic": dataset.synthetic}
        if (run_dir / "run.json").exists():
            run = cls.load(run_dir)
            _check_same_run(run, settings, data)
            return run
        run_dir.mkdir(parents=True, exist_ok=True)
        codec = Codec.fit(dataset.log_mels[dataset.train_index], settings.feature_config, settings.feature, LAYOUTS[settings.model])
        codec.save(run_dir / "codec.npz")
        meta = {"settings": dataclasses.asdict(settings), "feature_config": json.loads(settings.feature_config.to_json()), "data": data}
        _write_meta(run_dir, meta)
        return cls(run_dir, settings, codec, data)

    def save_settings(self, steps: int) -> None:
        """Record a new total of steps (the only setting a re-run may change)."""
        meta = json.loads((self.dir / "run.json").read_text())
        meta["settings"]["steps"] = steps
        _write_meta(self.dir, meta)
        self.settings = dataclasses.replace(self.settings, steps=steps)


def _write_meta(run_dir: Path, meta: dict) -> None:
    write_atomically(run_dir / "run.json", lambda f: f.write(json.dumps(meta, indent=2).encode()))


def _check_same_run(run: Run, settings: TrainSettings, data: dict) -> None:
    stored, asked = run.settings.used(), settings.used()
    differences = [f"{k} {stored[k]!r} (asked {asked.get(k)!r})" for k in stored if stored[k] != asked.get(k)]
    if differences:
        raise RunError(f"{run.dir} holds a run with other settings: {'; '.join(differences)}. Use a new --out folder.")
    if run.data["fingerprint"] != data["fingerprint"]:
        raise RunError(f"{run.dir} was trained on other data ({run.data['fingerprint']}, now {data['fingerprint']}). Use a new --out folder.")


def train(run_dir, settings: TrainSettings, dataset=None, checkpoint_seconds: float = 60.0, preview=None,
          preview_every: int = 0, progress: bool = True) -> dict:
    """Train (or resume) the run in ``run_dir`` up to ``settings.steps`` steps.

    Args:
        run_dir: the run folder; created if new, resumed if it holds a checkpoint.
        settings: from :meth:`TrainSettings.for_model`.
        dataset: a :class:`drumgan.dataset.DrumDataset` with the settings' feature config; default
            :func:`drumgan.dataset.prepare` of the default source.
        checkpoint_seconds: the longest time between checkpoints.
        preview: ``preview(run, step)``, called every ``preview_every`` steps.

    Returns:
        ``{"model", "step", "resumed_from", "seconds", "samples_per_second", "checkpoint"}``.

    Raises:
        TrainingDiverged: a loss became NaN or infinite (the last good checkpoint is kept).
        RunError: ``run_dir`` holds a different run.
    """
    from .dataset import prepare

    dataset = dataset if dataset is not None else prepare(config=settings.feature_config, progress=progress)
    if dataset.log_mels.shape[1:] != (settings.feature_config.n_mels, settings.feature_config.n_frames):
        raise RunError(f"the dataset's log-mels are {dataset.log_mels.shape[1:]}, the settings need a {settings.image_size} config")
    run = Run.create(run_dir, settings, dataset)
    run.save_settings(settings.steps)
    start = run.step
    resumed_from = start if start > 0 else None
    data = run.codec.encode(dataset.log_mels[dataset.train_index])
    if settings.model == "lstm" and start == 0:  # the bank of real first frames it generates from
        run.model.seed_frames.assign(data[:, 0, :])
    history = [row for row in run.history() if row["step"] <= start]
    recorder = RunRecorder(run.dir, history, checkpoint_seconds, log_every=max(1, min(10, settings.steps // 20)))
    callbacks = [recorder, ProgressBar(start, settings.steps, progress)]
    if preview and preview_every:
        callbacks.append(Previewer(lambda model, step: preview(run, step), preview_every))
    began = time.perf_counter()
    if start < settings.steps:
        order = batch_order(len(data), settings.batch_size, settings.seed, start, settings.steps)
        batches = pipeline(data, order, next_frame=settings.model == "lstm")
        run.model.fit(batches, epochs=1, steps_per_epoch=len(order), verbose=0, callbacks=callbacks, shuffle=False)
        recorder.raise_if_diverged()
    seconds = time.perf_counter() - began
    done = run.step - start
    return {
        "model": settings.model,
        "step": run.step,
        "resumed_from": resumed_from,
        "seconds": round(seconds, 3),
        "samples_per_second": round(done * settings.samples_per_step / seconds, 2) if done else 0.0,
        "checkpoint": str(run.checkpoint),
    }
