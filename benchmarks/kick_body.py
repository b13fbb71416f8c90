"""A kick's body, heard through a constant-Q spectrogram rather than the models' log-mel (benchmarks/README.md,
a kick's body).

    python benchmarks/kick_body.py [RUN]

A kick's body is a low sine whose pitch falls as it decays. For the kicks of the training kits, of the held-out
kits, of each through the default log-mel round trip, and 64 kicks of RUN (default ``runs/conv_gan_conditional``)
it reports, over 32.7 to 196 Hz in semitone bins (hop 5.8 ms) from 12 to 300 ms after the start:

- ``peakiness``: the share of the band's energy in its strongest semitone, energy-weighted over frames (a clean
  sine gives near 1 as its energy fills one bin and its neighbours' skirts; a band of noise 1/36 and up);
- the strongest semitone's frequency over the first 30 ms and from 140 to 230 ms: the body's pitch and its fall.
"""

from __future__ import annotations

import sys

import librosa
import numpy as np

from drumgan.data.preparation import prepare
from drumgan.features import inverse, spectral
from drumgan.generation.sampling import class_request, generate_waves
from drumgan.training.run import Run

FMIN, BINS, HOP = 32.7, 36, 256
FRAMES = slice(2, 52)  # 12 to 300 ms at 44.1 kHz


def body(waves: np.ndarray, rate: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each clip's low-band peakiness, and its strongest semitone's pitch early and from 140 to 230 ms (Hz)."""
    magnitude = np.abs(librosa.cqt(np.asarray(waves, np.float32), sr=rate, hop_length=HOP, fmin=FMIN, n_bins=BINS))
    power = (magnitude**2)[..., FRAMES]
    energy = power.sum(axis=1)
    share = power.max(axis=1) / np.maximum(energy, 1e-20)
    peakiness = (share * energy).sum(axis=1) / np.maximum(energy.sum(axis=1), 1e-20)
    pitch = librosa.cqt_frequencies(BINS, fmin=FMIN)[power.argmax(axis=1)]
    return peakiness, pitch[:, :5].mean(axis=1), pitch[:, 24:40].mean(axis=1)


def main(run_dir: str = "runs/conv_gan_conditional") -> None:
    dataset = prepare(progress=False)
    config, labels = dataset.config, dataset.labels
    kick = dataset.class_names.index("kick")
    train = dataset.train_index[labels[dataset.train_index] == kick]
    held_out = dataset.test_index[labels[dataset.test_index] == kick]
    round_trip = lambda waves: inverse.log_mel_to_audio(spectral.log_mel(waves, config), config)  # noqa: E731
    run = Run.load(run_dir)
    sets = {
        "training kicks": dataset.waves[train],
        "training kicks, round trip": round_trip(dataset.waves[train]),
        "held-out kicks": dataset.waves[held_out],
        "held-out kicks, round trip": round_trip(dataset.waves[held_out]),
        f"{run.name} kicks": generate_waves(run, 64, 0, class_request(run, 64, "kick")),
    }
    print(f"{'set':32s} {'n':>4s} {'peakiness':>10s} {'pitch 0-30 ms':>14s} {'pitch 140-230 ms':>17s}")
    for name, waves in sets.items():
        peakiness, early, late = body(waves, config.sample_rate)
        print(f"{name:32s} {len(waves):4d} {np.median(peakiness):10.3f} {np.median(early):11.0f} Hz "
              f"{np.median(late):14.0f} Hz")  # fmt: skip


if __name__ == "__main__":
    main(*sys.argv[1:2])
