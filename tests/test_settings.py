"""What defines a run: family defaults, the checks on settings, and that none of it needs TensorFlow."""

import dataclasses
import subprocess
import sys

import pytest

from drumgan.errors import RunError
from drumgan.settings import FAMILY_DEFAULTS, MODELS, RECIPES, TrainSettings, default_text, recipe_of


def test_each_family_starts_from_its_own_defaults():
    for model in MODELS:
        settings = TrainSettings.for_model(model)
        assert all(getattr(settings, k) == v for k, v in FAMILY_DEFAULTS[model].items())
    assert TrainSettings.for_model("conv-gan", width=None, steps=5).steps == 5  # None keeps the default


@pytest.mark.parametrize(
    "model, overrides, message",
    [
        ("lstm-gan", dict(frames_per_step=5), "frames_per_step must divide the 64 frames, got 5"),
        ("conv-gan", dict(feature="mfcc"), "--feature mfcc is for the LSTMs"),
        ("conv-gan", dict(image_size=96), "image_size must be 64 or 128"),
        ("conv-gan", dict(loss="hinge"), "loss must be one of"),
        ("lstm-gan", dict(critic_steps=0), "critic_steps must be between 1 and 15"),
        ("lstm", dict(steps=0), "must be positive"),
        ("gru", {}, "unknown model 'gru'"),
        ("conv-gan", dict(recipe="dcgan"), "unknown recipe 'dcgan'"),
        ("lstm", dict(recipe="r1"), "the LSTM baseline has none"),
        ("conv-gan", dict(r1_weight=-1.0), "r1_weight must be >= 0"),
        ("conv-gan", dict(ema=1.0), "ema must be at least 0 and below 1"),
        ("lstm-gan", dict(augment="shift,mirror"), "unknown augmentation mirror"),
        ("conv-gan", dict(class_weight=1.0), "class_weight must be >= 0 and needs --conditional"),
        ("conv-gan", dict(class_weight=-1.0, conditional=True), "class_weight must be >= 0"),
    ],
)
def test_impossible_settings_are_refused_in_one_line(model, overrides, message):
    with pytest.raises(RunError, match=message):
        TrainSettings.for_model(model, **overrides)


def test_used_settings_leave_out_what_a_family_ignores_and_the_steps():
    used = TrainSettings.for_model("conv-gan").used()
    assert "units" not in used and "steps" not in used and used["width"] == 16
    assert TrainSettings.for_model("lstm", image_size=128).feature_config.n_mels == 128


def test_help_defaults_name_each_family_that_uses_the_setting():
    assert default_text("width") == "default 16"
    assert default_text("units") == "default lstm 128, lstm-gan 64"
    assert default_text("augment") == "default gain,cutout"  # both GANs' (r1)
    assert default_text("batch_size") == "default lstm 64, lstm-gan 32, conv-gan 32"
    assert default_text("steps") == "default lstm 3000, lstm-gan 15000, conv-gan 4000"  # the shipped runs' lengths


def test_settings_and_the_command_line_parser_import_no_tensorflow():
    code = (
        "import sys, drumgan.settings, drumgan.cli.commands; drumgan.cli.commands.build_parser(); "
        "print(any(m.split('.')[0] in ('tensorflow', 'keras') for m in sys.modules))"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
        == "False"
    )


def test_a_recipe_sets_its_settings_and_options_given_beside_it_win():
    default, old = TrainSettings.for_model("conv-gan"), TrainSettings.for_model("conv-gan", recipe="wgan-gp")
    assert recipe_of(default) == "r1" and recipe_of(old) == "wgan-gp"
    assert (old.loss, old.critic_steps, old.r1_weight, old.augment, old.ema) == ("wgan-gp", 5, 0.0, "", 0.0)
    assert old.critic_rate == old.learning_rate == 1e-4
    assert all(getattr(default, k) == v for k, v in RECIPES["r1"].items())
    mine = TrainSettings.for_model("conv-gan", recipe="wgan-gp", critic_steps=3)
    assert mine.critic_steps == 3 and recipe_of(mine) is None
    lstm_gan = TrainSettings.for_model("lstm-gan")
    assert recipe_of(lstm_gan) == "r1" and lstm_gan.units == 64 and lstm_gan.frames_per_step == 4


def test_settings_of_runs_made_before_the_small_data_additions_switch_them_off():
    stored = {k: v for k, v in TrainSettings.for_model("conv-gan", recipe="wgan-gp").__dict__.items()}
    for name in ("critic_learning_rate", "r1_weight", "r1_every", "augment", "ema", "floor"):
        stored.pop(name)
    assert recipe_of(TrainSettings.from_stored(stored)) == "wgan-gp"


FIRST_SETTINGS = {  # what the first run.json files held
    "model", "steps", "batch_size", "seed", "feature", "image_size", "width", "units", "noise_std",
    "critic_steps", "loss", "learning_rate", "beta_1", "beta_2",
}  # fmt: skip


def test_every_setting_added_since_the_first_run_json_has_its_value_from_before():
    from drumgan.settings import BEFORE_IT_EXISTED

    assert FIRST_SETTINGS | set(BEFORE_IT_EXISTED) == set(TrainSettings.__dataclass_fields__)
    first = {k: v for k, v in dataclasses.asdict(TrainSettings.for_model("conv-gan")).items() if k in FIRST_SETTINGS}
    old = TrainSettings.from_stored(first)
    assert (old.sample_rate, old.frames_per_step, old.r1_weight, old.augment, old.ema) == (16000, 1, 0.0, "", 0.0)


def test_the_settings_object_shows_the_conv_gans_defaults():
    default, fields = TrainSettings.for_model("conv-gan"), TrainSettings.__dataclass_fields__
    assert all(getattr(default, name) == field.default for name, field in fields.items() if name != "model")


def test_a_conditional_conv_gan_gets_its_class_head_unless_told_otherwise():
    from drumgan.settings import CONDITIONAL_CLASS_WEIGHT

    assert TrainSettings.for_model("conv-gan", conditional=True).class_weight == CONDITIONAL_CLASS_WEIGHT > 0
    assert TrainSettings.for_model("conv-gan", conditional=True, class_weight=0.0).class_weight == 0.0
    assert TrainSettings.for_model("conv-gan").class_weight == 0.0
    assert "class_weight" not in TrainSettings.for_model("lstm-gan").used()


def test_a_conditional_run_leaves_out_the_unnamed_clips_and_trains_longer_unless_told_otherwise():
    from drumgan.settings import CONDITIONAL_STEPS

    conditional = TrainSettings.for_model("conv-gan", conditional=True)
    assert (
        conditional.leave_out_unnamed
        and conditional.steps == CONDITIONAL_STEPS > TrainSettings.for_model("conv-gan").steps
    )
    mine = TrainSettings.for_model("conv-gan", conditional=True, leave_out_unnamed=False, steps=10)
    assert not mine.leave_out_unnamed and mine.steps == 10
    assert not TrainSettings.for_model("conv-gan").leave_out_unnamed
    assert "leave_out_unnamed" not in TrainSettings.for_model("lstm").used()
