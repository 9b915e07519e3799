"""Momentum, Nesterov, AdaGrad, RMSprop and Adam equal hand-written loops of torch.optim's
DOCUMENTED update rules (the pseudo-code in the torch.optim docs), float64, to 1e-12.

The references below are written from the docs, scalar-style, without calling coursekit.optim.
They run on two parameter arrays at once (a (3,) vector and a (2, 2) matrix with its own
quadratic) so per-key state is exercised.
"""

import math

import numpy as np
import pytest

from coursekit import optim

N_STEPS = 60


def _problem(quad3):
    A, b, w0 = quad3
    M0 = np.array([[1.0, -2.0], [0.5, 3.0]])
    C = np.array([[2.0, 0.3], [0.3, 1.0]])

    def grads(p):
        # E = ½wᵀAw + bᵀw + ½ tr(Mᵀ C M) … gradients: Aw + b and C M
        return {"w": A @ p["w"] + b, "M": C @ p["M"]}

    return {"w": w0.copy(), "M": M0.copy()}, grads


def _run_coursekit(opt, quad3):
    params, grads = _problem(quad3)
    out = []
    for _ in range(N_STEPS):
        opt.step(params, grads(params))
        out.append({k: v.copy() for k, v in params.items()})
    return out


def _run_reference(update, quad3):
    """update(key, θ, g, state, t) -> new θ; state is a per-key dict, t = 1, 2, …"""
    params, grads = _problem(quad3)
    state = {k: {} for k in params}
    out = []
    for t in range(1, N_STEPS + 1):
        g = grads(params)
        params = {k: update(params[k].copy(), g[k], state[k], t) for k in params}
        out.append({k: v.copy() for k, v in params.items()})
    return out


def _assert_same(ours, ref):
    assert len(ours) == len(ref)
    for a, r in zip(ours, ref):
        for k in r:
            np.testing.assert_allclose(a[k], r[k], rtol=0, atol=1e-12)
    # and the runs actually moved
    assert np.max(np.abs(ours[-1]["w"] - ours[0]["w"])) > 1e-3


def torch_sgd(lr, momentum, nesterov):
    # torch.optim.SGD docs (dampening 0, weight_decay 0):
    #   if μ ≠ 0: if t > 1: b_t ← μ b_{t−1} + (1 − τ) g_t  else: b_t ← g_t
    #             if nesterov: g_t ← g_t + μ b_t  else: g_t ← b_t
    #   θ_t ← θ_{t−1} − γ g_t
    def update(theta, g, st, t):
        b = g.copy() if t == 1 else momentum * st["b"] + g
        st["b"] = b
        g = g + momentum * b if nesterov else b
        return theta - lr * g
    return update


def torch_adagrad(lr, eps):
    # torch.optim.Adagrad docs (lr_decay 0, weight_decay 0, initial_accumulator_value 0):
    #   γ̃ ← γ / (1 + (t − 1)η);  state_sum_t ← state_sum_{t−1} + g_t²
    #   θ_t ← θ_{t−1} − γ̃ g_t / (√state_sum_t + ε)
    def update(theta, g, st, t):
        s = st.get("sum", np.zeros_like(g)) + g * g
        st["sum"] = s
        return theta - lr * g / (np.sqrt(s) + eps)
    return update


def torch_rmsprop(lr, alpha, eps):
    # torch.optim.RMSprop docs (not centered, momentum 0):
    #   v_t ← α v_{t−1} + (1 − α) g_t²;  θ_t ← θ_{t−1} − γ g_t / (√v_t + ε)
    def update(theta, g, st, t):
        v = alpha * st.get("v", np.zeros_like(g)) + (1 - alpha) * g * g
        st["v"] = v
        return theta - lr * g / (np.sqrt(v) + eps)
    return update


def torch_adam(lr, b1, b2, eps):
    # torch.optim.Adam docs (amsgrad False, maximize False):
    #   m_t ← β₁m_{t−1} + (1 − β₁)g_t;  v_t ← β₂v_{t−1} + (1 − β₂)g_t²
    #   m̂_t ← m_t/(1 − β₁^t);  v̂_t ← v_t/(1 − β₂^t);  θ_t ← θ_{t−1} − γ m̂_t/(√v̂_t + ε)
    def update(theta, g, st, t):
        m = b1 * st.get("m", np.zeros_like(g)) + (1 - b1) * g
        v = b2 * st.get("v", np.zeros_like(g)) + (1 - b2) * g * g
        st["m"], st["v"] = m, v
        mhat = m / (1 - b1 ** t)
        vhat = v / (1 - b2 ** t)
        return theta - lr * mhat / (np.sqrt(vhat) + eps)
    return update


