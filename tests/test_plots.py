import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from drumgan.display import plots  # noqa: E402
from drumgan.features.codec import Normalizer  # noqa: E402


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
    plots.plot_normalizer(Normalizer.fit(logmels), config)
    bars = plots.plot_counts({"kick": 3, "snare": 5})
    assert [b.get_height() for b in bars] == [3, 5]
    plt.close("all")


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
