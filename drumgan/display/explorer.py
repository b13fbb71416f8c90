"""An interactive explorer of a conv GAN run in JupyterLab, built from ipywidgets: class-mixture sliders (a
conditional run), timbre sliders (a run trained with timbre), two seeds and an interpolation slider between them, a
truncation slider, variations of an uploaded sample, a Generate button that draws the log-mel and plays the clip in
place, and Keep / Write kit buttons that collect clips into a drum kit.

:class:`Explorer` holds the state and does the work (tested without a browser); :meth:`Explorer.widget` lays
the controls out and wires them to it.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from ..config import CLASSES
from ..features.timbre import CONTROLS
from ..latents import class_mixture, slerp, truncate
from .players import player_grid


class Explorer:
    """The state of one exploration of ``run`` (a conv GAN; conditional for the class sliders).

    Attributes:
        weights: ``{class: weight}`` of the class mixture asked for (conditional runs).
        timbre: ``{control: percentile}`` asked for (runs trained with timbre; at first the training median of the
            first class), else empty.
        seed_a, seed_b, t: the two latents' seeds and the place between them (0: ``seed_a``, 1: ``seed_b``).
        truncation: how far the latent is pulled toward the mean (:func:`drumgan.latents.truncate`; 1: none).
        inversion: an uploaded sample's :class:`~drumgan.generation.projection.Inversion`, or None; while set, Generate
            makes variations of it, ``spread`` from it (``seed_a`` picks the variation).
        kept: ``(label, wave)`` clips collected for a kit.
    """

    def __init__(self, run, seed_a: int = 0, seed_b: int = 1):
        if run.settings.model != "conv-gan":
            raise ValueError(f"the explorer needs a conv-gan run, got {run.settings.model}")
        self.run, self.seed_a, self.seed_b, self.t, self.truncation = run, seed_a, seed_b, 0.0, 1.0
        names = run.class_names
        self.weights = {name: 1.0 if i == 0 else 0.0 for i, name in enumerate(names)}
        median = run.timbre.median(0 if names else None) if run.timbre is not None else []
        self.timbre = {name: round(float(p), 2) for name, p in zip(CONTROLS, median)}
        self.inversion, self.spread, self.sample_name = None, 0.15, ""
        self.kept: list[tuple[str, np.ndarray]] = []
        self.log_mel = self.wave = None

    @property
    def classes(self) -> np.ndarray | None:
        """The class vector asked for (None for an unconditional run)."""
        return class_mixture(self.run.class_names, self.weights) if self.run.settings.conditional else None

    @property
    def label(self) -> str:
        """The class a kept clip is filed under: the heaviest of the mixture, or the uploaded sample's."""
        if self.inversion is not None and self.inversion.classes is not None:
            return self.run.class_names[int(np.argmax(self.inversion.classes))]
        if self.run.settings.conditional:
            return max(self.weights, key=self.weights.get)
        return "other"

    def latent(self) -> np.ndarray:
        """The latent between the two seeds' latents at ``t`` (spherical interpolation), truncated."""
        model = self.run.model
        between = slerp(model.latents(1, self.seed_a)[0], model.latents(1, self.seed_b)[0], self.t)[0]
        return truncate(between, self.truncation)

    def generate(self) -> tuple[np.ndarray, np.ndarray]:
        """Make the clip the controls ask for: ``(log_mel dB, wave)``, also kept as :attr:`log_mel`, :attr:`wave`."""
        if self.inversion is not None:
            from ..generation.projection import variations

            sample = variations(self.run, self.inversion, 1, self.spread, seed=self.seed_a)
        else:
            classes = None if self.classes is None else self.classes[None]
            timbre = np.array([[self.timbre[name] for name in CONTROLS]], np.float32) if self.timbre else None
            sample = self.run.model.from_latents(self.latent()[None], classes, timbre)
        spectrum = self.run.codec.decode(sample)
        self.log_mel, self.wave = self.run.codec.to_log_mel(spectrum)[0], self.run.codec.to_audio(spectrum)[0]
        return self.log_mel, self.wave

    def use_sample(self, path) -> float:
        """Invert the audio file at ``path`` into the run, so that Generate makes variations of it; returns the
        reconstruction's RMS distance on the normalised log-mel."""
        from ..generation.projection import invert, load_spectrum

        self.inversion = invert(self.run, load_spectrum(path, self.run.codec))
        self.sample_name = Path(path).name
        return self.inversion.distance

    def forget_sample(self) -> None:
        self.inversion, self.sample_name = None, ""

    def keep(self) -> int:
        """Add the last generated clip to the kit; returns how many are kept."""
        if self.wave is None:
            raise ValueError("generate a clip before keeping it")
        self.kept.append((self.label, self.wave))
        return len(self.kept)

    def write_kit(self, out_dir, name: str, overwrite: bool = False) -> dict:
        """Write the kept clips as a kit (:func:`drumgan.generation.kit.write_kit`), in class order."""
        from ..generation.kit import write_kit

        if not self.kept:
            raise ValueError("keep at least one clip first")
        order = sorted(range(len(self.kept)), key=lambda i: (CLASSES.index(self.kept[i][0]), i))
        waves = np.stack([self.kept[i][1] for i in order])
        labels = [self.kept[i][0] for i in order]
        info = f"Kept in drumgan's explorer from {self.run.name} (step {self.run.step})."
        return write_kit(waves, labels, self.run.codec.config.sample_rate, out_dir, name, overwrite, info)

    def widget(self, kit_dir="kits"):
        """The controls, the drawn log-mel and the player, as one ipywidgets box."""
        return _ExplorerWidget(self, kit_dir).box


