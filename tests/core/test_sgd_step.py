"""Sequential.sgd_step (backward with the GD update fused in) and the BLAS call behind it.

The reference for every check is the unfused, documented path: ``backward`` followed by
``GD(lr).step(parameters(), gradients())``, and numpy's own ``@`` for the BLAS call.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

import coursekit._blas as blas
import coursekit.layers as L
from coursekit.losses import MSELoss, SoftmaxCrossEntropyLoss
from coursekit.optim import GD, Momentum
from coursekit.train import fit


def mlp(seed=0, d=7, h=11, c=4):
    return L.Sequential(L.Linear(d, h, init="he", rng=seed), L.ReLU(), L.Linear(h, 5, rng=seed + 1),
                        L.Tanh(), L.Linear(5, c, rng=seed + 2))


def batch(n, d=7, c=4, seed=0):
    r = np.random.default_rng(seed)
    return r.normal(size=(n, d)), r.integers(0, c, n)


def two_models(**kw):
    a, b = mlp(**kw), mlp(**kw)
    for (ka, va), (kb, vb) in zip(a.parameters().items(), b.parameters().items()):
        assert ka == kb and np.array_equal(va, vb)
    return a, b


@pytest.fixture
def no_fused(monkeypatch):
    """The path taken where numpy's BLAS cannot be called directly."""
    monkeypatch.setitem(blas._state, "checked", True)
    monkeypatch.setitem(blas._state, "fn", None)
    assert not blas.available()


def unfused_step(model, x, y, lr, loss=SoftmaxCrossEntropyLoss()):
    _, d = loss(model.forward(x), y)
    dx = model.backward(d)
    GD(lr=lr).step(model.parameters(), model.gradients())
    return dx


def fused_step(model, x, y, lr, loss=SoftmaxCrossEntropyLoss()):
    _, d = loss(model.forward(x), y)
    return model.sgd_step(d, lr, input_grad=True)


def test_fused_call_is_available_with_the_locked_numpy():
    # The locked numpy wheel ships OpenBLAS; if this fails the optimisation silently
    # disappeared (everything would still be correct, only slower).
    assert blas.available()


@pytest.mark.parametrize("n", [1, 3, 64, 256])
def test_sgd_step_equals_backward_then_gd_bit_for_bit(n):
    a, b = two_models(seed=n)
    x, y = batch(n, seed=n)
    for _ in range(3):
        dx_a = unfused_step(a, x, y, 0.3)
        dx_b = fused_step(b, x, y, 0.3)
        np.testing.assert_array_equal(dx_a, dx_b)  # dx uses the weights before the step
        for k, v in a.parameters().items():
            np.testing.assert_array_equal(b.parameters()[k], v, err_msg=k)


def test_sgd_step_with_large_batches_agrees_to_rounding():
    a, b = two_models(seed=5)
    x, y = batch(700, seed=5)
    for _ in range(3):
        unfused_step(a, x, y, 0.1)
        fused_step(b, x, y, 0.1)
    for k, v in a.parameters().items():
        np.testing.assert_allclose(b.parameters()[k], v, rtol=1e-13, atol=1e-15, err_msg=k)
        assert not np.array_equal(v, mlp(seed=5).parameters()[k])  # it did train


def test_fallback_without_the_fused_call_is_bit_identical_and_keeps_gradients(no_fused):
    a, b = two_models(seed=2)
    x, y = batch(300, seed=2)
    unfused_step(a, x, y, 0.2)
    fused_step(b, x, y, 0.2)
    for k, v in a.parameters().items():
        np.testing.assert_array_equal(b.parameters()[k], v, err_msg=k)
    assert list(b.gradients()) == list(b.parameters())
    for k, g in a.gradients().items():
        np.testing.assert_array_equal(b.gradients()[k], g, err_msg=k)


def test_weight_gradients_are_not_kept_after_a_fused_step_and_come_back_with_backward():
    model = mlp()
    x, y = batch(10)
    loss = SoftmaxCrossEntropyLoss()
    _, d = loss(model.forward(x), y)
    assert model.sgd_step(d, 0.1) is None  # input_grad=False by default
    assert list(model.gradients()) == ["0.b", "2.b", "4.b"]
    _, d = loss(model.forward(x), y)
    model.backward(d)
    assert list(model.gradients()) == list(model.parameters())
    assert all(np.all(np.isfinite(g)) for g in model.gradients().values())


def test_bias_gradients_after_a_fused_step_are_those_of_backward():
    a, b = two_models(seed=3)
    x, y = batch(9, seed=3)
    loss = SoftmaxCrossEntropyLoss()
    _, d = loss(a.forward(x), y)
    a.backward(d)
    _, d = loss(b.forward(x), y)
    b.sgd_step(d, 0.1)
    for k in ("0.b", "2.b", "4.b"):
        np.testing.assert_array_equal(b.gradients()[k], a.gradients()[k])


class Scale(L.Layer):
    """A layer with a parameter that is not a Linear: y = s ⊙ z."""

    def __init__(self, m):
        super().__init__()
        self.params = {"s": np.linspace(0.5, 1.5, m)}
        self.grads = {"s": np.zeros(m)}

    def forward(self, z):
        self._z = z
        return z * self.params["s"]

    def backward(self, dout):
        self.grads["s"][...] = (dout * self._z).sum(axis=0)
        return dout * self.params["s"]


