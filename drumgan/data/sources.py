"""Find drum samples: Hydrogen kits (drumkit.xml), folders of kits, or any folder of audio files."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from .labels import classify

HYDROGEN_DRUMKITS = Path("/usr/share/hydrogen/data/drumkits")
AUDIO_EXTENSIONS = frozenset({".wav", ".wave", ".flac", ".aif", ".aiff", ".aifc", ".ogg", ".oga", ".opus", ".mp3"})


@dataclass(frozen=True)
class SampleRef:
    """One sample file to load, with where it came from and its drum class."""

    path: str
    label: str
    kit: str
    instrument: str = ""


@dataclass(frozen=True)
class Skipped:
    """A file that was found but not loaded, and why."""

    path: str
    reason: str


@dataclass
class Discovery:
    """Everything found under some sources: samples to load, and files already skipped."""

    samples: list[SampleRef]
    skipped: list[Skipped]

    @property
    def found(self) -> int:
        return len(self.samples) + len(self.skipped)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element: ET.Element, name: str) -> str:
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return ""


def _read_drumkit(kit_dir: Path) -> tuple[str, dict[str, str]]:
    """The kit's name and {file name: instrument name} for every sample file drumkit.xml lists."""
    xml_path = kit_dir / "drumkit.xml"
    try:
        root = ET.parse(xml_path).getroot()
    except (ET.ParseError, OSError) as error:
        raise SourceError(f"{xml_path} cannot be read as a Hydrogen drumkit.xml: {error}") from None
    files: dict[str, str] = {}
    for instrument in root.iter():
        if _local(instrument.tag) != "instrument":
            continue
        name = _child_text(instrument, "name")
        for element in instrument.iter():
            if _local(element.tag) == "filename" and element.text and element.text.strip():
                files.setdefault(element.text.strip(), name)  # a file shared by two instruments keeps the first
    return _child_text(root, "name") or kit_dir.name, files


def _audio_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in AUDIO_EXTENSIONS)


def discover_kit(kit_dir: Path) -> Discovery:
    """One Hydrogen kit: every file drumkit.xml lists, labelled by its instrument name.

    Audio files in the kit folder that drumkit.xml does not list are kept too, labelled by their
    file name; listed files that are missing are reported as skipped.
    """
    kit, listed = _read_drumkit(kit_dir)
    samples, skipped = [], []
    for filename, instrument in listed.items():
        path = kit_dir / filename
        if path.is_file():
            label = classify(instrument, path.stem)
            samples.append(SampleRef(str(path), label, kit, instrument))
        else:
            reason = f"listed in drumkit.xml (instrument '{instrument}') but missing from the kit folder"
            skipped.append(Skipped(str(path), reason))
    listed_paths = {os.path.normpath(kit_dir / f) for f in listed}
    for path in _audio_files(kit_dir):
        if os.path.normpath(path) not in listed_paths:
            samples.append(SampleRef(str(path), classify(path.stem), kit, ""))
    return Discovery(samples, skipped)


def discover_folder(folder: Path) -> Discovery:
    """Any folder of audio files, recursively.

    Every regular file is a candidate (one that is not audio is skipped later, with its reason).
    The class comes from the file name, else the nearest folder that names one, else 'other';
    the kit is the first sub-folder under ``folder`` (or ``folder`` itself for files at its top).
    """
    samples = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        parents = [part for part in reversed(relative.parts[:-1])]
        kit = relative.parts[0] if len(relative.parts) > 1 else folder.name
        samples.append(SampleRef(str(path), classify(path.stem, *parents), kit, ""))
    return Discovery(samples, [])


def discover(source: str | os.PathLike) -> Discovery:
    """Samples under one source: a Hydrogen kit, a folder of kits, or a plain folder."""
    source = Path(source).expanduser()
    if not source.exists():
        raise SourceError(f"The data source {source} does not exist: pass an existing folder of drum samples.")
    if source.is_file():
        return Discovery([SampleRef(str(source), classify(source.stem), source.parent.name)], [])
    if (source / "drumkit.xml").is_file():
        return discover_kit(source)
    kits = sorted(p for p in source.iterdir() if (p / "drumkit.xml").is_file())
    if kits:
        parts = [discover_kit(kit) for kit in kits]
        return Discovery([s for d in parts for s in d.samples], [s for d in parts for s in d.skipped])
    return discover_folder(source)


def discover_all(sources: list[str | os.PathLike]) -> Discovery:
    """Samples under several sources; a file reached twice is loaded once."""
    samples, skipped, seen = [], [], set()

    def unseen(items):
        for item in items:
            key = os.path.realpath(item.path)
            if key not in seen:
                seen.add(key)
                yield item

    for source in sources:
        found = discover(source)
        samples += unseen(found.samples)
        skipped += unseen(found.skipped)
    if not samples and not skipped:
        names = ", ".join(str(s) for s in sources)
        raise SourceError(
            f"No audio files were found in {names}: point --source (or DRUMGAN_DATA) at a folder "
            "of drum samples, or run `make data` to install the Hydrogen drum kits."
        )
    return Discovery(samples, skipped)
