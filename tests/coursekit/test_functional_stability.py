"""Huge inputs without warnings, no input mutation, the ReLU-at-0 convention."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import functional as F
from coursekit import layers as L
from coursekit import losses
from coursekit.train import fit
from coursekit.optim import GD

HUGE = np.array([[1000.0, -1000.0, 0.0], [-1500.0, 2000.0, 1999.0]])


def test_softmax_and_cross_entropy_with_huge_logits(strict):
    with strict():
        y = F.softmax_forward(HUGE)
        logp = F.log_softmax(HUGE)
        loss, dlogits = F.softmax_cross_entropy(HUGE, np.array([1, 2]))
        dz = F.softmax_backward(np.ones_like(HUGE), HUGE)
        layer_out = L.Softmax().forward(HUGE)
    np.testing.assert_allclose(y[0], [1.0, 0.0, 0.0], atol=1e-300)
    np.testing.assert_allclose(y.sum(axis=1), 1.0)
    # row 0: −log softmax[1] = 1000 − (−1000) = 2000; row 1: logsumexp(2000, 1999) − 1999
    lse1 = 2000.0 + np.log1p(np.exp(-1.0))
    assert loss == pytest.approx((2000.0 + (lse1 - 1999.0)) / 2, rel=1e-12)
    np.testing.assert_allclose(logp[1], HUGE[1] - lse1, rtol=1e-12)
    assert np.all(np.isfinite(dlogits)) and np.all(np.isfinite(dz))
    np.testing.assert_allclose(dz, 0.0, atol=1e-12)  # ones upstream: softmax sums to 1, no gradient
    np.testing.assert_allclose(layer_out, y)


def test_sigmoid_softplus_bce_with_logits_for_huge_z(strict):
    z = np.array([[-1000.0, -745.0, 0.0, 745.0, 1000.0, 1e6]])
    with strict():
        s = F.sigmoid_forward(z)
        ds = F.sigmoid_backward(np.ones_like(z), z)
        sp = F.softplus_forward(z)
        dsp = F.softplus_backward(np.ones_like(z), z)
        loss, dl = F.bce_with_logits(z.T, np.array([[1.0], [1], [0], [0], [1], [0]]))
        L.Sigmoid().forward(z)
        L.Softplus().forward(z)
    np.testing.assert_allclose(s[0, [0, 2, 4, 5]], [0.0, 0.5, 1.0, 1.0], atol=1e-300)
    assert np.all(np.isfinite(ds)) and np.all(ds >= 0)
    np.testing.assert_allclose(sp[0, [2, 3, 4, 5]], [np.log(2.0), 745.0, 1000.0, 1e6], rtol=1e-15)
    assert 0.0 <= sp[0, 0] < 1e-300
    np.testing.assert_allclose(dsp, s)
    # −log σ(−1000) = 1000 for y=1 at z=−1000; −log(1 − σ(745)) ≈ 745; −log(1−σ(1e6)) = 1e6
    expect = (1000.0 + (745.0) + np.log(2.0) + 745.0 + 0.0 + 1e6) / 6
    assert loss == pytest.approx(expect, rel=1e-12)
    assert np.all(np.isfinite(dl))


def test_relu_derivative_at_zero_is_zero():
    z = np.array([[-1.0, 0.0, 1.0], [0.0, -0.0, 2.0]])
    dout = np.full_like(z, 3.0)
    np.testing.assert_array_equal(F.relu_backward(dout, z), [[0, 0, 3], [0, 0, 3]])
    relu = L.ReLU()
    relu.forward(z)
    np.testing.assert_array_equal(relu.backward(dout), [[0, 0, 3], [0, 0, 3]])


def _cases(rng):
    x, W, b = rng.normal(size=(3, 4)), rng.normal(size=(2, 4)), rng.normal(size=2)
    z, d = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    y = np.array([0, 4, 2])
    p = rng.uniform(0.1, 0.9, 3)
    yb = np.array([0.0, 1.0, 1.0])
    ypm = np.array([1.0, -1.0, 1.0])
    params = {"W1": rng.normal(size=(6, 4)), "b1": rng.normal(size=6), "W2": rng.normal(size=(3, 6)),
              "b2": rng.normal(size=3)}
    probs = F.softmax_forward(z)
    return [
        (F.linear_forward, (x, W, b)), (F.linear_backward, (rng.normal(size=(3, 2)), x, W)),
        (F.sigmoid_forward, (z,)), (F.sigmoid_backward, (d, z)), (F.tanh_forward, (z,)), (F.tanh_backward, (d, z)),
        (F.relu_forward, (z,)), (F.relu_backward, (d, z)), (F.softplus_forward, (z,)), (F.softplus_backward, (d, z)),
        (F.softmax_forward, (z,)), (F.softmax_backward, (d, z)), (F.log_softmax, (z,)),
        (F.mse_loss, (z, d)), (F.bce_loss, (p, yb)), (F.softmax_cross_entropy, (z, y)),
        (F.cross_entropy, (probs, y)), (F.hinge_loss, (p, ypm)), (F.mlp_loss_and_grads, (params, x, np.array([0, 2, 1]))),
        (F.bce_with_logits, (p, yb)), (losses.MSELoss(), (z, d)), (losses.BCELoss(), (p, yb)),
        (losses.BCEWithLogitsLoss(), (p, yb)), (losses.CrossEntropyLoss(), (probs, y)),
        (losses.SoftmaxCrossEntropyLoss(), (z, y)), (losses.HingeLoss(), (p, ypm)),
    ]


def _flat_arrays(args):
    out = []
    for a in args:
        out.extend(a.values() if isinstance(a, dict) else [a])
    return out


def test_no_function_modifies_its_inputs(fd, rng):
    for fn, args in _cases(rng):
        before = fd.digest(*_flat_arrays(args))
        fn(*args)
        assert fd.digest(*_flat_arrays(args)) == before, getattr(fn, "__name__", fn)


def test_layers_and_fit_do_not_modify_data(fd, rng):
    x, y = rng.normal(size=(20, 3)), rng.integers(0, 3, 20)
    model = L.Sequential(L.Linear(3, 5, rng=0), L.Tanh(), L.Linear(5, 4, rng=1), L.ReLU(),
                         L.Linear(4, 3, rng=2), L.Softmax())
    before = fd.digest(x, y)
    out = model.forward(x)
    d = rng.normal(size=out.shape)
    dd = fd.digest(d)
    model.backward(d)
    assert fd.digest(d) == dd
    fit(model, losses.CrossEntropyLoss(), x, y, GD(0.1), epochs=2, batch_size=7, X_val=x, y_val=y, progress=False)
    assert fd.digest(x, y) == before
