"""The finite-difference helpers themselves: they agree with each other and with calculus,
and the comparisons used in tests/coursekit do fail on planted backward bugs."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import functional as F


def test_shared_and_local_central_differences_agree_with_calculus(fd, rng):
    x = rng.normal(size=(3, 4))
    A = rng.normal(size=(4, 4))
    f = lambda: float(np.sum(np.sin(x) @ A) + np.sum(x ** 3))  # noqa: E731
    exact = np.cos(x) * A.sum(axis=1) + 3 * x ** 2  # ∂/∂xᵢⱼ of Σ sin(x) A = cos(xᵢⱼ) Σₖ Aⱼₖ
    before = x.copy()
    g_shared = fd.num_grad(f, x)
    g_local = fd.local_num_grad(f, x)
    np.testing.assert_array_equal(x, before)  # restored
    np.testing.assert_allclose(g_shared, exact, rtol=1e-7, atol=1e-8)
    np.testing.assert_allclose(g_local, exact, rtol=1e-7, atol=1e-8)


def _wrong_sigmoid_backward(dout, z):
    s = F.sigmoid_forward(z)
    return dout * s  # missing (1 − s)


def _wrong_tanh_backward(dout, z):
    return dout * (1 - np.tanh(z))  # not squared


def _wrong_softplus_backward(dout, z):
    return dout * F.sigmoid_forward(-z)


def _wrong_relu_backward(dout, z):
    return np.where(z > 0, dout, 0.01 * dout)  # a leaky slope where relu has none


def _diag_only_softmax_backward(dout, z):
    y = F.softmax_forward(z)
    return dout * y * (1 - y)  # drops the off-diagonal Jacobian terms


PLANTED = [
    (F.sigmoid_forward, _wrong_sigmoid_backward),
    (F.tanh_forward, _wrong_tanh_backward),
    (F.softplus_forward, _wrong_softplus_backward),
    (F.relu_forward, _wrong_relu_backward),
    (F.softmax_forward, _diag_only_softmax_backward),
]


@pytest.mark.parametrize("fwd,bad", PLANTED, ids=lambda v: v.__name__)
def test_planted_activation_bugs_are_caught(fd, rng, fwd, bad):
    z = fd.away_from(rng.normal(scale=2, size=(3, 4)))
    dout = rng.normal(size=(3, 4))
    num = fd.num_grad(lambda: np.sum(fwd(z) * dout), z)
    with pytest.raises(AssertionError):
        np.testing.assert_allclose(bad(dout, z), num, rtol=1e-5, atol=1e-7)


def test_planted_linear_bugs_are_caught(fd, rng):
    x, W, b, dout = rng.normal(size=(3, 4)), rng.normal(size=(2, 4)), rng.normal(size=2), rng.normal(size=(3, 2))
    f = lambda: np.sum(F.linear_forward(x, W, b) * dout)  # noqa: E731
    gx, gW, gb = fd.num_grad(f, x), fd.num_grad(f, W), fd.num_grad(f, b)
    wrong = [
        (dout @ W / 3, gx),  # averaged over the batch
        (dout.T @ x / 3, gW),
        (dout.mean(axis=0), gb),
        (dout.T @ np.abs(x), gW),
    ]
    for got, num in wrong:
        with pytest.raises(AssertionError):
            np.testing.assert_allclose(got, num, rtol=1e-5, atol=1e-7)
