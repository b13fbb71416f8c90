"""What defines a training run: the model families, their defaults and :class:`TrainSettings`.

Imports no TensorFlow, so the command line's ``--help``, its defaults and a notebook's parameters
cell can use it at once. The model builders take every setting from here and keep no defaults of
their own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .config import FEATURES, FeatureConfig
from .errors import RunError

MODELS = ("lstm", "lstm-gan", "conv-gan")
LOSSES = ("wgan-gp", "nonsaturating")
IMAGE_SIZES = (64, 128)
FAMILY_LAYOUTS = {
    "lstm": "sequence",
    "lstm-gan": "sequence",
    "conv-gan": "image",
}  # the layout (config.LAYOUTS) each trains on
UNUSED = {  # settings a family ignores (not compared when a run is resumed)
    "lstm": {"width", "critic_steps", "loss", "frames_per_step"},
    "lstm-gan": {"width", "noise_std"},
    "conv-gan": {"units", "noise_std", "feature", "frames_per_step"},
}
FAMILY_DEFAULTS = {  # where a family departs from the TrainSettings field defaults
    "lstm": dict(learning_rate=1e-3, beta_1=0.9, beta_2=0.999, critic_steps=0, loss="mse"),
    "lstm-gan": dict(learning_rate=2e-4, beta_1=0.5, beta_2=0.999, critic_steps=1, loss="nonsaturating", units=64),
    "conv-gan": dict(learning_rate=1e-4, beta_1=0.5, beta_2=0.9, critic_steps=5, loss="wgan-gp"),
}
GP_WEIGHT = 10.0  # WGAN-GP's gradient-penalty weight
MAX_CRITIC_STEPS = 15


def lstm_steps(n_frames: int, frames_per_step: int) -> int:
    """LSTM steps over ``n_frames`` frames taken ``frames_per_step`` at a time."""
    if frames_per_step < 1 or n_frames % frames_per_step:
        raise ValueError(f"frames_per_step must divide the {n_frames} frames, got {frames_per_step}")
    return n_frames // frames_per_step


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
    def for_model(cls, model: str, **overrides) -> TrainSettings:
        """The family's defaults, then every override that is not None."""
        if model not in MODELS:
            raise RunError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
        given = {k: v for k, v in overrides.items() if v is not None}
        settings = cls(model=model, **{**FAMILY_DEFAULTS[model], **given})
        settings.check()
        return settings

    def check(self) -> None:
        """Raise :class:`RunError` for a combination that cannot be trained."""
        if self.model == "conv-gan" and self.feature != "mel":
            raise RunError("the conv GAN trains on log-mel images; --feature mfcc is for the LSTMs")
        if self.feature not in FEATURES:
            raise RunError(f"feature must be one of {', '.join(FEATURES)}, got {self.feature!r}")
        if self.image_size not in IMAGE_SIZES:
            raise RunError(f"image_size must be 64 or 128, got {self.image_size}")
        if self.model != "lstm" and self.loss not in LOSSES:
            raise RunError(f"loss must be one of {', '.join(LOSSES)}, got {self.loss!r}")
        if self.model != "lstm" and not 1 <= self.critic_steps <= MAX_CRITIC_STEPS:
            raise RunError(f"critic_steps must be between 1 and {MAX_CRITIC_STEPS}, got {self.critic_steps}")
        try:
            lstm_steps(self.feature_config.n_frames, self.frames_per_step)
        except ValueError as error:
            raise RunError(str(error)) from None
        if self.steps < 1 or self.batch_size < 1:
            raise RunError(f"steps and batch_size must be positive, got {self.steps} and {self.batch_size}")

    def used(self) -> dict:
        """The settings that define this family's run (``steps`` aside, which a re-run may change)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if k not in UNUSED[self.model] | {"steps"}}

    @property
    def layout(self) -> str:
        return FAMILY_LAYOUTS[self.model]

    @property
    def feature_config(self) -> FeatureConfig:
        return FeatureConfig.large() if self.image_size == 128 else FeatureConfig()

    @property
    def samples_per_step(self) -> int:
        """Real samples through the critic (GANs) or the model (LSTM) per step."""
        return self.batch_size * max(self.critic_steps, 1)


def default_text(name: str) -> str:
    """The default of setting ``name`` for the command line's help: one value, or one per family that uses it."""
    field_default = TrainSettings.__dataclass_fields__[name].default
    values = {model: FAMILY_DEFAULTS[model].get(name, field_default) for model in MODELS if name not in UNUSED[model]}
    if len(set(values.values())) == 1:
        return f"default {next(iter(values.values()))}"
    return "default " + ", ".join(f"{model} {value}" for model, value in values.items())
