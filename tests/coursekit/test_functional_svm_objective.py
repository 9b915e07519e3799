"""functional.svm_objective: the primal soft-margin objective ½‖w‖² + C Σ hinge and its subgradient."""

import numpy as np
import pytest
from sklearn.svm import SVC

from coursekit import functional as F
from coursekit.finite_diff import numerical_grad


def _data(rng, n=30, d=4):
    X = rng.normal(size=(n, d))
    y = np.where(X[:, 0] + 0.5 * rng.normal(size=n) > 0, 1.0, -1.0)
    return X, y


def test_value_is_the_written_sum():
    rng = np.random.default_rng(3)
    X, y = _data(rng)
    w, b, C = rng.normal(size=4), 0.2, 0.7
    total = 0.5 * sum(wi * wi for wi in w)
    for xi, yi in zip(X, y):
        total += C * max(0.0, 1.0 - yi * (sum(a * c for a, c in zip(w, xi)) + b))
    J, _, _ = F.svm_objective(w, b, X, y, C)
    assert J == pytest.approx(total, rel=1e-13)


@pytest.mark.parametrize("seed", range(5))
def test_subgradient_is_the_gradient_away_from_the_kink(seed):
    rng = np.random.default_rng(seed)
    X, y = _data(rng)
    w, b, C = rng.normal(size=4), -0.1, 1.3
    assert np.min(np.abs(1 - y * (X @ w + b))) > 1e-4  # no example on the margin: J is smooth here
    _, dw, db = F.svm_objective(w, b, X, y, C)
    gw = numerical_grad(lambda v: F.svm_objective(v, b, X, y, C)[0], w)
    gb = numerical_grad(lambda v: F.svm_objective(w, float(v[0]), X, y, C)[0], np.array([b]))
    np.testing.assert_allclose(dw, gw, rtol=1e-6, atol=1e-7)
    assert db == pytest.approx(float(gb[0]), rel=1e-6, abs=1e-7)


def test_scikit_learn_optimum_is_stationary():
    """At SVC's solution 0 is a subgradient: the objective does not drop along −(dw, db) beyond tolerance."""
    rng = np.random.default_rng(7)
    X, y = _data(rng, n=40, d=3)
    C = 0.5
    clf = SVC(kernel="linear", C=C, tol=1e-10).fit(X, y)
    w, b = clf.coef_.ravel(), float(clf.intercept_[0])
    J, dw, db = F.svm_objective(w, b, X, y, C)
    for t in (1e-3, 1e-2):
        assert F.svm_objective(w - t * dw, b - t * db, X, y, C)[0] >= J - 1e-6


def test_inputs_untouched_and_bad_labels_named():
    rng = np.random.default_rng(1)
    X, y = _data(rng)
    w = rng.normal(size=4)
    Xc, yc, wc = X.copy(), y.copy(), w.copy()
    F.svm_objective(w, 0.0, X, y, 1.0)
    assert np.array_equal(X, Xc) and np.array_equal(y, yc) and np.array_equal(w, wc)
    with pytest.raises(ValueError, match="y"):
        F.svm_objective(w, 0.0, X, (y > 0).astype(float), 1.0)
    with pytest.raises(ValueError, match="w"):
        F.svm_objective(w[:, None], 0.0, X, y, 1.0)