@pytest.mark.parametrize("lr,beta", [(0.05, 0.9), (0.1, 0.5), (0.02, 0.0)])
def test_momentum_equals_torch_sgd_momentum(quad3, lr, beta):
    _assert_same(_run_coursekit(optim.Momentum(lr=lr, beta=beta), quad3),
                 _run_reference(torch_sgd(lr, beta, nesterov=False), quad3))


@pytest.mark.parametrize("lr,beta", [(0.05, 0.9), (0.1, 0.5)])
def test_nesterov_equals_torch_sgd_nesterov(quad3, lr, beta):
    _assert_same(_run_coursekit(optim.Nesterov(lr=lr, beta=beta), quad3),
                 _run_reference(torch_sgd(lr, beta, nesterov=True), quad3))


def test_nesterov_is_the_seed_form_at_the_lookahead_point(quad3):
    """Seed: ΔW ← βΔW − η∇L(W + βΔW); W ← W + ΔW. The stored params are W + βΔW."""
    A, b, w0 = quad3
    lr, beta = 0.05, 0.9
    W, dW = w0.copy(), np.zeros(3)
    opt, p = optim.Nesterov(lr=lr, beta=beta), {"w": w0.copy()}
    for _ in range(40):
        dW = beta * dW - lr * (A @ (W + beta * dW) + b)
        W = W + dW
        opt.step(p, {"w": A @ p["w"] + b})
        np.testing.assert_allclose(p["w"], W + beta * dW, rtol=0, atol=1e-12)


def test_momentum_is_the_seed_form(quad3):
    A, b, w0 = quad3
    W, dW = w0.copy(), np.zeros(3)
    opt, p = optim.Momentum(lr=0.05, beta=0.9), {"w": w0.copy()}
    for _ in range(40):
        dW = 0.9 * dW - 0.05 * (A @ W + b)
        W = W + dW
        opt.step(p, {"w": A @ p["w"] + b})
        np.testing.assert_allclose(p["w"], W, rtol=0, atol=1e-12)


@pytest.mark.parametrize("lr,eps", [(0.5, 1e-10), (0.1, 1e-3)])
def test_adagrad_equals_torch_adagrad(quad3, lr, eps):
    _assert_same(_run_coursekit(optim.AdaGrad(lr=lr, eps=eps), quad3),
                 _run_reference(torch_adagrad(lr, eps), quad3))


@pytest.mark.parametrize("lr,rho,eps", [(0.01, 0.99, 1e-8), (0.05, 0.9, 1e-3)])
def test_rmsprop_equals_torch_rmsprop(quad3, lr, rho, eps):
    _assert_same(_run_coursekit(optim.RMSprop(lr=lr, rho=rho, eps=eps), quad3),
                 _run_reference(torch_rmsprop(lr, rho, eps), quad3))


@pytest.mark.parametrize("lr,b1,b2,eps", [(0.1, 0.9, 0.999, 1e-8), (0.05, 0.5, 0.9, 1e-3)])
def test_adam_equals_torch_adam(quad3, lr, b1, b2, eps):
    _assert_same(_run_coursekit(optim.Adam(lr=lr, beta1=b1, beta2=b2, eps=eps), quad3),
                 _run_reference(torch_adam(lr, b1, b2, eps), quad3))


def test_defaults_are_the_documented_ones():
    import inspect
    expect = {
        optim.Momentum: {"beta": 0.9}, optim.Nesterov: {"beta": 0.9}, optim.AdaGrad: {"eps": 1e-10},
        optim.RMSprop: {"rho": 0.99, "eps": 1e-8}, optim.Adam: {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    }
    for cls, kw in expect.items():
        sig = inspect.signature(cls)
        assert list(sig.parameters)[0] == "lr"
        for name, v in kw.items():
            assert sig.parameters[name].default == v, (cls, name)


def test_step_updates_in_place_and_lr_is_mutable(quad3):
    A, b, w0 = quad3
    for cls in (optim.GD, optim.Momentum, optim.Nesterov, optim.AdaGrad, optim.RMSprop, optim.Adam,
                optim.Rprop, optim.Quickprop):
        w = w0.copy()
        p = {"w": w}
        opt = cls(lr=0.1)
        opt.step(p, {"w": A @ w + b})
        assert p["w"] is w and not np.array_equal(w, w0), cls
        opt.lr = 0.01
        assert opt.lr == 0.01
        with pytest.raises(ValueError, match="lr"):
            opt.lr = -1.0
