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


def _within(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def shown(path) -> str:
    """``path`` as text that can always be printed (bytes that are not UTF-8 shown as escapes)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


class _Confined:
    """A folder that reading stays inside: files outside it (through ``..``, an absolute path or a symbolic
    link) are refused before they are opened or even looked at, and so are names that are not valid UTF-8."""

    def __init__(self, folder: Path):
        self.folder, self.normal, self.real = folder, os.path.abspath(folder), os.path.realpath(folder)
        self._real_dirs: dict[str, str] = {}

    def why_not(self, path: Path) -> str | None:
        """Why ``path`` is not read, or None if it may be."""
        normal = os.path.abspath(path)  # normalised: ".." resolved by name, nothing looked at
        if not _within(normal, self.normal):
            return f"outside {shown(self.folder)}: only files inside the folder are read"
        parent = os.path.dirname(normal)
        if parent not in self._real_dirs:
            self._real_dirs[parent] = os.path.realpath(parent)
        real = os.path.realpath(normal) if os.path.islink(normal) else os.path.join(self._real_dirs[parent], path.name)
        if not _within(real, self.real):
            return f"a symbolic link out of {shown(self.folder)}: only files inside the folder are read"
        try:
            str(path).encode("utf-8")
        except UnicodeEncodeError:
            return "its file name is not valid UTF-8: rename it"
        return None

    def files(self, suffixes=None) -> tuple[list[Path], list[Skipped]]:
        """The regular files in the folder (with one of ``suffixes``, if given) that may be read, and the rest."""
        found, refused = [], []
        for path in sorted(self.folder.rglob("*")):
            if (suffixes is not None and path.suffix.lower() not in suffixes) or path.is_dir():
                continue
            reason = self.why_not(path)
            if reason:
                refused.append(Skipped(shown(path), reason))
            elif path.is_file():
                found.append(path)
        return found, refused


def discover_kit(kit_dir: Path) -> Discovery:
    """One Hydrogen kit: every file drumkit.xml lists, labelled by its instrument name.

    Audio files in the kit folder that drumkit.xml does not list are kept too, labelled by their
    file name; listed files that are missing, or that lie outside the kit folder, are reported as skipped.
    """
    kit, listed = _read_drumkit(kit_dir)
    confined = _Confined(kit_dir)
    samples, skipped = [], []
    for filename, instrument in listed.items():
        path = kit_dir / filename
        reason = confined.why_not(path)
        if reason:
            skipped.append(Skipped(shown(path), f"listed in drumkit.xml (instrument '{instrument}') but {reason}"))
        elif path.is_file():
            samples.append(SampleRef(str(path), classify(instrument, path.stem), kit, instrument))
        else:
            reason = f"listed in drumkit.xml (instrument '{instrument}') but missing from the kit folder"
            skipped.append(Skipped(str(path), reason))
    listed_paths = {os.path.normpath(kit_dir / f) for f in listed}
    files, refused = confined.files(AUDIO_EXTENSIONS)
    for path in files:
        if os.path.normpath(path) not in listed_paths:
            samples.append(SampleRef(str(path), classify(path.stem), kit, ""))
    return Discovery(samples, skipped + [s for s in refused if os.path.normpath(s.path) not in listed_paths])


def discover_folder(folder: Path) -> Discovery:
    """Any folder of audio files, recursively.

    Every regular file is a candidate (one that is not audio is skipped later, with its reason).
    The class comes from the file name, else the nearest folder that names one, else 'other';
    the kit is the first sub-folder under ``folder`` (or ``folder`` itself for files at its top).
    """
    samples = []
    files, refused = _Confined(folder).files()
    for path in files:
        relative = path.relative_to(folder)
        parents = [part for part in reversed(relative.parts[:-1])]
        kit = relative.parts[0] if len(relative.parts) > 1 else folder.name
        samples.append(SampleRef(str(path), classify(path.stem, *parents), kit, ""))
    return Discovery(samples, refused)


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
        samples, skipped = [], []
        for kit in kits:
            try:
                found = discover_kit(kit)
            except SourceError as error:  # one broken kit does not stop the others
                skipped.append(Skipped(str(kit / "drumkit.xml"), f"{error}; the kit's files were not used"))
                continue
            samples += found.samples
            skipped += found.skipped
        return Discovery(samples, skipped)
    return discover_folder(source)


def discover_all(sources: list[str | os.PathLike]) -> Discovery:
    """Samples under several sources; a file reached twice is loaded once."""
    samples, skipped, seen = [], [], set()

    def unseen(items, where=os.path.realpath):
        for item in items:
            key = where(item.path)
            if key not in seen:
                seen.add(key)
                yield item

    for source in sources:
        found = discover(source)
        samples += unseen(found.samples)
        skipped += unseen(found.skipped, os.path.abspath)  # a refused path is not followed, even here
    if not samples and not skipped:
        names = ", ".join(str(s) for s in sources)
        raise SourceError(
            f"No audio files were found in {names}: point --source (or DRUMGAN_DATA) at a folder "
            "of drum samples, or run `make data` to install the Hydrogen drum kits."
        )
    return Discovery(samples, skipped)
