import numpy as np
import pytest
import soundfile as sf

from drumgan.data.sources import discover, discover_all
from drumgan.errors import SourceError

DRUMKIT_XML = """<?xml version="1.0" encoding="UTF-8"?>
<drumkit_info xmlns="http://www.hydrogen-music.org/drumkit">
 <name>{name}</name>
 <instrumentList>
  <instrument><id>0</id><name>Kick</name>
   <instrumentComponent><layer><filename>a.wav</filename></layer><layer><filename>b.wav</filename></layer></instrumentComponent>
  </instrument>
  <instrument><id>1</id><name>17</name><filename>snare_x.wav</filename></instrument>
  <instrument><id>2</id><name>Tom Hi</name><layer><filename>a.wav</filename></layer></instrument>
  <instrument><id>3</id><name>Crash</name><layer><filename>gone.wav</filename></layer></instrument>
 </instrumentList>
</drumkit_info>
"""


def write_kit(folder, name="Test Kit"):
    folder.mkdir(parents=True)
    (folder / "drumkit.xml").write_text(DRUMKIT_XML.format(name=name))
    for f in ("a.wav", "b.wav", "snare_x.wav", "Open HH extra.wav"):
        sf.write(folder / f, np.zeros(10), 16000)
    (folder / "README").write_text("not a sample")
    return folder


def test_hydrogen_kit_labels_missing_and_unlisted_files(tmp_path):
    found = discover(write_kit(tmp_path / "kit"))
    by_file = {s.path.rsplit("/", 1)[-1]: s for s in found.samples}
    assert set(by_file) == {"a.wav", "b.wav", "snare_x.wav", "Open HH extra.wav"}  # README is kit metadata
    assert by_file["a.wav"].label == "kick" and by_file["a.wav"].instrument == "Kick"  # first instrument wins
    assert by_file["snare_x.wav"].label == "snare"  # '17' says nothing: the file name decides
    assert by_file["Open HH extra.wav"].label == "hihat"  # not in drumkit.xml: labelled by its name
    assert {s.kit for s in found.samples} == {"Test Kit"}
    assert [s.path.rsplit("/", 1)[-1] for s in found.skipped] == ["gone.wav"]
    assert "missing" in found.skipped[0].reason and "Crash" in found.skipped[0].reason
    assert found.found == 5


def test_folder_of_kits(tmp_path):
    write_kit(tmp_path / "one", "One")
    write_kit(tmp_path / "two", "Two")
    found = discover(tmp_path)
    assert {s.kit for s in found.samples} == {"One", "Two"}
    assert len(found.samples) == 8 and len(found.skipped) == 2


def test_plain_folder_class_from_subfolder_or_name(tmp_path):
    for rel in ("kit_a/kicks/001.wav", "kit_a/snare 2.wav", "kit_b/misc/thing.wav", "loose.wav", "kit_b/readme.txt"):
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    found = discover(tmp_path)
    by_name = {s.path.rsplit("/", 1)[-1]: s for s in found.samples}
    assert by_name["001.wav"].label == "kick" and by_name["001.wav"].kit == "kit_a"
    assert by_name["snare 2.wav"].label == "snare"
    assert by_name["thing.wav"].label == "other"
    assert by_name["loose.wav"].kit == tmp_path.name
    assert "readme.txt" in by_name  # every file is a candidate; decoding decides, with a reason


def test_missing_and_empty_sources_say_what_to_do(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        discover(tmp_path / "nope")
    with pytest.raises(SourceError, match="No audio files were found"):
        discover_all([tmp_path])


def test_a_file_reached_twice_is_listed_once(tmp_path):
    write_kit(tmp_path / "kit")
    once = discover_all([tmp_path / "kit"])
    twice = discover_all([tmp_path / "kit", tmp_path])
    assert len(twice.samples) == len(once.samples)
