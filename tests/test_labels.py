import pytest

from drumgan.config import CLASSES
from drumgan.data.labels import classify, classify_name, is_placeholder


@pytest.mark.parametrize(
    "name, label",
    [
        ("Kick", "kick"),
        ("BassDrum", "kick"),
        ("c3 - bass drum 1", "kick"),
        ("PowR_BD_1", "kick"),
        ("Snare Jazz", "snare"),
        ("SN_08.aiff", "snare"),
        ("Snare Rimshot", "snare"),
        ("Closed HH", "hihat"),
        ("Open HH", "hihat"),
        ("Pedal HH", "hihat"),
        ("HiHatClosed-0", "hihat"),
        ("closehihat3", "hihat"),
        ("Hard_CHH_01", "hihat"),
        ("Sabian Hat Open", "hihat"),
        ("Tom Hi", "tom"),
        ("Floor Tom", "tom"),
        ("TomLow-0", "tom"),
        ("floortom_01", "tom"),
        ("Crash", "cymbal"),
        ("Ride", "cymbal"),
        ("Zildjian Splash", "cymbal"),
        ("China", "cymbal"),
        ("Hand Clap", "clap"),
        ("EE_Clap_Hard", "clap"),
    ],
)
def test_names_map_to_their_class(name, label):
    assert classify_name(name) == label


@pytest.mark.parametrize("name", ["17", "Cowbell", "Tambourine", "Sample: beats_08-37.flac", "Bottom", "Whistle"])
def test_names_that_say_nothing_give_none(name):
    assert classify_name(name) is None


def test_classify_falls_back_to_later_names_then_other():
    assert classify("17", "kick_hard") == "kick"
    assert classify("17", "beats_01") == "other"
    assert classify("Kick", "tom-0105") == "kick"  # the instrument name outranks the file name
    assert set(CLASSES) >= {classify(n) for n in ("Kick", "x", "Ride")}


@pytest.mark.parametrize(
    "name, placeholder",
    [("f#4 - ", True), ("a#4 -  ", True), ("Sample: beats_08-37.flac", True), ("c3 - bass drum 1", False)]
    + [("g#4 - cowbell", False), ("Cowbell", False), ("17", False), ("", False)],
)
def test_placeholders_are_a_note_alone_or_hydrogens_sample_name(name, placeholder):
    assert is_placeholder(name) is placeholder
