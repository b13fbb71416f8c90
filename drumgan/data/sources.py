"""Find drum samples: Hydrogen kits (drumkit.xml), folders of kits, or any folder of audio files."""

from __future__ import annotations

import os
import stat
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from .labels import classify

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


def _special(path: Path) -> str:
    """Why ``path``, found in a folder but neither a folder nor a regular file, is not read (it is never opened)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "a broken symbolic link: there is nothing to read"
    kind = (
        "a FIFO"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "a special file"
    )
    return f"{kind}, not a regular file: it was not opened"


def _entries(folder: Path, confined: _Confined, seen: set[str]):
    """``(path, is_folder, reason)`` for each entry of ``folder`` in name order: ``reason`` None for a regular file or
    a folder to read, else why it is not read. A folder reached a second time (a symbolic link loop, or a second
    link to it) is reported, not read again; ``seen`` holds the real paths of the folders read."""
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        yield folder, False, f"the folder cannot be listed ({error.strerror or error})"
        return
    for entry in entries:
        path = Path(entry.path)
        reason = confined.why_not(path)
        if reason:
            yield path, False, reason
        elif entry.is_dir():  # a link inside the folder is followed
            real = os.path.realpath(path)
            if real in seen:
                yield path, False, f"a symbolic link to {shown(real)}, a folder already read (a loop): not read again"
            else:
                seen.add(real)
                yield path, True, None
        elif entry.is_file():
            yield path, False, None
        else:
            yield path, False, _special(path)


def _files(folder: Path, confined: _Confined, seen: set[str]) -> tuple[list[Path], list[Skipped]]:
    """Every regular file under ``folder`` that may be read, depth first in name order, and every other file."""
    files, skipped = [], []
    for path, is_folder, reason in _entries(folder, confined, seen):
        if reason:
            skipped.append(Skipped(shown(path), reason))
        elif is_folder:
            more, refused = _files(path, confined, seen)
            files, skipped = files + more, skipped + refused
        else:
            files.append(path)
    return files, skipped


def discover_kit(kit_dir: Path, seen: set[str] | None = None) -> Discovery:
    """One Hydrogen kit: every file drumkit.xml lists, labelled by its instrument name.

    Audio files under the kit folder that drumkit.xml does not list are kept too, labelled by their file name;
    listed files that are missing, are not regular files, or lie outside the kit folder are reported as skipped,
    and so are special files (FIFOs, devices, sockets) and symbolic link loops under it.
    """
    kit, listed = _read_drumkit(kit_dir)
    confined = _Confined(kit_dir)
    samples, skipped = [], []
    for filename, instrument in listed.items():
        path = kit_dir / filename
        reason = confined.why_not(path)
        where = f"listed in drumkit.xml (instrument '{instrument}') but"
        if reason:
            skipped.append(Skipped(shown(path), f"{where} {reason}"))
        elif path.is_file():
            samples.append(SampleRef(str(path), classify(instrument, path.stem), kit, instrument))
        elif os.path.lexists(path):
            skipped.append(Skipped(shown(path), f"{where} {_special(path)}"))
        else:
            skipped.append(Skipped(shown(path), f"{where} missing from the kit folder"))
    listed_paths = {os.path.normpath(kit_dir / f) for f in listed}
    files, refused = _files(kit_dir, confined, {os.path.realpath(kit_dir)} if seen is None else seen)
    for path in files:
        if os.path.normpath(path) not in listed_paths and path.suffix.lower() in AUDIO_EXTENSIONS:
            samples.append(SampleRef(str(path), classify(path.stem), kit, ""))
    return Discovery(samples, skipped + [s for s in refused if os.path.normpath(s.path) not in listed_paths])


def _plain_sample(path: Path, root: Path) -> SampleRef:
    """A file of a plain folder: its class from the file name, else the nearest folder that names one, else 'other';
    its kit the first sub-folder under ``root`` (or ``root`` itself for files at its top)."""
    relative = path.relative_to(root)
    kit = relative.parts[0] if len(relative.parts) > 1 else root.name
    return SampleRef(str(path), classify(path.stem, *reversed(relative.parts[:-1])), kit, "")


def discover_tree(root: Path) -> Discovery:
    """Every file under ``root``, which may mix Hydrogen kits (a folder with a drumkit.xml, at any depth), plain
    folders and loose files: each kit's files as :func:`discover_kit` finds them, every other regular file as a
    sample (one that is not audio is skipped later, with its reason), and what is not read with its reason."""
    confined, seen = _Confined(root), {os.path.realpath(root)}
    samples, skipped = [], []

    def visit(folder: Path) -> None:
        if (folder / "drumkit.xml").is_file():
            try:
                found = discover_kit(folder, seen)
            except SourceError as error:  # one broken kit does not stop the others; its files are still counted
                files, refused = _files(folder, _Confined(folder), seen)
                why = "its kit's drumkit.xml cannot be read, so the kit's files were not used"
                audio = [Skipped(shown(p), why) for p in files if p.suffix.lower() in AUDIO_EXTENSIONS]
                xml = Skipped(str(folder / "drumkit.xml"), f"{error}; the kit's files were not used")
                skipped.extend([xml, *audio, *refused])
                return
            samples.extend(found.samples)
            skipped.extend(found.skipped)
            return
        for path, is_folder, reason in _entries(folder, confined, seen):
            if reason:
                skipped.append(Skipped(shown(path), reason))
            elif is_folder:
                visit(path)
            else:
                samples.append(_plain_sample(path, root))

    visit(root)
    return Discovery(samples, skipped)


def discover(source: str | os.PathLike) -> Discovery:
    """Samples under one source: a file, or a folder of Hydrogen kits, plain folders and loose files, mixed."""
    source = Path(source).expanduser()
    if not os.path.lexists(source):
        raise SourceError(f"The data source {source} does not exist: pass an existing folder of drum samples.")
    if source.is_file():
        return Discovery([SampleRef(str(source), classify(source.stem), source.parent.name)], [])
    if not source.is_dir():
        return Discovery([], [Skipped(shown(source), _special(source))])
    return discover_tree(source)


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
