from drumgan.display.tables import text_table


def test_text_table_aligns_columns():
    table = text_table([{"name": "a", "n": 1, "x": 0.5}, {"name": "bbb", "n": 22, "x": 1.25}])
    lines = table.splitlines()
    assert lines[0].split() == ["name", "n", "x"] and len(lines) == 4
    assert lines[3].endswith("1.250") and lines[2].split()[1] == "1"
