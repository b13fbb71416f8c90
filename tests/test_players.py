import base64
import io
import re

import numpy as np
import soundfile as sf

from drumgan.display.players import class_grid, player_grid

SOURCES = re.compile(r'<audio controls[^>]* src="data:audio/ogg;base64,([^"]+)"')


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
    assert repr(grid) == "PlayerTable(3 players in 2 rows)"


def test_class_grid_has_a_player_where_a_class_was_predicted_and_keeps_each_class_in_its_column(config):
    waves = np.zeros((2, config.n_samples), np.float32)
    waves[:, 0] = 1
    classes = ("kick", "snare", "hihat", "tom", "cymbal")
    sets = {"a": waves, "b": waves}
    grid = class_grid(sets, {"a": np.array([1, 1]), "b": np.array([0, 4])}, classes, config.sample_rate, columns=4)
    assert [len(row) for row in grid.rows] == [4, 1, 4, 1]  # each set starts a row
    assert grid.rows[0][0] == ("a · kick: none", None) and grid.rows[0][1][0] == "a · snare"
    assert grid.rows[2][0][0] == "b · kick" and grid.rows[3][0][0] == "b · cymbal"
    assert len(SOURCES.findall(grid._repr_html_())) == 3


def test_nearest_real_grid_plays_the_audio_a_run_made_beside_each_nearest_real_clip(synthetic_dataset):
    from drumgan.display.players import nearest_real_grid

    log_mels = synthetic_dataset.log_mels[:2]
    made = synthetic_dataset.waves[2:4][:, ::-1].copy()  # audio unlike what the log-mels would give
    sources = SOURCES.findall(nearest_real_grid(log_mels, synthetic_dataset, waves=made)._repr_html_())
    assert len(sources) == 4  # generated, nearest real, generated, nearest real
    played = sf.read(io.BytesIO(base64.b64decode(sources[0])))[0]
    assert np.corrcoef(played, made[0])[0, 1] > 0.9  # lossy, but the audio given, not the log-mels' own
    assert abs(np.corrcoef(played, made[0][::-1])[0, 1]) < 0.5
