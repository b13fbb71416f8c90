import numpy as np
import pytest

from drumgan.evaluation.metrics import (
    class_matched_median,
    frechet_distance,
    inception_score,
    kernel_inception_distance,
    ndb_k,
    period_contrast_db,
)
from drumgan.features.envelope import envelope_times


def test_inception_score_spans_one_to_the_number_of_classes():
    confident_and_varied = np.eye(7)[np.arange(70) % 7]
    assert inception_score(confident_and_varied) == pytest.approx(7, rel=1e-6)
    assert inception_score(np.full((50, 7), 1 / 7)) == pytest.approx(1.0)
    one_class = np.eye(7)[np.zeros(40, int)]
    assert inception_score(one_class) == pytest.approx(1.0)


def test_frechet_distance_of_one_distribution_is_far_below_that_of_another():
    rng = np.random.default_rng(0)
    real = rng.normal(size=(400, 8)) @ rng.normal(size=(8, 8))
    half_a, half_b = real[:200], real[200:]
    noise = rng.uniform(-3, 3, size=(200, 8))
    assert frechet_distance(real, real) == pytest.approx(0, abs=1e-6)
    assert frechet_distance(half_a, half_b) < 0.1 * frechet_distance(half_a, noise)
    shifted = half_a + 2.0  # a known answer: a mean shift of 2 in each of 8 dimensions adds 8 * 4
    assert frechet_distance(half_a, shifted) == pytest.approx(32, rel=1e-3)


def test_kid_is_near_zero_for_two_samples_of_one_distribution():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(300, 16)), rng.normal(size=(300, 16))
    far = rng.normal(1.0, 1.0, size=(300, 16))
    assert abs(kernel_inception_distance(a, b)) < 0.02
    assert kernel_inception_distance(a, far) > 10 * abs(kernel_inception_distance(a, b))


def test_ndb_k_of_a_set_against_itself_is_zero_and_of_a_shifted_set_is_not():
    rng = np.random.default_rng(2)
    centres = rng.normal(scale=5, size=(10, 6))
    data = centres[rng.integers(0, 10, 500)] + rng.normal(size=(500, 6))
    assert ndb_k(data, data, k=10) == 0.0
    lopsided = centres[np.zeros(300, int)] + rng.normal(size=(300, 6))  # every sample in one mode
    assert ndb_k(data, lopsided, k=10) >= 0.5


def test_envelope_times_of_a_known_decay():
    rate = 16000
    t = np.arange(16384) / rate
    attack = np.minimum(t / 0.05, 1.0)  # 50 ms linear rise
    tau = 0.1  # amplitude falls 20 dB in tau * ln(10) = 0.23 s
    wave = attack * np.exp(-np.maximum(t - 0.05, 0) / tau) * np.sin(2 * np.pi * 1000 * t)
    attacks, decays = envelope_times(wave[None], rate)
    assert attacks[0] == pytest.approx(0.05, abs=0.01)
    assert decays[0] == pytest.approx(tau * np.log(10), abs=0.02)
    steady = np.sin(2 * np.pi * 440 * t)[None]
    attacks, decays = envelope_times(steady, rate)
    assert attacks[0] + decays[0] == pytest.approx(16384 / rate, rel=0.02)  # never decays: its energy runs to the end


def test_a_decay_is_read_from_the_energy_to_come_not_from_a_momentary_dip():
    rate = 44100
    t = np.arange(45056) / rate
    tail = np.exp(-t / 0.1) * np.random.default_rng(0).standard_normal(len(t))  # noise falling 20 dB in 0.23 s
    dipped = tail.copy()
    dipped[2205:2250] = 0  # a 1 ms dip at 50 ms, which a noisy tail's phases can make
    _, decays = envelope_times(np.stack([tail, dipped]), rate)
    assert decays[0] == pytest.approx(0.1 * np.log(10), abs=0.02) and decays[1] == pytest.approx(decays[0], abs=0.002)


def test_period_contrast_sees_a_pattern_every_four_frames_and_not_a_smooth_decay():
    frames = np.arange(64)
    decay = np.broadcast_to(-frames * 1.0, (3, 8, 64))  # smooth: nothing every 4 frames
    rng = np.random.default_rng(0)
    noisy = decay + rng.normal(0, 1, decay.shape)
    striped = noisy + 6.0 * (frames % 4 == 0)
    assert abs(period_contrast_db(noisy)) < 3 and period_contrast_db(striped) > 6
    assert period_contrast_db(striped, period=8) < period_contrast_db(striped)
    with pytest.raises(ValueError, match="period must divide"):
        period_contrast_db(noisy, period=5)


def test_class_matched_median_weighs_each_class_by_the_asked_share():
    decays = np.array([0.1, 0.1, 0.1, 1.0])  # three short clips of class 0, one long one of class 1
    classes = np.array([0, 0, 0, 1])
    assert np.median(decays) == 0.1
    assert class_matched_median(decays, classes, np.array([0.3, 0.7])) == 1.0
    assert class_matched_median(decays, classes, np.array([0.9, 0.1])) == 0.1
    assert class_matched_median(decays, classes, np.array([0.2, 0.7, 0.1])) == 1.0  # class 2: none here


def test_the_frechet_interval_brackets_the_distance_and_narrows_with_more_clips():
    from drumgan.evaluation.metrics import frechet_distance, frechet_interval

    rng = np.random.default_rng(0)
    reference = rng.standard_normal((400, 6))
    few, many = rng.standard_normal((30, 6)) + 0.5, rng.standard_normal((300, 6)) + 0.5
    low, high = frechet_interval(few, reference, seed=1)
    assert low < frechet_distance(few, reference) < high
    wide, narrow = high - low, np.subtract(*frechet_interval(many, reference, seed=1)[::-1])
    assert narrow < wide / 2
    once = frechet_interval(few, reference, draws=1)  # one draw has no spread: both ends are the distance itself
    assert once == [pytest.approx(frechet_distance(few, reference))] * 2
