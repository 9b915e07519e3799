"""Fixtures of the slider-panel tests: the seed-002 regression set and a hand-written loss (test_sgd.py)."""

import numpy as np
import pytest

from coursekit.widgets import sgd


@pytest.fixture(scope="session")
def xy():
    return sgd.regression_data()


def hand_loss(beta, x, y):
    """L(β) = (1/n) Σ (yᵢ − β₀ − β₁xᵢ)², written out independently of coursekit."""
    return float(np.sum((y - beta[0] - beta[1] * x) ** 2) / x.size)


def central_diff_grad(f, beta, h=1e-5):
    beta = np.asarray(beta, dtype=np.float64)
    g = np.zeros_like(beta)
    for j in range(beta.size):
        e = np.zeros_like(beta)
        e[j] = h
        g[j] = (f(beta + e) - f(beta - e)) / (2 * h)
    return g


@pytest.fixture
def loss_fn():
    return hand_loss


@pytest.fixture
def num_grad():
    return central_diff_grad
