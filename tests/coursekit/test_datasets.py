"""Data sets: shapes, labels, determinism, geometry."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import datasets as ds

TOY = [
    (ds.blobs, {}, 2), (ds.blobs, {"centers": 4}, 4), (ds.xor, {}, 2), (ds.circles, {}, 2),
    (ds.moons, {}, 2), (ds.spirals, {}, 2), (ds.spirals, {"n_classes": 3}, 3),
]


@pytest.mark.parametrize("fn,kw,k", TOY, ids=lambda v: getattr(v, "__name__", str(v)))
@pytest.mark.parametrize("n", [1, 7, 300])
def test_toy_sets_shapes_labels_determinism(fn, kw, k, n):
    X, y = fn(n=n, seed=3, **kw)
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert set(np.unique(y)) <= set(range(k))
    if n >= k:
        counts = np.bincount(y, minlength=k)
        assert counts.max() - counts.min() <= 1  # balanced
    X2, y2 = fn(n=n, seed=3, **kw)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    if n == 300:
        X3, _ = fn(n=n, seed=4, **kw)
        assert not np.array_equal(X, X3)


def test_geometry_without_noise():
    X, y = ds.circles(n=100, noise=0.0, factor=0.3)
    np.testing.assert_allclose(np.hypot(*X.T), np.where(y == 0, 1.0, 0.3))
    X, y = ds.xor(n=100, noise=0.0)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))
    X, y = ds.moons(n=100, noise=0.0)
    np.testing.assert_allclose(np.hypot(X[y == 0, 0], X[y == 0, 1]), 1.0)
    np.testing.assert_allclose(np.hypot(X[y == 1, 0] - 1, X[y == 1, 1] - 0.5), 1.0)
    X, y = ds.blobs(n=10, centers=np.array([[5.0, 5.0], [-5.0, 0.0]]), noise=0.0)
    np.testing.assert_array_equal(X, np.where((y == 0)[:, None], [5.0, 5.0], [-5.0, 0.0]))


def test_xor_is_not_linearly_separable_but_blobs_are():
    from sklearn.svm import LinearSVC

    X, y = ds.xor(n=400, noise=0.1)
    assert LinearSVC(C=10.0).fit(X, y).score(X, y) < 0.8
    X, y = ds.blobs(n=400, noise=0.5)
    assert LinearSVC(C=10.0).fit(X, y).score(X, y) == 1.0


def test_linear_regression_matches_least_squares():
    X, y = ds.linear_regression(n=100_000, beta0=-1.5, beta1=3.0, noise=0.5, seed=0)
    assert X.shape == (100_000, 1) and y.shape == (100_000,)
    A = np.column_stack([np.ones(len(y)), X[:, 0]])
    beta, *_ = np.linalg.lstsq(A, y, rcond=None)
    np.testing.assert_allclose(beta, [-1.5, 3.0], atol=0.01)
    resid = y - A @ beta
    assert resid.std() == pytest.approx(0.5, rel=0.02)


def test_digits_split_and_scaling():
    X_train, X_test, y_train, y_test = ds.digits(test_size=0.2, seed=1)
    assert X_train.shape[1] == X_test.shape[1] == 64
    assert len(X_train) + len(X_test) == 1797
    assert len(X_test) == pytest.approx(0.2 * 1797, abs=1)
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    assert set(np.unique(y_test)) == set(range(10))
    again = ds.digits(test_size=0.2, seed=1)
    np.testing.assert_array_equal(again[0], X_train)


@pytest.mark.parametrize("t", [1.0, 10.0, 1e4])
def test_spoiler_is_linearly_separable_but_three_point_optimum_misses_it(t):
    X, y = ds.spoiler(t=t)
    np.testing.assert_array_equal(X, [[1, 0], [0, 1], [-1, 0], [0, -t]])
    np.testing.assert_array_equal(y, [1, 1, -1, 1])
    # a separator: x₁ = −½ (w = (1, 0), b = ½)
    assert np.all(y * (X @ np.array([1.0, 0.0]) + 0.5) > 0)
    # the three-point solution w = (u, u), b = 0 puts the spoiler on the wrong side
    u = np.log(0.99 / 0.01)
    assert np.all(y[:3] * (X[:3] @ np.array([u, u])) > 0)
    assert y[3] * (X[3] @ np.array([u, u])) < 0
    # the perceptron rule finds a separator
    w, b = np.zeros(2), 0.0
    for _ in range(100_000):
        wrong = [i for i in range(4) if y[i] * (X[i] @ w + b) <= 0]
        if not wrong:
            break
        w, b = w + y[wrong[0]] * X[wrong[0]], b + y[wrong[0]]
    assert np.all(y * (X @ w + b) > 0)
    _, y01 = ds.spoiler(t=t, labels="01")
    np.testing.assert_array_equal(y01, [1, 1, 0, 1])


@pytest.mark.parametrize("call,arg", [
    (lambda: ds.moons(n=0), "n"), (lambda: ds.blobs(n=2.5), "n"), (lambda: ds.circles(noise=-1), "noise"),
    (lambda: ds.circles(factor=1.5), "factor"), (lambda: ds.spirals(n_classes=0), "n_classes"),
    (lambda: ds.xor(seed="a"), "seed"), (lambda: ds.digits(test_size=1.5), "test_size"),
    (lambda: ds.spoiler(t=-1), "t"), (lambda: ds.blobs(centers=np.zeros((3, 3))), "centers"),
])
def test_bad_arguments_are_named(call, arg):
    with pytest.raises((ValueError, TypeError), match=rf"^{arg}: expected"):
        call()
