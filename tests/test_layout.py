"""The package's layout: stages that import only downward (function-level imports included), no import cycles,
and modules short enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "drumgan"
# The pipeline's stages in order, as the README's layout section states them: a module may import its own stage
# and earlier ones. "base" is the plumbing at the package's root (errors, files, settings, TensorFlow's start).
STAGES = ("base", "features", "data", "models", "training", "generation", "evaluation", "display", "bench", "cli")
PUBLIC_FACE = {"drumgan", "drumgan.__main__"}  # the package's own entry points, which name every stage
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in STAGES else "base"


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _lazy_targets(module: str, tree: ast.Module) -> set[str]:
    """The modules a package's lazy exports (``_NAMES = {name: ".module"}``) name."""
    targets = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("."):
            if node.value[1:].replace(".", "").replace("_", "").isalnum():
                targets.add(module + node.value)
    return targets


def _strings(node) -> list[str]:
    return [e.value for e in getattr(node, "elts", []) if isinstance(e, ast.Constant) and isinstance(e.value, str)]


def lazy_names(package: str, tree: ast.Module) -> dict[str, str]:
    """A package's lazy exports: name -> the module it comes from (``_NAMES``, with its ``dict.fromkeys`` parts)."""
    names = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_NAMES" for t in node.targets):
            for key, value in zip(node.value.keys, node.value.values):
                if key is not None and isinstance(value, ast.Constant):
                    names[key.value] = value.value
                elif isinstance(value, ast.Call) and len(value.args) == 2:  # **dict.fromkeys((names...), ".module")
                    names.update(dict.fromkeys(_strings(value.args[0]), value.args[1].value))
    return {name: package + target for name, target in names.items()}


def _defined(tree: ast.Module) -> set[str]:
    """The names a module binds at its top level (what ``from module import name`` may take from it)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return found


def _dynamic_import(module: str, is_package: bool, node: ast.Call) -> str | None:
    """The module an ``importlib.import_module("...")`` or ``__import__("...")`` call names by a string, or None."""
    name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
    if name not in ("import_module", "__import__") or not node.args:
        return None
    first = node.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return None
    if not first.value.startswith("."):
        return first.value
    level = len(first.value) - len(first.value.lstrip("."))
    anchor = node.args[1] if len(node.args) > 1 else None
    if isinstance(anchor, ast.Constant) and isinstance(anchor.value, str):
        base = anchor.value.split(".")
    else:  # __name__, __package__ or nothing: the module's own package
        base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + [first.value.lstrip(".")])


def _parsed() -> dict[str, tuple[Path, ast.Module]]:
    return {module_name(p): (p, ast.parse(p.read_text())) for p in PACKAGE.rglob("*.py")}


def _imports(module: str, path: Path, tree: ast.Module, parsed: dict) -> tuple[set[str], list[str]]:
    """The drumgan modules ``module`` imports anywhere in its code (through a package's lazy names, attributes of
    an imported package and ``importlib`` too), and the imported names that resolve to none."""
    is_package = path.name == "__init__.py"
    lazy = {name: lazy_names(name, tree) for name, (_, tree) in parsed.items()}
    found, unresolved, bound = set(), [], {}

    def take(target: str, name: str) -> None:
        if f"{target}.{name}" in parsed:  # `from . import metrics` imports a module
            found.add(f"{target}.{name}")
        elif name in lazy.get(target, {}):  # `from .. import Explorer`: the module that exports it
            found.add(lazy[target][name])
        elif target in parsed and (name == "*" or name in _defined(parsed[target][1])):
            found.add(target)
        else:
            unresolved.append(f"{module}: from {target} import {name}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "drumgan":
                    found.add(alias.name)
                    bound[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else "drumgan"
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, is_package, node)
            if target.split(".")[0] == "drumgan":
                for alias in node.names:
                    take(target, alias.name)
        elif isinstance(node, ast.Call) and (target := _dynamic_import(module, is_package, node)):
            if target.split(".")[0] == "drumgan":
                found.add(target)
        elif isinstance(node, ast.Attribute) and getattr(node.value, "id", None) in bound:  # drumgan.write_kit
            package = bound[node.value.id]
            if node.attr in lazy.get(package, {}):
                found.add(lazy[package][node.attr])
    if is_package and module not in PUBLIC_FACE:
        found |= _lazy_targets(module, tree)
    return {m for m in found if m in parsed} - {module}, unresolved


def import_graph() -> dict[str, set[str]]:
    """module -> the drumgan modules it imports, anywhere in its code (lazy exports of a subpackage included)."""
    parsed = _parsed()
    return {module: _imports(module, path, tree, parsed)[0] for module, (path, tree) in parsed.items()}


def test_every_imported_name_resolves_to_a_module_a_lazy_name_or_a_definition():
    parsed = _parsed()
    unresolved = [line for module, (path, tree) in parsed.items() for line in _imports(module, path, tree, parsed)[1]]
    assert not unresolved, "\n".join(unresolved)


def test_every_import_goes_to_the_same_or_an_earlier_stage(minimum: int = 60):
    graph = import_graph()
    assert len(graph) >= minimum and (not minimum or {stage_of(m) for m in graph} == set(STAGES))
    upward = [
        f"{module} ({stage_of(module)}) imports {target} ({stage_of(target)})"
        for module, targets in sorted(graph.items())
        if module not in PUBLIC_FACE
        for target in sorted(targets)
        if STAGES.index(stage_of(target)) > STAGES.index(stage_of(module))
    ]
    assert not upward, "\n".join(upward)


def test_no_module_imports_itself_back():
    graph = import_graph()
    cycles = []

    def visit(module, trail):
        for target in graph[module]:
            if target in trail:
                cycles.append(" -> ".join([*trail[trail.index(target) :], target]))
            elif target not in done:
                visit(target, [*trail, target])
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    assert not cycles, "\n".join(sorted(set(cycles)))


def planted(tmp_path, monkeypatch, codec: str, root: str = "") -> dict[str, set[str]]:
    """The import graph of a small fake package whose ``features/codec.py`` is ``codec`` and whose root
    ``__init__.py`` is ``root``; the display stage exports ``Explorer`` lazily, as drumgan's does."""
    fake = tmp_path / "drumgan"
    (fake / "features").mkdir(parents=True)
    (fake / "display").mkdir()
    (fake / "__init__.py").write_text(root)
    (fake / "features" / "__init__.py").write_text("")
    (fake / "display" / "__init__.py").write_text('_NAMES = {"Explorer": ".explorer"}\n')
    (fake / "display" / "plots.py").write_text("")
    (fake / "display" / "explorer.py").write_text("class Explorer:\n    pass\n")
    (fake / "features" / "codec.py").write_text(codec)
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    return import_graph()


