"""The public names: every name drumgan, drumgan.display and drumgan.evaluation export resolves, and importing
drumgan starts no TensorFlow (which must see the distribution settings before it starts)."""

import subprocess
import sys
import types

import pytest

import drumgan
import drumgan.display
import drumgan.evaluation


@pytest.mark.parametrize("package", [drumgan, drumgan.display, drumgan.evaluation], ids=lambda p: p.__name__)
def test_every_exported_name_resolves_and_is_listed(package):
    for name in package.__all__:  # a name is not shadowed by a module of the same name
        assert not isinstance(getattr(package, name), types.ModuleType), name
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="has no attribute 'nonsense'"):
        package.nonsense  # noqa: B018


def test_importing_drumgan_starts_no_tensorflow():
    code = "import sys, drumgan, drumgan.display, drumgan.evaluation; print('tensorflow' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
