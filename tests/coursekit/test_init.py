"""Initializers hit the variance they state."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import init

FAN_OUT, FAN_IN = 300, 200
CASES = [
    (init.uniform, 1 / FAN_IN, np.sqrt(3 / FAN_IN)),
    (init.xavier_uniform, 2 / (FAN_IN + FAN_OUT), np.sqrt(6 / (FAN_IN + FAN_OUT))),
    (init.xavier_normal, 2 / (FAN_IN + FAN_OUT), None),
    (init.he_normal, 2 / FAN_IN, None),
    (init.he_uniform, 2 / FAN_IN, np.sqrt(6 / FAN_IN)),
]


@pytest.mark.parametrize("fn,var,bound", CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_variance_bound_and_seed(fn, var, bound):
    W = fn((FAN_OUT, FAN_IN), np.random.default_rng(0))
    assert W.shape == (FAN_OUT, FAN_IN) and W.dtype == np.float64
    # 60 000 samples: the sample variance is within ~1 % (uniform) to ~1.2 % (normal)
    assert W.var() == pytest.approx(var, rel=0.03)
    assert abs(W.mean()) < 4 * np.sqrt(var / W.size)
    if bound is not None:
        assert np.abs(W).max() <= bound and np.abs(W).max() > 0.99 * bound
    np.testing.assert_array_equal(W, fn((FAN_OUT, FAN_IN), 0))  # int seed == Generator(seed)


def test_zeros_and_names():
    assert not init.zeros((3, 4), 0).any()
    assert init.get_initializer("he") is init.he_normal
    assert init.get_initializer("xavier") is init.xavier_uniform
    with pytest.raises(ValueError, match="^init: expected one of"):
        init.get_initializer("bogus")
    with pytest.raises(ValueError, match="^shape: expected"):
        init.uniform((0, 3), 0)
    with pytest.raises(TypeError, match="^rng: expected"):
        init.uniform((2, 3), "seed")
