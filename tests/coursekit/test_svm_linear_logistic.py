"""LinearSVM (subgradient descent + polish) and LogisticRegression against scikit-learn."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogReg
from sklearn.svm import SVC

from coursekit.svm import LinearSVM, LogisticRegression


def primal(X, ypm, beta, beta0, C):
    """scikit-learn's objective ½‖β‖² + C Σ max(0, 1 − yᵢ(⟨xᵢ, β⟩ + β₀)), written out here."""
    return 0.5 * beta @ beta + C * np.maximum(0, 1 - ypm * (X @ beta + beta0)).sum()


@pytest.mark.parametrize("C", [0.05, 1.0])
@pytest.mark.parametrize("dataset", ["moons_2000", "blobs_2000"])
def test_linear_svm_matches_svc(dataset, C, request):
    X, y, Xte, _ = request.getfixturevalue(dataset)
    ypm = np.where(y == 1, 1.0, -1.0)
    ref = SVC(kernel="linear", C=C, tol=1e-7).fit(X, y)
    ours = LinearSVM(C=C).fit(X, y)
    assert ours.polished_
    # Tolerance: the polish stops at LIBSVM's KKT gap ≤ 1e-6 and SVC at 1e-7; a gap g moves
    # β by O(g·‖X‖) relative, so 1e-4 relative leaves a safety factor of ~10 over what we observe.
    rel = np.linalg.norm(ours.coef_ - ref.coef_) / np.linalg.norm(ref.coef_)
    assert rel <= 1e-4, rel
    assert ours.intercept_[0] == pytest.approx(ref.intercept_[0], rel=1e-3, abs=1e-3)
    p_ours = primal(X, ypm, ours.coef_[0], ours.intercept_[0], C)
    p_ref = primal(X, ypm, ref.coef_[0], ref.intercept_[0], C)
    assert p_ours <= p_ref * (1 + 1e-6)
    # the hinge + λ form with λ = 1/(2C) is the same objective divided by C
    assert ours.objective_ == pytest.approx(p_ours / C, rel=1e-10)
    assert ours.lambda_ == 1 / (2 * C)
    assert np.mean(ours.predict(Xte) == ref.predict(Xte)) >= 0.995


def test_subgradient_descent_alone_gets_close(blobs_2000):
    """Without the polish the subgradient method reaches the optimum's objective within 1%
    and β within a few percent (it converges slowly near the hinge's kink)."""
    X, y, _, _ = blobs_2000
    ypm = np.where(y == 1, 1.0, -1.0)
    ref = SVC(kernel="linear", C=1.0, tol=1e-7).fit(X, y)
    gd = LinearSVM(C=1.0, polish=False).fit(X, y)
    assert not gd.polished_
    p_ref = primal(X, ypm, ref.coef_[0], ref.intercept_[0], 1.0)
    p_gd = primal(X, ypm, gd.coef_[0], gd.intercept_[0], 1.0)
    assert p_ref <= p_gd <= 1.01 * p_ref
    assert np.linalg.norm(gd.coef_ - ref.coef_) / np.linalg.norm(ref.coef_) <= 0.05
    h = np.array(gd.loss_history_)
    assert len(h) == gd.n_iter_
    assert h[0] == pytest.approx(X.shape[0])  # β = 0: every hinge term is 1
    assert h.min() < 0.6 * h[0]
    assert gd.objective_ == pytest.approx(h.min())


def test_seed_lambda_scaling(blobs_2000):
    """The seed's ‖β‖² + C′Σεᵢ with λ = 1/C′ is sklearn's C = C′/2: check the factor 2."""
    X, y, _, _ = blobs_2000
    X, y = X[:500], y[:500]
    c_seed = 2.0
    ref = SVC(kernel="linear", C=c_seed / 2, tol=1e-7).fit(X, y)
    ours = LinearSVM(C=c_seed / 2).fit(X, y)
    assert ours.lambda_ == pytest.approx(1 / c_seed)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-4)
    other = SVC(kernel="linear", C=c_seed, tol=1e-7).fit(X, y)
    assert np.linalg.norm(other.coef_ - ref.coef_) > 1e-3 * np.linalg.norm(ref.coef_)


