"""What defines a training run: the model families, their defaults and :class:`TrainSettings`.

Imports no TensorFlow, so the command line's ``--help``, its defaults and a notebook's parameters
cell can use it at once. The model builders take every setting from here and keep no defaults of
their own.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .config import FEATURES, SAMPLE_RATES, FeatureConfig
from .errors import RunError

MODELS = ("lstm", "lstm-gan", "conv-gan")
LOSSES = ("wgan-gp", "nonsaturating")
AUGMENTATIONS = ("shift", "pitch", "gain", "cutout")  # what models.augment can do to a clip before the critic
IMAGE_SIZES = (64, 128)
FAMILY_LAYOUTS = {
    "lstm": "sequence",
    "lstm-gan": "sequence",
    "conv-gan": "image",
}  # the layout (config.LAYOUTS) each trains on
GAN_ONLY = {"critic_steps", "loss", "critic_learning_rate", "r1_weight", "r1_every", "augment", "ema", "floor"}
CONV_GAN_ONLY = {"conditional", "class_weight", "leave_out_unnamed", "timbre", "timbre_weight", "timbre_spread"}
UNUSED = {  # settings a family ignores (not compared when a run is resumed)
    "lstm": {"width", "frames_per_step", *CONV_GAN_ONLY, *GAN_ONLY},
    "lstm-gan": {"width", "noise_std", *CONV_GAN_ONLY},
    "conv-gan": {"units", "noise_std", "frames_per_step"},
}
CONDITIONAL_STEPS = 8000  # a class-conditional run's steps: its seven classes each need more
TIMBRE_STEPS = 5000  # a timbre-conditioned run's steps (with classes or without): on the attack channel, FD and FAD
# fall from 3000 steps to 5000 and hardness holds; near copies rise from 0.7 to 1.4 a draw (benchmarks/README.md)
CONDITIONAL_CLASS_WEIGHT = 0.5  # a conditional run's class_weight: measured to lift every class's share heard
# as asked for
TIMBRE_WEIGHT = 10.0  # a timbre-conditioned run's timbre_weight (its critic's timbre head)
TIMBRE_SPREAD = 0.075  # a timbre-conditioned run's timbre_spread (the vicinity of a real clip's timbre it asks for)
UNLIMITED_STEPS = 10**9  # the step total of a run that only its time budget stops (bench --time-to-quality)
VARIATION_SPREAD = 0.15  # generate --like: variations' distance from the inverted latent (latent standard deviations)
GP_WEIGHT = 10.0  # WGAN-GP's gradient-penalty weight
MAX_CRITIC_STEPS = 15


def lstm_steps(n_frames: int, frames_per_step: int) -> int:
    """LSTM steps over ``n_frames`` frames taken ``frames_per_step`` at a time."""
    if frames_per_step < 1 or n_frames % frames_per_step:
        raise ValueError(f"frames_per_step must divide the {n_frames} frames, got {frames_per_step}")
    return n_frames // frames_per_step


@dataclass(frozen=True)
class TrainSettings:
    """Everything that defines a run; stored in ``run.json``. Build with :meth:`for_model`.

    The field defaults are the conv GAN's, the project's default model (its recipe is :data:`RECIPES`' 'r1');
    :data:`FAMILY_DEFAULTS` says where the LSTMs depart from them, and :meth:`from_stored` reads a ``run.json``
    written before a setting existed.
    """

    model: str
    steps: int = 4000  # the conv GAN's: its FD, the mean over draws, fell at each of three seeds from 3000 steps to
    # 4000 (benchmarks/README.md, FD over draws of a run's samples)
    batch_size: int = 32
    seed: int = 0
    feature: str = "mel"  # 'mel', 'mfcc' (the LSTMs), 'stft' (the log-magnitude STFT: n_fft / 2 bins) or
    # 'mel-attack' (the log-mel with the attack channel's rows under it: drumgan.features.attack)
    image_size: int = 64  # 64 or 128 (128 mel bins x 128 frames)
    sample_rate: int = 44100  # Hz; the image keeps its shape at every rate (FeatureConfig.at_rate)
    width: int = 16  # conv GAN channels at full resolution (SpecGAN: 64; 16 fits a laptop CPU)
    units: int = 128  # LSTM units per layer
    frames_per_step: int = 4  # LSTM-GAN: frames per LSTM step (a reduction factor; 1 is a step per frame)
    noise_std: float = 0.05  # LSTM baseline: noise added to each generated frame
    # GANs: StyleGAN2's non-saturating loss with one critic step per generator step and a lazy R1 penalty on
    # real clips, DiffAugment, and samples from a moving average of the generator's weights
    critic_steps: int = 1
    loss: str = "nonsaturating"
    learning_rate: float = 5e-4
    beta_1: float = 0.0
    beta_2: float = 0.99
    critic_learning_rate: float | None = None  # the critic's Adam rate (two time scales); None: learning_rate
    r1_weight: float = 1.0  # gamma of the R1 penalty on real clips (0: none)
    r1_every: int = 16  # R1 applied every this many critic steps, scaled by it (lazy regularisation)
    augment: str = "gain,cutout"  # differentiable augmentations before the critic (models.augment); no shift in
    # time, which hid from the critic where a clip's attack frame is, so the generator softened it
    ema: float = 0.999  # decay of the moving average of the generator's weights that samples (0: none)
    floor: bool = True  # generated log-mels held at or above the data's floor (-80 dB), as real ones are
    conditional: bool = False  # conv GAN: generator and critic take a class mixture (drumgan.latents), the critic
    # by projection (Miyato & Koyama 2018); sampling asks for a class, a mixture, or draws one from the training kits
    class_weight: float = 0.0  # conditional conv GAN: weight of the critic's auxiliary class head (AC-GAN), which
    # learns the real clips' classes and trains the generator's fakes to be heard as the class asked for (0: none;
    # for_model gives a conditional run CONDITIONAL_CLASS_WEIGHT unless told otherwise)
    leave_out_unnamed: bool = False  # train without the clips whose kit gives them no name (DrumDataset.unnamed),
    # which are 'other' by default; for_model sets it for a conditional run unless told otherwise, since a class
    # input should only be taught what a name says
    timbre: bool = False  # conv GAN: generator and critic take timbre percentiles (drumgan.features.timbre), the
    # critic by projection; sampling asks for them, or draws those of training clips
    timbre_weight: float = 0.0  # timbre-conditioned conv GAN: weight of the critic's timbre head (the squared error
    # of the percentiles it hears), which trains fakes to sound as asked (for_model: TIMBRE_WEIGHT unless told)
    timbre_spread: float = 0.0  # timbre-conditioned conv GAN: a step asks for timbres this far (standard deviation,
    # in percentiles) around the real clips', so that a timbre does not name one clip (for_model: TIMBRE_SPREAD)

    @classmethod
    def from_stored(cls, stored: dict) -> TrainSettings:
        """The settings a ``run.json`` records; a setting added after the file was written takes the value that
        applied before it existed (:data:`BEFORE_IT_EXISTED`)."""
        return cls(**{**BEFORE_IT_EXISTED, **stored})

    @classmethod
    def for_model(cls, model: str, recipe: str | None = None, **overrides) -> TrainSettings:
        """The family's defaults, then the named ``recipe`` (:data:`RECIPES`), then every override that is not None."""
        if model not in MODELS:
            raise RunError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
        if recipe is not None and recipe not in RECIPES:
            raise RunError(f"unknown recipe {recipe!r}; choose one of {', '.join(RECIPES)}")
        if recipe is not None and model == "lstm":
            raise RunError("recipes are GAN training settings; the LSTM baseline has none")
        given = {k: v for k, v in overrides.items() if v is not None}
        conditioned = {}  # what a condition brings with it, unless told otherwise (a timbre run's steps win)
        if given.get("conditional"):
            conditioned.update(steps=CONDITIONAL_STEPS, class_weight=CONDITIONAL_CLASS_WEIGHT, leave_out_unnamed=True)
        if given.get("timbre"):
            conditioned.update(steps=TIMBRE_STEPS, timbre_weight=TIMBRE_WEIGHT, timbre_spread=TIMBRE_SPREAD)
        given = {**conditioned, **given}
        settings = cls(model=model, **{**FAMILY_DEFAULTS[model], **RECIPES.get(recipe, {}), **given})
        settings.check()
        return settings

    def check(self) -> None:
        """Raise :class:`RunError` for a combination that cannot be trained."""
        if self.model == "conv-gan" and self.feature == "mfcc":
            raise RunError("the conv GAN trains on log-mel or log-STFT images; --feature mfcc is for the LSTMs")
        if self.feature not in FEATURES:
            raise RunError(f"feature must be one of {', '.join(FEATURES)}, got {self.feature!r}")

        if self.image_size not in IMAGE_SIZES:
            raise RunError(f"image_size must be 64 or 128, got {self.image_size}")
        if self.sample_rate not in SAMPLE_RATES:
            raise RunError(f"sample_rate must be one of {', '.join(map(str, SAMPLE_RATES))} Hz, got {self.sample_rate}")
        if self.model != "lstm" and self.loss not in LOSSES:
            raise RunError(f"loss must be one of {', '.join(LOSSES)}, got {self.loss!r}")
        if self.model != "lstm" and not 1 <= self.critic_steps <= MAX_CRITIC_STEPS:
            raise RunError(f"critic_steps must be between 1 and {MAX_CRITIC_STEPS}, got {self.critic_steps}")
        if self.conditional and self.model != "conv-gan":
            raise RunError("only the conv GAN can be class-conditional (--conditional)")
        if self.class_weight < 0 or (self.class_weight and not self.conditional):
            raise RunError(f"class_weight must be >= 0 and needs --conditional, got {self.class_weight}")
        if self.timbre and self.model != "conv-gan":
            raise RunError("only the conv GAN can be timbre-conditioned (--timbre)")
        for name in ("timbre_weight", "timbre_spread"):
            if getattr(self, name) < 0 or (getattr(self, name) and not self.timbre):
                raise RunError(f"{name} must be >= 0 and needs --timbre, got {getattr(self, name)}")
        if self.r1_weight < 0 or self.r1_every < 1:
            raise RunError(f"r1_weight must be >= 0 and r1_every >= 1, got {self.r1_weight} and {self.r1_every}")
        if not 0 <= self.ema < 1:
            raise RunError(f"ema must be at least 0 and below 1, got {self.ema}")
        try:
            augmentations(self.augment)
        except ValueError as error:
            raise RunError(str(error)) from None
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
        shape = FeatureConfig.large() if self.image_size == 128 else FeatureConfig()
        return shape.at_rate(self.sample_rate)

    @property
    def critic_rate(self) -> float:
        """The critic's learning rate."""
        return self.learning_rate if self.critic_learning_rate is None else self.critic_learning_rate

    @property
    def samples_per_step(self) -> int:
        """Real samples through the critic (GANs) or the model (LSTM) per step."""
        return self.batch_size * max(self.critic_steps, 1)


RECIPE_SETTINGS = (
    "loss", "critic_steps", "r1_weight", "r1_every", "augment", "ema", "floor",
    "learning_rate", "critic_learning_rate", "beta_1", "beta_2", "batch_size",
)  # fmt: skip
_FIELD_DEFAULTS = {f.name: f.default for f in dataclasses.fields(TrainSettings) if f.name != "model"}
RECIPES = {  # named sets of GAN training settings (``--recipe``); the GANs' default is the first
    # measured fastest to quality per minute on a 2-core CPU (bench --time-to-quality)
    "r1": {name: _FIELD_DEFAULTS[name] for name in RECIPE_SETTINGS},
    "wgan-gp": dict(  # SpecGAN's: WGAN-GP, 5 critic steps, Adam 1e-4 (0.5, 0.9), batch 64
        loss="wgan-gp",
        critic_steps=5,
        r1_weight=0.0,
        r1_every=16,
        augment="",
        ema=0.0,
        floor=False,
        learning_rate=1e-4,
        critic_learning_rate=None,
        beta_1=0.5,
        beta_2=0.9,
        batch_size=64,
    ),
}
FAMILY_DEFAULTS = {  # where a family departs from the field defaults (the conv GAN's)
    "lstm": dict(steps=3000, batch_size=64, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, critic_steps=0, loss="mse"),
    "lstm-gan": dict(units=64, steps=15000),  # the r1 recipe, as the conv GAN's
    "conv-gan": {},
}
BEFORE_IT_EXISTED = {  # each setting added after the first run.json, with what runs trained with before it
    "frames_per_step": 1,
    "sample_rate": 16000,
    "critic_learning_rate": None,
    "r1_weight": 0.0,
    "r1_every": 16,
    "augment": "",
    "ema": 0.0,
    "floor": False,
    "conditional": False,
    "class_weight": 0.0,
    "leave_out_unnamed": False,
    "timbre": False,
    "timbre_weight": 0.0,
    "timbre_spread": 0.0,
}


def augmentations(policy: str) -> tuple[str, ...]:
    """The augmentations named in ``policy`` (comma-separated, from :data:`AUGMENTATIONS`; "" for none)."""
    names = tuple(name.strip() for name in policy.split(",") if name.strip())
    unknown = [name for name in names if name not in AUGMENTATIONS]
    if unknown:
        raise ValueError(f"unknown augmentation {', '.join(unknown)}; choose from {', '.join(AUGMENTATIONS)}")
    return names


def recipe_of(settings: TrainSettings) -> str | None:
    """The name of the recipe whose every setting ``settings`` has, or None."""
    values = dataclasses.asdict(settings)
    return next((name for name, recipe in RECIPES.items() if all(values[k] == v for k, v in recipe.items())), None)


def default_text(name: str) -> str:
    """The default of setting ``name`` for the command line's help: one value, or one per family that uses it."""
    field_default = TrainSettings.__dataclass_fields__[name].default
    shown = {None: "that of --learning-rate", "": "none"}
    values = {
        model: shown.get(value, value)
        for model in MODELS
        if name not in UNUSED[model]
        for value in [FAMILY_DEFAULTS[model].get(name, field_default)]
    }
    if len(set(values.values())) == 1:
        return f"default {next(iter(values.values()))}"
    return "default " + ", ".join(f"{model} {value}" for model, value in values.items())
