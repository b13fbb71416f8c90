import numpy as np

from drumgan.evaluation.neighbours import nearest_neighbours


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
