"""The package's layout: stages that import only downward (function-level imports included), no import cycles,
and modules short enough to read."""

from __future__ import annotations

import ast
from pathlib import Path

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


def import_graph() -> dict[str, set[str]]:
    """module -> the drumgan modules it imports, anywhere in its code (lazy exports of a subpackage included)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text())
        is_package = path.name == "__init__.py"
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.split(".")[0] == "drumgan"}
            elif isinstance(node, ast.ImportFrom):
                target = _resolve(module, is_package, node)
                if target.split(".")[0] != "drumgan":
                    continue
                for alias in node.names:  # `from . import metrics` imports a module
                    found.add(f"{target}.{alias.name}" if f"{target}.{alias.name}" in modules else target)
        if is_package and module not in PUBLIC_FACE:
            found |= _lazy_targets(module, tree)
        graph[module] = {m for m in found if m in modules} - {module}
    return graph


def test_every_import_goes_to_the_same_or_an_earlier_stage():
    graph = import_graph()
    assert len(graph) > 60 and {stage_of(m) for m in graph} == set(STAGES)
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


def test_the_checks_see_an_upward_import_inside_a_function(tmp_path, monkeypatch):
    fake = tmp_path / "drumgan"
    (fake / "features").mkdir(parents=True)
    (fake / "display").mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "features" / "__init__.py").write_text("")
    (fake / "display" / "__init__.py").write_text("")
    (fake / "display" / "plots.py").write_text("")
    (fake / "features" / "codec.py").write_text("def f():\n    from ..display import plots\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", fake)
    assert import_graph()["drumgan.features.codec"] == {"drumgan.display.plots"}


def test_the_readme_states_the_stage_order():
    readme = (PACKAGE.parent / "README.md").read_text()
    assert " → ".join(STAGES) in readme


def test_no_module_is_longer_than_a_reader_holds():
    long = {module_name(p): n for p in PACKAGE.rglob("*.py") if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, long
