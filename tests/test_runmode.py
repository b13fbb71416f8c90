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
