"""What the inline players' compression keeps of the real held-out clips, at each compression level, beside WAV.

    python benchmarks/player_codec.py [LEVEL ...]

Encodes every held-out clip of the default dataset (44.1 kHz) as Ogg Vorbis at each libsndfile compression level
(default: 0, 0.2, 0.4, 0.5, 0.6, 0.8), decodes it with libsndfile and measures, beside the WAV the players held
before: the size, the onset (the first 1 ms frame within 30 dB of the clip's peak; every clip within 1 ms), the
energy of the top octave (11-22 kHz; median within 1 dB), the decay to 40 dB below the peak (median within 5 %) and
the time to encode. ``drumgan.data.audio.PLAYER_COMPRESSION`` is the smallest level that keeps all three.
"""

from __future__ import annotations

import io
import sys
import time

import numpy as np
import soundfile as sf

from drumgan.data.audio import wav_bytes
from drumgan.data.preparation import prepare
from drumgan.display.tables import text_table
from drumgan.features.envelope import envelope_times

LEVELS = (0.0, 0.2, 0.4, 0.5, 0.6, 0.8)


def onset_ms(waves: np.ndarray, rate: int) -> np.ndarray:
    """Where each clip starts: its first 1 ms frame within 30 dB of its loudest."""
    frame = round(rate / 1000)
    n = waves.shape[-1] // frame
    energy = np.mean(waves[:, : n * frame].reshape(len(waves), n, frame) ** 2, axis=-1)
    return (energy > energy.max(axis=1, keepdims=True) * 1e-3).argmax(axis=1) * frame / rate * 1000


def top_octave_db(waves: np.ndarray, rate: int) -> np.ndarray:
    power = np.abs(np.fft.rfft(waves, axis=-1)) ** 2
    return 10 * np.log10(power[:, np.fft.rfftfreq(waves.shape[-1], 1 / rate) >= rate / 4].sum(axis=-1) + 1e-20)


def encoded(waves: np.ndarray, rate: int, level: float | None) -> tuple[list[bytes], float]:
    start = time.perf_counter()
    if level is None:
        return [wav_bytes(w, rate) for w in waves], time.perf_counter() - start
    out = []
    for wave in waves:
        buffer = io.BytesIO()
        sf.write(buffer, np.clip(wave, -1, 1), rate, format="OGG", subtype="VORBIS", compression_level=level)
        out.append(buffer.getvalue())
    return out, time.perf_counter() - start


def main(levels=LEVELS) -> None:
    dataset = prepare(progress=False)
    rate, waves = dataset.config.sample_rate, dataset.waves[dataset.test_index].astype(np.float32)
    onset, top, decay = onset_ms(waves, rate), top_octave_db(waves, rate), envelope_times(waves, rate, drop_db=40)[1]
    median_decay = np.median(decay)
    rows = []
    for level in (None, *levels):
        files, seconds = encoded(waves, rate, level)
        back = np.stack([sf.read(io.BytesIO(f), dtype="float32")[0] for f in files])
        top_diff = np.abs(top_octave_db(back, rate) - top)
        rows.append(
            {
                "player": "WAV (16-bit)" if level is None else f"Ogg Vorbis, level {level}",
                "kB a clip": f"{np.mean([len(f) for f in files]) / 1000:.1f}",
                "onset |diff| max ms": f"{np.abs(onset_ms(back, rate) - onset).max():.1f}",
                "top octave |diff| median dB (p95)": f"{np.median(top_diff):.2f} ({np.percentile(top_diff, 95):.2f})",
                "median decay / WAV's": f"{np.median(envelope_times(back, rate, drop_db=40)[1]) / median_decay:.3f}",
                "encode ms a clip": f"{1000 * seconds / len(waves):.1f}",
            }
        )
    print(f"{len(waves)} held-out clips at {rate} Hz, {waves.shape[1]} samples each")
    print(text_table(rows))


if __name__ == "__main__":
    main([float(level) for level in sys.argv[1:]] or LEVELS)
