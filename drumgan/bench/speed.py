"""Benchmarks, measured side by side in one process: this machine's matmul peak, training throughput and
FLOP rate of each model, the original project's LSTM-GAN scheme, generation and data preparation; and, as a
section of its own, time to quality (:mod:`drumgan.bench.curve`).

``python -m drumgan bench [--quick] [--json]``, ``python -m drumgan bench --time-to-quality MINUTES``; the figures
and what changed them are in ``benchmarks/README.md``.
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

from ..backend import keras, tf

MODEL_NAMES = {"conv_gan": "conv-gan", "lstm_gan": "lstm-gan", "lstm": "lstm"}
TARGETS = {  # figure (a path into the results) -> (target, True when higher is better), for a 2-core CPU
    "conv_gan_wgan_gp.roofline_fraction": (0.5, True),
    "lstm_gan_speedup_over_seed": (50.0, True),
    "generate_64_seconds": (1.0, False),
    "prepare_warm_seconds": (1.0, False),
}


def matmul_gflops(size: int = 2048, seconds: float = 0.5, repeats: int = 3) -> float:
    """fp32 matrix-multiply rate of TensorFlow on this machine, in GFLOP/s: the best of ``repeats`` sustained
    runs, each multiplying ``size`` x ``size`` matrices back to back for at least ``seconds``."""
    a = tf.random.uniform((size, size), dtype=tf.float32)
    b = tf.random.uniform((size, size), dtype=tf.float32)
    matmul = tf.function(lambda x, y: tf.reduce_sum(tf.linalg.matmul(x, y)))
    matmul(a, b).numpy()  # trace and warm up
    best = 0.0
    for _ in range(repeats):
        count, began = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - began) < seconds or count == 0:
            matmul(a, b).numpy()
            count += 1
        best = max(best, 2 * size**3 * count / elapsed / 1e9)
    return best


def matmul_peak(sizes=(512, 1024, 2048), seconds: float = 0.5, repeats: int = 3) -> dict:
    """The practical fp32 ceiling: :func:`matmul_gflops` of each size, and the best of them as ``peak``."""
    rates = {str(size): matmul_gflops(size, seconds, repeats) for size in sizes}
    return {"peak": max(rates.values()), "by_size": rates}


def _leaf_layers(model):
    """The layers that hold the weights: nested models are opened, and a recurrent layer gives its cell."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            yield from _leaf_layers(layer)
        elif isinstance(layer, keras.layers.RNN):
            yield layer.cell
        else:
            yield layer


def forward_flops(model, timesteps: int = 1) -> int:
    """Multiply-adds x 2 of one example's forward pass, from the layer shapes (Dense, Conv2D,
    Conv2DTranspose, LSTM; activations and normalisations are not counted). ``timesteps`` is the
    sequence length of recurrent models."""
    total = 0
    for layer in _leaf_layers(model):
        if isinstance(layer, keras.layers.LSTMCell):
            total += 2 * (int(np.prod(layer.kernel.shape)) + int(np.prod(layer.recurrent_kernel.shape))) * timesteps
        elif isinstance(layer, keras.layers.Conv2DTranspose):
            total += 2 * int(np.prod(layer.kernel.shape)) * int(np.prod(layer.input.shape[1:3]))
        elif isinstance(layer, keras.layers.Conv2D):
            total += 2 * int(np.prod(layer.kernel.shape)) * int(np.prod(layer.output.shape[1:3]))
        elif isinstance(layer, keras.layers.Dense):
            try:
                positions = int(np.prod(layer.output.shape[1:-1]))
            except (AttributeError, ValueError):  # a layer of a subclassed model: one per timestep
                positions = timesteps
            total += 2 * int(np.prod(layer.kernel.shape)) * positions
    return total


