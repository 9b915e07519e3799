"""KernelSVM against scikit-learn's SVC (LIBSVM) and against the SVM's own optimality conditions."""

import numpy as np
import pytest
from sklearn.metrics.pairwise import linear_kernel as sk_linear
from sklearn.metrics.pairwise import polynomial_kernel as sk_poly
from sklearn.metrics.pairwise import rbf_kernel as sk_rbf
from sklearn.svm import SVC

from coursekit.svm import NOT_SEPARABLE_MESSAGE, KernelSVM

KERNELS = {
    "rbf": dict(kernel="rbf", gamma=1.0),
    "poly": dict(kernel="poly", gamma=1.0, degree=3, coef0=1.0),
}


def sk_kernel(A, B, params):
    """The kernel computed by scikit-learn (an independent implementation)."""
    if params["kernel"] == "rbf":
        return sk_rbf(A, B, gamma=params["gamma"])
    if params["kernel"] == "poly":
        return sk_poly(A, B, degree=params["degree"], gamma=params["gamma"], coef0=params["coef0"])
    return sk_linear(A, B)


def dual_objective(dual_coef, sv, params):
    """D(α) = ½ Σᵢⱼ yᵢαᵢ yⱼαⱼ k(xᵢ, xⱼ) − Σ αᵢ from (yᵢαᵢ) and the support vectors."""
    c = np.ravel(dual_coef)
    return 0.5 * c @ sk_kernel(sv, sv, params) @ c - np.abs(c).sum()


@pytest.mark.parametrize("dataset", ["moons_2000", "blobs_2000"])
@pytest.mark.parametrize("kname", sorted(KERNELS))
def test_matches_sklearn_svc(dataset, kname, request):
    Xtr, ytr, Xte, yte = request.getfixturevalue(dataset)
    params = KERNELS[kname]
    ours = KernelSVM(C=1.0, tol=1e-3, **params).fit(Xtr, ytr)
    ref = SVC(C=1.0, tol=1e-3, **params).fit(Xtr, ytr)
    agree = np.mean(ours.predict(Xte) == ref.predict(Xte))
    assert agree >= 0.995, agree
    d_ours = dual_objective(ours.dual_coef_, ours.support_vectors_, params)
    d_ref = dual_objective(ref.dual_coef_, ref.support_vectors_, params)
    assert abs(d_ours - d_ref) <= 1e-3 * abs(d_ref), (d_ours, d_ref)
    assert ours.dual_objective_ == pytest.approx(d_ours, rel=1e-9)
    # box and equality constraints of the dual: 0 ≤ αᵢ ≤ C, Σ yᵢαᵢ = 0
    assert np.all(np.abs(ours.dual_coef_) <= 1.0 + 1e-12)
    assert abs(ours.dual_coef_.sum()) <= 1e-8
    assert ours.dual_coef_.shape == (1, ours.support_vectors_.shape[0])
    assert ours.n_support_.sum() == ours.support_.size


def test_decision_function_uses_only_support_vectors(moons_2000):
    Xtr, ytr, Xte, _ = moons_2000
    params = KERNELS["rbf"]
    model = KernelSVM(C=1.0, tol=1e-4, **params).fit(Xtr, ytr)
    # f(x) = Σ_{SV} yᵢαᵢ k(xᵢ, x) + β₀ computed here from the support vectors alone
    f = sk_kernel(Xte, model.support_vectors_, params) @ model.dual_coef_[0] + model.intercept_[0]
    np.testing.assert_allclose(model.decision_function(Xte), f, rtol=1e-10, atol=1e-10)
    assert model.support_.size < 0.5 * Xtr.shape[0]
    # the non-support vectors do not matter: refitting on the support vectors alone gives the same f
    refit = KernelSVM(C=1.0, tol=1e-4, **params).fit(Xtr[model.support_], ytr[model.support_])
    np.testing.assert_allclose(refit.decision_function(Xte), model.decision_function(Xte), atol=5e-3)


def test_linear_kernel_coef_matches_svc(blobs_2000):
    Xtr, ytr, _, _ = blobs_2000
    ours = KernelSVM(kernel="linear", C=1.0, tol=1e-5).fit(Xtr, ytr)
    ref = SVC(kernel="linear", C=1.0, tol=1e-5).fit(Xtr, ytr)
    rel = np.linalg.norm(ours.coef_ - ref.coef_) / np.linalg.norm(ref.coef_)
    assert rel <= 1e-3, rel
    assert ours.intercept_[0] == pytest.approx(ref.intercept_[0], rel=1e-3, abs=1e-3)
    # β = Σ yᵢαᵢ xᵢ and the margin m = 1/‖β‖
    np.testing.assert_allclose(ours.coef_[0], ours.dual_coef_[0] @ ours.support_vectors_)
    assert ours.margin_ == pytest.approx(1 / np.linalg.norm(ours.coef_), rel=1e-9)


def test_gamma_scale_as_sklearn(moons_2000):
    Xtr, ytr, Xte, _ = moons_2000
    ours = KernelSVM(C=1.0, gamma="scale").fit(Xtr, ytr)
    assert ours.gamma_ == pytest.approx(1.0 / (Xtr.shape[1] * Xtr.var()))
    ref = SVC(C=1.0, gamma="scale").fit(Xtr, ytr)
    assert np.mean(ours.predict(Xte) == ref.predict(Xte)) >= 0.995


