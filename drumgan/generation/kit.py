"""Generated drums as a kit: a Hydrogen drumkit folder (``drumkit.xml`` and FLAC files, one instrument per drum,
named by class, with its velocity layers and round robins) or a DrumGizmo kit (:mod:`.drumgizmo`), and a plain
folder of WAVs named by instrument, layer and round robin for any other sampler.

Both are written into a temporary folder beside their final place and renamed into it, so an interrupted
write leaves no half kit; an existing kit is replaced only when asked.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from ..data.audio import write_flac, write_wav
from ..errors import OutputError
from . import drumgizmo

NAMESPACE = "http://www.hydrogen-music.org/drumkit"
SCHEMA = Path("/usr/share/hydrogen/data/xsd/drumkit.xsd")  # shipped by Debian's hydrogen-data
GM_NOTES = {"kick": 36, "snare": 38, "clap": 39, "tom": 45, "hihat": 42, "cymbal": 49}  # General MIDI drum notes
OTHER_NOTE = 56  # cowbell, for 'other'
SPARE_NOTE = 60  # the first note of an instrument whose class's note another instrument plays (then upward)
FORMATS = ("hydrogen", "drumgizmo")
INSTRUMENT_DEFAULTS = (  # every per-instrument element Hydrogen's schema asks for, in its order, after the name
    ("volume", "1"),
    ("isMuted", "false"),
    ("isSoloed", "false"),
    ("pan", "0"),
    ("pitchOffset", "0"),
    ("randomPitchFactor", "0"),
    ("gain", "1"),
    ("applyVelocity", "true"),
    ("filterActive", "false"),
    ("filterCutoff", "1"),
    ("filterResonance", "0"),
    ("Attack", "0"),
    ("Decay", "0"),
    ("Sustain", "1"),
    ("Release", "1000"),
    ("muteGroup", "-1"),
    ("midiOutChannel", "-1"),
)


def clip_names(labels: list[str]) -> list[str]:
    """``["kick", "kick", "snare"]`` -> ``["kick_01", "kick_02", "snare_01"]``."""
    seen: dict[str, int] = {}
    names = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        names.append(f"{label}_{seen[label]:02d}")
    return names


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    if text is not None:
        element.text = text
    return element


def midi_notes(labels: list[str]) -> list[int]:
    """Each instrument's MIDI note to play it by: its class's General MIDI note for the first of the class, spare notes
    from :data:`SPARE_NOTE` up for the rest."""
    taken, spare, notes = set(), SPARE_NOTE, []
    for label in labels:
        note = GM_NOTES.get(label, OTHER_NOTE)
        if note in taken:
            while spare in taken or spare in (*GM_NOTES.values(), OTHER_NOTE):
                spare += 1
            note = spare
        taken.add(note)
        notes.append(note)
    return notes


def take_names(instrument: str, layers: int, round_robins: int) -> list[list[str]]:
    """An instrument's takes' names, layer by layer: ``kick_01_v1_rr1`` ...; the instrument's own name where it has
    one take."""
    if layers * round_robins == 1:
        return [[instrument]]
    return [[f"{instrument}_v{v + 1}_rr{r + 1}" for r in range(round_robins)] for v in range(layers)]


def drumkit_xml(name: str, labels: list[str], files: list[list[list[str]]], info: str = "") -> bytes:
    """A Hydrogen ``drumkit.xml``: one instrument per drum, named after its class ("Kick 1"), with the class's
    General MIDI note; ``files[i][v]`` are instrument ``i``'s takes of velocity layer ``v``. The layers split
    velocity 0 to 1 into equal ranges, each layer's takes sharing its range; an instrument of several takes a layer
    picks them in turn (Hydrogen's ``ROUND_ROBIN``)."""
    ET.register_namespace("", NAMESPACE)
    root = ET.Element(f"{{{NAMESPACE}}}drumkit_info")
    for tag, text in (("name", name), ("author", "drumgan"), ("info", info), ("license", "")):
        _sub(root, tag, text)
    _sub(root, "image", "")
    _sub(root, "imageLicense", "")
    component = _sub(_sub(root, "componentList"), "drumkitComponent")
    for tag, text in (("id", "0"), ("name", "Main"), ("volume", "1")):
        _sub(component, tag, text)
    instruments = _sub(root, "instrumentList")
    for i, (label, clip, layers) in enumerate(zip(labels, clip_names(labels), files)):
        instrument = _sub(instruments, "instrument")
        _sub(instrument, "id", str(i))
        _sub(instrument, "name", clip.replace("_", " ").capitalize().replace(" 0", " "))
        for tag, text in INSTRUMENT_DEFAULTS:
            _sub(instrument, tag, text)
        _sub(instrument, "midiOutNote", str(GM_NOTES.get(label, OTHER_NOTE)))
        _sub(instrument, "isStopNote", "false")
        _sub(instrument, "sampleSelectionAlgo", "ROUND_ROBIN" if max(map(len, layers)) > 1 else "VELOCITY")
        _sub(instrument, "isHihat", "-1")
        _sub(instrument, "lower_cc", "0")
        _sub(instrument, "higher_cc", "127")
        part = _sub(instrument, "instrumentComponent")
        _sub(part, "component_id", "0")
        _sub(part, "gain", "1")
        for v, takes in enumerate(layers):
            low, high = f"{v / len(layers):g}", f"{(v + 1) / len(layers):g}"
            for file in takes:
                layer = _sub(part, "layer")
                for tag, text in (("filename", file), ("min", low), ("max", high), ("gain", "1"), ("pitch", "0")):
                    _sub(layer, tag, text)
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def schema_errors(xml_path, schema=SCHEMA) -> list[str] | None:
    """What Hydrogen's drumkit schema finds wrong with ``xml_path`` ([] when it validates), or None where the
    schema (Debian's hydrogen-data) or lxml is not installed."""
    try:
        from lxml import etree
    except ImportError:
        return None
    if not Path(schema).is_file():
        return None
    validator = etree.XMLSchema(etree.parse(str(schema)))
    validator.validate(etree.parse(str(xml_path)))
    return [f"line {e.line}: {e.message}" for e in validator.error_log]


def check_name(name: str, out_dir) -> None:
    """Refuse a kit ``name`` that is not a plain folder name, or whose folders (``name_wav`` and their hidden
    staging names among them) are longer than ``out_dir``'s file system holds.

    Raises:
        OutputError: in one line saying which, and the longest name allowed.
    """
    if not name or name != Path(name).name or name.startswith("."):
        raise OutputError(f"--name must be a plain folder name, got {name!r}")
    longest = f".{name}_wav.old-{'9' * 7}"  # the old kit's name while an --overwrite replaces it (pid of 7 digits)
    folder = next((p for p in (Path(out_dir), *Path(out_dir).absolute().parents) if p.exists()), Path("/"))
    try:
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    if len(longest.encode()) > limit:
        most = limit - (len(longest.encode()) - len(name.encode()))
        raise OutputError(
            f"--name is {len(name.encode())} bytes long; the kit's folders need names at most {limit} bytes long "
            f"on {folder}'s file system, so --name may be at most {most} bytes"
        )


def _staging(out_dir: Path, name: str) -> Path:
    """A new hidden folder in ``out_dir`` with the permissions a plain ``mkdir`` would give it."""
    staged = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=out_dir))
    umask = os.umask(0)
    os.umask(umask)
    staged.chmod(0o777 & ~umask)
    return staged


