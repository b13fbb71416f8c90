"""The second listener: classes heard from descriptors of the audio, beside the classifier's."""

import numpy as np

from drumgan.evaluation.second_listener import SecondListener


def test_it_hears_the_synthetic_classes_of_held_out_kits(synthetic_dataset):
    train, test = synthetic_dataset.train_index, synthetic_dataset.test_index
    labels = synthetic_dataset.labels
    listener = SecondListener(np.asarray(synthetic_dataset.waves[train]), labels[train], 7)
    overall, per_class = listener.accuracy_per_class(np.asarray(synthetic_dataset.waves[test]), labels[test])
    assert overall > 2 / 7 and set(per_class) == set(np.unique(labels[test]).tolist())  # well above chance
    assert listener.predict(np.asarray(synthetic_dataset.waves[:3])).shape == (3,)
