"""The benchmark's FLOP counting on layers with known answers, and its stages on the synthetic kit (no timing
asserted)."""

import os

import numpy as np
import pytest

from drumgan.settings import TrainSettings

tf = pytest.importorskip("tensorflow")

from drumgan.backend import keras  # noqa: E402
from drumgan.bench.speed import (  # noqa: E402
    SECOND_ORDER,
    forward_flops,
    generation_timing,
    matmul_peak,
    penalty_flops_per_sample,
    prepare_timing,
    target_rows,
    training_flops_per_sample,
    training_throughput,
)


def test_forward_flops_count_two_per_multiply_add_from_the_layer_shapes():
    dense = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    assert forward_flops(dense) == 2 * 4 * 3
    conv = keras.Sequential([keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3, padding="same")])
    assert forward_flops(conv) == 2 * 9 * 1 * 2 * 64
    transposed = keras.Sequential(
        [keras.Input((4, 4, 2)), keras.layers.Conv2DTranspose(1, 5, strides=2, padding="same")]
    )
    assert forward_flops(transposed) == 2 * 25 * 2 * 1 * 16  # one kernel application per input position
    lstm = keras.Sequential([keras.Input((5, 3)), keras.layers.LSTM(4)])
    assert forward_flops(lstm, timesteps=5) == 2 * (3 * 16 + 4 * 16) * 5


def test_gan_training_flops_count_every_critic_pass():
    class Stub:
        generator = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, use_bias=False)])  # 2 FLOPs
        critic = keras.Sequential([keras.Input((1,)), keras.layers.Dense(10, use_bias=False)])  # 20 FLOPs

    settings = TrainSettings.for_model("conv-gan", recipe="wgan-gp")
    # per critic step: generator 2 + critic 3 batches x 3 passes x 20; per generator step: 3 x (2 + 20)
    assert training_flops_per_sample(settings, Stub(), 1) == pytest.approx((5 * (2 + 180) + 66) / 5)
    assert penalty_flops_per_sample(settings, Stub(), 1) == SECOND_ORDER * 20  # the gradient penalty, every step
    r1 = TrainSettings.for_model("conv-gan", recipe="r1", r1_every=4)  # one critic step: real and fake batches
    assert training_flops_per_sample(r1, Stub(), 1) == pytest.approx(2 + 120 + 66)
    assert penalty_flops_per_sample(r1, Stub(), 1) == pytest.approx((3 + SECOND_ORDER) * 20 / 4)  # lazy R1
    assert penalty_flops_per_sample(TrainSettings.for_model("conv-gan", r1_weight=0.0), Stub(), 1) == 0


def test_the_matmul_peak_is_the_best_sustained_rate_of_several_sizes():
    peak = matmul_peak(sizes=(64, 128), seconds=0.01, repeats=2)
    assert set(peak["by_size"]) == {"64", "128"} and peak["peak"] == max(peak["by_size"].values()) > 0


def test_prepare_and_generation_stages_report_their_parts(synthetic_kit, synthetic_dataset):
    timing = prepare_timing([synthetic_kit])
    assert (
        timing["prepare_samples"] == len(synthetic_dataset)
        and timing["prepare_cold_seconds"] > 0 < timing["prepare_warm_seconds"]
    )
    stages = generation_timing(synthetic_dataset, n=4)
    parts = stages["generator_seconds"] + stages["mel_inverse_seconds"] + stages["griffin_lim_seconds"]
    assert parts == pytest.approx(stages["generate_64_seconds"]) and 0 < stages["griffin_lim_share"] < 1


def test_lstm_gan_throughput_counts_lstm_steps_of_four_frames(synthetic_dataset):
    figures = training_throughput("lstm-gan", synthetic_dataset, steps=2)
    steps, units, mels = 16, 64, 64  # 64 frames, 4 per LSTM step; 64 mel bins, so 256 inputs per step
    lstm = lambda inputs: 2 * 4 * (inputs + units) * units * steps  # noqa: E731
    generator = lstm(16) + lstm(units) + 2 * units * 4 * mels * steps
    critic = lstm(4 * mels) + lstm(units) + 2 * units
    assert figures["flops_per_sample"] == 4 * generator + 9 * critic  # non-saturating loss, one critic step
    assert figures["samples_per_second"] > 0 and figures["steps"] == 2


