"""Layered kits: velocity layers that get louder and brighter, round robins, in Hydrogen's and DrumGizmo's formats
and as a plain folder; each checked by its own program and played by it where it is installed."""

import os
import shutil
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from drumgan.generation.kit import NAMESPACE, SCHEMA, write_kit
from drumgan.generation.layers import LEVEL_SPAN_DB, layer_gains, layered

from helpers import run_cli

pytestmark = pytest.mark.slow  # writes kits and runs the drum machines: make test, not make test-fast

RATE = 44100
FREQUENCIES = (150.0, 600.0, 2400.0)  # a layer each, softest first: brighter as they rise


def tones(layers=3, round_robins=2, instruments=2) -> np.ndarray:
    """``(instruments, layers, round_robins, samples)``: decaying sines, each layer an octave pair higher."""
    t = np.arange(int(0.3 * RATE)) / RATE
    out = np.zeros((instruments, layers, round_robins, len(t)), np.float32)
    for v in range(layers):
        for r in range(round_robins):
            out[:, v, r] = 0.9 * np.sin(2 * np.pi * FREQUENCIES[v] * (1 + 0.01 * r) * t) * np.exp(-8 * t)
    return out * layer_gains(layers)[None, :, None, None]


def test_layers_are_dealt_by_brightness_and_set_louder_as_they_rise():
    t = np.arange(RATE // 4) / RATE
    takes = np.stack([np.sin(2 * np.pi * f * t) * np.exp(-10 * t) for f in (3000, 200, 800, 1600, 400, 100)])
    takes /= np.abs(takes).max(axis=1, keepdims=True)  # peak-normalised, as generated audio is
    dealt = layered(takes.astype(np.float32), RATE, layers=3, round_robins=2)
    assert dealt.shape == (3, 2, len(t))
    peaks = np.abs(dealt).max(axis=-1)
    assert np.all(np.diff(peaks.mean(axis=1)) > 0)
    assert 20 * np.log10(peaks[-1].mean() / peaks[0].mean()) == pytest.approx(LEVEL_SPAN_DB, abs=0.1)
    spectra = np.abs(np.fft.rfft(dealt, axis=-1))
    peak_hz = spectra.argmax(axis=-1) * RATE / len(t)
    assert np.all(np.diff(peak_hz.reshape(-1)) > 0)  # every take brighter than the one before, layer after layer


def test_round_robins_are_takes_heard_as_the_class_chosen_far_apart():
    t = np.arange(RATE // 4) / RATE
    frequencies = np.array([100.0, 200.0, 300.0, 400.0, 500.0, 600.0])
    takes = np.stack([np.sin(2 * np.pi * f * t) * np.exp(-10 * t) for f in frequencies]).astype(np.float32)

    def peak_hz(waves):
        return np.abs(np.fft.rfft(waves, axis=-1)).argmax(axis=-1) * RATE / len(t)

    def heard(waves):  # the instrument's class is heard in all but the dullest and the brightest take
        return np.isin(np.round(peak_hz(waves), -2), (200, 300, 400, 500))

    dealt = layered(takes, RATE, layers=1, round_robins=2, heard=heard, features=lambda w: peak_hz(w)[:, None])
    assert sorted(np.round(peak_hz(dealt[0]), -2)) == [200, 500]  # heard as the class, and the farthest apart
    nobody = layered(takes, RATE, layers=1, round_robins=2, heard=lambda w: np.zeros(len(w), bool))
    assert nobody.shape == (1, 2, len(t))  # none heard: the takes are still dealt


def layers_of(xml_path):
    root = ET.parse(xml_path).getroot()
    ns = {"h": NAMESPACE}
    for instrument in root.iterfind(".//h:instrument", ns):
        rows = [(float(la.find("h:min", ns).text), float(la.find("h:max", ns).text), la.find("h:filename", ns).text)
                for la in instrument.iterfind(".//h:layer", ns)]  # fmt: skip
        yield instrument.find("h:sampleSelectionAlgo", ns).text, rows


def test_a_hydrogen_kit_covers_velocity_0_to_1_with_its_layers_and_names_every_take(tmp_path):
    written = write_kit(tones(), ["kick", "snare"], RATE, tmp_path, "layered")
    for algorithm, rows in layers_of(written["drumkit_xml"]):
        assert algorithm == "ROUND_ROBIN" and len(rows) == 6
        ranges = sorted({(low, high) for low, high, _ in rows})
        assert ranges[0][0] == 0 and ranges[-1][1] == 1 and all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
        assert all(sum(1 for r in rows if (r[0], r[1]) == span) == 2 for span in ranges)  # two takes a layer
    assert sorted(p.name for p in (tmp_path / "layered_wav").iterdir())[:3] == [
        "kick_01_v1_rr1.wav", "kick_01_v1_rr2.wav", "kick_01_v2_rr1.wav"]  # fmt: skip
    if SCHEMA.is_file():
        assert written["schema_errors"] == []


def test_a_drumgizmo_kit_lists_each_take_with_a_power_rising_by_layer_and_maps_general_midi(tmp_path):
    written = write_kit(tones(), ["kick", "kick"], RATE, tmp_path, "dg", kit_format="drumgizmo")
    kit = tmp_path / "dg"
    assert {p.name for p in kit.iterdir()} == {"drumkit.xml", "midimap.xml", "instruments", "samples"}
    samples = ET.parse(kit / "instruments" / "kick_01.xml").getroot().findall(".//sample")
    powers = [float(s.get("power")) for s in samples]
    assert len(samples) == 6 and powers == sorted(powers) and powers[0] == 0 and powers[-1] == 1
    for sample in samples:
        assert (kit / "instruments" / sample.find("audiofile").get("file")).is_file()
    notes = {m.get("instr"): int(m.get("note")) for m in ET.parse(kit / "midimap.xml").getroot()}
    assert notes["kick_01"] == 36 and notes["kick_02"] != 36  # one note an instrument
    if shutil.which("dgvalidator"):
        assert written["schema_errors"] == []


@pytest.mark.skipif(shutil.which("drumgizmo") is None, reason="no drumgizmo (apt-get install drumgizmo)")
def test_drumgizmo_plays_the_hard_layer_brighter_and_louder(tmp_path):
    from drumgan.generation.render import hit_audio, render_drumgizmo

    write_kit(tones(), ["kick", "snare"], RATE, tmp_path, "dg", kit_format="drumgizmo")
    audio, rate = render_drumgizmo(tmp_path / "dg", [(36, 10), (38, 10), (36, 127), (38, 127)])
    hits = hit_audio(audio, rate, 4)
    peak_hz = np.abs(np.fft.rfft(hits, axis=-1)).argmax(axis=-1) * rate / hits.shape[-1]
    assert np.all(peak_hz[2:] > 2 * peak_hz[:2]) and np.all(np.abs(hits[2:]).max(1) > np.abs(hits[:2]).max(1))


@pytest.mark.skipif(shutil.which("h2cli") is None, reason="no h2cli (apt-get install hydrogen)")
def test_hydrogen_plays_the_layers_by_velocity_and_the_takes_in_turn(tmp_path):
    from drumgan.generation.render import DEMO_SONG, hit_audio, render_hydrogen

    if not DEMO_SONG.is_file():
        pytest.skip(f"no {DEMO_SONG}")
    write_kit(tones(layers=2), ["kick", "snare"], RATE, tmp_path, "h2")
    audio, rate = render_hydrogen(tmp_path / "h2", [(0, 0.2), (0, 0.9), (1, 0.9), (1, 0.9)])
    hits = hit_audio(audio, rate, 4)
    peak_hz = np.abs(np.fft.rfft(hits, axis=-1)).argmax(axis=-1) * rate / hits.shape[-1]
    assert peak_hz[1] > 2 * peak_hz[0]  # the hard layer
    assert peak_hz[2] != peak_hz[3]  # one take, then the other


def test_kit_command_writes_layers_and_round_robins_and_refuses_them_without_a_latent(
    conditional_run, tiny_runs, synthetic_kit, synthetic_dataset, tmp_path
):
    env = {**os.environ, "DRUMGAN_CACHE": str(synthetic_dataset.cache_path.parent)}  # its classifier, trained once
    done = run_cli("kit", "--run", str(conditional_run), "--out", str(tmp_path), "--name", "k", "--per-class", "1",
                   "--layers", "2", "--round-robin", "2", "--source", str(synthetic_kit), env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "k_wav").glob("kick_01_v*_rr*.wav"))) == 4
    refused = run_cli("kit", "--run", str(tiny_runs / "lstm"), "--out", str(tmp_path), "--layers", "2")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "need a GAN run" in refused.stderr


def test_layer_rows_give_each_layers_level_and_brightness():
    from drumgan.generation.layers import layer_rows

    rows = layer_rows(tones()[0], RATE)
    assert [row["layer"] for row in rows] == [1, 2, 3]
    assert float(rows[0]["peak dBFS"].split(", ")[0]) == pytest.approx(-LEVEL_SPAN_DB - 20 * np.log10(1 / 0.9), abs=0.2)
    firsts = [float(row["brightness Hz"].split(", ")[0]) for row in rows]
    assert firsts == sorted(firsts) and firsts[-1] > 4 * firsts[0]