PLOTS = "drumgan.display.plots"
ROOT_EXPORTS = '_NAMES = {"Explorer": ".display.explorer", **dict.fromkeys(("plot",), ".display.plots")}\n'


@pytest.mark.parametrize(
    "codec, root, expected",
    [
        ("def f():\n    from ..display import plots\n", "", "drumgan.display.plots"),
        ("def f():\n    from .. import Explorer\n", ROOT_EXPORTS, "drumgan.display.explorer"),
        ("def f():\n    from .. import plot\n", ROOT_EXPORTS, "drumgan.display.plots"),
        ("def f():\n    from ..display import Explorer\n", "", "drumgan.display.explorer"),
        ("import drumgan\n\ndef f():\n    return drumgan.Explorer\n", ROOT_EXPORTS, "drumgan.display.explorer"),
        ("import importlib\n\ndef f():\n    importlib.import_module('drumgan.display.plots')\n", "", PLOTS),
        ("from importlib import import_module\n\nimport_module('..display.plots', __package__)\n", "", PLOTS),
        ("def f():\n    __import__('drumgan.display.explorer')\n", "", "drumgan.display.explorer"),
    ],
    ids=["relative", "lazy name of the root", "lazy name from fromkeys", "lazy name of a stage", "attribute",
         "importlib", "importlib relative", "__import__"],
)  # fmt: skip
def test_the_checks_see_every_kind_of_upward_import(tmp_path, monkeypatch, codec, root, expected):
    graph = planted(tmp_path, monkeypatch, codec, root)
    assert expected in graph["drumgan.features.codec"]
    with pytest.raises(AssertionError, match="drumgan.features.codec \\(features\\) imports drumgan.display"):
        test_every_import_goes_to_the_same_or_an_earlier_stage(minimum=0)


def test_a_name_that_resolves_nowhere_is_reported(tmp_path, monkeypatch):
    planted(tmp_path, monkeypatch, "def f():\n    from .. import Explorer\n")  # the root exports no Explorer
    with pytest.raises(AssertionError, match="from drumgan import Explorer"):
        test_every_imported_name_resolves_to_a_module_a_lazy_name_or_a_definition()


def test_the_readme_states_the_stage_order():
    readme = (PACKAGE.parent / "README.md").read_text()
    assert " → ".join(STAGES) in readme


def test_no_module_is_longer_than_a_reader_holds():
    long = {module_name(p): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, long