def _refuse_existing(final: Path, overwrite: bool) -> None:
    if final.exists() and not overwrite:
        raise OutputError(f"{final} already exists: pass --overwrite to replace it, or choose another --name")


def _replace(staged: Path, final: Path, overwrite: bool) -> None:
    """Move the staged folder to ``final`` (an existing one only if ``overwrite``, removed once replaced)."""
    _refuse_existing(final, overwrite)  # checked again: another writer may have made it meanwhile
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
        staged.rename(final)
        shutil.rmtree(old)
    else:
        staged.rename(final)


def write_kit(
    waves: np.ndarray,
    labels: list[str],
    sample_rate: int,
    out_dir,
    name: str,
    overwrite: bool = False,
    info="",
    kit_format: str = "hydrogen",
) -> dict:
    """Write ``out_dir/name/`` (the kit, in ``kit_format``: :data:`FORMATS`) and ``out_dir/name_wav/`` (the WAVs) from
    ``waves`` and their instruments' class ``labels``. ``waves`` is ``(instruments, samples)``, one take each, or
    ``(instruments, layers, round_robins, samples)`` (:func:`drumgan.generation.layers.layered_clips`). Returns
    ``{"kit", "drumkit_xml", "wav_folder", "files", "schema_errors"}`` (``schema_errors``: what Hydrogen's schema, or
    for a DrumGizmo kit ``dgvalidator``, finds wrong; None where that is not installed).

    Raises:
        OutputError: a kit of that name exists (and ``overwrite`` is not set), or ``out_dir`` cannot be written.
    """
    if kit_format not in FORMATS:
        raise OutputError(f"--format must be one of {', '.join(FORMATS)}, got {kit_format!r}")
    check_name(name, out_dir)
    waves = np.asarray(waves)
    waves = waves[:, None, None] if waves.ndim == 2 else waves
    out_dir = Path(out_dir)
    kit, wav_folder = out_dir / name, out_dir / f"{name}_wav"
    for final in (kit, wav_folder):  # before the work, not after it
        _refuse_existing(final, overwrite)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staged_kit, staged_wavs = _staging(out_dir, name), _staging(out_dir, f"{name}_wav")
    except OSError as error:
        raise OutputError(f"{out_dir} cannot be written ({error.strerror or error})") from None
    try:
        instruments = clip_names(labels)
        names = [take_names(instrument, *waves.shape[1:3]) for instrument in instruments]
        for takes, grid in zip(waves, names):
            for layer, row in zip(takes, grid):
                for wave, take in zip(layer, row):
                    write_wav(staged_wavs / f"{take}.wav", wave, sample_rate)
        write = _write_drumgizmo if kit_format == "drumgizmo" else _write_hydrogen
        files, xml, errors = write(staged_kit, waves, labels, instruments, names, name, sample_rate, info)
        _replace(staged_kit, kit, overwrite)
        _replace(staged_wavs, wav_folder, overwrite)
    except OSError as error:
        raise OutputError(f"the kit cannot be written in {out_dir} ({error.strerror or error})") from None
    finally:
        for staged in (staged_kit, staged_wavs):
            shutil.rmtree(staged, ignore_errors=True)
    return {
        "kit": str(kit),
        "drumkit_xml": str(kit / xml),
        "wav_folder": str(wav_folder),
        "files": [str(kit / f) for f in files],
        "schema_errors": errors,
    }


