import numpy as np

from drumgan.evaluation.neighbours import nearest_neighbours


def test_nearest_neighbours_find_exact_copies():
    rng = np.random.default_rng(0)
    references = rng.normal(size=(20, 4, 5))
    index, distance = nearest_neighbours(references[[3, 7, 7]], references)
    assert list(index) == [3, 7, 7] and np.allclose(distance, 0, atol=1e-6)
    index, distance = nearest_neighbours(references, references, exclude_self=True)
    assert (index != np.arange(20)).all() and (distance > 0).all()
