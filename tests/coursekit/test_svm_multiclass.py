"""More than two classes: one-vs-one for KernelSVM (as scikit-learn's SVC / LIBSVM), one-vs-rest
for LinearSVM and LogisticRegression — checked against the scikit-learn estimator that solves
the same problems, on the ten-class digits (coursekit.datasets.digits, seeded split).

* KernelSVM(C, kernel, gamma) ↔ ``SVC(C, kernel, gamma)``: the same K(K−1)/2 duals.
* LinearSVM(C) ↔ ``OneVsRestClassifier(SVC(kernel="linear", C))``: per class ½‖β‖² + C Σ hinge
  with an unpenalised intercept (``LinearSVC`` penalises the intercept: a different problem).
* LogisticRegression(C) ↔ ``OneVsRestClassifier(LogisticRegression(C))`` (scikit-learn's
  LogisticRegression alone is multinomial for K > 2: a different problem).
"""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.svm import SVC

from coursekit import datasets
from coursekit.svm import KernelSVM, LinearSVM, LogisticRegression


@pytest.fixture(scope="module")
def digits():
    return datasets.digits(seed=0)  # X_train (1347, 64), X_test (450, 64), y_train, y_test; labels 0..9


def _agree(ours, ref, Xte, yte):
    p_ours, p_ref = ours.predict(Xte), ref.predict(Xte)
    agreement = np.mean(p_ours == p_ref)
    acc_ours, acc_ref = np.mean(p_ours == yte), np.mean(p_ref == yte)
    assert agreement >= 0.99, agreement
    assert abs(acc_ours - acc_ref) <= 0.01, (acc_ours, acc_ref)
    assert acc_ours > 0.9, acc_ours
    return agreement


@pytest.mark.parametrize("kw", [dict(), dict(C=10.0, gamma=0.05), dict(kernel="poly", degree=3, gamma=0.1, coef0=1.0),
                                dict(kernel="linear", C=0.1)],
                         ids=["rbf-defaults", "rbf-C10", "poly", "linear"])
def test_kernel_svm_one_vs_one_agrees_with_svc_on_digits(digits, kw):
    Xtr, Xte, ytr, yte = digits
    ours = KernelSVM(**kw).fit(Xtr, ytr)
    ref = SVC(**kw).fit(Xtr, ytr)
    _agree(ours, ref, Xte, yte)
    np.testing.assert_array_equal(ours.classes_, np.arange(10))
    assert ours.decision_function(Xte).shape == (450, 10)
    assert ours.intercept_.shape == (45,) and ours.n_iter_.shape == (45,) and ours.margin_.shape == (45,)
    n_sv = ours.support_.size
    assert ours.dual_coef_.shape == (9, n_sv) and ours.support_vectors_.shape == (n_sv, 64)
    assert ours.n_support_.sum() == n_sv
    # the support vectors are training rows, grouped by class like SVC's
    np.testing.assert_array_equal(ours.support_vectors_, Xtr[ours.support_])
    assert np.all(np.diff(ytr[ours.support_]) >= 0)
    if kw.get("kernel") == "linear":
        assert ours.coef_.shape == (45, 64)
        np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-2)


def test_kernel_svm_has_libsvm_layout_and_predictions(digits):
    """Solved tightly, every attribute SVC exposes matches: which points are support vectors,
    the (K−1, n_SV) dual_coef_ layout, the 45 intercepts, the pairwise decisions, and the
    predictions — votes with ties to the first class, or (break_ties) to the larger score."""
    Xtr, Xte, ytr, _ = digits
    Xtr, ytr = Xtr[:600], ytr[:600]
    for break_ties in (False, True):
        ours = KernelSVM(C=10.0, gamma=0.05, tol=1e-8, break_ties=break_ties).fit(Xtr, ytr)
        ref = SVC(C=10.0, gamma=0.05, tol=1e-8, break_ties=break_ties).fit(Xtr, ytr)
        np.testing.assert_array_equal(ours.support_, ref.support_)
        np.testing.assert_array_equal(ours.n_support_, ref.n_support_)
        np.testing.assert_allclose(ours.dual_coef_, ref.dual_coef_, atol=1e-4)
        np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)
        np.testing.assert_array_equal(ours.predict(Xte), ref.predict(Xte))
        np.testing.assert_allclose(ours.decision_function(Xte), ref.decision_function(Xte), atol=1e-5)
        ours.set_params(decision_function_shape="ovo", break_ties=False)
        ref.set_params(decision_function_shape="ovo", break_ties=False)
        np.testing.assert_allclose(ours.decision_function(Xte), ref.decision_function(Xte), atol=1e-5)
    # with break_ties the prediction is the argmax of the (ovr) decision function
    ours.set_params(decision_function_shape="ovr", break_ties=True)
    np.testing.assert_array_equal(ours.predict(Xte), np.argmax(ours.decision_function(Xte), axis=1))


