"""GELU end to end: kernel, layer and playground, against references that do not use coursekit.

References: scipy.stats.norm (Φ and φ), the asymptotic series of the normal tail, and
central finite differences (coursekit.gradcheck, itself tested against scipy).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.optimize
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from coursekit import functional as F
from coursekit import gradcheck as gc
from coursekit import layers as L
from coursekit.widgets.playground import PlaygroundPanel, simulate_playground

norm = scipy.stats.norm


def gelu_ref(z):
    return z * norm.cdf(z)


def gelu_prime_ref(z):
    return norm.cdf(z) + z * norm.pdf(z)


def test_forward_is_z_times_the_normal_cdf():
    z = np.linspace(-8.0, 8.0, 1601)
    np.testing.assert_allclose(F.gelu_forward(z), gelu_ref(z), rtol=1e-13, atol=1e-300)
    # a few values by hand: g(0) = 0, g(1) = Φ(1) = 0.8413447460685429..., g(−1) = −(1 − Φ(1))
    np.testing.assert_allclose(F.gelu_forward(np.array([0.0, 1.0, -1.0])),
                               [0.0, 0.8413447460685429, -0.15865525393145707], rtol=1e-15)


def test_left_tail_keeps_full_relative_precision():
    """For z → −∞, Φ(z) = φ(z)/|z| · (1 − 1/z² + 3/z⁴ − 15/z⁶ + …): a formula ½(1 + erf(z/√2))
    cancels to 0 there (already at z = −9), the kernel must not."""
    z = np.linspace(-37.0, -10.0, 28)
    series, term = np.zeros_like(z), np.ones_like(z)
    for n in range(9):  # term n is (−1)ⁿ (2n − 1)!! / z²ⁿ
        series += term
        term = term * -(2 * n + 1) / z ** 2
    want = z * norm.pdf(z) / np.abs(z) * series
    got = F.gelu_forward(z)
    assert np.all(got < 0)
    np.testing.assert_allclose(got, want, rtol=1e-10)


def test_right_tail_is_the_identity():
    z = np.array([10.0, 40.0, 1e3, 1e6])
    np.testing.assert_array_equal(F.gelu_forward(z), z)
    np.testing.assert_array_equal(F.gelu_backward(np.ones_like(z), z), np.ones_like(z))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(z=hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 4)),
                    elements=st.floats(-6, 6, allow_nan=False, allow_subnormal=False)))
def test_backward_matches_finite_differences_and_the_closed_form(z):
    dout = np.random.default_rng(z.size).normal(size=z.shape)
    dz = F.gelu_backward(dout, z)
    np.testing.assert_allclose(dz, dout * gelu_prime_ref(z), rtol=1e-12, atol=1e-15)
    report = gc.check_vjp(F.gelu_forward, {"z": dz}, {"z": z}, dout)
    assert report.passed, str(report)


def test_wrong_derivatives_are_told_apart_by_the_check():
    """The check separates GELU's derivative from the two usual mistakes."""
    z = np.linspace(-3, 3, 12).reshape(3, 4)
    dout = np.ones_like(z)
    assert not gc.check_vjp(F.gelu_forward, {"z": norm.cdf(z)}, {"z": z}, dout).passed   # forgot z φ(z)
    assert not gc.check_vjp(F.gelu_forward, {"z": z * norm.pdf(z)}, {"z": z}, dout).passed  # forgot Φ(z)


def test_not_monotone_minimum_where_the_derivative_vanishes():
    """GELU dips below 0: its minimum is at the root z* ≈ −0.7518 of Φ(z) + z φ(z)."""
    z_star = scipy.optimize.brentq(gelu_prime_ref, -2.0, 0.0, xtol=1e-14)
    grid = np.array([z_star - 0.1, z_star, z_star + 0.1])
    d = F.gelu_backward(np.ones(3), grid)
    assert d[0] < 0 < d[2] and abs(d[1]) < 1e-12
    assert F.gelu_forward(np.array([z_star]))[0] == pytest.approx(gelu_ref(z_star), rel=1e-13)


def test_huge_inputs_without_warnings_and_inputs_untouched():
    z = np.array([[-1e6, -1000.0, -40.0, 0.0, 40.0, 1000.0, 1e6]])
    before = z.copy()
    with np.errstate(over="raise", invalid="raise", divide="raise"), warnings.catch_warnings():
        warnings.simplefilter("error")
        y = F.gelu_forward(z)
        d = F.gelu_backward(np.ones_like(z), z)
    np.testing.assert_array_equal(z, before)
    np.testing.assert_array_equal(y, [[0.0, 0.0, 0.0, 0.0, 40.0, 1000.0, 1e6]])
    np.testing.assert_array_equal(d, [[0.0, 0.0, 0.0, 0.5, 1.0, 1.0, 1.0]])
    assert y.dtype == d.dtype == np.float64
    assert F.gelu_forward(np.array([1, 2])).dtype == np.float64  # integers in, float64 out
    with pytest.raises(ValueError, match="^z: expected the shape of dout"):
        F.gelu_backward(np.ones(3), np.ones(4))


def test_layer_calls_the_kernels_and_trains_in_a_network():
    rng = np.random.default_rng(0)
    z, dout = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    layer = L.GELU()
    np.testing.assert_array_equal(layer.forward(z), F.gelu_forward(z))
    np.testing.assert_array_equal(layer.backward(dout), F.gelu_backward(dout, z))
    model = L.Sequential(L.Linear(3, 5, rng=1), L.GELU(), L.Linear(5, 2, rng=2))
    x = rng.normal(size=(6, 3))
    dx = model.backward(F.softmax_cross_entropy(model.forward(x), np.array([0, 1, 1, 0, 1, 0]))[1])

    def loss_of(x):
        return F.softmax_cross_entropy(model.forward(x), np.array([0, 1, 1, 0, 1, 0]))[0]

    np.testing.assert_allclose(dx, gc.numerical_grad(loss_of, x), rtol=1e-6, atol=1e-9)


def test_playground_offers_gelu_and_learns_xor():
    assert L.ACTIVATIONS["GELU"] is L.GELU
    panel = PlaygroundPanel(epochs=5)
    assert "GELU" in panel.controls["activation"].options
    d = simulate_playground("XOR", hidden_units=4, lr=0.5, activation="GELU")
    assert not d["diverged"] and d["accuracy"] >= 0.95
    assert d["losses"][-1] < 0.1 * d["losses"][0]
    assert isinstance(d["model"][1], L.GELU)
