"""Shards: rows written a block at a time into .npy files of a fixed size, read back by row as NumPy would."""

import pickle

import numpy as np
import pytest

from drumgan.data.shards import MemoryRows, ShardWriter, chunks
from drumgan.errors import DamagedFile


@pytest.fixture
def stored(tmp_path):
    """23 rows of (3, 2) in shards of 5 rows, written in blocks of 4, 7, 1 and 11, beside the same rows in memory."""
    rows = np.arange(23 * 6, dtype=np.float32).reshape(23, 3, 2)
    writer = ShardWriter(tmp_path, "x", (3, 2), shard_rows=5)
    for a, b in [(0, 4), (4, 11), (11, 12), (12, 23)]:
        writer.append(rows[a:b])
    return writer.close(), rows


def test_rows_go_into_shards_of_the_size_asked_and_the_last_holds_the_rest(stored, tmp_path):
    array, rows = stored
    assert array.rows == [5, 5, 5, 5, 3] and [f.name for f in array.files][:2] == ["x-00000.npy", "x-00001.npy"]
    assert array.shape == (23, 3, 2) and len(array) == 23 and array.dtype == np.float32
    assert np.array_equal(np.load(tmp_path / "x-00004.npy"), rows[20:])


@pytest.mark.parametrize(
    "key",
    [7, -1, slice(None), slice(3, 17), slice(None, None, -3), [22, 0, 5, 5, 4, 6, 19], np.arange(23) % 3 == 0, []],
)
def test_indexing_reads_what_numpy_would(stored, key):
    array, rows = stored
    assert np.array_equal(array[key], rows[key])


def test_a_row_and_the_rest_of_a_key_index_as_numpy_does(stored):
    array, rows = stored
    assert np.array_equal(array[[3, 11], :, 1], rows[[3, 11], :, 1]) and np.array_equal(array[9, 2], rows[9, 2])


def test_rows_out_of_range_are_an_index_error(stored):
    with pytest.raises(IndexError):
        stored[0][[0, 23]]


def test_chunks_pass_over_the_rows_asked_for_a_few_at_a_time(stored):
    array, rows = stored
    index = np.array([20, 1, 2, 13, 7, 8, 9])
    for source in (array, rows):
        parts = list(chunks(source, index, size=3))
        assert [len(p) for p in parts] == [3, 3, 1] and np.array_equal(np.concatenate(parts), rows[index])


def test_an_array_travels_to_another_process_without_its_open_files(stored):
    array, rows = stored
    array[0]  # opens a shard
    copy = pickle.loads(pickle.dumps(array))
    assert np.array_equal(copy[[0, 21]], rows[[0, 21]])


def test_a_shard_that_is_not_what_the_manifest_says_is_damaged(stored):
    array, _ = stored
    np.save(array.files[1], np.zeros((4, 3, 2), np.float32))  # a row short
    with pytest.raises(DamagedFile, match="x-00001.npy holds"):
        array[6]
    array.files[2].write_bytes(array.files[2].read_bytes()[:-10])  # cut short
    with pytest.raises(DamagedFile, match="ends before its last row"):
        array[14]


def test_memory_rows_are_the_same_interface_in_memory():
    rows = MemoryRows((2,))
    rows.append(np.ones((3, 2))), rows.append(np.zeros((1, 2)))
    assert rows.close().tolist() == [[1, 1], [1, 1], [1, 1], [0, 0]] and MemoryRows((2,)).close().shape == (0, 2)
