"""The public interface of ``coursekit.svm`` (see ARCHITECTURE.md, Public interfaces):
constructors and defaults, scikit-learn estimator conventions, any two labels, the kernels'
formulas, and scikit-learn's SVC solution for the same C / kernel / data (n = 200, seeded)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_moons
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.svm import SVC

from coursekit.svm import KernelSVM, LinearSVM, LogisticRegression

E = inspect.Parameter.empty
ESTIMATORS = [LinearSVM, KernelSVM, LogisticRegression]


@pytest.fixture(scope="module")
def moons():
    X, y = make_moons(n_samples=200, noise=0.25, random_state=0)
    return X, y


def _dense_dual(X, support_vectors, dual_coef):
    """yᵢαᵢ for every training row (0 off the support), matching support vectors by row."""
    a = np.zeros(X.shape[0])
    for v, c in zip(support_vectors, dual_coef[0]):
        i = np.flatnonzero(np.all(X == v, axis=1))
        assert i.size == 1, "a support vector must be a (unique) training row"
        a[i[0]] = c
    return a


def _kernel(kind, X, Z, gamma=None, degree=3, coef0=0.0):
    """The kernels as scikit-learn defines them, written out pair by pair."""
    K = np.empty((X.shape[0], Z.shape[0]))
    for i, x in enumerate(X):
        for j, z in enumerate(Z):
            if kind == "linear":
                K[i, j] = x @ z
            elif kind == "rbf":
                K[i, j] = np.exp(-gamma * np.sum((x - z) ** 2))
            else:
                K[i, j] = (gamma * (x @ z) + coef0) ** degree
    return K


# ----------------------------------------------------------------- constructors
def test_constructor_signatures(assert_signature):
    assert_signature(LinearSVM, [("C", 1.0)])
    assert_signature(LogisticRegression, [("C", 1.0)])
    assert_signature(KernelSVM, [("C", 1.0), ("kernel", E), ("gamma", E), ("degree", 3), ("coef0", 0.0)])
    assert inspect.signature(KernelSVM).parameters["kernel"].default in ("rbf", "linear", "poly")


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_estimator_conventions(cls, moons):
    X, y = moons
    est = cls(C=2.5)
    params = est.get_params()
    assert params["C"] == 2.5
    if cls is KernelSVM:
        assert {"kernel", "gamma", "degree", "coef0"} <= set(params)
    twin = clone(est)  # scikit-learn's clone: constructor parameters round-trip unchanged
    assert twin is not est and twin.get_params() == params
    assert est.set_params(C=0.5) is est and est.get_params()["C"] == 0.5
    assert est.fit(X, y) is est
    for name in ("decision_function", "predict", "score"):
        assert callable(getattr(est, name))
    np.testing.assert_array_equal(est.classes_, [0, 1])
    assert est.intercept_.shape == (1,)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_usable_in_sklearn_model_selection(cls, moons):
    """'scikit-learn estimator conventions': the estimator works in sklearn's own tools."""
    from sklearn.model_selection import cross_val_score

    X, y = moons
    scores = cross_val_score(cls(C=1.0), X, y, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.7)