def training_flops_per_sample(settings, model, timesteps: int) -> float:
    """Training FLOPs per real sample, counting a backward pass as twice the forward one.

    GANs, per generator step of ``critic_steps`` critic steps on batches of real samples: each critic
    step runs the generator forward and the critic forward and backward on real, fake and (WGAN-GP)
    interpolated batches; the generator step runs both forward and backward. A penalty's second-order
    pass is left out here (:func:`penalty_flops_per_sample` estimates it), so the figure is a lower bound.
    """
    if settings.model == "lstm":
        return 3.0 * forward_flops(model, timesteps)
    generator, critic = forward_flops(model.generator, timesteps), forward_flops(model.critic, timesteps)
    critic_batches = 3 if settings.loss == "wgan-gp" else 2
    per_critic_step = generator + 3 * critic_batches * critic
    per_generator_step = settings.critic_steps * per_critic_step + 3 * (generator + critic)
    return per_generator_step / settings.critic_steps  # real samples go through the critic only


SECOND_ORDER = 6  # a penalty's second-order pass, in critic forward passes: twice its forward and backward


def penalty_flops_per_sample(settings, model, timesteps: int) -> float:
    """FLOPs per real sample that :func:`training_flops_per_sample` leaves out: an estimate of the penalties'
    second-order passes (:data:`SECOND_ORDER` critic forwards each), and for R1 also its first-order passes
    (forward and backward to the input), applied every ``r1_every`` critic steps."""
    if settings.model == "lstm":
        return 0.0
    critic = forward_flops(model.critic, timesteps)
    gradient_penalty = SECOND_ORDER * critic if settings.loss == "wgan-gp" else 0.0
    r1 = (3 + SECOND_ORDER) * critic / settings.r1_every if settings.r1_weight else 0.0
    return gradient_penalty + r1  # per critic step, that is per batch of real samples


class _BatchClock(keras.callbacks.Callback):
    """When each training batch ended."""

    def __init__(self):
        super().__init__()
        self.ends = []

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append(time.perf_counter())


def training_throughput(
    model_name: str, dataset, steps: int, warmup: int = 2, jit_compile: bool = False, **overrides
) -> dict:
    """Samples per second of training ``model_name`` with its default settings (or ``overrides``) on
    ``dataset``, through the same batch reader and training loop as ``train``: the ``steps`` batches
    after ``warmup`` batches (graph tracing), timed from batch end to batch end within one loop.
    ``jit_compile`` compiles the training step with XLA."""
    from ..settings import TrainSettings
    from ..training.loop import fit_steps
    from ..training.run import Run

    settings = TrainSettings.for_model(model_name, steps=warmup + steps, **overrides)
    clock = _BatchClock()
    with tempfile.TemporaryDirectory() as folder:
        run = Run.create(Path(folder) / "run", settings, dataset)
        run.model.jit_compile = jit_compile
        fit_steps(run, dataset, 0, warmup + steps, callbacks=[clock])
        seconds = clock.ends[-1] - clock.ends[warmup - 1]
        n_frames = dataset.config.n_frames
        timesteps = n_frames - 1 if settings.model == "lstm" else n_frames // settings.frames_per_step
        flops = training_flops_per_sample(settings, run.model, timesteps)
        penalty = penalty_flops_per_sample(settings, run.model, timesteps)
    samples_per_second = steps * settings.samples_per_step / seconds
    return {
        "samples_per_second": samples_per_second,
        "steps_per_second": steps / seconds,
        "gflops": samples_per_second * flops / 1e9,
        "gflops_with_penalty": samples_per_second * (flops + penalty) / 1e9,
        "flops_per_sample": flops,
        "penalty_flops_per_sample": penalty,
        "steps": steps,
        "settings": settings.used(),
    }


