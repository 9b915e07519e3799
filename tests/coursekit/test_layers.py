"""Layers and Sequential: backward vs finite differences, agreement with functional, API."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coursekit import functional as F
from coursekit import layers as L
from coursekit.losses import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss, MSELoss,
                              SoftmaxCrossEntropyLoss)
from coursekit.optim import GD

settings.load_profile("coursekit")


def close(a, b, rtol=1e-5, atol=1e-7):
    np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


ACTIVATIONS = [*L.ACTIVATIONS.values(), L.Softmax]  # every activation layer


@pytest.mark.parametrize("cls", ACTIVATIONS, ids=lambda c: c.__name__)
@given(n=st.integers(1, 5), c=st.integers(1, 6), seed=st.integers(0, 2**31))
def test_activation_layer_backward_matches_fd(fd, cls, n, c, seed):
    r = np.random.default_rng(seed)
    z = fd.away_from(r.normal(scale=3, size=(n, c)), (0.0,), margin=1e-3)
    dout = r.normal(size=(n, c))
    layer = cls()
    layer.forward(z)
    dz = layer.backward(dout)
    close(dz, fd.num_grad(lambda: np.sum(cls().forward(z) * dout), z))


@given(n=st.integers(1, 5), d=st.integers(1, 6), m=st.integers(1, 6), seed=st.integers(0, 2**31),
       init=st.sampled_from(["uniform", "xavier", "he"]))
def test_linear_layer_backward_matches_fd(fd, n, d, m, seed, init):
    r = np.random.default_rng(seed)
    layer = L.Linear(d, m, init=init, rng=seed)
    layer.params["b"][:] = r.normal(size=m)
    x, dout = r.normal(size=(n, d)), r.normal(size=(n, m))
    layer.forward(x)
    dx = layer.backward(dout)
    f = lambda: np.sum(layer.forward(x) * dout)  # noqa: E731
    close(dx, fd.num_grad(f, x))
    close(layer.grads["W"], fd.num_grad(f, layer.params["W"]))
    close(layer.grads["b"], fd.num_grad(f, layer.params["b"]))


@pytest.mark.parametrize("n,d,m", [(1, 4, 3), (6, 5, 2), (3, 1, 7)])
def test_linear_and_relu_hot_path_equal_functional_kernels(rng, n, d, m):
    layer = L.Linear(d, m, rng=0)
    layer.params["b"][:] = rng.normal(size=m)
    x, dout = rng.normal(size=(n, d)), rng.normal(size=(n, m))
    np.testing.assert_array_equal(layer.forward(x), F.linear_forward(x, layer.params["W"], layer.params["b"]))
    dx = layer.backward(dout)
    fdx, fdW, fdb = F.linear_backward(dout, x, layer.params["W"])
    np.testing.assert_allclose(dx, fdx, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(layer.grads["W"], fdW, rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(layer.grads["b"], fdb, rtol=1e-14, atol=1e-14)
    assert layer.backward(dout, need_dx=False) is None

    z = rng.normal(size=(n, m))
    z[0, 0] = 0.0
    relu = L.ReLU()
    np.testing.assert_array_equal(relu.forward(z), F.relu_forward(z))
    np.testing.assert_array_equal(relu.backward(dout), F.relu_backward(dout, z))
    assert relu.backward(np.ones_like(z))[0, 0] == 0.0  # derivative at exactly 0 is 0


NETS = {
    "mse-tanh": (lambda: L.Sequential(L.Linear(3, 4, rng=0), L.Tanh(), L.Linear(4, 2, rng=1)), MSELoss(), "reg2"),
    "bce-sigmoid": (lambda: L.Sequential(L.Linear(3, 5, rng=0), L.Softplus(), L.Linear(5, 1, rng=1), L.Sigmoid()),
                    BCELoss(), "bin"),
    "bce-logits": (lambda: L.Sequential(L.Linear(3, 4, rng=0), L.Sigmoid(), L.Linear(4, 1, rng=1)),
                   BCEWithLogitsLoss(), "bin"),
    "ce-softmax": (lambda: L.Sequential(L.Linear(3, 4, rng=0), L.Tanh(), L.Linear(4, 3, rng=1), L.Softmax()),
                   CrossEntropyLoss(), "cls3"),
    "fused-ce-relu": (lambda: L.Sequential(L.Linear(3, 6, init="he", rng=0), L.ReLU(), L.Linear(6, 3, rng=1)),
                      SoftmaxCrossEntropyLoss(), "cls3"),
    "hinge": (lambda: L.Sequential(L.Linear(3, 4, rng=0), L.Tanh(), L.Linear(4, 1, rng=1)), HingeLoss(), "pm1"),
}


def targets(kind, n, r):
    return {"reg2": r.normal(size=(n, 2)), "bin": r.integers(0, 2, n), "cls3": r.integers(0, 3, n),
            "pm1": r.choice([-1, 1], n)}[kind]


@pytest.mark.parametrize("name", list(NETS))
@pytest.mark.parametrize("n", [1, 5])
def test_sequential_gradients_match_fd(fd, name, n):
    make, loss, kind = NETS[name]
    model = make()
    r = np.random.default_rng(n)
    x, y = r.normal(size=(n, 3)), targets(kind, n, r)
    for v in model.parameters().values():  # nonzero biases too
        v[...] += 0.1 * r.normal(size=v.shape)
    out = model.forward(x)
    _, dout = loss(out, y)
    assert dout.shape == out.shape
    dx = model.backward(dout)
    grads = {k: g.copy() for k, g in model.gradients().items()}
    f = lambda: loss(model.forward(x), y)[0]  # noqa: E731
    if kind == "pm1":
        assert np.min(np.abs(1 - y * model.forward(x)[:, 0])) > 1e-4
    params = model.parameters()
    assert set(grads) == set(params)
    for k, p in params.items():
        close(grads[k], fd.num_grad(f, p))
    close(dx, fd.num_grad(f, x))


def test_parameters_are_live_and_optimizer_trains_in_place(rng):
    model = L.Sequential(L.Linear(4, 3, rng=0), L.ReLU(), L.Linear(3, 2, rng=1))
    params = model.parameters()
    assert list(params) == ["0.W", "0.b", "2.W", "2.b"]
    assert list(model.gradients()) == list(params)
    assert params["0.W"] is model[0].params["W"]
    assert model.n_params == 4 * 3 + 3 + 3 * 2 + 2
    before = {k: v.copy() for k, v in params.items()}
    x, y = rng.normal(size=(5, 4)), rng.integers(0, 2, 5)
    _, d = SoftmaxCrossEntropyLoss()(model.forward(x), y)
    model.backward(d)
    grads = {k: v.copy() for k, v in model.gradients().items()}
    GD(lr=0.5).step(model.parameters(), model.gradients())
    for k in before:
        np.testing.assert_allclose(model.parameters()[k], before[k] - 0.5 * grads[k], rtol=1e-14, atol=1e-15)
        assert model.parameters()[k] is params[k]


def test_input_grad_false_skips_only_dx(rng):
    model = L.Sequential(L.Linear(4, 3, rng=0), L.ReLU(), L.Linear(3, 2, rng=1))
    x, d = rng.normal(size=(5, 4)), rng.normal(size=(5, 2))
    model.forward(x)
    dx = model.backward(d)
    g1 = {k: v.copy() for k, v in model.gradients().items()}
    model.forward(x)
    assert model.backward(d, input_grad=False) is None
    for k, v in model.gradients().items():
        np.testing.assert_array_equal(v, g1[k])
    assert dx.shape == x.shape


@pytest.mark.parametrize("cls,values", [(L.Step, [0.0, 1.0, 1.0]), (L.Sign, [-1.0, 1.0, 1.0])])
def test_threshold_units_forward_and_backward_error(cls, values):
    layer = cls()
    np.testing.assert_array_equal(layer.forward(np.array([[-2.0, 0.0, 3.0]])), [values])
    with pytest.raises(L.NotDifferentiableError, match="0 almost everywhere.*undefined at 0"):
        layer.backward(np.ones((1, 3)))


def test_backward_before_forward_is_a_clear_error():
    with pytest.raises(RuntimeError, match="forward"):
        L.Sigmoid().backward(np.ones((2, 2)))
    with pytest.raises(RuntimeError, match="forward"):
        L.Linear(2, 2, rng=0).backward(np.ones((2, 2)))


def test_predict_and_predict_proba(rng):
    x = rng.normal(size=(6, 2))
    W = np.array([[1.0, -1.0], [0.5, 2.0], [-1.0, 0.0]])
    b = np.array([0.1, -0.2, 0.3])
    logits = x @ W.T + b
    multi = L.Sequential(L.Linear.from_weights(W, b))
    np.testing.assert_array_equal(multi.predict(x), logits.argmax(axis=1))
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    close(multi.predict_proba(x), e / e.sum(axis=1, keepdims=True), rtol=1e-12, atol=1e-15)
    soft = L.Sequential(L.Linear.from_weights(W, b), L.Softmax())
    close(soft.predict_proba(x), e / e.sum(axis=1, keepdims=True), rtol=1e-12, atol=1e-15)

    w1, b1 = np.array([[2.0, -1.0]]), np.array([0.25])
    s = x @ w1[0] + b1[0]
    binary = L.Sequential(L.Linear.from_weights(w1, b1), L.Sigmoid())
    np.testing.assert_array_equal(binary.predict(x), (s > 0).astype(int))
    close(binary.predict_proba(x)[:, 1], 1 / (1 + np.exp(-s)), rtol=1e-12, atol=1e-15)
    sign = L.Sequential(L.Linear.from_weights(w1, b1), L.Sign())
    np.testing.assert_array_equal(sign.predict(x), np.where(s >= 0, 1, -1))


def test_repr_and_container():
    model = L.Sequential(L.Linear(784, 512, init="he", rng=0), L.ReLU(), L.Linear(512, 10, rng=1))
    text = repr(model)
    assert "Linear(784 → 512, init='he')" in text and "ReLU()" in text and "407,050" in text
    assert len(model) == 3 and isinstance(model[1], L.ReLU)
    assert model.n_params == 784 * 512 + 512 + 512 * 10 + 10


def test_linear_init_is_seeded_and_uses_the_rule(rng):
    a, b = L.Linear(50, 40, rng=7), L.Linear(50, 40, rng=7)
    np.testing.assert_array_equal(a.params["W"], b.params["W"])
    assert not np.array_equal(a.params["W"], L.Linear(50, 40, rng=8).params["W"])
    c = np.sqrt(3 / 50)
    assert np.abs(a.params["W"]).max() <= c and np.abs(a.params["W"]).max() > 0.9 * c
    np.testing.assert_array_equal(a.params["b"], 0.0)
