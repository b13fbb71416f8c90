"""The attack channel: a clip's first milliseconds as a fine envelope, and audio given the rise it describes."""

import numpy as np
import pytest
import scipy.signal

from drumgan.features.attack import ATTACK_MS, SUBFRAME_MS, attack_envelope, with_attack
from drumgan.features.timbre import CONTROLS, hardness_of, measure

RATE = 44100
T = np.arange(45056) / RATE


def _hit(rise_ms: float, seed: int = 0) -> np.ndarray:
    """Decaying noise that rises linearly over ``rise_ms`` from 2 ms in (0: at once)."""
    since = np.clip(T - 0.002, 0, None)
    attack = np.minimum(since / (rise_ms / 1000), 1.0) if rise_ms else (T >= 0.002).astype(float)
    return (attack * np.exp(-since / 0.1) * np.random.default_rng(seed).standard_normal(len(T))).astype(np.float32)


def test_the_envelope_holds_the_first_16_ms_in_quarter_milliseconds_below_the_loudest():
    envelope = attack_envelope(np.stack([_hit(0), _hit(8)]), RATE)
    assert envelope.shape == (2, round(ATTACK_MS / SUBFRAME_MS)) == (2, 64)
    assert envelope.max() <= 0 and envelope[:, :7].max() < -60  # silent before the onset (2 ms in)
    assert envelope[0, 9] > -10 > -20 > envelope[1, 9]  # the hard hit is loud at once, the soft one still rising


@pytest.mark.parametrize("rise_ms", [0, 1, 4, 8])
def test_audio_is_given_the_rise_its_envelope_describes_and_keeps_its_tail(rise_ms):
    target, smeared = _hit(rise_ms, seed=1)[None], _hit(12, seed=2)[None]  # another noise, another rise
    given = with_attack(smeared, attack_envelope(target, RATE), RATE)
    assert abs(hardness_of(given, RATE)[0] - hardness_of(target, RATE)[0]) <= 0.25 * hardness_of(target, RATE)[0]
    after = round(0.040 * RATE)  # past the attack channel, the clip's own (peak-normalised)
    scale = np.abs(given).max() / np.abs(smeared).max()
    assert np.allclose(given[0, after:], smeared[0, after:] * scale, atol=1e-6)
    assert np.abs(given).max() == pytest.approx(1.0)


@pytest.mark.parametrize("rise_ms", [0, 1])
def test_a_hard_rise_given_to_a_clip_without_low_end_adds_next_to_none(rise_ms):
    above_2khz = scipy.signal.butter(8, 2000, "high", fs=RATE, output="sos")
    target, smeared = (scipy.signal.sosfilt(above_2khz, _hit(ms, seed))[None] for ms, seed in ((rise_ms, 1), (12, 2)))
    given = with_attack(smeared, attack_envelope(target, RATE), RATE)
    depth, hardness = CONTROLS.index("depth"), CONTROLS.index("hardness")
    heard = measure(given, RATE)[0]
    assert heard[hardness] == measure(target, RATE)[0, hardness]  # the rise asked for
    assert heard[depth] < 2.5e-6  # a gain taken as it comes puts 5.6e-6 and 8.6e-6 there


def test_silence_stays_silent_and_too_long_an_envelope_is_refused():
    silent = np.zeros((1, len(T)), np.float32)
    assert not with_attack(silent, attack_envelope(_hit(0)[None], RATE), RATE).any()
    with pytest.raises(ValueError, match="too long"):
        with_attack(silent[:, :100], attack_envelope(_hit(0)[None], RATE), RATE)