def seed_lstm_gan_throughput(dataset, clips: int, units: int = 52) -> float:
    """Samples per second of the original project's LSTM-GAN scheme: batch size 1, a stateful LSTM(52)
    generator and critic, and per clip one ``train_on_batch`` on a real clip, one on a fake clip and one
    through the stacked generator and frozen critic (the classic Keras GAN loop)."""
    from ..features.codec import Codec

    codec = Codec.fit(dataset.log_mels[dataset.train_index], dataset.config, "mel", "sequence")
    data = codec.encode(dataset.log_mels[dataset.train_index])
    n_frames, n_features = data.shape[1:]
    noise = keras.Input(batch_shape=(1, n_frames, n_features))
    generator = keras.Model(
        noise,
        keras.layers.Dense(n_features, activation="tanh")(
            keras.layers.LSTM(units, stateful=True, return_sequences=True)(noise)
        ),
    )
    frames = keras.Input(batch_shape=(1, n_frames, n_features))
    critic = keras.Model(
        frames, keras.layers.Dense(1, activation="sigmoid")(keras.layers.LSTM(units, stateful=True)(frames))
    )
    critic.compile(keras.optimizers.Adam(2e-4), "binary_crossentropy")
    critic.trainable = False
    stacked = keras.Model(noise, critic(generator(noise)))
    stacked.compile(keras.optimizers.Adam(2e-4), "binary_crossentropy")
    critic.trainable = True
    rng = np.random.default_rng(0)
    one, zero = np.ones((1, 1), np.float32), np.zeros((1, 1), np.float32)

    def clip(i):
        z = rng.standard_normal((1, n_frames, n_features)).astype(np.float32)
        fake = generator.predict_on_batch(z)
        critic.train_on_batch(data[i % len(data)][None], one)
        critic.train_on_batch(fake, zero)
        stacked.train_on_batch(z, one)

    for i in range(3):  # warm-up: tracing
        clip(i)
    began = time.perf_counter()
    for i in range(clips):
        clip(i)
    return clips / (time.perf_counter() - began)


