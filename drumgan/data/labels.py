"""Map instrument and file names to one of the drum classes in :data:`drumgan.config.CLASSES`."""

from __future__ import annotations

import re

# Checked in this order: the first pattern that matches names the class.
_RULES = (
    ("clap", r"clap"),
    ("hihat", r"hi ?-?hats?|\bhats?\b|\b[co]?hh|\bhhat"),
    ("cymbal", r"crash|\brides?\b|splash|china|cymbal|\bcym"),
    ("kick", r"kick|bass ?drum|\bbd\b|\bki?ck\b"),
    ("snare", r"snare|\bs[dn]\b"),
    ("tom", r"\btoms?\b|floortom|\bft\b"),
)
_COMPILED = tuple((label, re.compile(pattern)) for label, pattern in _RULES)
_PLACEHOLDER = re.compile(r"(?i)^\s*(?:sample:.*|[a-g][#b]?-?\d+\s*-[\s\d]*)$")  # 'Sample: beats_01.flac', 'f#4 - '


def _normalise(name: str) -> str:
    """Lower-case words: 'HiHatClosed_01.wav' -> 'hi hat closed 01 wav'."""
    name = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    name = re.sub(r"([A-Za-z])(\d)|(\d)([A-Za-z])", lambda m: " ".join(g for g in m.groups() if g), name)
    return " ".join(re.split(r"[^a-z0-9]+", name.lower())).strip()


def classify_name(name: str) -> str | None:
    """The drum class a name states, or None where it says nothing ('17', 'Cowbell', 'beats_01')."""
    text = _normalise(name)
    for label, pattern in _COMPILED:
        if pattern.search(text):
            return label
    return None


def classify(*names: str) -> str:
    """The class of the first name that states one, else 'other'.

    Pass names from the most to the least specific, for example the Hydrogen instrument name,
    then the sample's file name, then its folders.
    """
    for name in names:
        label = classify_name(name)
        if label:
            return label
    return "other"


def is_placeholder(instrument: str) -> bool:
    """Whether a Hydrogen instrument name only stands in for a name nobody gave: a note alone ('f#4 - ') or
    'Sample: FILE', Hydrogen's name for a sample dropped in unnamed. Such a clip is 'other' by default, not by
    its name."""
    return bool(_PLACEHOLDER.match(instrument))
