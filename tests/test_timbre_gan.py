"""The timbre-conditioned conv GAN: its networks, training, and sampling the timbre asked for."""

import numpy as np
import pytest

from drumgan.features.timbre import CONTROLS
from drumgan.training.run import Run


def test_the_critic_hears_timbre_through_its_projection_and_its_head():
    from drumgan.models.conv_gan import build_critic

    critic = build_critic(16, 4, n_timbre=5, timbre_head=True)
    image = np.random.default_rng(0).uniform(-1, 1, (1, 16, 16, 1)).astype("float32")
    low, high = np.full((1, 5), 0.1, "float32"), np.full((1, 5), 0.9, "float32")
    (score_low, heard_low), (score_high, heard_high) = critic([image, low]), critic([image, high])
    assert heard_low.shape == (1, 5) and np.allclose(heard_low, heard_high)  # the head hears the clip alone
    assert not np.isclose(float(score_low[0, 0]), float(score_high[0, 0]))  # the score is conditional


def test_a_timbre_run_keeps_its_training_timbres_and_samples_the_timbre_asked_for(timbre_run, synthetic_dataset):
    run = Run.load(timbre_run)
    assert run.settings.timbre and run.settings.conditional and run.step == 2
    rows = run.train_rows(synthetic_dataset)
    assert np.allclose(run.timbre.raw, synthetic_dataset.timbre()[rows])
    assert run.timbre.percentiles.shape == (len(rows), len(CONTROLS))
    low = np.full((3, len(CONTROLS)), 0.1, "float32")
    high = np.full((3, len(CONTROLS)), 0.9, "float32")
    assert not np.allclose(run.model.sample(3, 0, timbre=low), run.model.sample(3, 0, timbre=high))
    drawn = run.model.sample(3, seed=0)  # classes and timbres of training clips, fixed by the seed
    assert np.array_equal(drawn, run.model.sample(3, seed=0))


def test_a_timbre_run_refuses_a_model_without_its_bank():
    from drumgan.models import build_model
    from drumgan.settings import TrainSettings

    settings = TrainSettings.for_model("conv-gan", timbre=True)
    assert settings.timbre_weight > 0 and settings.steps == 8000
    with pytest.raises(ValueError, match="timbre_bank"):
        build_model(settings, 64, 64)