def test_target_rows_say_which_targets_are_met():
    results = {
        "conv_gan_wgan_gp": {"roofline_fraction": 0.49},
        "lstm_gan_speedup_over_seed": 50.0,
        "generate_64_seconds": 2.5,
        "prepare_warm_seconds": 0.1,
    }
    met = {row["figure"]: row["met"] for row in target_rows(results)}
    assert met == {
        "conv_gan_wgan_gp.roofline_fraction": "NO",
        "lstm_gan_speedup_over_seed": "yes",
        "generate_64_seconds": "NO",
        "prepare_warm_seconds": "yes",
    }


def test_the_environment_names_the_device_and_the_strategy():
    from drumgan.bench.speed import environment

    found = environment()
    assert found["device"] == f"CPU ({os.cpu_count()} cores); --distribute none, 1 replica(s)" or found["gpu"]


def test_seeds_trains_a_recipe_at_each_seed_and_gives_each_measures_median_and_range(synthetic_dataset, tmp_path):
    from drumgan.bench.seeds import evaluate_seeds, spread_rows, train_seeds

    from helpers import tiny

    runs = train_seeds(tiny("conv-gan", 2), synthetic_dataset, [0, 1], tmp_path)
    assert [run.settings.seed for run in runs] == [0, 1] and (tmp_path / "seed_1" / "run.json").is_file()
    results = evaluate_seeds(runs, synthetic_dataset, "default", n=8)
    rows = results["rows"]
    assert sorted(row["seed"] for row in rows.values()) == [0, 1]
    fds = [row["fd"] for row in rows.values()]
    assert results["spread"]["fd"] == {"median": np.median(fds), "min": min(fds), "max": max(fds)}
    assert set(results["reference"]) == {"real_heldout", "real_train", "griffin_lim", "noise"}
    shown = {row["measure"]: row for row in spread_rows(results)}
    assert set(shown) >= {"fd", "near_copies"}
    assert shown["near_copies"]["real_train"] == results["reference"]["real_train"]["near_copies"]


def test_seeds_refuses_several_recipes_before_any_training(tmp_path):
    from helpers import run_cli

    done = run_cli("bench", "--seeds", "2", "--recipes", "r1,wgan-gp", "--results", str(tmp_path / "s.json"))
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "one recipe" in done.stderr


def test_seeds_refuses_a_results_file_it_cannot_add_to_before_any_training(tmp_path):
    from helpers import run_cli

    for text in ("not json", "[1, 2]", '{"families": []}'):
        (tmp_path / "s.json").write_text(text)
        done = run_cli("bench", "--seeds", "2", "--results", str(tmp_path / "s.json"))
        assert done.returncode == 2 and done.stderr.count("\n") == 1 and "not a seeds results file" in done.stderr


def test_separations_say_which_families_differ_by_more_than_their_seeds_spread():
    from drumgan.bench.seeds import separations

    def family(fd, fad):
        return {
            "spread": {"fd": dict(zip(("median", "min", "max"), fd)), "fad": dict(zip(("median", "min", "max"), fad))}
        }

    families = {"conv_gan": family((22, 20, 30), (0.7, 0.6, 0.8)), "lstm": family((55, 50, 60), (0.75, 0.7, 0.9))}
    rows = {row["measure"]: row for row in separations(families, measures=("fd", "fad", "kid"))}
    assert set(rows) == {"fd", "fad"} and rows["fd"]["families"] == "conv_gan / lstm"
    assert rows["fd"]["apart"] and not rows["fad"]["apart"] and rows["fd"]["first"] == "20 to 30"
