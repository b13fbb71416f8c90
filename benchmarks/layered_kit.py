"""A layered kit of a run, measured as a drummer would meet it (benchmarks/README.md, layered kits).

    python benchmarks/layered_kit.py [RUN] [LAYERS] [ROUND_ROBINS] [PER_CLASS]

Writes RUN's kit (default ``runs/conv_gan_timbre``, 4 layers, 2 round robins, 4 instruments a class) in both
formats into a temporary folder, then reports:

- per adjacent pair of layers (each round robin apart), whether the brightness (librosa's spectral centroid, mean
  over frames of energy) and the peak level rise;
- how far apart one layer's takes are (RMS on the normalised log-mel, as ``evaluate``'s nearest-neighbour
  distances), beside the training clips' own distance to their nearest other training clip;
- the share of takes the evaluation classifier hears as their instrument's class (the kit chose each layer's takes
  among those it hears so, as `kit` does);
- each instrument played at velocity 30 and at 120 by DrumGizmo and by Hydrogen's ``h2cli`` (every instrument at 30,
  then every one at 120, so that DrumGizmo does not soften a quick repeat): how much brighter and louder the hard
  hit is.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import librosa
import numpy as np

from drumgan.data.preparation import prepare
from drumgan.evaluation.classifier import heard_as
from drumgan.evaluation.evaluator import Evaluator
from drumgan.evaluation.neighbours import nearest_neighbours
from drumgan.generation.kit import midi_notes, write_kit
from drumgan.generation.layers import layered_clips
from drumgan.generation.render import hit_audio, render_drumgizmo, render_hydrogen
from drumgan.training.run import Run


def centroid(waves: np.ndarray, rate: int) -> np.ndarray:
    """Each clip's spectral centroid (librosa, 2048-point frames), averaged over frames weighted by their energy."""
    values = []
    for wave in waves:
        c = librosa.feature.spectral_centroid(y=np.asarray(wave, np.float32), sr=rate, n_fft=2048)[0]
        e = librosa.feature.rms(y=np.asarray(wave, np.float32), frame_length=2048)[0] ** 2
        values.append(float((c * e).sum() / max(e.sum(), 1e-20)))
    return np.array(values)


def main(run_dir="runs/conv_gan_timbre", layers=4, round_robins=2, per_class=4) -> None:
    run = Run.load(run_dir)
    rate = run.codec.config.sample_rate
    dataset = prepare(config=run.codec.config, progress=False)
    evaluator = Evaluator(dataset, hearing=False)
    classify = heard_as(evaluator.classifier, dataset)  # as `kit` does: each layer keeps takes heard as the class
    waves, labels = layered_clips(run, per_class, layers, round_robins, seed=0, classify=classify)
    n = len(labels)
    print(f"{run.name}: {n} instruments x {layers} layers x {round_robins} round robins at {rate} Hz")

    bright = centroid(waves.reshape(-1, waves.shape[-1]), rate).reshape(n, layers, round_robins)
    peak = np.abs(waves).max(axis=-1)
    for what, values in (("brightness (spectral centroid)", bright), ("peak level", peak)):
        rises = values[:, 1:] > values[:, :-1]
        print(f"{what} rises with the layer in {rises.mean():.1%} of {rises.size} adjacent pairs "
              f"(layer means: {', '.join(f'{v:.3g}' for v in values.mean(axis=(0, 2)))})")  # fmt: skip

    normalised = run.codec.encode(run.codec.analyse(waves.reshape(-1, waves.shape[-1]) / peak.reshape(-1, 1)))
    flat = normalised.reshape(n, layers, round_robins, -1)
    pairs = [np.sqrt(np.mean((a - b) ** 2)) for inst in flat for layer in inst
             for i, a in enumerate(layer) for b in layer[i + 1 :]]  # fmt: skip
    train = run.codec.encode(dataset.log_mels[dataset.train_index]).reshape(len(dataset.train_index), -1)
    _, own = nearest_neighbours(train, train, exclude_self=True)
    above = np.mean(np.array(pairs) > np.median(own))
    print(f"takes of one layer: {len(pairs)} pairs, distance min {min(pairs):.3f}, median {np.median(pairs):.3f}; "
          f"training clips to their nearest other: min {own.min():.3f}, 5th percentile {np.percentile(own, 5):.3f}, "
          f"median {np.median(own):.3f}; pairs above that median: {above:.0%}")  # fmt: skip

    heard = evaluator.predicted_classes(waves.reshape(-1, waves.shape[-1]) / peak.reshape(-1, 1))
    asked = np.repeat([dataset.class_names.index(label) for label in labels], layers * round_robins)
    print(f"takes heard as their instrument's class: {np.mean(heard == asked):.0%}; by class: "
          + ", ".join(f"{c} {np.mean(heard[asked == k] == k):.2f}" for k, c in enumerate(dataset.class_names)
                      if np.any(asked == k)))  # fmt: skip

    with tempfile.TemporaryDirectory() as out:
        for kit_format in ("drumgizmo", "hydrogen"):
            written = write_kit(waves, labels, rate, out, kit_format, kit_format=kit_format)
            print(f"{kit_format}: checker errors {written['schema_errors']}")
            if kit_format == "drumgizmo":
                hits = [(note, v) for v in (30, 120) for note in midi_notes(labels)]  # one instrument's hits apart
                audio, r = render_drumgizmo(Path(out) / kit_format, hits)
            else:
                hits = [(i, v / 127) for v in (30, 120) for i in range(n)]
                audio, r = render_hydrogen(Path(out) / kit_format, hits)
            played = hit_audio(audio, r, len(hits))
            soft, hard = centroid(played[:n], r), centroid(played[n:], r)
            level = np.abs(played[n:]).max(axis=1) / np.maximum(np.abs(played[:n]).max(axis=1), 1e-9)
            ratio = hard / np.maximum(soft, 1e-9)
            print(f"  velocity 120 against 30: centroid x {np.median(ratio):.2f} (median; min {ratio.min():.2f}, "
                  f"{np.mean(ratio >= 1.1):.0%} of instruments at least x 1.1), peak x {np.median(level):.2f} "
                  f"(min {level.min():.2f})")  # fmt: skip
            peaks = np.abs(played).max(axis=1)
            for label, s, h, p, q in zip(labels, soft, hard, peaks[:n], peaks[n:]):
                print(f"    {label:7s} {s:7.0f} Hz -> {h:7.0f} Hz, peak {p:.2f} -> {q:.2f}")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(*(args[:1] or ["runs/conv_gan_timbre"]), *(int(a) for a in args[1:4]))
