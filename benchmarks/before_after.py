"""Before/after figures of the speed changes in benchmarks/README.md, each measured in this one process.

    python benchmarks/before_after.py [lstm_gan] [pipeline] [audio] [xla] [conv_gan]

Sections (all by default):
  lstm_gan  LSTM-GAN training throughput: one LSTM step per frame with 128 units (the old default),
            four frames per step with 128 units, four frames per step with 64 units (the new default)
  pipeline  conv GAN and LSTM-GAN training throughput with the batches gathered from a table of the whole
            training split in memory (before) and read from the dataset's shards (after), alternated
  audio     64 log-mels to audio: librosa NNLS mel inverse vs FISTA, librosa Griffin-Lim vs batched
  xla       conv GAN training with and without XLA (``jit_compile``)
  conv_gan  conv GAN training throughput, twice, then without the gradient penalty (its cost); run it
            under different TF_NUM_INTEROP_THREADS and TF_NUM_INTRAOP_THREADS to compare thread settings
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from drumgan.backend import tf
from drumgan.bench.speed import generation_timing, training_throughput
from drumgan.data.preparation import prepare
from drumgan.features import inverse, spectral


def show(label: str, figures: dict) -> None:
    print(
        f"{label}: {figures['samples_per_second']:.0f} samples/s, {figures['gflops']:.1f} GFLOP/s, "
        f"{figures['flops_per_sample'] / 1e6:.0f} MFLOP per sample",
        flush=True,
    )


def lstm_gan(dataset) -> None:
    for frames_per_step, units in [(1, 128), (4, 128), (4, 64)]:
        figures = training_throughput("lstm-gan", dataset, steps=100, frames_per_step=frames_per_step, units=units)
        show(f"lstm-gan, {frames_per_step} frame(s) per step, {units} units", figures)


def pipeline(dataset) -> None:
    from drumgan.training import loop

    def in_memory(read, shapes, indices, next_frame=False, share=None):  # the pipeline before the shards
        tables = [tf.constant(array) for array in read(np.arange(len(dataset.train_index)))]
        gather = lambda idx: tuple(tf.gather(t, idx) for t in tables) if len(tables) > 1 else tf.gather(tables[0], idx)  # noqa: E731
        batches = indices.map(gather)
        if next_frame:
            batches = batches.map(lambda seq: (seq[:, :-1], seq[:, 1:]))
        options = tf.data.Options()
        options.autotune.enabled = False
        return batches.prefetch(2).with_options(options)

    streamed = loop.pipeline
    for _ in range(2):
        for model, steps in [("conv-gan", 300), ("lstm-gan", 600)]:
            for name, chosen in [("gathered from a table in memory", in_memory), ("read from the shards", streamed)]:
                loop.pipeline = chosen
                show(f"{model}, batches {name}", training_throughput(model, dataset, steps=steps, warmup=20))
    loop.pipeline = streamed


def audio(dataset) -> None:
    import librosa

    config = dataset.config
    log_mels = dataset.log_mels[dataset.test_index[:64]]

    def nnls_inverse(log_mels):  # the mel inverse before the change
        power = np.moveaxis(10 ** (log_mels / 10), -2, 0).reshape(config.n_mels, -1)
        linear = librosa.util.nnls(spectral.mel_basis(config), power)
        linear = np.moveaxis(linear.reshape((-1,) + log_mels.shape[:-2] + log_mels.shape[-1:]), 0, -2)
        return np.sqrt(np.maximum(linear, 0)).astype(np.float32)

    def librosa_griffin_lim(magnitude):  # Griffin-Lim before the change
        padded = np.pad(magnitude, [(0, 0), (0, 0), (0, 1)])
        return librosa.griffinlim(
            padded,
            n_iter=config.griffin_lim_iters,
            hop_length=config.hop_length,
            n_fft=config.n_fft,
            length=config.n_samples,
            random_state=0,
        )

    def timed(function, *args):
        began = time.perf_counter()
        result = function(*args)
        return time.perf_counter() - began, result

    def error(waves):
        return float(np.abs(spectral.log_mel(waves, config) - log_mels).mean())

    nnls_seconds, nnls_magnitude = timed(nnls_inverse, log_mels)
    fista_seconds, fista_magnitude = timed(inverse.log_mel_to_magnitude, log_mels, config)
    librosa_seconds, librosa_waves = timed(librosa_griffin_lim, nnls_magnitude)
    batched_seconds, batched_waves = timed(inverse.griffin_lim, fista_magnitude, config)
    print(f"mel inverse of 64: NNLS (librosa) {nnls_seconds:.2f} s, FISTA {fista_seconds:.2f} s")
    print(
        f"Griffin-Lim ({config.griffin_lim_iters} iterations) of 64: librosa {librosa_seconds:.2f} s, "
        f"batched {batched_seconds:.2f} s"
    )
    print(
        f"round-trip log-mel error (mean abs dB): before {error(librosa_waves):.2f}, after {error(batched_waves):.2f}"
    )
    print(f"generate_64 now: {generation_timing(dataset)['generate_64_seconds']:.2f} s", flush=True)


def xla(dataset) -> None:
    for jit_compile in (False, True):
        show(
            f"conv-gan, jit_compile={jit_compile}",
            training_throughput("conv-gan", dataset, steps=20, jit_compile=jit_compile),
        )


def conv_gan(dataset) -> None:
    threads = " / ".join(
        f"{name}={os.environ.get(name, 'unset')}" for name in ("TF_NUM_INTEROP_THREADS", "TF_NUM_INTRAOP_THREADS")
    )
    for _ in range(2):
        show(f"conv-gan, {threads}", training_throughput("conv-gan", dataset, steps=40))
    show(
        "conv-gan without the gradient penalty (--loss nonsaturating)",
        training_throughput("conv-gan", dataset, steps=40, loss="nonsaturating"),
    )


SECTIONS = {"lstm_gan": lstm_gan, "pipeline": pipeline, "audio": audio, "xla": xla, "conv_gan": conv_gan}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(SECTIONS)
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        sys.exit(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    data = prepare(progress=False)
    for section in chosen:
        SECTIONS[section](data)
