"""Fixtures for the optimization tests: quadratics with known spectra (float64)."""

import numpy as np
import pytest


def rotated_spd(eigenvalues, seed):
    """A = Q diag(λ) Qᵀ with a random orthogonal Q (built here, independently of the library)."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((len(eigenvalues), len(eigenvalues))))
    return Q @ np.diag(eigenvalues) @ Q.T


@pytest.fixture
def quad3():
    """E = ½wᵀAw + bᵀw in 3-D with eigenvalues (5, 2, 0.5); returns (A, b, w0)."""
    A = rotated_spd([5.0, 2.0, 0.5], seed=1)
    b = np.array([1.0, -2.0, 0.5])
    w0 = np.array([2.0, -1.0, 3.0])
    return A, b, w0


@pytest.fixture
def spd():
    """The function rotated_spd(eigenvalues, seed) (test modules can't import conftest under importlib)."""
    return rotated_spd