@pytest.mark.parametrize("C", [0.1, 1.0])
def test_linear_svm_one_vs_rest_is_ovr_of_svc_linear(digits, C):
    Xtr, Xte, ytr, yte = digits
    ours = LinearSVM(C=C).fit(Xtr, ytr)
    ref = OneVsRestClassifier(SVC(kernel="linear", C=C, tol=1e-6)).fit(Xtr, ytr)
    _agree(ours, ref, Xte, yte)
    assert ours.coef_.shape == (10, 64) and ours.intercept_.shape == (10,)
    assert ours.decision_function(Xte).shape == (450, 10)
    assert np.all(ours.polished_) and ours.n_iter_.shape == (10,) and len(ours.loss_history_) == 10
    # each row is the exact solution of "class c against the rest"
    np.testing.assert_allclose(ours.coef_, [e.coef_[0] for e in ref.estimators_], rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, [e.intercept_[0] for e in ref.estimators_], atol=1e-3)


def test_logistic_regression_one_vs_rest_is_ovr_of_sklearn(digits):
    Xtr, Xte, ytr, yte = digits
    ours = LogisticRegression(C=1.0).fit(Xtr, ytr)
    ref = OneVsRestClassifier(SkLogisticRegression(C=1.0, solver="newton-cg", tol=1e-8)).fit(Xtr, ytr)
    _agree(ours, ref, Xte, yte)
    np.testing.assert_array_equal(ours.predict(Xte), ref.predict(Xte))
    np.testing.assert_allclose(ours.coef_, [e.coef_[0] for e in ref.estimators_], atol=1e-4)
    P = ours.predict_proba(Xte)
    assert P.shape == (450, 10)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(P, ref.predict_proba(Xte), atol=1e-5)
    np.testing.assert_array_equal(np.argmax(P, axis=1), ours.predict(Xte))


# -------------------------------------------------------------- any labels, shapes
def _three_blobs():
    rng = np.random.default_rng(0)
    centers = np.array([[0.0, 3.0], [-3.0, -2.0], [3.0, -2.0]])
    y = np.repeat([0, 1, 2], 40)
    return centers[y] + rng.normal(size=(120, 2)), y


@pytest.mark.parametrize("cls", [KernelSVM, LinearSVM, LogisticRegression])
def test_three_string_labels(cls):
    X, y = _three_blobs()
    names = np.array(["cat", "dog", "emu"])
    model = cls().fit(X, names[y[::-1]][::-1])  # labels given in any order: classes_ is sorted
    np.testing.assert_array_equal(model.classes_, names)
    pred = model.predict(X)
    assert pred.dtype.kind == "U" and set(pred) <= set(names)
    assert model.score(X, names[y]) > 0.95
    ref = cls().fit(X, y)
    np.testing.assert_array_equal(pred, names[ref.predict(X)])
    np.testing.assert_allclose(model.decision_function(X), ref.decision_function(X), rtol=1e-9, atol=1e-9)


def test_kernel_svm_decision_function_shapes():
    X, y = _three_blobs()
    ovr = KernelSVM().fit(X, y).decision_function(X)
    ovo = KernelSVM(decision_function_shape="ovo").fit(X, y).decision_function(X)
    assert ovr.shape == (120, 3) and ovo.shape == (120, 3)  # K(K−1)/2 = K for K = 3
    # votes: f_01 > 0 is a vote for class 0, etc.; the score of a class is its votes ± less than ⅓
    votes = np.zeros((120, 3))
    for k, (i, j) in enumerate([(0, 1), (0, 2), (1, 2)]):
        votes[:, i] += ovo[:, k] > 0
        votes[:, j] += ovo[:, k] <= 0
    assert np.all(np.abs(ovr - votes) < 1 / 3)
    X4 = np.vstack([X, X[:40] + [0.0, 8.0]])
    y4 = np.concatenate([y, np.full(40, 3)])
    assert KernelSVM(decision_function_shape="ovo").fit(X4, y4).decision_function(X4).shape == (160, 6)
    # two classes: (m,) whatever the shape, as SVC
    two = KernelSVM(decision_function_shape="ovo").fit(X[:80], y[:80])
    assert two.decision_function(X).shape == (120,)