@pytest.mark.parametrize("cls", ESTIMATORS)
@pytest.mark.parametrize("labels", [("cat", "dog"), (3, 7), (-1, 1), (2.5, -4.0), (True, False)])
def test_any_two_labels(cls, labels, moons):
    X, y01 = moons
    y = np.where(y01 == 1, labels[1], labels[0])
    est = cls(C=1.0).fit(X, y)
    pred = est.predict(X)
    assert pred.shape == (X.shape[0],)
    assert set(np.unique(pred)) <= set(labels)
    assert pred.dtype.kind == np.asarray(y).dtype.kind
    f = est.decision_function(X)
    assert f.shape == (X.shape[0],) and f.dtype == np.float64
    # scikit-learn's convention: classes_ sorted, f > 0 predicts classes_[1]
    classes = np.unique(y)
    np.testing.assert_array_equal(est.classes_, classes)
    np.testing.assert_array_equal(pred, np.where(f > 0, classes[1], classes[0]))
    assert est.score(X, y) == pytest.approx(np.mean(pred == y))
    assert est.score(X, y) > 0.8
    # the same data with 0/1 labels: the same decision function up to the sign of the mapping
    ref = cls(C=1.0).fit(X, (y == classes[1]).astype(int)).decision_function(X)
    np.testing.assert_allclose(f, ref, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_swapping_label_names_flips_the_decision_function(cls, moons):
    X, y01 = moons
    f1 = cls(C=1.0).fit(X, np.where(y01 == 1, "dog", "cat")).decision_function(X)
    f2 = cls(C=1.0).fit(X, np.where(y01 == 1, "cat", "dog")).decision_function(X)
    # equal up to the solvers' tolerance (SMO stops at a KKT gap of 1e-3 by default)
    np.testing.assert_allclose(f1, -f2, atol=2e-2)
    clear = np.abs(f1) > 2e-2
    assert np.all(np.sign(f1[clear]) == -np.sign(f2[clear]))


# -------------------------------------------------------- KernelSVM vs scikit-learn
KERNEL_CASES = [
    dict(kernel="rbf", gamma=0.7, C=1.0),
    dict(kernel="rbf", gamma="scale", C=10.0),
    dict(kernel="linear", C=0.5),
    dict(kernel="poly", gamma=0.5, degree=3, coef0=1.0, C=1.0),
    dict(kernel="poly", gamma=1.0, degree=2, coef0=0.0, C=0.3),
]


@pytest.mark.parametrize("kw", KERNEL_CASES, ids=lambda kw: "-".join(f"{k}={v}" for k, v in kw.items()))
def test_kernel_svm_gives_sklearn_svc_solution(kw, moons):
    """Same C, kernel and data (default tolerances on both sides): the same classifier."""
    X, y = moons
    ours = KernelSVM(**kw).fit(X, np.where(y == 1, "dog", "cat"))
    sk = SVC(**kw).fit(X, np.where(y == 1, "dog", "cat"))
    n_sv, d = ours.support_vectors_.shape
    assert d == X.shape[1] and ours.dual_coef_.shape == (1, n_sv) and ours.intercept_.shape == (1,)
    # yᵢαᵢ with 0 ≤ αᵢ ≤ C, Σ yᵢαᵢ = 0, and the support is where αᵢ > 0
    assert np.all(np.abs(ours.dual_coef_) <= kw["C"] * (1 + 1e-9)) and np.all(ours.dual_coef_ != 0)
    assert abs(ours.dual_coef_.sum()) < 1e-9 * kw["C"] * n_sv
    # both solve to a KKT gap of 1e-3, so they agree to that order
    a_ours = _dense_dual(X, ours.support_vectors_, ours.dual_coef_)
    a_sk = _dense_dual(X, sk.support_vectors_, sk.dual_coef_)
    f_ours, f_sk = ours.decision_function(X), sk.decision_function(X)
    np.testing.assert_allclose(f_ours, f_sk, atol=2e-2)
    assert ours.intercept_[0] == pytest.approx(sk.intercept_[0], abs=2e-2)
    if kw["kernel"] == "rbf":  # K positive definite (distinct points): the dual solution is unique
        np.testing.assert_allclose(a_ours, a_sk, atol=0.05 * kw["C"])
    clear = np.abs(f_sk) > 2e-2
    np.testing.assert_array_equal(ours.predict(X)[clear], sk.predict(X)[clear])
    assert np.mean(ours.predict(X) == sk.predict(X)) >= 0.99


@pytest.mark.parametrize("kw", KERNEL_CASES, ids=lambda kw: f"{kw['kernel']}-{kw['C']}")
def test_kernel_svm_tight_tolerance_matches_sklearn_closely(kw, moons):
    X, y = moons
    ours = KernelSVM(**kw, tol=1e-10).fit(X, y)
    sk = SVC(**kw, tol=1e-10).fit(X, y)
    if kw["kernel"] == "rbf":  # the only kernel here whose dual solution is unique (K ≻ 0)
        np.testing.assert_allclose(_dense_dual(X, ours.support_vectors_, ours.dual_coef_),
                                   _dense_dual(X, sk.support_vectors_, sk.dual_coef_), atol=1e-5 * kw["C"])
    assert ours.intercept_[0] == pytest.approx(sk.intercept_[0], abs=1e-5)
    np.testing.assert_allclose(ours.decision_function(X), sk.decision_function(X), atol=1e-5)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))


