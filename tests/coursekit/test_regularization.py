"""coursekit.regularization and the penalty/dropout kernels of coursekit.functional (lecture 06),
checked against scikit-learn's Ridge, finite differences and hand-written updates."""

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from coursekit import functional as F
from coursekit import optim
from coursekit.gradcheck import check_vjp
from coursekit.regularization import WeightDecay, polynomial_features, ridge_fit, ridge_predict


def test_ridge_fit_is_sklearns_ridge():
    rng = np.random.default_rng(0)
    Phi, y = rng.standard_normal((40, 6)), rng.standard_normal(40)
    for lam in (0.0, 1e-3, 0.5):
        ref = Ridge(alpha=40 * lam, fit_intercept=False, solver="svd").fit(Phi, y) if lam else None
        beta = ridge_fit(Phi, y, lam)
        expected = ref.coef_ if lam else np.linalg.lstsq(Phi, y, rcond=None)[0]
        np.testing.assert_allclose(beta, expected, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(ridge_predict(Phi, beta), Phi @ expected, atol=1e-9)


def test_polynomial_features_span_the_powers():
    x = np.linspace(-1, 1, 9)
    Phi = polynomial_features(x, 4)
    assert Phi.shape == (9, 5)
    powers = np.vander(x, 5, increasing=True)
    coef = np.linalg.lstsq(Phi, powers, rcond=None)[0]       # each power is a combination of P0..P4
    np.testing.assert_allclose(Phi @ coef, powers, atol=1e-12)
    with pytest.raises(ValueError, match=r"x: expected values in \[-1, 1\]"):
        polynomial_features(np.array([0.0, 2.0]), 3)


def test_l2_penalty_value_and_gradient():
    W = np.random.default_rng(1).standard_normal((3, 4))
    value, dW = F.l2_penalty(W, 0.3)
    assert value == pytest.approx(0.15 * np.sum(W**2))
    report = check_vjp(lambda W: F.l2_penalty(W, 0.3)[0], {"W": dW}, {"W": W})
    assert report.passed, report
    with pytest.raises(ValueError, match="lam: expected a number ≥ 0"):
        F.l2_penalty(W, -1.0)


def test_weight_decay_step_is_gd_on_the_penalised_loss():
    rng = np.random.default_rng(2)
    params = {"0.W": rng.standard_normal((2, 3)), "0.b": rng.standard_normal(2)}
    grads = {"0.W": rng.standard_normal((2, 3)), "0.b": rng.standard_normal(2)}
    before = {k: v.copy() for k, v in params.items()}
    opt = WeightDecay(optim.GD(lr=0.1), lam=0.5)
    opt.step(params, grads)
    # W ← (1 − ηλ) W − η ∇L ; biases are not decayed
    np.testing.assert_allclose(params["0.W"], (1 - 0.05) * before["0.W"] - 0.1 * grads["0.W"])
    np.testing.assert_allclose(params["0.b"], before["0.b"] - 0.1 * grads["0.b"])
    assert opt.penalty(params) == pytest.approx(0.25 * np.sum(params["0.W"] ** 2))
    opt.lr = 0.2
    assert opt.optimizer.lr == 0.2
    with pytest.raises(TypeError, match="optimizer"):
        WeightDecay(object(), 0.1)


def test_dropout_mask_expectation_and_backward():
    rng = np.random.default_rng(0)
    m = F.dropout_mask((400, 500), 0.3, rng)
    assert set(np.unique(m)) == {0.0, 1 / 0.7}
    assert m.mean() == pytest.approx(1.0, abs=0.01)
    assert np.mean(m == 0) == pytest.approx(0.3, abs=0.01)
    x = rng.standard_normal((5, 7))
    m = F.dropout_mask(x.shape, 0.5, rng)
    dout = rng.standard_normal(x.shape)
    report = check_vjp(lambda x: F.dropout_forward(x, m), {"x": F.dropout_backward(dout, m)}, {"x": x}, dout=dout)
    assert report.passed, report
    with pytest.raises(ValueError, match=r"p: expected a number in \[0.0, 1.0\)"):
        F.dropout_mask((2, 2), 1.0, rng)
    with pytest.raises(TypeError, match="rng"):
        F.dropout_mask((2, 2), 0.5, 0)
    with pytest.raises(ValueError, match="m"):
        F.dropout_forward(x, m[:, :3])
