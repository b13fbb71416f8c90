"""The explorer's state and its widgets: every control changes what Generate makes; Keep and Write kit make a kit."""

import numpy as np
import pytest

from drumgan.data.sources import discover
from drumgan.display.explorer import Explorer
from drumgan.training.run import Run


@pytest.fixture
def explorer(conditional_run):
    return Explorer(Run.load(conditional_run))


def test_each_control_changes_the_clip(explorer):
    first, _ = explorer.generate()
    assert first.shape == (64, 64) and np.array_equal(first, explorer.generate()[0])  # the same controls, the same clip
    changed = []
    for change in (
        lambda e: e.weights.update(kick=0.0, snare=1.0),
        lambda e: setattr(e, "t", 0.5),
        lambda e: setattr(e, "seed_b", 7),
        lambda e: setattr(e, "seed_a", 3),
        lambda e: setattr(e, "truncation", 0.5),
    ):
        before = explorer.generate()[0]
        change(explorer)
        changed.append(not np.allclose(before, explorer.generate()[0]))
    assert changed == [True, True, True, True, True]
    assert explorer.label == "snare"


def test_interpolation_ends_at_each_seed(explorer):
    at_a = explorer.latent()
    explorer.t = 1.0
    assert np.allclose(explorer.latent(), explorer.run.model.latents(1, explorer.seed_b)[0], atol=1e-5)
    assert np.allclose(at_a, explorer.run.model.latents(1, explorer.seed_a)[0], atol=1e-5)


def test_a_sample_makes_variations_until_forgotten(explorer, synthetic_kit):
    plain = explorer.generate()[0]
    explorer.use_sample(next(synthetic_kit.rglob("*kick*.wav")))
    assert explorer.inversion is not None and not np.allclose(plain, explorer.generate()[0])
    explorer.forget_sample()
    assert np.allclose(plain, explorer.generate()[0])


def test_the_widget_generates_keeps_and_writes_a_kit(explorer, tmp_path):
    from drumgan.display.explorer import _ExplorerWidget

    fresh = Explorer(explorer.run)
    with pytest.raises(ValueError, match="generate a clip before keeping it"):
        fresh.keep()
    ui = _ExplorerWidget(explorer, tmp_path)
    assert "made in" in ui.status.value and "<audio" in ui.player.value  # the first clip is there at once
    ui.sliders["kick"].value, ui.sliders["hihat"].value = 0.0, 1.0
    ui.generate.click()
    assert "made in" in ui.status.value and "<audio" in ui.player.value and explorer.label == "hihat"
    ui.keep.click()
    ui.sliders["hihat"].value, ui.sliders["snare"].value = 0.0, 1.0
    ui.generate.click()
    ui.keep.click()
    assert "2 clips kept" in ui.status.value
    ui.kit_name.value = "mine"
    ui.write.click()
    assert "kit written" in ui.status.value
    assert sorted(s.label for s in discover(tmp_path / "mine").samples) == ["hihat", "snare"]
    ui.write.click()
    assert "already exists" in ui.status.value
    for slider in ui.sliders.values():
        slider.value = 0.0
    ui.generate.click()
    assert "cannot generate" in ui.status.value


def test_a_timbre_run_has_a_slider_per_control_and_each_changes_the_clip(timbre_run):
    from drumgan.display.explorer import _ExplorerWidget
    from drumgan.features.timbre import CONTROLS

    explorer = Explorer(Run.load(timbre_run))
    assert list(explorer.timbre) == list(CONTROLS)
    ui = _ExplorerWidget(explorer, "kits")
    assert set(ui.timbre) == set(CONTROLS)
    for name in CONTROLS:
        before = explorer.generate()[0]
        ui.timbre[name].value = 1.0 if explorer.timbre[name] < 0.5 else 0.0
        ui.generate.click()
        assert not np.allclose(before, explorer.log_mel), name