@pytest.mark.parametrize("kw", KERNEL_CASES, ids=lambda kw: f"{kw['kernel']}-{kw.get('gamma')}")
def test_decision_function_is_the_kernel_expansion(kw, moons):
    """f(x) = Σ dual_coef_ⱼ k(svⱼ, x) + intercept_ with scikit-learn's kernels
    (rbf = exp(−γ‖x − x′‖²), poly = (γ⟨x, x′⟩ + coef0)^degree, gamma="scale" = 1/(d·Var X))."""
    X, y = moons
    est = KernelSVM(**kw).fit(X, y)
    gamma = kw.get("gamma")
    if gamma == "scale":
        gamma = 1.0 / (X.shape[1] * X.var())
    Xq = np.random.default_rng(1).normal(size=(15, 2))
    K = _kernel(kw["kernel"], Xq, est.support_vectors_, gamma, kw.get("degree", 3), kw.get("coef0", 0.0))
    np.testing.assert_allclose(est.decision_function(Xq), K @ est.dual_coef_[0] + est.intercept_[0],
                               rtol=1e-10, atol=1e-10)


# ------------------------------------------------- LinearSVM, LogisticRegression
@pytest.mark.parametrize("C", [0.05, 1.0, 20.0])
def test_linear_svm_gives_sklearn_linear_svc_solution(C, moons):
    """½‖β‖² + C Σ εᵢ with an unpenalised intercept: sklearn's SVC(kernel="linear", C)."""
    X, y = moons
    ours = LinearSVM(C=C).fit(X, y)
    sk = SVC(kernel="linear", C=C, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(ours.decision_function(X), sk.decision_function(X), rtol=1e-4, atol=1e-4)
    assert ours.intercept_.shape == (1,) and ours.intercept_[0] == pytest.approx(sk.intercept_[0], abs=1e-4)
    np.testing.assert_allclose(ours.coef_, sk.coef_, rtol=1e-4, atol=1e-4)
    clear = np.abs(sk.decision_function(X)) > 1e-3
    np.testing.assert_array_equal(ours.predict(X)[clear], sk.predict(X)[clear])


@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
def test_logistic_regression_gives_sklearn_solution(C, moons):
    """½‖β‖² + C Σ log(1 + e^(−yᵢfᵢ)), intercept unpenalised: sklearn's LogisticRegression(C)."""
    X, y = moons
    ours = LogisticRegression(C=C).fit(X, y)
    sk = SkLogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.decision_function(X), sk.decision_function(X), rtol=1e-6, atol=1e-6)
    assert ours.intercept_[0] == pytest.approx(sk.intercept_[0], abs=1e-6)
    np.testing.assert_array_equal(ours.predict(X), sk.predict(X))


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_plain_python_lists_are_accepted(cls, moons):
    X, y = moons
    y_str = np.where(y == 1, "dog", "cat")
    a = cls(C=1.0).fit(X.tolist(), y_str.tolist())
    b = cls(C=1.0).fit(X, y_str)
    np.testing.assert_allclose(a.decision_function(X.tolist()), b.decision_function(X), rtol=1e-12, atol=1e-12)
    assert list(a.predict(X[:5].tolist())) == list(b.predict(X[:5]))