def generation_timing(dataset, n: int = 64, repeats: int = 3) -> dict:
    """Seconds to generate ``n`` samples with a conv GAN (default settings) and make them audio, by stage: the
    repeat with the median total of ``repeats``."""
    from ..features.inverse import griffin_lim, log_mel_to_magnitude
    from ..generation.sampling import generate_log_mels
    from ..settings import TrainSettings
    from ..training.run import Run

    config = dataset.config
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        run = Run.create(Path(folder) / "run", TrainSettings.for_model("conv-gan"), dataset)
        generate_log_mels(run, 2)  # warm-up
        for _ in range(repeats):
            began = time.perf_counter()
            log_mels = generate_log_mels(run, n, seed=1)
            generated = time.perf_counter()
            magnitude = log_mel_to_magnitude(log_mels, config)
            inverted = time.perf_counter()
            waves = griffin_lim(magnitude, config)
            timings.append((time.perf_counter() - began, generated - began, inverted - generated))
    assert waves.shape == (n, config.n_samples) and np.isfinite(waves).all()
    total, generator, mel_inverse = sorted(timings)[len(timings) // 2]
    return {
        "generate_64_seconds": total,
        "generated": n,
        "repeats": repeats,
        "generator_seconds": generator,
        "mel_inverse_seconds": mel_inverse,
        "griffin_lim_seconds": total - generator - mel_inverse,
        "griffin_lim_share": (total - generator - mel_inverse) / total,
        "griffin_lim_iters": config.griffin_lim_iters,
    }


def prepare_timing(sources=None) -> dict:
    """Seconds for a cold ``prepare`` (decoding every file into a fresh cache) and a warm one (from that cache)."""
    from ..data.preparation import prepare

    with tempfile.TemporaryDirectory() as cache:
        began = time.perf_counter()
        cold = prepare(sources, cache=Path(cache), progress=False)
        middle = time.perf_counter()
        warm = prepare(sources, cache=Path(cache), progress=False)
        done = time.perf_counter()
    assert warm.from_cache and len(warm) == len(cold)
    return {"prepare_cold_seconds": middle - began, "prepare_warm_seconds": done - middle, "prepare_samples": len(cold)}


def device() -> str:
    """What the benchmarks ran on: the GPUs by name, else the CPU's core count; and the strategy's replicas."""
    from .. import distribute

    gpus = tf.config.list_physical_devices("GPU")
    names = [tf.config.experimental.get_device_details(gpu).get("device_name", gpu.name) for gpu in gpus]
    where = ", ".join(names) if names else f"CPU ({os.cpu_count()} cores)"
    return f"{where}; --distribute {distribute.name()}, {distribute.replicas()} replica(s)"


def environment() -> dict:
    """Library versions, cores, the device and whether a GPU was used."""
    import librosa
    import scipy

    return {
        "device": device(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "librosa": librosa.__version__,
        "cpu_cores": os.cpu_count(),
        "gpu": bool(tf.config.list_physical_devices("GPU")),
        "intra_op_threads": tf.config.threading.get_intra_op_parallelism_threads(),
        "inter_op_threads": tf.config.threading.get_inter_op_parallelism_threads(),
    }


def run_benchmarks(quick: bool = False, sources=None, log=print) -> dict:
    """Every figure of ``python -m drumgan bench``; ``log`` gets one line per stage as it finishes."""
    from ..data.preparation import prepare

    results = {"quick": quick}
    log(f"device: {device()}")
    peak = matmul_peak((256, 512) if quick else (512, 1024, 2048), seconds=0.1 if quick else 0.5)
    results["matmul_gflops"], results["matmul_gflops_by_size"] = peak["peak"], peak["by_size"]
    log(
        f"matmul: {results['matmul_gflops']:.1f} GFLOP/s peak ("
        + ", ".join(f"{size}: {rate:.1f}" for size, rate in peak["by_size"].items())
        + ")"
    )
    results.update(prepare_timing(sources))
    log(f"prepare: cold {results['prepare_cold_seconds']:.2f} s, warm {results['prepare_warm_seconds']:.3f} s")
    dataset = prepare(sources, progress=False)
    steps = {"conv_gan": 3 if quick else 100, "lstm_gan": 3 if quick else 100, "lstm": 5 if quick else 100}
    trained = {name: (model, None) for name, model in MODEL_NAMES.items()}
    trained["conv_gan_wgan_gp"] = ("conv-gan", "wgan-gp")
    steps["conv_gan_wgan_gp"] = 3 if quick else 40
    for name, (model, recipe) in trained.items():
        figures = training_throughput(model, dataset, steps[name], recipe=recipe)
        figures["roofline_fraction"] = figures["gflops"] / results["matmul_gflops"]
        figures["roofline_fraction_with_penalty"] = figures["gflops_with_penalty"] / results["matmul_gflops"]
        results[name] = figures
        penalty = figures["gflops_with_penalty"] - figures["gflops"]
        log(
            f"{name}: {figures['samples_per_second']:.1f} samples/s ({figures['steps_per_second']:.2f} steps/s), "
            f"{figures['gflops']:.2f} GFLOP/s ({figures['roofline_fraction']:.1%} of matmul)"
            + (f", +{penalty:.2f} GFLOP/s of penalty (estimated)" if penalty else "")
        )
    results["seed_lstm_gan_samples_per_second"] = seed_lstm_gan_throughput(dataset, clips=5 if quick else 60)
    results["lstm_gan_speedup_over_seed"] = (
        results["lstm_gan"]["samples_per_second"] / results["seed_lstm_gan_samples_per_second"]
    )
    log(
        f"seed LSTM-GAN scheme: {results['seed_lstm_gan_samples_per_second']:.1f} samples/s "
        f"(drumgan's LSTM-GAN is {results['lstm_gan_speedup_over_seed']:.0f}x faster)"
    )
    results.update(generation_timing(dataset))
    log(f"generate 64: {results['generate_64_seconds']:.2f} s ({results['griffin_lim_share']:.0%} in Griffin-Lim)")
    results.update(environment())
    return results


def target_rows(results: dict) -> list[dict]:
    """One row per target: the figure, its value, the target and whether it is met."""
    rows = []
    for path, (target, higher) in TARGETS.items():
        value = results
        for key in path.split("."):
            value = value[key]
        met = value >= target if higher else value <= target
        rows.append(
            {
                "figure": path,
                "value": float(value),
                "target": f"{'>=' if higher else '<='} {target:g}",
                "met": "yes" if met else "NO",
            }
        )
    return rows
