"""Names a package exports from its modules, imported on first use: ``import drumgan`` stays quick and starts no
TensorFlow (which must see the distribution settings first), while ``from drumgan import train`` still works."""

from __future__ import annotations

import importlib
import sys


def exports(package: str, names: dict[str, str]):
    """``(__getattr__, __dir__)`` for ``package`` exporting each of ``names`` (name -> module, relative to the
    package) on first use."""

    def __getattr__(name: str):
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(names[name], package), name)
        setattr(sys.modules[package], name, value)  # found at once the next time
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *names})

    return __getattr__, __dir__
