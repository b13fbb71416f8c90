"""Matplotlib figures of drum samples and their features; every helper takes ``ax=`` and returns what it drew."""

from __future__ import annotations

import warnings

import librosa.display
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from ..config import FeatureConfig
from ..evaluation.metrics import BETTER, METRICS, REFERENCE_ROWS
from ..features.codec import Normalizer
from ..features.spectral import row_frequencies

# At JupyterLab's notebook width (about 1,000 px) a figure of FIGURE_WIDTH inches at 100 dpi is shown at its
# own size, so a font of MIN_FONT_PT points stays about 11 px high. Every helper keeps to both.
FIGURE_WIDTH = 9.8
MIN_FONT_PT = 8
PANEL_TITLE_PT = 9


def _axes(ax, figsize=(5, 3)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_waveform(wave: np.ndarray, sample_rate: int, ax=None, title: str | None = None):
    """One waveform against time in seconds; returns the Line2D."""
    ax = _axes(ax)
    (line,) = ax.plot(np.arange(len(wave)) / sample_rate, wave, linewidth=0.6)
    ax.set(xlabel="time (s)", ylabel="amplitude", ylim=(-1.05, 1.05), title=title)
    return line


def _spectrogram(image: np.ndarray, config: FeatureConfig, ax, title, vmin, vmax, ylabel: str, **specshow):
    """``image`` against time in seconds (librosa's specshow with the config's rate and hop); returns the QuadMesh."""
    ax = _axes(ax)
    mesh = librosa.display.specshow(
        image, sr=config.sample_rate, hop_length=config.hop_length, x_axis="s", ax=ax, vmin=vmin, vmax=vmax, **specshow
    )
    ax.set(xlabel="time (s)", ylabel=ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2.5, 5, 10]))
    ax.tick_params(labelsize=MIN_FONT_PT)
    ax.set_title(title, fontsize=PANEL_TITLE_PT)
    return mesh


def plot_log_mel(log_mel: np.ndarray, config: FeatureConfig, ax=None, title=None, vmin=None, vmax=None):
    """A log-mel spectrogram with time in seconds and each row at its frequency in Hz (mel-spaced above the STFT's
    own low bins, :func:`~drumgan.features.spectral.row_frequencies`); returns the QuadMesh."""
    mel_axis = dict(y_axis="mel", y_coords=row_frequencies(config), fmax=config.fmax)
    return _spectrogram(log_mel, config, ax, title, vmin, vmax, "frequency (Hz)", cmap="magma", **mel_axis)


def plot_mfcc(mfcc: np.ndarray, config: FeatureConfig, ax=None, title=None, vmin=None, vmax=None):
    """MFCCs 1 and up against time in seconds; returns the QuadMesh.

    Coefficient 0 (the frame's overall level, down to about -600) is left out: on one colour scale with it,
    every other coefficient would be one flat colour.
    """
    coefficients = np.arange(1, len(mfcc))
    mesh = _spectrogram(mfcc[1:], config, ax, title, vmin, vmax, "MFCC", cmap="coolwarm", y_coords=coefficients)
    mesh.axes.set_yticks([1, *range(5, len(mfcc), 5)])
    return mesh