def test_other_layers_with_parameters_get_the_same_update():
    def make():
        return L.Sequential(L.Linear(3, 4, rng=0), Scale(4), L.Sigmoid(), L.Linear(4, 2, rng=1))

    a, b = make(), make()
    x = np.random.default_rng(0).normal(size=(6, 3))
    y = np.random.default_rng(1).normal(size=(6, 2))
    for _ in range(2):
        unfused_step(a, x, y, 0.5, loss=MSELoss())
        fused_step(b, x, y, 0.5, loss=MSELoss())
    for k, v in a.parameters().items():
        np.testing.assert_array_equal(b.parameters()[k], v, err_msg=k)
    assert not np.array_equal(b.parameters()["1.s"], np.linspace(0.5, 1.5, 4))


@pytest.mark.parametrize("lr", [0, -0.1, float("nan")])
def test_sgd_step_rejects_a_bad_learning_rate(lr):
    model = mlp()
    x, y = batch(4)
    _, d = SoftmaxCrossEntropyLoss()(model.forward(x), y)
    with pytest.raises(ValueError, match="lr"):
        model.sgd_step(d, lr)


def test_sgd_step_before_forward_raises():
    with pytest.raises(RuntimeError, match="forward"):
        mlp().sgd_step(np.zeros((2, 4)), 0.1)


def test_fit_with_gd_is_the_documented_loop():
    """fit(GD) takes the fused path; its result is the loop backward + GD.step, bit for bit."""
    x, y = batch(200, seed=7)
    a, b = two_models(seed=7)
    fit(a, "softmax_cross_entropy", x, y, GD(lr=0.2), epochs=3, batch_size=32, seed=1, progress=False)
    assert list(a.gradients()) == ["0.b", "2.b", "4.b"]  # it was fused
    rng = np.random.default_rng(1)
    loss, opt = SoftmaxCrossEntropyLoss(), GD(lr=0.2)
    for _ in range(3):
        order = rng.permutation(200)
        for s in range(0, 200, 32):
            idx = order[s:s + 32]
            _, d = loss(b.forward(x[idx]), y[idx])
            b.backward(d)
            opt.step(b.parameters(), b.gradients())
    for k, v in b.parameters().items():
        np.testing.assert_array_equal(a.parameters()[k], v, err_msg=k)


def test_fit_with_other_optimizers_or_gd_subclasses_calls_step():
    calls = []

    class LoggingGD(GD):
        def step(self, params, grads):
            calls.append(sorted(grads))
            super().step(params, grads)

    x, y = batch(40)
    fit(mlp(), "softmax_cross_entropy", x, y, LoggingGD(lr=0.1), epochs=1, batch_size=20, progress=False)
    assert len(calls) == 2 and calls[0] == ["0.W", "0.b", "2.W", "2.b", "4.W", "4.b"]
    model = mlp()
    fit(model, "softmax_cross_entropy", x, y, Momentum(lr=0.1), epochs=1, batch_size=20, progress=False)
    assert list(model.gradients()) == list(model.parameters())


# ------------------------------------------------------------------ the BLAS call itself
@pytest.mark.parametrize("trans_a", [False, True])
@pytest.mark.parametrize("m,k,d", [(1, 1, 1), (3, 5, 2), (17, 300, 9), (64, 40, 130)])
def test_gemm_update_matches_numpy(trans_a, m, k, d):
    r = np.random.default_rng(m * k * d)
    A = r.normal(size=(k, m) if trans_a else (m, k))
    B, C = r.normal(size=(k, d)), r.normal(size=(m, d))
    want = C - 0.7 * ((A.T if trans_a else A) @ B)
    A0, B0 = A.copy(), B.copy()
    assert blas.gemm_update(C, A, B, -0.7, trans_a=trans_a) is True
    np.testing.assert_allclose(C, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(A, A0)
    np.testing.assert_array_equal(B, B0)


@pytest.mark.parametrize("case", ["fortran C", "strided A", "float32 B", "shape", "readonly C", "empty"])
def test_gemm_update_declines_what_it_cannot_do_and_leaves_c_alone(case):
    r = np.random.default_rng(0)
    A, B, C = r.normal(size=(4, 3)), r.normal(size=(3, 5)), r.normal(size=(4, 5))
    if case == "fortran C":
        C = np.asfortranarray(C)
    elif case == "strided A":
        A = r.normal(size=(4, 6))[:, ::2]
    elif case == "float32 B":
        B = B.astype(np.float32)
    elif case == "shape":
        B = r.normal(size=(2, 5))
    elif case == "readonly C":
        C.flags.writeable = False
    elif case == "empty":
        A, B, C = np.zeros((4, 0)), np.zeros((0, 5)), np.ones((4, 5))
    C0 = C.copy()
    assert blas.gemm_update(C, A, B, -1.0) is False
    np.testing.assert_array_equal(C, C0)


def test_environment_variable_turns_the_fused_call_off():
    code = ("import coursekit._blas as b, numpy as np; C = np.ones((2, 2)); "
            "print(b.available(), b.gemm_update(C, np.ones((2, 2)), np.ones((2, 2)), -1.0), C.sum())")
    env = dict(os.environ, COURSEKIT_FUSED_GEMM="0")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "4.0"]
