"""The public interface of ``coursekit.optim`` (see ARCHITECTURE.md, Public interfaces): class
names, keyword hyperparameters and defaults, in-place ``step(params, grads)``, state per key,
and trajectories equal to the seed's momentum form and to torch.optim's documented update
rules (written out below from the pseudo-code in the torch.optim docs; torch itself is not
installed)."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pytest

import coursekit.optim as O

E = inspect.Parameter.empty

INTERFACE = {
    "GD": [("lr", E)],
    "Momentum": [("lr", E), ("beta", 0.9)],
    "Nesterov": [("lr", E), ("beta", 0.9)],
    "AdaGrad": [("lr", E), ("eps", 1e-10)],
    "RMSprop": [("lr", E), ("rho", 0.99), ("eps", 1e-8)],
    "Adam": [("lr", E), ("beta1", 0.9), ("beta2", 0.999), ("eps", 1e-8)],
    "Rprop": [],
    "Quickprop": [],
}

# keyword hyperparameters used to build each optimizer in the generic tests
KWARGS = {
    "GD": dict(lr=0.05),
    "Momentum": dict(lr=0.05, beta=0.8),
    "Nesterov": dict(lr=0.05, beta=0.8),
    "AdaGrad": dict(lr=0.3, eps=1e-10),
    "RMSprop": dict(lr=0.01, rho=0.9, eps=1e-8),
    "Adam": dict(lr=0.05, beta1=0.85, beta2=0.99, eps=1e-8),
    "Rprop": {},
    "Quickprop": {},
}


# A smooth non-quadratic test loss, so the trajectory feeds back into the gradients:
# f(w) = ½ wᵀ A w + bᵀ w + 0.1 Σ log cosh(w).  Its gradient:
A = np.array([[3.0, 0.5, 0.0], [0.5, 1.0, -0.3], [0.0, -0.3, 0.2]])
B = np.array([1.0, -2.0, 0.5])


def grad(w):
    return A @ w + B + 0.1 * np.tanh(w)


W0 = np.array([1.5, -0.7, 2.0])


def run(opt, steps, w0=W0, key="w"):
    w = w0.copy()
    params = {key: w}
    traj = []
    for _ in range(steps):
        opt.step(params, {key: grad(params[key])})
        assert params[key] is w, "step must update the params array in place"
        traj.append(w.copy())
    return np.array(traj)


# ------------------------------------------------------------------ names, defaults
@pytest.mark.parametrize("name", sorted(INTERFACE))
def test_class_exists_with_keyword_hyperparameters_and_defaults(name, assert_signature):
    cls = getattr(O, name)
    assert inspect.isclass(cls)
    assert_signature(cls, INTERFACE[name])
    for p in inspect.signature(cls).parameters.values():
        assert p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY), f"{name}.{p.name} is not a keyword parameter"
    opt = cls(**KWARGS[name])
    assert callable(getattr(opt, "step", None))
    assert list(inspect.signature(opt.step).parameters)[:2] == ["params", "grads"]


@pytest.mark.parametrize("name", sorted(INTERFACE))
def test_step_updates_in_place_and_leaves_grads_alone(name):
    opt = getattr(O, name)(**KWARGS[name])
    W = np.array([[1.0, -2.0], [0.5, 3.0]])
    b = np.array([0.1, -0.1, 0.2])
    params = {"W": W, "b": b}
    g = {"W": np.array([[0.3, -0.2], [0.1, 0.4]]), "b": np.array([1.0, -1.0, 0.5])}
    g_copy = {k: v.copy() for k, v in g.items()}
    W_before, b_before = W.copy(), b.copy()
    for _ in range(3):
        opt.step(params, g)
    assert params["W"] is W and params["b"] is b, "step must keep the same array objects"
    assert set(params) == {"W", "b"}
    assert W.dtype == np.float64 and b.dtype == np.float64
    assert not np.array_equal(W, W_before) and not np.array_equal(b, b_before)
    for k in g:
        np.testing.assert_array_equal(g[k], g_copy[k])
    # a descent direction for a constant gradient: every coordinate moved against it
    assert np.all(np.sign(W - W_before) == -np.sign(g["W"]))
    assert np.all(np.sign(b - b_before) == -np.sign(g["b"]))


@pytest.mark.parametrize("name", sorted(INTERFACE))
def test_state_is_kept_per_key(name):
    """Two keys with different gradients evolve exactly as with two separate optimizers."""
    w0a, w0b = W0.copy(), np.array([-1.0, 0.3, 0.8])
    shared = getattr(O, name)(**KWARGS[name])
    pa, pb = w0a.copy(), w0b.copy()
    params = {"a": pa, "b": pb}
    ta, tb = [], []
    for _ in range(25):
        shared.step(params, {"a": grad(pa), "b": 3.0 * grad(pb) - 1.0})
        ta.append(pa.copy())
        tb.append(pb.copy())
    alone_a = run(getattr(O, name)(**KWARGS[name]), 25, w0a, key="a")
    sep_b = getattr(O, name)(**KWARGS[name])
    qb = w0b.copy()
    ref_b = []
    for _ in range(25):
        sep_b.step({"b": qb}, {"b": 3.0 * grad(qb) - 1.0})
        ref_b.append(qb.copy())
    np.testing.assert_array_equal(np.array(ta), alone_a)
    np.testing.assert_array_equal(np.array(tb), np.array(ref_b))


# ------------------------------------------------------------- reference trajectories
STEPS = 60


def ref_gd(lr):
    w, out = W0.copy(), []
    for _ in range(STEPS):
        w = w - lr * grad(w)
        out.append(w)
    return np.array(out)


def ref_seed_momentum(lr, beta):
    """Seed form: ΔW ← βΔW − η∇Loss(W), W ← W + ΔW."""
    w, dW, out = W0.copy(), np.zeros(3), []
    for _ in range(STEPS):
        dW = beta * dW - lr * grad(w)
        w = w + dW
        out.append(w)
    return np.array(out)


def ref_seed_nesterov(lr, beta):
    """Seed form: ΔW ← βΔW − η∇Loss(W + βΔW), W ← W + ΔW; returns the look-ahead W + βΔW."""
    w, dW, out = W0.copy(), np.zeros(3), []
    for _ in range(STEPS):
        dW = beta * dW - lr * grad(w + beta * dW)
        w = w + dW
        out.append(w + beta * dW)
    return np.array(out)


def ref_torch_sgd(lr, momentum, nesterov):
    """torch.optim.SGD pseudo-code (dampening 0, weight_decay 0, maximize False)."""
    theta, b, out = W0.copy(), None, []
    for t in range(1, STEPS + 1):
        g = grad(theta)
        b = g.copy() if t == 1 else momentum * b + g
        g = g + momentum * b if nesterov else b
        theta = theta - lr * g
        out.append(theta)
    return np.array(out)


def ref_torch_adagrad(lr, eps):
    """torch.optim.Adagrad pseudo-code (lr_decay 0, initial_accumulator_value 0)."""
    theta, state_sum, out = W0.copy(), np.zeros(3), []
    for t in range(1, STEPS + 1):
        g = grad(theta)
        lr_t = lr / (1 + (t - 1) * 0.0)
        state_sum = state_sum + g * g
        theta = theta - lr_t * g / (np.sqrt(state_sum) + eps)
        out.append(theta)
    return np.array(out)


def ref_torch_rmsprop(lr, alpha, eps):
    """torch.optim.RMSprop pseudo-code (momentum 0, centered False)."""
    theta, v, out = W0.copy(), np.zeros(3), []
    for _ in range(STEPS):
        g = grad(theta)
        v = alpha * v + (1 - alpha) * g * g
        theta = theta - lr * g / (np.sqrt(v) + eps)
        out.append(theta)
    return np.array(out)


def ref_torch_adam(lr, beta1, beta2, eps):
    """torch.optim.Adam pseudo-code (amsgrad False): bias-corrected, ε outside the root."""
    theta, m, v, out = W0.copy(), np.zeros(3), np.zeros(3), []
    for t in range(1, STEPS + 1):
        g = grad(theta)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(theta)
    return np.array(out)


def _close(got, ref):
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("lr", [0.01, 0.2])
def test_gd_is_plain_gradient_descent(lr):
    _close(run(O.GD(lr=lr), STEPS), ref_gd(lr))


@pytest.mark.parametrize("lr,beta", [(0.05, 0.9), (0.1, 0.5), (0.02, 0.0)])
def test_momentum_equals_seed_form_and_torch_sgd(lr, beta):
    got = run(O.Momentum(lr=lr, beta=beta), STEPS)
    _close(got, ref_seed_momentum(lr, beta))
    _close(got, ref_torch_sgd(lr, beta, nesterov=False))


def test_momentum_default_beta_is_used():
    _close(run(O.Momentum(lr=0.05), STEPS), ref_torch_sgd(0.05, 0.9, nesterov=False))


@pytest.mark.parametrize("lr,beta", [(0.05, 0.9), (0.1, 0.5)])
def test_nesterov_equals_seed_lookahead_form_and_torch_sgd(lr, beta):
    got = run(O.Nesterov(lr=lr, beta=beta), STEPS)
    _close(got, ref_seed_nesterov(lr, beta))
    _close(got, ref_torch_sgd(lr, beta, nesterov=True))


def test_nesterov_default_beta_is_used():
    _close(run(O.Nesterov(lr=0.05), STEPS), ref_torch_sgd(0.05, 0.9, nesterov=True))


def test_nesterov_differs_from_momentum():
    assert not np.allclose(run(O.Nesterov(lr=0.05, beta=0.9), 10), run(O.Momentum(lr=0.05, beta=0.9), 10))


@pytest.mark.parametrize("kw", [dict(lr=0.3), dict(lr=0.3, eps=1e-10), dict(lr=0.1, eps=1e-3)])
def test_adagrad_equals_torch(kw):
    _close(run(O.AdaGrad(**kw), STEPS), ref_torch_adagrad(kw["lr"], kw.get("eps", 1e-10)))


@pytest.mark.parametrize("kw", [dict(lr=0.01), dict(lr=0.01, rho=0.9, eps=1e-8), dict(lr=0.02, rho=0.5, eps=1e-2)])
def test_rmsprop_equals_torch(kw):
    _close(run(O.RMSprop(**kw), STEPS), ref_torch_rmsprop(kw["lr"], kw.get("rho", 0.99), kw.get("eps", 1e-8)))


@pytest.mark.parametrize("kw", [dict(lr=0.05), dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-8),
                                dict(lr=0.1, beta1=0.5, beta2=0.9, eps=1e-1)])
def test_adam_equals_torch(kw):
    ref = ref_torch_adam(kw["lr"], kw.get("beta1", 0.9), kw.get("beta2", 0.999), kw.get("eps", 1e-8))
    _close(run(O.Adam(**kw), STEPS), ref)


def test_adam_first_step_is_lr_times_sign_of_gradient():
    # bias correction: m̂₁ = g, v̂₁ = g², so the first step is −η g/(|g| + ε) ≈ −η sign(g)
    w = W0.copy()
    O.Adam(lr=0.01, eps=0.0).step({"w": w}, {"w": grad(W0)})
    np.testing.assert_allclose(w, W0 - 0.01 * np.sign(grad(W0)), rtol=1e-15)


def test_eps_is_added_outside_the_square_root():
    # one AdaGrad / RMSprop step with a tiny gradient: ε outside gives g/(|g|+ε), inside g/√(g²+ε)
    g = np.array([1e-6])
    w = np.zeros(1)
    O.AdaGrad(lr=1.0, eps=1e-6).step({"w": w}, {"w": g})
    assert w[0] == pytest.approx(-1e-6 / (1e-6 + 1e-6), rel=1e-12)
    w = np.zeros(1)
    O.RMSprop(lr=1.0, rho=0.75, eps=1e-6).step({"w": w}, {"w": g})
    assert w[0] == pytest.approx(-1e-6 / (math.sqrt(0.25) * 1e-6 + 1e-6), rel=1e-12)


@pytest.mark.parametrize("name", ["Rprop", "Quickprop"])
def test_rprop_quickprop_minimise_the_test_loss(name):
    """``Rprop(...)``/``Quickprop(...)``: defaults construct, and stepping descends f."""
    def f(w):
        return 0.5 * w @ A @ w + B @ w + 0.1 * np.sum(np.log(np.cosh(w)))

    traj = run(getattr(O, name)(), 300)
    w_star = np.linalg.solve(A, -B)  # a good start for Newton's method on f
    for _ in range(50):
        H = A + 0.1 * np.diag(1 - np.tanh(w_star) ** 2)
        w_star = w_star - np.linalg.solve(H, grad(w_star))
    assert f(traj[-1]) < f(W0)
    assert f(traj[-1]) - f(w_star) < 1e-3 * (f(W0) - f(w_star))
