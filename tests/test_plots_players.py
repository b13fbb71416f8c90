import io

import ipywidgets as widgets
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

from drumgan import features, plots  # noqa: E402
from drumgan.players import class_grid, player_grid  # noqa: E402
from drumgan.tables import text_table  # noqa: E402


def test_log_mel_plot_has_time_and_frequency_axes(config):
    image = np.random.default_rng(0).uniform(-80, 0, (config.n_mels, config.n_frames))
    mesh = plots.plot_log_mel(image, config, title="x")
    ax = mesh.axes
    assert ax.get_xlabel() == "time (s)" and ax.get_ylabel() == "frequency (Hz)"
    assert ax.get_xlim()[1] > 0.9 * config.duration  # seconds, not frames
    plt.close("all")


def test_grid_shares_one_colour_scale(config):
    images = np.stack([np.full((config.n_mels, config.n_frames), v, float) for v in (-60.0, -10.0, 5.0)])
    fig = plots.plot_grid(images, config, titles=["a", "b", "c"], columns=2)
    limits = {im.get_clim() for ax in fig.axes[:3] for im in ax.collections}
    assert limits == {(-60.0, 5.0)}
    assert [ax.get_title() for ax in fig.axes[:3]] == ["a", "b", "c"]
    plt.close("all")


def test_normalizer_and_counts_plots(config):
    logmels = np.random.default_rng(0).normal(size=(5, config.n_mels, config.n_frames))
    plots.plot_normalizer(features.Normalizer.fit(logmels), config)
    bars = plots.plot_counts({"kick": 3, "snare": 5})
    assert [b.get_height() for b in bars] == [3, 5]
    plt.close("all")


def test_player_grid_holds_playable_wavs(config):
    waves = [np.sin(np.arange(config.n_samples) / 5).astype(np.float32) * 0.5 for _ in range(3)]
    grid = player_grid([(f"clip {i}", w) for i, w in enumerate(waves)], config.sample_rate, columns=2)
    assert isinstance(grid, widgets.GridBox) and len(grid.children) == 3
    title, audio = grid.children[1].children
    assert "clip 1" in title.value and isinstance(audio, widgets.Audio)
    data, rate = sf.read(io.BytesIO(audio.value))
    assert rate == config.sample_rate and len(data) == config.n_samples


def _results():
    shares = {"kick": 0.25, "snare": 0.75}
    return {"rows": {name: {"is": v, "fd": 2 * v, "classes": shares} for name, v in (("noise", 1.0), ("my_run", 3.0))}}


def test_metric_bars_and_class_shares_show_every_row():
    fig = plots.plot_metrics(_results(), metrics=("is", "fd"), better={"is": "higher", "fd": "lower"})
    heights = [[bar.get_height() for bar in ax.patches] for ax in fig.axes]
    assert heights == [[1.0, 3.0], [2.0, 6.0]] and fig.axes[0].get_title() == "is (higher)"
    ax = plots.plot_class_shares(_results())
    tops = [bar.get_y() + bar.get_height() for bar in ax.patches]
    assert np.allclose(tops[-2:], 1.0)  # the stacks fill each bar
    plt.close("all")


def test_class_grid_has_a_player_where_a_class_was_predicted(config):
    waves = np.zeros((2, config.n_samples), np.float32)
    waves[:, 0] = 1
    grid = class_grid({"a": waves}, {"a": np.array([1, 1])}, ("kick", "snare"), config.sample_rate)
    assert len(grid.children) == 6  # header row and one set, each: a name and two classes
    assert isinstance(grid.children[5], widgets.Audio) and "none" in grid.children[4].value


def test_text_table_aligns_columns():
    table = text_table([{"name": "a", "n": 1, "x": 0.5}, {"name": "bbb", "n": 22, "x": 1.25}])
    lines = table.splitlines()
    assert lines[0].split() == ["name", "n", "x"] and len(lines) == 4
    assert lines[3].endswith("1.250") and lines[2].split()[1] == "1"
