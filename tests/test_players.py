import io

import ipywidgets as widgets
import numpy as np
import soundfile as sf

from drumgan.display.players import class_grid, player_grid


def test_player_grid_holds_playable_wavs(config):
    waves = [np.sin(np.arange(config.n_samples) / 5).astype(np.float32) * 0.5 for _ in range(3)]
    grid = player_grid([(f"clip {i}", w) for i, w in enumerate(waves)], config.sample_rate, columns=2)
    assert isinstance(grid, widgets.GridBox) and len(grid.children) == 3
    title, audio = grid.children[1].children
    assert "clip 1" in title.value and isinstance(audio, widgets.Audio)
    data, rate = sf.read(io.BytesIO(audio.value))
    assert rate == config.sample_rate and len(data) == config.n_samples


def test_class_grid_has_a_player_where_a_class_was_predicted(config):
    waves = np.zeros((2, config.n_samples), np.float32)
    waves[:, 0] = 1
    grid = class_grid({"a": waves}, {"a": np.array([1, 1])}, ("kick", "snare"), config.sample_rate)
    assert len(grid.children) == 6  # header row and one set, each: a name and two classes
    assert isinstance(grid.children[5], widgets.Audio) and "none" in grid.children[4].value
