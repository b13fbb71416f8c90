"""A written kit played by the real drum machines: hits (an instrument and a velocity each, one every
:data:`HIT_SECONDS`) rendered to audio by DrumGizmo (``drumgizmo``, from a MIDI file) or Hydrogen (``h2cli``, from
a song), to hear and measure what a drummer would get."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from ..errors import OutputError

HIT_SECONDS = 0.5  # one hit a beat at 120 beats a minute
PPQ = 480  # MIDI ticks a beat
DEMO_SONG = Path("/usr/share/hydrogen/data/demo_songs/GM_kit_demo1.h2song")  # Debian's hydrogen-data: the template


def _vlq(n: int) -> bytes:
    out = [n & 0x7F]
    n >>= 7
    while n:
        out.insert(0, (n & 0x7F) | 0x80)
        n >>= 7
    return bytes(out)


def midi_file(hits: list[tuple[int, int]]) -> bytes:
    """A Standard MIDI File (format 0, 120 beats a minute) of ``hits`` ``(note, velocity 1-127)`` on the drum
    channel, one a beat."""
    events = b"\x00\xff\x51\x03" + (500000).to_bytes(3, "big")  # a beat is half a second
    for k, (note, velocity) in enumerate(hits):
        events += _vlq(0 if k == 0 else PPQ - 1) + bytes([0x99, note, velocity]) + _vlq(1) + bytes([0x89, note, 0])
    events += _vlq(PPQ) + b"\xff\x2f\x00"
    return b"MThd" + struct.pack(">IHHH", 6, 0, 1, PPQ) + b"MTrk" + struct.pack(">I", len(events)) + events


def render_drumgizmo(kit_dir, hits: list[tuple[int, int]], seconds: float = 60) -> tuple[np.ndarray, int]:
    """``hits`` ``(MIDI note, velocity)`` played by DrumGizmo with the kit in ``kit_dir`` (its ``midimap.xml``):
    the mono audio and its rate."""
    import soundfile as sf

    drumgizmo = _tool("drumgizmo", "drumgizmo")
    kit_dir = Path(kit_dir)
    with tempfile.TemporaryDirectory() as scratch:
        song = Path(scratch) / "hits.mid"
        song.write_bytes(midi_file(hits))
        inputs = f"file={song},midimap={kit_dir / 'midimap.xml'},speed=2"  # its engine reads a beat as a second
        command = [drumgizmo, "-i", "midifile", "-I", inputs, "-o", "wavfile"]
        command += ["-O", f"file={Path(scratch) / 'out'}", str(kit_dir / "drumkit.xml")]
        _run(command, seconds, "drumgizmo")
        written = sorted(Path(scratch).glob("out*.wav"))
        if not written:
            raise OutputError("drumgizmo wrote no audio")
        audio, rate = sf.read(written[0], dtype="float32")
    return from_first_hit(audio), rate


def render_hydrogen(kit_dir, hits: list[tuple[int, float]], seconds: float = 120) -> tuple[np.ndarray, int]:
    """``hits`` ``(instrument index, velocity 0-1)`` played by Hydrogen's ``h2cli`` with the kit in ``kit_dir`` (a
    song made from Hydrogen's demo song, its patterns replaced by the hits, no humanising): the mono audio and its
    rate."""
    import soundfile as sf

    h2cli = _tool("h2cli", "hydrogen")
    if not DEMO_SONG.is_file():
        raise OutputError(f"{DEMO_SONG} not found (apt-get install hydrogen-data)")
    with tempfile.TemporaryDirectory() as scratch:
        song, out = Path(scratch) / "hits.h2song", Path(scratch) / "out.wav"
        song.write_text(hydrogen_song(DEMO_SONG.read_text(), hits))
        _run([h2cli, "-s", str(song), "-k", str(Path(kit_dir).absolute()), "-o", str(out)], seconds, "h2cli")
        audio, rate = sf.read(out, dtype="float32")
    return from_first_hit(audio.mean(axis=1) if audio.ndim > 1 else audio), rate


def from_first_hit(audio: np.ndarray, silence: float = 1e-4) -> np.ndarray:
    """``audio`` from its first sample above ``silence`` (the first hit; a drum machine may start later than 0)."""
    loud = np.flatnonzero(np.abs(audio) > silence)
    return audio[loud[0] :] if len(loud) else audio


def hydrogen_song(template: str, hits: list[tuple[int, float]]) -> str:
    """``template`` (an ``.h2song``) at 120 beats a minute, without humanising, playing ``hits`` one a beat: four
    to a pattern, the patterns in turn."""
    note = (
        "<note><position>{}</position><leadlag>0</leadlag><velocity>{:.4f}</velocity><pan>0</pan><pitch>0</pitch>"
        "<probability>1</probability><key>C0</key><length>-1</length><instrument>{}</instrument>"
        "<note_off>false</note_off></note>"
    )
    patterns, names = [], []
    for first in range(0, len(hits), 4):
        notes = "".join(note.format(48 * k, v, i) for k, (i, v) in enumerate(hits[first : first + 4]))
        names.append(f"hits{first // 4}")
        patterns.append(
            f"<pattern><name>{names[-1]}</name><category></category><size>192</size><denominator>4</denominator>"
            f"<info></info><noteList>{notes}</noteList></pattern>"
        )
    song = re.sub(
        r"<patternList>.*</patternList>", f"<patternList>{''.join(patterns)}</patternList>", template, flags=re.S
    )
    groups = "".join(f"<group><patternID>{name}</patternID></group>" for name in names)
    song = re.sub(
        r"<patternSequence>.*</patternSequence>", f"<patternSequence>{groups}</patternSequence>", song, flags=re.S
    )
    first = re.search(r"<instrument>.*?</instrument>", song, flags=re.S).group(0)
    count = max(i for i, _ in hits) + 1  # the song lists as many instruments as the hits name (the kit's replace them)
    listed = "".join(re.sub(r"<id>\d+</id>", f"<id>{k}</id>", first, count=1) for k in range(count))
    song = re.sub(
        r"<instrumentList>.*?</instrumentList>", f"<instrumentList>{listed}</instrumentList>", song, flags=re.S
    )
    song = re.sub(r"<bpm>[^<]*</bpm>", "<bpm>120</bpm>", song)
    return re.sub(r"<(humanize_time|humanize_velocity|swing_factor)>[^<]*</", r"<\1>0</", song)


def hit_audio(audio: np.ndarray, rate: int, n: int, window: float = 0.25) -> np.ndarray:
    """The first ``window`` seconds after each of ``n`` hits one :data:`HIT_SECONDS` apart: ``(n, samples)``."""
    step, size = int(round(HIT_SECONDS * rate)), int(window * rate)
    audio = np.pad(audio, (0, max(0, (n - 1) * step + size - len(audio))))
    return np.stack([audio[k * step : k * step + size] for k in range(n)])


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise OutputError(f"{name} not found (apt-get install {package})")
    return found


def _run(command: list[str], seconds: float, name: str) -> None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds)
    except subprocess.TimeoutExpired:
        raise OutputError(f"{name} did not finish within {seconds:g} s") from None
    if done.returncode != 0:
        last = (done.stderr or done.stdout).strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise OutputError(f"{name} failed: {last[0]}")
