"""Brady–Raghavan–Slawny (seed 001): the perceptron separates, backprop with logistic + L2 does not.

The perceptron rule is written out here (it is the reference); backprop is coursekit's
Sequential(Linear, Sigmoid) trained by coursekit.train.fit with MSELoss and GD, as in lecture 05.
"""

import numpy as np
import pytest

from coursekit import datasets, losses, optim
from coursekit.layers import Linear, Sequential, Sigmoid
from coursekit.train import fit

T, EPS = 10.0, 0.1
U = np.log((1 - EPS) / EPS)          # σ⁻¹(1 − ε)


@pytest.fixture(scope="module")
def data():
    X, y = datasets.spoiler(t=T)
    np.testing.assert_array_equal(X[-1], [0.0, -T])          # the spoiler is the last row
    return X, y, np.where(y > 0, 1 - EPS, EPS)


def separates(w, b, X, y):
    return bool(np.all(np.sign(X @ w + b) == y))


def perceptron(X, y, max_epochs=1000):
    w, b = np.zeros(2), 0.0
    for _ in range(max_epochs):
        mistakes = 0
        for xi, yi in zip(X, y):
            if yi * (xi @ w + b) <= 0:
                w, b, mistakes = w + yi * xi, b + yi, mistakes + 1
        if mistakes == 0:
            return w, b
    raise AssertionError("perceptron did not converge")


def backprop(X, d, w0, b0, lr=5.0, epochs=1500):
    net = Sequential(Linear.from_weights(np.array([w0], float), np.array([b0], float)), Sigmoid())
    fit(net, losses.MSELoss(), X, d[:, None], optim.GD(lr=lr), epochs=epochs, batch_size=len(X),
        seed=0, shuffle=False, progress=False)
    return net[0].params["W"][0].copy(), float(net[0].params["b"][0])


def l2(w, b, X, d):
    return float(np.mean((1 / (1 + np.exp(-(X @ w + b))) - d) ** 2))


def test_the_four_points_are_linearly_separable_and_the_perceptron_finds_it(data):
    X, y, _ = data
    assert separates(np.array([1.0, 0.0]), 0.5, X, y)         # the line x = −½
    w, b = perceptron(X, y)
    assert separates(w, b, X, y)
    assert np.all(y * (X @ w + b) > 0)


def test_backprop_on_three_points_finds_the_unique_solution(data):
    X, _, d = data
    w, b = backprop(X[:3], d[:3], [0.0, 0.0], 0.0)
    np.testing.assert_allclose(w, [U, U], atol=1e-6)          # w_x = w_y = u (the seed's "w_x = u, w_x = u")
    assert abs(b) < 1e-6


def test_backprop_with_the_spoiler_stays_at_the_non_separating_solution(data):
    X, y, d = data
    w3, b3 = backprop(X[:3], d[:3], [0.0, 0.0], 0.0)
    w4, b4 = backprop(X, d, w3, b3)
    assert not separates(w4, b4, X, y)
    assert X[-1] @ w4 + b4 < -20                               # the spoiler is confidently misclassified
    np.testing.assert_allclose(w4, [U, U], atol=1e-5)          # it did not move
    # the three ordinary points are still fitted: it is the spoiler alone that is lost
    assert np.all(np.sign(X[:3] @ w4 + b4) == y[:3])


def test_it_is_a_local_minimum_not_the_global_one(data):
    """At the backprop solution the gradient vanishes and the Hessian is PSD (finite differences of a
    hand-written loss), yet a separating weight vector has a much lower L2 loss."""
    X, _, d = data
    theta = np.array([U, U, 0.0])
    f = lambda th: l2(th[:2], th[2], X, d)
    h = 1e-4
    E = np.eye(3) * h
    grad = np.array([(f(theta + e) - f(theta - e)) / (2 * h) for e in E])
    H = np.array([[(f(theta + a + c) - f(theta + a - c) - f(theta - a + c) + f(theta - a - c)) / (4 * h * h)
                   for c in E] for a in E])
    assert np.linalg.norm(grad) < 1e-7
    assert np.linalg.eigvalsh((H + H.T) / 2).min() > -1e-6
    w_sep, b_sep = np.array([2 * U, 0.0]), U
    assert separates(w_sep, b_sep, X, np.where(d > 0.5, 1, -1))
    assert l2(w_sep, b_sep, X, d) < 0.1 * f(theta)


def test_the_spoiler_gradient_vanishes_as_t_grows():
    """Seed 001: d div₄/dw_y = 2(1 − ε − σ(z₄))σ'(z₄)t → 0 with z₄ = −w_y t + b, at w = (u, u), b = 0."""
    def sig(z):
        return 1 / (1 + np.exp(-z))

    g = []
    for t in (1.0, 5.0, 10.0, 20.0):
        z4 = -U * t
        g.append(abs(2 * (1 - EPS - sig(z4)) * sig(z4) * (1 - sig(z4)) * t))
    assert g[0] > g[1] > g[2] > g[3] and g[3] < 1e-15
