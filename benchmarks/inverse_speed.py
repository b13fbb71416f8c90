"""The way back to audio, the former settings beside today's in one process (benchmarks/README.md, the inverse's
speed).

    python benchmarks/inverse_speed.py [REPEATS]

For 64 log-mels of real held-out clips it times the mel inverse and Griffin-Lim under

- the former settings: mel bands alone, the mel inverse fitted over every row (30 steps), Griffin-Lim 8
  iterations, the batch cut into one slice per core;
- today's: the STFT's own bins below 150 Hz copied, the mel bands fitted (10 steps), Griffin-Lim 6 iterations,
  4 clips a thread task;
- today's settings with the former slice per core, which shows what the 4 clips a task alone give;

and prints each one's median seconds over REPEATS (default 5) with the audio's attack rise, decay and top-octave
share beside the real clips' (``drumgan.bench.roundtrip.heard``), so that speed is not bought with what a listener
hears.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import sys
import time

from drumgan.bench.roundtrip import heard
from drumgan.data.preparation import prepare
from drumgan.features import inverse, spectral


def timed(function, repeats: int):
    """``function()``'s median seconds over ``repeats`` calls after one warm-up, and its last result."""
    function()
    seconds = []
    for _ in range(repeats):
        began = time.perf_counter()
        out = function()
        seconds.append(time.perf_counter() - began)
    return statistics.median(seconds), out


def main(repeats: int = 5) -> None:
    dataset = prepare(progress=False)
    today = dataset.config
    former = dataclasses.replace(today, mel_linear_below_hz=0.0, griffin_lim_iters=8)
    clips = dataset.waves[dataset.spread_held_out(64)]
    print(f"{len(clips)} held-out clips; real: {heard(clips, today)}")
    settings = {  # name -> (config, mel inverse steps, clips a thread task: None for a slice per core)
        "former: mel bands, 30 steps, Griffin-Lim 8, a slice per core": (former, 30, None),
        "today's settings, a slice per core": (today, 10, None),
        "today: STFT bins < 150 Hz, 10 steps, Griffin-Lim 6, 4 clips a task": (today, 10, inverse.CLIPS_PER_TASK),
    }
    for name, (config, steps, per_task) in settings.items():
        print(name)
        measure(clips, config, steps, per_task, repeats)


def measure(clips, config, steps: int, per_task: int | None, repeats: int) -> None:
    """Time the mel inverse (``steps`` steps) and Griffin-Lim of ``clips``' log-mels at ``config``, and say what a
    listener hears of the result."""
    log_mels = spectral.log_mel(clips, config)
    inverse.CLIPS_PER_TASK = per_task or -(-len(clips) // (os.cpu_count() or 1))
    mel_seconds, magnitude = timed(lambda: inverse.log_mel_to_magnitude(log_mels, config, n_iter=steps), repeats)
    gl_seconds, waves = timed(lambda: inverse.griffin_lim(magnitude, config), repeats)
    print(
        f"  mel inverse {mel_seconds:.3f} s, Griffin-Lim {gl_seconds:.3f} s, together {mel_seconds + gl_seconds:.3f} s"
    )
    print(f"  heard: {heard(inverse.peak_normalised(waves), config)}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
