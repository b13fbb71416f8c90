"""Atomic writing: a failed write leaves the old file, and writers never share a temporary file."""

import pytest

from drumgan.atomic import atomic_path, write_atomically, write_text_atomically


def test_a_write_replaces_the_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "run.json"
    write_text_atomically(target, "old")
    write_text_atomically(target, "new")
    assert target.read_text() == "new" and [p.name for p in tmp_path.iterdir()] == ["run.json"]


def test_a_failed_write_leaves_the_old_file_as_it_was(tmp_path):
    target = tmp_path / "checkpoint.npz"
    target.write_bytes(b"old")

    def fail(f):
        f.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, fail)
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["checkpoint.npz"]


def test_each_writer_gets_its_own_temporary_path_with_the_target_suffix(tmp_path):
    with atomic_path(tmp_path / "model.keras") as a, atomic_path(tmp_path / "model.keras") as b:
        assert a != b and a.suffix == b.suffix == ".keras" and a.parent == tmp_path
        a.write_text("a")
        b.write_text("b")
    assert (tmp_path / "model.keras").read_text() == "a"  # the last to finish wins; both were whole
