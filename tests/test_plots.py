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


def _curves():
    point = lambda minutes, fd: {"minutes": minutes, "step": 10 * minutes, "fd": fd, "kid": fd / 2, "is": 2.0}  # noqa: E731
    return {
        "griffin_lim": {"fd": 100.0, "kid": 50.0, "is": 3.0},
        "target_fd": 110.0,
        "recipes": {
            "new": {"points": [point(0, 900), point(2, 105)]},
            "old": {"points": [point(0, 900), point(2, 400)]},
        },
    }


def test_quality_curves_show_each_recipe_against_minutes_with_the_target():
    fig = plots.plot_quality_curves(_curves())
    fd = fig.axes[0]
    lines = {line.get_label(): line for line in fd.get_lines()}
    assert list(lines["new"].get_xdata()) == [0, 2] and list(lines["old"].get_ydata()) == [900, 400]
    assert lines["target (1.1 x Griffin-Lim)"].get_ydata()[0] == 110.0 and fd.get_yscale() == "log"
    assert fd.get_xlabel() == "minutes of training" and fd.get_title() == "fd (lower)"
    assert fig.axes[2].get_title() == "is (higher)" and fig.axes[2].get_yscale() == "linear"
    plt.close("all")


def _figures(config, dataset):
    """One figure from every helper that makes or fills a whole figure."""
    rng = np.random.default_rng(0)
    images = rng.uniform(-80, 0, (8, config.n_mels, config.n_frames))
    history = [{"step": s, "time": 0.0, "critic_loss": -s, "generator_loss": s} for s in range(3)]
    metrics = {
        "rows": {
            n: {"is": 1, "fd": 2, "kid": 3, "ndb_k": 0.1, "d_train": 0.1, "d_self": 0.1, "near_copies": 2} for n in "ab"
        }
    }
    shares = {"rows": {n: {"classes": {"kick": 0.5, "snare": 0.5}} for n in "ab"}}
    yield "grid", plots.plot_grid(images, config, titles=[f"kick · kit {i}" for i in range(8)])
    yield "mfcc grid", plots.plot_grid(rng.normal(0, 50, (4, 20, config.n_frames)), config, kind="mfcc")
    yield "rows", plots.plot_rows({"real": images[:4], "conv GAN": images[4:]}, config)
    yield from zip(("real", "generated"), plots.plot_beside_real(images, dataset))
    yield "waveforms", plots.plot_waveforms(rng.uniform(-1, 1, (4, 1000)), 16000, titles=list("abcd"))
    yield "source formats", plots.plot_source_formats(dataset)
    yield "metrics", plots.plot_metrics(metrics, better={m: "lower" for m in metrics["rows"]["a"]})
    yield "class shares", plots.plot_class_shares(shares).figure
    yield "history", plots.plot_history(history).figure
    yield "normalizer", plots.plot_normalizer(Normalizer.fit(images), config).axes.figure
    yield "quality curves", plots.plot_quality_curves(_curves())


def test_every_figure_is_readable_at_notebook_width(config, synthetic_dataset):
    import matplotlib.text

    for name, fig in _figures(config, synthetic_dataset):
        fig.canvas.draw()
        assert fig.get_size_inches()[0] * fig.dpi <= 1000, name
        texts = [t for t in fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()]
        small = {t.get_text(): t.get_fontsize() for t in texts if t.get_fontsize() < plots.MIN_FONT_PT}
        assert not small, (name, small)
        plt.close(fig)


def test_every_mel_panel_is_labelled_and_real_panels_name_class_and_kit(config, synthetic_dataset):
    images = synthetic_dataset.log_mels[:4]
    real, _ = plots.plot_beside_real(images, synthetic_dataset)
    panels = [ax for ax in real.axes if ax.collections and ax.get_label() != "<colorbar>"]
    assert len(panels) == 4
    assert all(ax.get_xlabel() == "time (s)" and ax.get_ylabel() == "frequency (Hz)" for ax in panels)
    classes, kits = zip(*(ax.get_title().split(" · ") for ax in panels))  # "kick · kit_1"
    assert set(classes) <= set(synthetic_dataset.class_names) and set(kits) <= set(synthetic_dataset.kits)
    assert real.get_suptitle().startswith("real")
    rows = plots.plot_rows({"real": images[:2]}, config, titles={"real": ["kick · A", "snare · B"]})
    assert [ax.get_title() for ax in rows.axes[:2]] == ["real\nkick · A", "real\nsnare · B"]
    plt.close("all")


def test_mfcc_panels_leave_out_coefficient_0_so_the_others_show(config):
    mfcc = np.zeros((1, 20, config.n_frames))
    mfcc[0, 0], mfcc[0, 1:] = -600, np.linspace(-20, 20, 19)[:, None]
    fig = plots.plot_grid(mfcc, config, kind="mfcc")
    (mesh,) = fig.axes[0].collections
    assert mesh.get_array().size == 19 * config.n_frames and abs(mesh.get_clim()[0]) < 25
    plt.close("all")


def test_plot_body_draws_each_clip_as_a_waveform_over_a_low_band_spectrogram(config):
    from drumgan.display import plot_body

    t = np.arange(config.n_samples) / config.sample_rate
    waves = {"real": np.sin(2 * np.pi * 55 * t) * np.exp(-8 * t), "other": np.sin(2 * np.pi * 110 * t) * np.exp(-8 * t)}
    fig = plot_body(waves, config.sample_rate, seconds=0.4)
    axes = fig.axes  # row by row: the waveforms, then the spectrograms, then the colour bar
    assert [ax.get_title() for ax in axes[:2]] == ["real", "other"] and len(axes[0].lines) == 1

    def loudest_quarter_tone(ax):  # of 3 octaves of quarter tones from 32.7 Hz
        return np.asarray(ax.collections[0].get_array()).reshape(72, -1).mean(axis=1).argmax()

    assert abs(loudest_quarter_tone(axes[2]) - 24 * np.log2(55 / 32.7)) <= 1
    assert abs(loudest_quarter_tone(axes[3]) - 24 * np.log2(110 / 32.7)) <= 1
    plt.close(fig)


def _seed_family(fd: tuple, fad: tuple) -> dict:
    spread = {m: {"median": float(np.median(v)), "min": min(v), "max": max(v)} for m, v in (("fd", fd), ("fad", fad))}
    rows = {f"seed_{i}": {"fd": f, "fad": a} for i, (f, a) in enumerate(zip(fd, fad))}
    return {"rows": rows, "spread": spread, "reference": {"real_heldout": {"fd": 20.0, "fad": 0.8}}}


def test_plot_seed_spread_draws_each_familys_median_and_range():
    from drumgan.display import plot_seed_spread

    families = {
        "conv_gan": _seed_family((20.0, 22.0, 30.0), (0.7, 0.72, 0.75)),
        "lstm": _seed_family((50.0, 60.0, 55.0), (1.4, 1.5, 1.6)),
    }
    fig = plot_seed_spread(families, measures=("fd", "fad", "absent"))
    fd_panel = fig.axes[0]
    assert [bar.get_height() for bar in fd_panel.patches] == [22.0, 55.0]  # the medians
    (ranges,) = [c for c in fd_panel.collections if c.get_segments()]
    assert [tuple(segment[:, 1]) for segment in ranges.get_segments()] == [(20.0, 30.0), (50.0, 60.0)]
    assert fd_panel.lines[-1].get_ydata()[0] == 20.0 and "3 seeds" in fd_panel.get_title()
    assert len([ax for ax in fig.axes if ax.get_visible() and ax.axison]) == 2  # no panel for a measure not held
    plt.close(fig)
