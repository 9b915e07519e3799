"""Losses and kernels against independent implementations (scikit-learn, scipy)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special
from sklearn.metrics import hinge_loss, log_loss, mean_squared_error

from coursekit import functional as F
from coursekit import losses


@pytest.fixture(params=[(1, 3), (7, 4), (30, 10)], ids=str)
def shape(request):
    return request.param


def test_softmax_logsoftmax_sigmoid_softplus_vs_scipy(rng, shape):
    z = rng.normal(scale=5, size=shape)
    np.testing.assert_allclose(F.softmax_forward(z), special.softmax(z, axis=1), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(F.log_softmax(z), z - special.logsumexp(z, axis=1, keepdims=True), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(F.sigmoid_forward(z), special.expit(z), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(F.softplus_forward(z), np.logaddexp(0.0, z), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(F.tanh_forward(z), np.tanh(z))
    d = rng.normal(size=shape)
    e = special.expit(z)
    np.testing.assert_allclose(F.sigmoid_backward(d, z), d * e * (1 - e), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(F.softplus_backward(d, z), d * e, rtol=1e-12, atol=1e-300)


def test_cross_entropies_vs_sklearn_log_loss(rng, shape):
    n, c = shape
    logits = rng.normal(scale=2, size=shape)
    y = rng.integers(0, c, n)
    probs = special.softmax(logits, axis=1)
    ref = log_loss(y, probs, labels=np.arange(c))
    loss, dlogits = F.softmax_cross_entropy(logits, y)
    assert loss == pytest.approx(ref, rel=1e-10)
    onehot = np.eye(c)[y]
    np.testing.assert_allclose(dlogits, (probs - onehot) / n, rtol=1e-10, atol=1e-15)
    assert losses.SoftmaxCrossEntropyLoss()(logits, y)[0] == pytest.approx(ref, rel=1e-10)
    assert losses.CrossEntropyLoss()(probs, y)[0] == pytest.approx(ref, rel=1e-10)


def test_binary_cross_entropies_vs_sklearn_log_loss(rng):
    n = 25
    z = rng.normal(scale=3, size=n)
    y = rng.integers(0, 2, n)
    y[:2] = [0, 1]
    p = special.expit(z)
    ref = log_loss(y, p)
    assert F.bce_loss(p, y)[0] == pytest.approx(ref, rel=1e-10)
    assert losses.BCELoss()(p[:, None], y)[0] == pytest.approx(ref, rel=1e-10)
    loss, dz = losses.BCEWithLogitsLoss()(z[:, None], y)
    assert loss == pytest.approx(ref, rel=1e-10)
    np.testing.assert_allclose(dz[:, 0], (p - y) / n, rtol=1e-12, atol=1e-16)


def test_mse_vs_sklearn(rng, shape):
    pred, target = rng.normal(size=shape), rng.normal(size=shape)
    # coursekit sums over the K outputs and averages over the N examples; sklearn averages over both
    assert F.mse_loss(pred, target)[0] == pytest.approx(shape[1] * mean_squared_error(target, pred), rel=1e-12)
    assert F.mse_loss(pred[:, 0], target[:, 0])[0] == pytest.approx(
        mean_squared_error(target[:, 0], pred[:, 0]), rel=1e-12)
    loss, d = losses.MSELoss()(pred[:, :1], target[:, 0])
    assert loss == pytest.approx(mean_squared_error(target[:, 0], pred[:, 0]), rel=1e-12)
    np.testing.assert_allclose(d[:, 0], 2 * (pred[:, 0] - target[:, 0]) / shape[0], rtol=1e-12)


def test_hinge_vs_sklearn(rng):
    n = 40
    s = rng.normal(scale=2, size=n)
    y = rng.choice([-1, 1], n)
    y[:2] = [-1, 1]
    assert F.hinge_loss(s, y)[0] == pytest.approx(hinge_loss(y, s), rel=1e-12)
    loss, ds = losses.HingeLoss()(s[:, None], y)
    assert loss == pytest.approx(hinge_loss(y, s), rel=1e-12)
    assert ds.shape == (n, 1)
    np.testing.assert_allclose(ds[:, 0], np.where(y * s < 1, -y / n, 0.0))
    # subgradient 0 exactly at the margin
    assert F.hinge_loss(np.array([1.0, -1.0]), np.array([1.0, -1.0]))[1].tolist() == [0.0, 0.0]