def test_hard_margin_matches_svc_large_C(separable_blobs):
    X, y = separable_blobs
    hard = KernelSVM(kernel="linear", hard_margin=True, tol=1e-6).fit(X, y)
    ref = SVC(kernel="linear", C=1e10, tol=1e-6).fit(X, y)
    np.testing.assert_allclose(hard.coef_, ref.coef_, rtol=1e-3)
    assert hard.intercept_[0] == pytest.approx(ref.intercept_[0], rel=1e-3, abs=1e-4)
    # maximum margin: every yᵢfᵢ ≥ 1, with equality on the support vectors, m = 1/‖β‖
    yf = np.where(y == 1, 1, -1) * hard.decision_function(X)
    assert yf.min() == pytest.approx(1.0, abs=1e-4)
    np.testing.assert_allclose(yf[hard.support_], 1.0, atol=1e-4)
    geometric = yf.min() / np.linalg.norm(hard.coef_)  # min distance of a point to the separator
    assert hard.margin_ == pytest.approx(geometric, rel=1e-4)
    # C = inf is the same as hard_margin=True
    inf = KernelSVM(kernel="linear", C=np.inf, hard_margin=True, tol=1e-6).fit(X, y)
    np.testing.assert_allclose(inf.coef_, hard.coef_)


def test_hard_margin_rbf_separates_moons(moons_2000):
    Xtr, ytr, _, _ = moons_2000
    X, y = Xtr[:200], ytr[:200]
    model = KernelSVM(kernel="rbf", gamma=5.0, hard_margin=True, tol=1e-5).fit(X, y)
    yf = np.where(y == 1, 1, -1) * model.decision_function(X)
    assert yf.min() >= 1 - 1e-3  # separable in the RBF feature space: no slack at all


def test_hard_margin_non_separable_raises(blobs_2000):
    Xtr, ytr, _, _ = blobs_2000
    with pytest.raises(ValueError, match="not linearly separable in the kernel's feature space; use a finite C"):
        KernelSVM(kernel="linear", hard_margin=True).fit(Xtr[:300], ytr[:300])
    # the polynomial kernel of degree 1 is linear too
    with pytest.raises(ValueError, match="not linearly separable"):
        KernelSVM(kernel="poly", degree=1, gamma=1.0, hard_margin=True).fit(Xtr[:300], ytr[:300])
    assert "use a finite C" in NOT_SEPARABLE_MESSAGE


def test_slack_and_support_vectors(blobs_2000):
    Xtr, ytr, _, _ = blobs_2000
    X, y = Xtr[:400], ytr[:400]
    model = KernelSVM(kernel="linear", C=0.5, tol=1e-6).fit(X, y)
    f = X @ model.coef_[0] + model.intercept_[0]
    eps = np.maximum(0, 1 - np.where(y == 1, 1, -1) * f)
    np.testing.assert_allclose(model.slack(X, y), eps, atol=1e-12)
    # seed 000: any xᵢ with non-zero εᵢ is a support vector (αᵢ = C > 0)
    has_slack = np.flatnonzero(eps > 1e-6)
    assert has_slack.size > 0
    assert set(has_slack) <= set(model.support_)
    np.testing.assert_allclose(model.alpha_[has_slack], 0.5, rtol=1e-9)
    # εᵢ ≥ 1 ⟺ misclassified (or on the separator)
    wrong = model.predict(X) != y
    assert np.array_equal(wrong, eps > 1)


def test_support_vector_count_falls_as_C_grows():
    """Seed 000: the smaller C, the more support vectors — on the lecture's data set."""
    from coursekit.widgets.svm import svm_data

    X, y = svm_data("overlap")
    Cs = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 100.0]
    counts = [KernelSVM(kernel="linear", C=C, tol=1e-5).fit(X, y).support_.size for C in Cs]
    assert all(a >= b for a, b in zip(counts, counts[1:])), counts
    assert counts[0] > 2 * counts[-1], counts
    # and the margin 1/‖β‖ shrinks as C grows
    margins = [KernelSVM(kernel="linear", C=C, tol=1e-5).fit(X, y).margin_ for C in Cs]
    assert all(a >= b - 1e-9 for a, b in zip(margins, margins[1:])), margins


def test_any_two_labels(moons_2000):
    Xtr, ytr, Xte, yte = moons_2000
    names = np.array(["cat", "dog"])
    model = KernelSVM(C=1.0, gamma=1.0).fit(Xtr[:500], names[ytr[:500]])
    assert list(model.classes_) == ["cat", "dog"]
    ref = KernelSVM(C=1.0, gamma=1.0).fit(Xtr[:500], ytr[:500])
    assert np.array_equal(model.predict(Xte), names[ref.predict(Xte)])
    assert model.score(Xte, names[yte]) == pytest.approx(ref.score(Xte, yte))
    # decision_function > 0 ↔ classes_[1], as in scikit-learn
    sk = SVC(C=1.0, gamma=1.0).fit(Xtr[:500], names[ytr[:500]])
    np.testing.assert_allclose(model.decision_function(Xte), sk.decision_function(Xte), atol=1e-2)
