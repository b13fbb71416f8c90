import base64
import io
import re

import numpy as np
import soundfile as sf

from drumgan.display.players import class_grid, player_grid

SOURCES = re.compile(r'<audio controls[^>]* src="data:audio/wav;base64,([^"]+)"')


def test_player_grid_lays_out_titled_players_that_hold_the_wavs(config):
    waves = [np.sin(np.arange(config.n_samples) / (5 + i)).astype(np.float32) * 0.5 for i in range(3)]
    grid = player_grid([(f"clip <{i}>", w) for i, w in enumerate(waves)], config.sample_rate, columns=2)
    page = grid._repr_html_()
    assert page.count("<tr>") == 2 and "clip &lt;1&gt;" in page  # two rows, titles escaped
    sources = SOURCES.findall(page)
    assert len(sources) == 3
    data, rate = sf.read(io.BytesIO(base64.b64decode(sources[1])))
    assert rate == config.sample_rate and len(data) == config.n_samples
    assert np.corrcoef(data, waves[1])[0, 1] > 0.999
    assert "<script" not in page


def test_class_grid_has_a_player_where_a_class_was_predicted(config):
    waves = np.zeros((2, config.n_samples), np.float32)
    waves[:, 0] = 1
    grid = class_grid({"a": waves}, {"a": np.array([1, 1])}, ("kick", "snare"), config.sample_rate)
    assert grid.header == ["", "kick", "snare"]
    (row,) = grid.rows
    assert row[0] == ("a", None) and row[1] == ("none", None) and row[2][1] is not None
    assert len(SOURCES.findall(grid._repr_html_())) == 1