def _write_hydrogen(folder: Path, waves, labels, instruments, names, name, sample_rate, info):
    """FLAC files and ``drumkit.xml`` in ``folder``; returns (the files, the XML's name, the schema's errors)."""
    files = [[[f"{take}.flac" for take in row] for row in grid] for grid in names]
    for takes, grid in zip(waves, files):
        for layer, row in zip(takes, grid):
            for wave, file in zip(layer, row):
                write_flac(folder / file, wave, sample_rate)
    (folder / "drumkit.xml").write_bytes(drumkit_xml(name, labels, files, info))
    flat = [file for grid in files for row in grid for file in row]
    return flat, "drumkit.xml", schema_errors(folder / "drumkit.xml")


def _write_drumgizmo(folder: Path, waves, labels, instruments, names, name, sample_rate, info):
    """``samples/`` (WAVs), ``instruments/`` (an XML each), ``drumkit.xml`` and ``midimap.xml`` in ``folder``."""
    (folder / "samples").mkdir()
    (folder / "instruments").mkdir()
    flat = []
    for instrument, takes, grid in zip(instruments, waves, names):
        files = [f"{take}.wav" for row in grid for take in row]
        clips = takes.reshape(len(files), -1)
        for wave, file in zip(clips, files):
            write_wav(folder / "samples" / file, wave, sample_rate)
        powers = drumgizmo.sample_powers(*takes.shape[:2])
        (folder / "instruments" / f"{instrument}.xml").write_bytes(drumgizmo.instrument_xml(instrument, files, powers))
        flat += [f"samples/{file}" for file in files]
    (folder / "drumkit.xml").write_bytes(drumgizmo.drumkit_xml(name, instruments, sample_rate, info))
    (folder / "midimap.xml").write_bytes(drumgizmo.midimap_xml(instruments, midi_notes(labels)))
    return flat, "drumkit.xml", drumgizmo.validation_errors(folder / "drumkit.xml")
