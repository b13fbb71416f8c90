import pytest

from drumgan.runmode import pick, quick_mode


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, False),
        ({"CI": "true"}, True),
        ({"DRUMGAN_QUICK": "1"}, True),
        ({"DRUMGAN_QUICK": "0", "CI": "true"}, False),
    ],
)
def test_quick_mode_follows_the_environment(monkeypatch, env, expected):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("DRUMGAN_QUICK", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert quick_mode() is expected
    assert pick(full=100, quick=2) == (2 if expected else 100)


@pytest.mark.parametrize("quick", ["0", "1"])
def test_run_folder_is_relative_to_the_working_directory_and_quick_runs_start_afresh(monkeypatch, tmp_path, quick):
    from drumgan.runmode import run_folder

    monkeypatch.setenv("DRUMGAN_QUICK", quick)
    monkeypatch.setenv("DRUMGAN_RUNS", str(tmp_path / "runs"))
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    folder = run_folder("conv_gan")
    expected = "../runs/conv_gan" if quick == "0" else "../runs/quick/conv_gan"
    assert str(folder) == expected
    folder.mkdir(parents=True)
    (folder / "run.json").write_text("{}")
    assert (run_folder("conv_gan") / "run.json").exists() == (quick == "0")  # a full run is kept
    assert (run_folder("conv_gan", fresh=False) / "run.json").exists() == (quick == "0")