def _grid(n: int, columns: int, panel_height: float):
    """A figure FIGURE_WIDTH wide of ``n`` panels, ``columns`` to a row; returns it and the ``n`` Axes."""
    rows = max(1, -(-n // columns))
    fig, axes = plt.subplots(
        rows, columns, figsize=(FIGURE_WIDTH, panel_height * rows), squeeze=False, layout="constrained"
    )
    for ax in axes.flat[n:]:
        ax.axis("off")
    return fig, axes.flat[:n]


def _colour_limits(images: np.ndarray, vmin, vmax, kind: str) -> tuple[float, float]:
    """The colour scale: ``vmin``/``vmax`` where given, else the images' range (symmetric for MFCCs 1 and up)."""
    if kind == "mfcc":  # coefficient 1 alone reaches far beyond the rest: the 99th percentile keeps them visible
        extent = float(np.percentile(np.abs(images[:, 1:]), 99))
        return (-extent if vmin is None else vmin), (extent if vmax is None else vmax)
    return (float(images.min()) if vmin is None else vmin), (float(images.max()) if vmax is None else vmax)


def plot_grid(
    images: np.ndarray, config: FeatureConfig, titles=None, columns=4, kind="mel", vmin=None, vmax=None, unit="dB"
):
    """Spectrograms (``kind='mel'``) or MFCCs (``kind='mfcc'``) on one colour scale with one colour bar.

    Returns:
        The Figure, FIGURE_WIDTH wide. Its colour limits are ``vmin``/``vmax``, default the range of ``images``
        (for MFCCs, the 99th percentile of coefficients 1 and up, symmetric about 0).
    """
    images = np.asarray(images)
    vmin, vmax = _colour_limits(images, vmin, vmax, kind)
    fig, axes = _grid(len(images), columns, panel_height=2.1)
    draw = plot_log_mel if kind == "mel" else plot_mfcc
    mesh = None
    for i, (ax, image) in enumerate(zip(axes, images)):
        mesh = draw(image, config, ax=ax, title=titles[i] if titles is not None else None, vmin=vmin, vmax=vmax)
    fig.colorbar(mesh, ax=list(axes), label=unit if kind == "mel" else "coefficient value", shrink=0.8)
    return fig


def plot_rows(groups: dict, config: FeatureConfig, columns: int = 4, titles: dict | None = None):
    """One row of log-mels per named group (e.g. real, LSTM-GAN, conv GAN), all on the dB scale of the features.

    Each panel is titled with its group's name and, where ``titles`` (group -> a title per image) has
    them, its own title below it (a real sample's class and kit, say); returns the Figure.
    """
    names = list(groups)
    fig, axes = plt.subplots(
        len(names), columns, figsize=(FIGURE_WIDTH, 2.1 * len(names)), squeeze=False, layout="constrained"
    )
    mesh = None
    for row, name in zip(axes, names):
        own = (titles or {}).get(name)
        for k, ax in enumerate(row):
            if k < len(groups[name]):
                title = f"{name}\n{own[k]}" if own is not None else f"{name} {k}"
                mesh = plot_log_mel(groups[name][k], config, ax=ax, title=title, vmin=config.log_floor_db, vmax=0)
            else:
                ax.axis("off")
    fig.colorbar(mesh, ax=axes.ravel().tolist(), label="dB", shrink=0.8)
    return fig


def plot_beside_real(generated: np.ndarray, dataset, columns: int = 4, seed: int = 0):
    """Real training samples (two per class, as many as ``generated``, titled with class and kit) and the
    generated log-mels, on the features' dB scale; returns the two Figures."""
    config = dataset.config
    shown = dataset.training_examples(len(generated), seed=seed)
    scale = dict(columns=columns, vmin=config.log_floor_db, vmax=0)
    real = plot_grid(dataset.log_mels[shown], config, titles=[dataset.describe(i) for i in shown], **scale)
    real.suptitle("real training samples (class · kit)")
    return real, plot_grid(generated, config, titles=[f"generated {i}" for i in range(len(generated))], **scale)


def preview_images(run, last: int = 3) -> list:
    """The last ``last`` previews that training wrote (fixed latents, so they compare), as light IPython images
    (:func:`~drumgan.display.png.light_image`)."""
    from .png import light_image

    return [light_image(png) for png in run.folder.preview_images()[-last:]]


def plot_history(history: list[dict], ax=None, title=None):
    """Every loss column of a run's history against the step."""
    ax = _axes(ax, figsize=(7, 3))
    columns = [k for k in (history[0] if history else {}) if k not in ("step", "time")]
    steps = [row["step"] for row in history]
    for column in columns:
        ax.plot(steps, [row[column] for row in history], label=column.replace("_", " "))
    ax.set(xlabel="step", ylabel="loss", title=title)
    if columns:
        ax.legend()
    return ax


def plot_waveforms(waves: np.ndarray, sample_rate: int, titles=None, columns=4):
    """Waveforms in a grid; returns the Figure."""
    fig, axes = _grid(len(waves), columns, panel_height=1.9)
    for i, (ax, wave) in enumerate(zip(axes, waves)):
        plot_waveform(wave, sample_rate, ax=ax)
        ax.set_title(titles[i] if titles is not None else None, fontsize=PANEL_TITLE_PT)
    return fig


BODY_FMIN, BODY_OCTAVES, BODY_BINS_PER_OCTAVE = 32.7, 3, 24
"""The low band of :func:`plot_body`: a constant-Q spectrogram from C1 (32.7 Hz) over 3 octaves, quarter tones."""


def plot_body(waves: dict, sample_rate: int, seconds: float = 0.4):
    """A drum's body, clip by clip in columns: its waveform over the first ``seconds``, and a constant-Q
    spectrogram of 32.7 to 262 Hz (quarter tones, 5.8 ms hop at 44.1 kHz), which resolves a kick's falling pitch
    where the models' mel bands blur it; one colour scale. ``waves``: title -> wave. Returns the Figure."""
    hop = 16 * round(sample_rate / 44100 * 256 / 16)
    length = int(seconds * sample_rate)
    with warnings.catch_warnings():  # its lowest octaves are analysed downsampled, shorter than librosa's FFT
        warnings.filterwarnings("ignore", message="n_fft=.* is too large for input signal")
        spectra = {
            title: librosa.amplitude_to_db(
                np.abs(
                    librosa.cqt(
                        np.asarray(wave, np.float32),
                        sr=sample_rate,
                        hop_length=hop,
                        fmin=BODY_FMIN,
                        n_bins=BODY_OCTAVES * BODY_BINS_PER_OCTAVE,
                        bins_per_octave=BODY_BINS_PER_OCTAVE,
                    )
                )[:, : length // hop + 1],
                ref=1.0,
            )
            for title, wave in waves.items()
        }
    top = max(float(spectrum.max()) for spectrum in spectra.values())
    fig, axes = plt.subplots(2, len(waves), figsize=(FIGURE_WIDTH, 4.6), squeeze=False, layout="constrained")
    time = np.arange(length) / sample_rate
    for column, (title, wave) in enumerate(waves.items()):
        axes[0, column].plot(time, wave[:length], linewidth=0.6)
        axes[0, column].set(xlabel="time (s)", ylim=(-1.05, 1.05), ylabel="amplitude" if column == 0 else None)
        axes[0, column].set_title(title, fontsize=PANEL_TITLE_PT)
        mesh = librosa.display.specshow(
            spectra[title],
            sr=sample_rate,
            hop_length=hop,
            x_axis="s",
            y_axis="cqt_hz",
            fmin=BODY_FMIN,
            bins_per_octave=BODY_BINS_PER_OCTAVE,
            ax=axes[1, column],
            vmin=top - 60,
            vmax=top,
            cmap="magma",
        )
        axes[1, column].set(xlabel="time (s)", ylabel="frequency (Hz)" if column == 0 else None)
        for ax in axes[:, column]:
            ax.tick_params(labelsize=MIN_FONT_PT)
    fig.colorbar(mesh, ax=axes[1, :].tolist(), label="dB", shrink=0.9)
    return fig


def plot_normalizer(normalizer: Normalizer, config: FeatureConfig, ax=None):
    """Per-row mean and +/- one std of the training log-mels, against the row's centre frequency."""
    ax = _axes(ax, (6, 3))
    centres = row_frequencies(config)
    ax.plot(centres, normalizer.mean, label="mean")
    band = ax.fill_between(
        centres, normalizer.mean - normalizer.std, normalizer.mean + normalizer.std, alpha=0.3, label="mean ± std"
    )
    ax.set(xscale="symlog", xlabel="row centre (Hz)", ylabel="log-mel (dB)", title="per-row statistics (training kits)")
    ax.legend()
    return band


def plot_counts(counts: dict[str, int], ax=None, title=None, horizontal=False):
    """A bar chart of counts; returns the bar container."""
    ax = _axes(ax)
    names, values = list(counts), list(counts.values())
    bars = ax.barh(names, values) if horizontal else ax.bar(names, values)
    ax.bar_label(bars, fontsize=8)
    if horizontal:
        ax.invert_yaxis()
    else:
        ax.tick_params(axis="x", labelrotation=45)
    ax.set(title=title)
    return bars


def plot_source_formats(dataset):
    """The loaded files as they came: sample rates, channel counts and durations; returns the Figure."""
    fig, axes = plt.subplots(1, 3, figsize=(FIGURE_WIDTH, 3.2), layout="constrained")
    rates, rate_counts = np.unique(dataset.source_rates, return_counts=True)
    plot_counts({f"{r / 1000:g} kHz": int(c) for r, c in zip(rates, rate_counts)}, ax=axes[0], title="sample rate")
    channels, channel_counts = np.unique(dataset.source_channels, return_counts=True)
    plot_counts({f"{c} ch": int(n) for c, n in zip(channels, channel_counts)}, ax=axes[1], title="channels")
    axes[2].hist(dataset.source_seconds, bins=np.geomspace(0.01, max(dataset.source_seconds.max(), 0.02), 40))
    axes[2].axvline(dataset.config.duration, color="k", linestyle="--", label=f"kept: {dataset.config.duration:.2f} s")
    axes[2].set(xscale="log", xlabel="duration (s)", ylabel="files", title="duration")
    axes[2].legend()
    return fig


def plot_metrics(results: dict, metrics=METRICS, better=None, log=("fd", "kid"), columns: int = 3):
    """One bar chart per metric of :func:`~drumgan.evaluation.evaluator.evaluate` results, a bar per row; returns the
    Figure.

    Reference rows are grey; ``better`` (metric -> "higher", "lower", ...) adds the direction to each title;
    the metrics in ``log`` get a symmetric log scale (their values span orders of magnitude).
    """
    names = list(results["rows"])
    fig, axes = _grid(len(metrics), min(columns, len(metrics)), panel_height=3.4)
    colours = ["0.6" if name in REFERENCE_ROWS else f"C{i}" for i, name in enumerate(names)]
    for ax, metric in zip(axes, metrics):
        values = [results["rows"][name][metric] for name in names]
        ax.bar(range(len(names)), values, color=colours)
        ax.set_title(metric if better is None else f"{metric} ({better[metric]})", fontsize=9)
        if metric in log:
            ax.set_yscale("symlog")
        ax.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=8)
    return fig


def plot_seed_spread(families: dict, measures=("fd", "fad", "near_copies", "decay_matched_s"), columns: int = 4):
    """Each family's median over its seeds (a bar) with its minimum to maximum (a line), measure by measure, beside
    the real held-out (dashed) and Griffin-Lim (dotted) rows, and for a decay the training clips' (dash-dotted);
    ``families`` as in ``results/seeds.json``.
    Returns the Figure."""
    names = list(families)
    shown = [m for m in measures if all(m in families[name]["spread"] for name in names)]
    fig, axes = _grid(len(shown), columns, panel_height=2.6)
    reference = families[names[0]]["reference"]
    for ax, measure in zip(axes, shown):
        spread = [families[name]["spread"][measure] for name in names]
        medians = np.array([s["median"] for s in spread])
        below = medians - np.array([s["min"] for s in spread])
        above = np.array([s["max"] for s in spread]) - medians
        ax.bar(names, medians, color=[f"C{i}" for i in range(len(names))], alpha=0.7)
        ax.errorbar(names, medians, yerr=[below, above], fmt="none", ecolor="k", capsize=4)
        lines = (("real_heldout", "--"), ("griffin_lim", ":"), *((("real_train", "-."),) if "decay" in measure else ()))
        for row, style in lines:  # the training clips' distances are to themselves; their decays are the target
            if measure in reference.get(row, {}):
                ax.axhline(reference[row][measure], color="0.4", linestyle=style, linewidth=1, label=row)
        seeds = min(len(families[name]["rows"]) for name in names)
        better = f", {BETTER[measure]}" if measure in BETTER else ""
        ax.set_title(f"{measure}{better} · {seeds} seeds", fontsize=PANEL_TITLE_PT)
        ax.tick_params(labelsize=MIN_FONT_PT, axis="both")
        ax.tick_params(axis="x", labelrotation=30)
    axes[-1].legend(fontsize=MIN_FONT_PT)  # the last panel, a decay by default, holds all three lines
    return fig


def plot_class_shares(results: dict, ax=None):
    """A stacked bar per row: the share of its samples the classifier puts in each class; returns the Axes."""
    ax = _axes(ax, (7, 3))
    names = list(results["rows"])
    bottom = np.zeros(len(names))
    for k, label in enumerate(results["rows"][names[0]]["classes"]):
        shares = np.array([results["rows"][name]["classes"][label] for name in names])
        ax.bar(names, shares, bottom=bottom, label=label, color=f"C{k}")
        bottom += shares
    ax.set(ylabel="share of samples", title="predicted classes", ylim=(0, 1))
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend(bbox_to_anchor=(1.01, 1), loc="upper left", fontsize=8)
    return ax


def plot_quality_curves(results: dict, metrics=("fd", "kid", "is")):
    """Each recipe's curve of :func:`~drumgan.bench.curve.time_to_quality` results against minutes of training,
    one panel per metric, with the Griffin-Lim row's value (and for FD the target) as lines; returns the Figure."""
    fig, axes = _grid(len(metrics), len(metrics), panel_height=3.2)
    for ax, metric in zip(axes, metrics):
        for i, (name, recipe) in enumerate(results["recipes"].items()):
            points = recipe["points"]
            ax.plot([p["minutes"] for p in points], [p[metric] for p in points], "o-", ms=3, color=f"C{i}", label=name)
        ax.axhline(results["griffin_lim"][metric], color="0.5", linestyle="--", label="Griffin-Lim row")
        if metric == "fd":
            ax.axhline(results["target_fd"], color="k", linestyle=":", label="target (1.1 x Griffin-Lim)")
        if metric in ("fd", "kid"):
            ax.set_yscale("log")
        ax.set(xlabel="minutes of training", title=f"{metric} ({BETTER[metric]})")
        ax.title.set_fontsize(PANEL_TITLE_PT)
        ax.tick_params(labelsize=MIN_FONT_PT)
    axes[0].legend(fontsize=MIN_FONT_PT)
    return fig


def plot_timbre_sweep(results: dict):
    """A panel per control of a :func:`~drumgan.bench.timbre.sweep`: the median percentile measured from the clips'
    audio against the percentile asked (bold, with the diagonal it should follow) and the other controls' (thin,
    which should stay flat); returns the Figure."""
    controls = list(results["controls"])
    levels = results["levels"]
    fig, axes = _grid(len(controls) + 1, 3, panel_height=2.4)  # the last panel holds the legend
    for ax, (k, control) in zip(axes, enumerate(controls)):
        measured = np.asarray(results["controls"][control]["measured"])
        ax.plot([0, 1], [0, 1], color="0.6", linestyle=":", label="asked")
        for j, other in enumerate(controls):
            bold = j == k
            ax.plot(levels, measured[:, j], "o-" if bold else "-", ms=3, lw=2 if bold else 0.8, color=f"C{j}",
                    label=other)  # fmt: skip
        ax.set(xlim=(0, 1), ylim=(0, 1), xlabel=f"{control} asked", title=control)
        ax.title.set_fontsize(PANEL_TITLE_PT)
        ax.tick_params(labelsize=MIN_FONT_PT)
        ax.xaxis.label.set_fontsize(MIN_FONT_PT)
        ax.set_ylabel("measured (percentile)", fontsize=MIN_FONT_PT)
    axes[-1].axis("off")
    axes[-1].legend(*axes[0].get_legend_handles_labels(), fontsize=MIN_FONT_PT, loc="center")
    return fig