class _ExplorerWidget:
    """The ipywidgets layout of an :class:`Explorer` and the handlers that drive it."""

    def __init__(self, explorer: Explorer, kit_dir):
        import ipywidgets as w

        self.explorer, self.kit_dir = explorer, kit_dir
        wide = w.Layout(width="95%")
        self.sliders = {
            name: w.FloatSlider(value=value, min=0, max=1, step=0.05, description=name, layout=wide)
            for name, value in explorer.weights.items()
        }
        self.timbre = {
            name: w.FloatSlider(value=value, min=0, max=1, step=0.05, description=name, layout=wide)
            for name, value in explorer.timbre.items()
        }
        self.seed_a = w.IntText(value=explorer.seed_a, description="seed A")
        self.seed_b = w.IntText(value=explorer.seed_b, description="seed B")
        self.t = w.FloatSlider(value=0, min=0, max=1, step=0.05, description="A -> B", layout=wide)
        self.truncation = w.FloatSlider(
            value=explorer.truncation, min=0, max=1, step=0.05, description="truncation", layout=wide
        )
        self.upload = w.FileUpload(accept="audio/*,.wav,.flac,.aif,.aiff,.ogg,.mp3", multiple=False)
        self.spread = w.FloatSlider(value=explorer.spread, min=0, max=1, step=0.05, description="spread")
        self.forget = w.Button(description="Forget sample")
        self.generate = w.Button(description="Generate", button_style="primary")
        self.keep = w.Button(description="Keep")
        self.kit_name = w.Text(value="my_kit", description="kit name")
        self.write = w.Button(description="Write kit")
        self.status = w.HTML()
        self.picture, self.player = w.Output(), w.HTML()
        self.generate.on_click(lambda _: self.on_generate())
        self.keep.on_click(lambda _: self.on_keep())
        self.write.on_click(lambda _: self.on_write())
        self.forget.on_click(lambda _: self.on_forget())
        self.upload.observe(lambda change: self.on_upload(change["new"]), names="value")
        mixture = [w.HTML("<b>class mixture</b>"), *self.sliders.values()] if explorer.run.settings.conditional else []
        timbre = (
            [w.HTML("<b>timbre</b> (percentiles of the training kits)"), *self.timbre.values()] if self.timbre else []
        )
        self.box = w.VBox(
            [
                *mixture,
                *timbre,
                w.HTML("<b>latent</b>"),
                w.HBox([self.seed_a, self.seed_b]),
                self.t,
                self.truncation,
                w.HTML("<b>variations of your own sample</b>"),
                w.HBox([self.upload, self.forget]),
                self.spread,
                w.HBox([self.generate, self.keep, self.kit_name, self.write]),
                self.status,
                self.picture,
                self.player,
            ]
        )
        self.on_generate()  # the first clip at once (and the first call's set-up before the first click)

    def _read_controls(self) -> None:
        e = self.explorer
        e.weights = {name: slider.value for name, slider in self.sliders.items()}
        e.timbre = {name: slider.value for name, slider in self.timbre.items()}
        e.seed_a, e.seed_b, e.t, e.spread = self.seed_a.value, self.seed_b.value, self.t.value, self.spread.value
        e.truncation = self.truncation.value

    def _report(self, text: str) -> None:
        import html

        self.status.value = html.escape(text)

    def on_generate(self) -> None:
        import matplotlib.pyplot as plt

        from .plots import plot_log_mel

        self._read_controls()
        began = time.perf_counter()
        try:
            log_mel, wave = self.explorer.generate()
        except ValueError as error:  # e.g. every class weight at 0
            self._report(f"cannot generate: {error}")
            return
        config = self.explorer.run.codec.config
        self.picture.clear_output(wait=True)
        with self.picture:
            fig, ax = plt.subplots(figsize=(5, 2.6))
            plot_log_mel(log_mel, config, ax=ax, title=self.explorer.label, vmin=config.log_floor_db, vmax=0)
            fig.tight_layout()
            plt.show()
        self.player.value = player_grid([(self.explorer.label, wave)], config.sample_rate, columns=1)._repr_html_()
        source = f"variation of {self.explorer.sample_name}" if self.explorer.inversion is not None else "latent"
        self._report(f"{source}: made in {time.perf_counter() - began:.2f} s")

    def on_keep(self) -> None:
        try:
            self._report(f"{self.explorer.keep()} clips kept")
        except ValueError as error:
            self._report(str(error))

    def on_write(self) -> None:
        from ..errors import OutputError

        try:
            written = self.explorer.write_kit(self.kit_dir, self.kit_name.value)
        except (ValueError, OutputError) as error:
            self._report(f"kit not written: {error}")
            return
        self._report(f"kit written: {written['kit']} and {written['wav_folder']}")

    def on_forget(self) -> None:
        self.explorer.forget_sample()
        self._report("sample forgotten: Generate samples the latent again")

    def on_upload(self, files) -> None:
        from ..errors import RunError

        if not files:
            return
        upload = files[0]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload["name"]).name
            path.write_bytes(bytes(upload["content"]))
            self._report(f"inverting {path.name} into the model ...")
            try:
                distance = self.explorer.use_sample(path)
            except RunError as error:
                self._report(str(error))
                return
        self._report(f"{path.name} reconstructed to RMS {distance:.3f}: Generate makes variations of it")
