"""The dataset cache folder: content digests memoised by file status, and unwritable folders reported once."""

import os
import warnings

from drumgan.data.cache import CacheWarning, DatasetCache


def test_digests_follow_the_content_and_are_computed_again_only_for_a_changed_file(tmp_path, monkeypatch):
    a, b = tmp_path / "a.wav", tmp_path / "b.wav"
    a.write_bytes(b"one"), b.write_bytes(b"two")
    cache = DatasetCache(tmp_path / "cache")
    first = cache.digests([str(a), str(b)])
    assert first[str(a)] != first[str(b)] and (tmp_path / "cache" / "digests.json").is_file()
    hashed = []
    real_open = open
    monkeypatch.setattr(
        "builtins.open", lambda path, *args, **kw: hashed.append(str(path)) or real_open(path, *args, **kw)
    )
    stat = a.stat()
    a.write_bytes(b"ONE")  # same size
    os.utime(a, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same modification time
    second = DatasetCache(tmp_path / "cache").digests([str(a), str(b)])
    assert second[str(a)] != first[str(a)] and second[str(b)] == first[str(b)]
    assert str(a) in hashed and str(b) not in hashed  # b came from the memo


def test_an_unwritable_folder_is_reported_once(tmp_path):
    (tmp_path / "file").write_text("x")
    cache = DatasetCache(tmp_path / "file" / "cache")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert not cache.writable and not cache.writable
        assert cache.digests([str(tmp_path / "file")])  # digests still computed, only not stored
    assert len([w for w in caught if issubclass(w.category, CacheWarning)]) == 1
