"""Where drumgan keeps what it makes, and which data it reads by default."""

import os

from drumgan import paths


def test_environment_variables_move_the_cache_and_the_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("DRUMGAN_CACHE", str(tmp_path / "c"))
    monkeypatch.setenv("DRUMGAN_RUNS", str(tmp_path / "r"))
    assert paths.cache_dir() == tmp_path / "c" and paths.runs_dir() == tmp_path / "r"
    monkeypatch.delenv("DRUMGAN_CACHE")
    assert paths.cache_dir() == paths.project_root() / "data" / "cache"


def test_drumgan_data_names_one_or_more_sources(tmp_path, monkeypatch):
    monkeypatch.setenv("DRUMGAN_DATA", "")
    assert paths.configured_sources() is None
    monkeypatch.setenv("DRUMGAN_DATA", f"{tmp_path / 'a'}{os.pathsep}~/b")
    assert paths.configured_sources() == [tmp_path / "a", paths.Path("~/b").expanduser()]
