"""A DrumGizmo kit (the ``drumgizmo`` drum machine's format): ``drumkit.xml`` (one mono channel, the instruments),
one XML per instrument listing its samples with their power, and ``midimap.xml`` from MIDI notes to the
instruments. DrumGizmo picks a sample whose power is near a hit's velocity and avoids repeating the last one, so
layers of rising power play as velocity layers and a layer's takes as round robins."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np

CHANNEL = "mono"


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def drumkit_xml(name: str, instruments: list[str], sample_rate: int, info: str = "") -> bytes:
    """``drumkit.xml``: the kit, its one channel and an entry per instrument (file ``instruments/NAME.xml``)."""
    kit = ET.Element("drumkit", {"version": "1.0", "name": name, "samplerate": str(sample_rate), "description": info})
    ET.SubElement(ET.SubElement(kit, "channels"), "channel", {"name": CHANNEL})
    listed = ET.SubElement(kit, "instruments")
    for instrument in instruments:
        entry = ET.SubElement(listed, "instrument", {"name": instrument, "file": f"instruments/{instrument}.xml"})
        ET.SubElement(entry, "channelmap", {"in": CHANNEL, "out": CHANNEL, "main": "true"})
    return _xml(kit)


def instrument_xml(instrument: str, files: list[str], powers) -> bytes:
    """One instrument's XML: each sample file (under ``samples/``) with its power (:func:`sample_powers`)."""
    root = ET.Element("instrument", {"version": "2.0", "name": instrument})
    samples = ET.SubElement(root, "samples")
    for file, power in zip(files, powers):
        sample = ET.SubElement(samples, "sample", {"name": file.rsplit(".", 1)[0], "power": f"{float(power):.6f}"})
        ET.SubElement(sample, "audiofile", {"channel": CHANNEL, "file": f"../samples/{file}", "filechannel": "1"})
    return _xml(root)


def midimap_xml(instruments: list[str], notes: list[int]) -> bytes:
    """``midimap.xml``: each instrument on its MIDI note."""
    root = ET.Element("midimap")
    for instrument, note in zip(instruments, notes):
        ET.SubElement(root, "map", {"note": str(note), "instr": instrument})
    return _xml(root)


def sample_powers(layers: int, round_robins: int) -> np.ndarray:
    """The power of each take, layer by layer: from 0 for the softest layer to 1 for the hardest, evenly. DrumGizmo
    maps a hit's velocity onto its instrument's range of powers and plays a sample near it (not always the
    nearest: it also avoids repeating one and draws at random), so its layers then follow velocity."""
    return np.repeat(np.linspace(0.0, 1.0, layers) if layers > 1 else np.ones(1), round_robins)


def validation_errors(drumkit_xml_path) -> list[str] | None:
    """What DrumGizmo's ``dgvalidator`` finds wrong with a kit ([] when it accepts it), or None where DrumGizmo
    (Debian's ``drumgizmo``) is not installed."""
    validator = shutil.which("dgvalidator")
    if validator is None:
        return None
    done = subprocess.run([validator, str(drumkit_xml_path)], capture_output=True, text=True, timeout=120)
    if done.returncode == 0:
        return []
    return [line for line in (done.stdout + done.stderr).splitlines() if line.strip()] or [f"exit {done.returncode}"]