@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
def test_logistic_regression_matches_sklearn(blobs_2000, C):
    X, y, Xte, _ = blobs_2000
    ours = LogisticRegression(C=C).fit(X, y)
    ref = SkLogReg(C=C, solver="lbfgs", tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(ours.predict_proba(Xte), ref.predict_proba(Xte), atol=1e-6)
    assert np.array_equal(ours.predict(Xte), ref.predict(Xte))


def test_hinge_vs_logistic_similar_boundaries(blobs_2000):
    X, y, Xte, yte = blobs_2000
    svm = LinearSVM(C=1.0).fit(X, y)
    lr = LogisticRegression(C=1.0).fit(X, y)
    cos = (svm.coef_[0] @ lr.coef_[0]) / (np.linalg.norm(svm.coef_) * np.linalg.norm(lr.coef_))
    assert cos > 0.99
    assert abs(svm.score(Xte, yte) - lr.score(Xte, yte)) < 0.02


def test_large_n_presolve_matches_liblinear():
    """n = 30 000 > 20 000: subsample presolve + descent, no polish. Reference: liblinear's
    hinge-loss solver (its intercept is penalised through intercept_scaling=10, which makes
    that penalty negligible), compared by the objective ½‖β‖² + C Σ hinge."""
    import warnings

    from sklearn.datasets import make_blobs
    from sklearn.svm import LinearSVC

    X, y = make_blobs(30000, centers=[[-1.0, -0.5], [1.0, 0.5]], cluster_std=1.0, random_state=0)
    ypm = np.where(y == 1, 1.0, -1.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = LinearSVC(C=1.0, loss="hinge", intercept_scaling=10, tol=1e-8, max_iter=100_000).fit(X, y)
    p_ref = primal(X, ypm, ref.coef_[0], ref.intercept_[0], 1.0)
    ours = LinearSVM(C=1.0).fit(X, y)
    assert ours.presolved_ and not ours.polished_
    assert primal(X, ypm, ours.coef_[0], ours.intercept_[0], 1.0) <= p_ref * (1 + 1e-4)
    np.testing.assert_allclose(ours.coef_, ref.coef_, rtol=2e-2)
    # the presolve alone (one full-batch iteration after it) is already within 1%
    one = LinearSVM(C=1.0, max_iter=1).fit(X, y)
    assert primal(X, ypm, one.coef_[0], one.intercept_[0], 1.0) <= 1.01 * p_ref
    # without the presolve, one iteration from β = 0 is far off
    cold = LinearSVM(C=1.0, max_iter=1, presolve=False).fit(X, y)
    assert primal(X, ypm, cold.coef_[0], cold.intercept_[0], 1.0) > 1.05 * p_ref


def test_logistic_newton_reaches_tol_near_the_optimum():
    """Near the optimum Newton's predicted decrease falls below J's round-off; the line search
    must still take the step (it used to shrink it to nothing and stop at max_iter, warning)."""
    import warnings

    from coursekit.functional import sigmoid_forward
    from coursekit.svm import ConvergenceWarning

    rng = np.random.RandomState(0)
    X = rng.uniform(size=(30, 3))
    y = np.arange(30) % 3 == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = LogisticRegression(C=1.0, tol=1e-8).fit(X, y)
    assert model.n_iter_ < 20
    # the stopping rule holds: ‖∇J‖∞ ≤ tol, with ∇J = (β, 0) − C Xᵀ(y ⊙ σ(−y f))
    ypm = np.where(y, 1.0, -1.0)
    s = sigmoid_forward(-ypm * model.decision_function(X))
    grad = np.append(model.coef_[0] - X.T @ (ypm * s), -(ypm * s).sum())
    assert np.abs(grad).max() <= 1e-8
