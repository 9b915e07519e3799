"""Fixtures for the SVM tests: seeded data sets (scikit-learn generators, independent of coursekit)."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs, make_moons


def _split(X, y, n_train):
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


@pytest.fixture(scope="session")
def moons_2000():
    X, y = make_moons(4000, noise=0.2, random_state=0)
    return _split(X, y, 2000)


@pytest.fixture(scope="session")
def blobs_2000():
    # two overlapping blobs: a soft margin is needed
    X, y = make_blobs(4000, centers=[[-1.0, -0.5], [1.0, 0.5]], cluster_std=1.0, random_state=0)
    return _split(X, y, 2000)


@pytest.fixture(scope="session")
def separable_blobs():
    X, y = make_blobs(300, centers=[[-2.0, -1.0], [2.0, 1.0]], cluster_std=0.5, random_state=3)
    assert np.all(np.sign(X @ np.array([2.0, 1.0])) == np.where(y == 1, 1, -1))  # truly separable
    return X, y
