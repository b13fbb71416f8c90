import numpy as np

from drumgan.evaluation.neighbours import nearest_clips, nearest_neighbours


def test_nearest_neighbours_find_exact_copies():
    rng = np.random.default_rng(0)
    references = rng.normal(size=(20, 4, 5))
    index, distance = nearest_neighbours(references[[3, 7, 7]], references)
    assert list(index) == [3, 7, 7] and np.allclose(distance, 0, atol=1e-6)
    index, distance = nearest_neighbours(references, references, exclude_self=True)
    assert (index != np.arange(20)).all() and (distance > 0).all()


def test_similar_pairs_finds_near_duplicates_most_alike_first():
    from drumgan.evaluation.neighbours import similar_pairs

    rng = np.random.default_rng(0)
    mels = rng.normal(size=(5, 8, 8))
    mels[3] = mels[1] + 0.05 * rng.normal(size=(8, 8))  # a near-duplicate of 1
    mels[4] = mels[1] + 0.3 * rng.normal(size=(8, 8))  # a looser one
    pairs = similar_pairs(mels, threshold=0.9)
    assert pairs[0][:2] == (1, 3) and {(i, j) for i, j, _ in pairs} == {(1, 3), (1, 4), (3, 4)}
    assert pairs[0][2] > 0.99 and all(r >= 0.9 for *_, r in pairs)
    assert similar_pairs(mels[[0, 2]], threshold=0.9) == []


def test_nearest_clips_searched_a_chunk_at_a_time_find_what_one_search_finds(synthetic_dataset):
    data = synthetic_dataset
    queries = data.log_mels[data.test_index] + np.random.default_rng(0).normal(0, 3, (len(data.test_index), 64, 64))
    index, distance = nearest_neighbours(data.normalizer.transform(queries), data.normalized(data.train_index))
    chunked_index, chunked_distance = nearest_clips(queries, data, chunk=5)
    assert np.array_equal(chunked_index, data.train_index[index]) and np.allclose(chunked_distance, distance)
    everywhere, zero = nearest_clips(data.log_mels[[3, 0]], data, among=np.arange(len(data)), chunk=4)
    assert everywhere.tolist() == [3, 0] and np.allclose(zero, 0, atol=1e-6)
