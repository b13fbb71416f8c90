"""A results file (``results/metrics.json`` and the like): written atomically, merged with the rows already there,
and checked before any measuring so that a file that cannot take the results costs no work; and the record of
where each run measured in it came from."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from ..atomic import locked, writable_folder, write_text_atomically
from ..errors import OutputError

MEASURED_ALIKE = ("data", "config", "n", "seed")  # what results must share for their rows to be compared
MERGED = ("rows", "runs", "per_class")  # what results of several evaluate calls hold a row of each


def save_results(results: dict, path, merge: bool = False) -> Path:
    """Write ``results`` as JSON (atomically), creating the folder. With ``merge``, the rows already in ``path``
    that ``results`` does not hold are kept (under a lock, so that writers at the same time keep each other's).

    Raises:
        OutputError: ``merge`` into a file of results measured otherwise (another dataset, config, ``n`` or seed),
            whose rows cannot stand beside these.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with locked(path.with_name(f".{path.name}.lock")) if merge else contextlib.nullcontext():
        if merge and path.exists():
            results = _merged(_read_results(path), results, path)
        try:
            write_text_atomically(path, json.dumps(results, indent=2))
        except PermissionError as error:
            raise OutputError(f"{path} cannot be written ({error.strerror}): write to another --results") from None
    return path


def check_results(path) -> Path:
    """Check, before any measuring, that results can be merged into ``path``: it is absent, or a JSON object of
    results (its rows, runs and per-class results each an object) that can be written over.

    Raises:
        OutputError: in one line naming the file and what is wrong.
    """
    path = Path(path)
    writable_folder(path.parent, "the --results folder")
    if path.exists():
        _read_results(path)
        try:
            with open(path, "a"):  # opened to write, nothing written: refused for a read-only or immutable file
                pass
        except OSError as error:
            raise OutputError(
                f"{path} cannot be written ({error.strerror or error}): write to another --results"
            ) from None
    return path


def _read_results(path: Path) -> dict:
    """The results in ``path``, checked to be of this project's shape."""
    move = "move it away or write to another --results"
    try:
        results = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise OutputError(f"{path} cannot be read as results ({error}): {move}") from None
    if not isinstance(results, dict):
        kind = {list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(type(results), "a number")
        raise OutputError(f"{path} holds {kind}, not a JSON object of results: {move}")
    wrong = [key for key in MERGED if key in results and not isinstance(results[key], dict)]
    if wrong:
        raise OutputError(f"{path}: its {', '.join(wrong)} should be JSON objects (name: row): {move}")
    return results


def _merged(old: dict, new: dict, path: Path) -> dict:
    differ = [key for key in MEASURED_ALIKE if old.get(key) != new.get(key)]
    if differ:
        raise OutputError(
            f"{path} holds results measured with another {', '.join(differ)}, which cannot stand beside these: "
            "write to another --results, or move it away"
        )
    return {**new, **{key: {**old.get(key, {}), **new[key]} for key in MERGED if key in new or key in old}}


def run_record(run, truncation: float = 1.0) -> dict:
    """Where a measured run came from: its folder, family and step, and its truncation where it was sampled with
    one."""
    record = {"dir": _relative(run.dir), "model": run.settings.model, "step": run.step}
    return record if truncation == 1 else {**record, "truncation": truncation}


def _relative(folder: Path) -> str:
    """``folder`` relative to the project root where it lies inside it (so results files carry no home paths)."""
    from ..paths import project_root

    folder = Path(folder).resolve()
    return str(folder.relative_to(project_root())) if folder.is_relative_to(project_root()) else str(folder)
