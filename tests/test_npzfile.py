"""Plain-array files: read whole, or refused in one line that names the file and says why."""

import numpy as np
import pytest

from drumgan.errors import DamagedFile
from drumgan.npzfile import read_npz


def test_every_array_comes_back(tmp_path):
    np.savez(tmp_path / "a.npz", x=np.arange(3), name=np.array("kick"))
    arrays = read_npz(tmp_path / "a.npz", "codec")
    assert set(arrays) == {"x", "name"} and arrays["x"].tolist() == [0, 1, 2] and str(arrays["name"]) == "kick"


@pytest.mark.parametrize(
    "content, reason",
    [
        (None, "no such file"),
        (b"", "EOFError|ValueError"),
        (b"PK\x03\x04 torn", "BadZipFile"),
        ("pickled", "it is not a plain-array file"),
    ],
)
def test_what_cannot_be_read_is_named_with_its_reason_and_the_hint(tmp_path, content, reason):
    path = tmp_path / "checkpoint.npz"
    if content == "pickled":
        np.savez(path, x=np.array([{"a": 1}], dtype=object))
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(DamagedFile, match=rf"checkpoint.npz cannot be read as a checkpoint \(({reason}).*\)\. Do this"):
        read_npz(path, "checkpoint", "Do this")
