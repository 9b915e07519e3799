"""Momentum's iteration matrix on a quadratic and the scipy quasi-Newton runner (coursekit.landscapes)."""

import numpy as np
import pytest

from coursekit import landscapes as L
from coursekit import optim


def test_matrix_is_one_momentum_step_along_an_eigendirection():
    lam, eta, beta = 3.0, 0.1, 0.7
    q = L.Quadratic.one_d(lam, b=-lam * 2.0)                 # w* = 2
    opt = optim.Momentum(lr=eta, beta=beta)
    params = {"w": np.array([5.0])}
    state = np.array([0.0, 3.0])                              # (Δ, x = w − w*)
    R = L.momentum_matrix(eta, beta, lam)
    for _ in range(5):
        w_before = params["w"].copy()
        opt.step(params, {"w": q.grad(params["w"])})
        state = R @ state
        assert state[1] == pytest.approx(params["w"][0] - 2.0, abs=1e-12)
        assert state[0] == pytest.approx(params["w"][0] - w_before[0], abs=1e-12)


def test_rate_is_the_simulated_error_ratio():
    q = L.Quadratic.rotated([20.0, 4.0, 1.0], rng=np.random.default_rng(3))
    for eta, beta in [(0.05, 0.5), (0.02, 0.9), (0.09, 0.1)]:
        t = L.run(optim.Momentum(lr=eta, beta=beta), q, w0=q.w_star + 1.0, n_steps=400)
        err = np.linalg.norm(t.ws - q.w_star, axis=1)
        measured = (err[400] / err[200]) ** (1 / 200)
        assert measured == pytest.approx(L.momentum_rate(eta, beta, q.eigenvalues), rel=2e-2)


def test_beta_zero_is_gradient_descent_and_grids_keep_their_shape():
    lam = np.array([10.0, 1.0])
    etas = np.array([0.01, 0.1, 0.19, 0.21])
    np.testing.assert_allclose(L.momentum_rate(etas, 0.0, lam), [0.99, 0.9, 0.9, 1.1], atol=1e-12)
    E, B = np.meshgrid(np.geomspace(1e-3, 1, 7), np.linspace(0, 0.9, 5))
    assert L.momentum_rate(E, B, lam).shape == (5, 7)


def test_goh_optimum_is_the_minimum_of_the_rate():
    q = L.narrow_valley(100.0)
    a, b = q.optimal_momentum()
    best = L.momentum_rate(a, b, q.eigenvalues)
    # (√κ − 1)/(√κ + 1) with √κ = 10; both ends are critically damped (double eigenvalues), which
    # numpy finds only to ~√ε
    assert best == pytest.approx(9 / 11, rel=1e-7)
    for da, db in [(1.03, 0), (0.97, 0), (1, 0.01), (1, -0.01), (1.02, 0.01)]:
        assert L.momentum_rate(a * da, b + db, q.eigenvalues) > best


def test_critical_damping_gives_a_double_eigenvalue():
    eta, lam = 0.04, 4.0
    beta = (1 - np.sqrt(eta * lam)) ** 2
    sig = np.linalg.eigvals(L.momentum_matrix(eta, beta, lam))
    np.testing.assert_allclose(np.abs(sig), [0.6, 0.6], atol=1e-6)
    assert L.momentum_rate(eta, beta, [lam]) < min(L.momentum_rate(eta, beta + d, [lam]) for d in (-0.05, 0.05))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="eta"):
        L.momentum_matrix(0.0, 0.5, 1.0)
    with pytest.raises(ValueError, match="beta"):
        L.momentum_matrix(0.1, 1.0, 1.0)
    with pytest.raises(ValueError, match="lam"):
        L.momentum_rate(0.1, 0.5, [1.0, -2.0])


def test_scipy_minimize_records_the_path_and_the_evaluations():
    q = L.narrow_valley(50.0)
    t, evals, res = L.scipy_minimize(q, "BFGS")
    np.testing.assert_array_equal(t.ws[0], q.start)
    np.testing.assert_allclose(t.ws[-1], q.w_star, atol=1e-8)
    assert len(evals) == len(t.ws) == res.nit + 1 and np.all(np.diff(evals) >= 1) and evals[-1] <= res.nfev
    t, evals, res = L.scipy_minimize(L.Rosenbrock(), "L-BFGS-B")
    assert t.losses[-1] < 1e-8 and t.losses[0] == pytest.approx(24.2)
    with pytest.raises(ValueError, match="method"):
        L.scipy_minimize(q, "simplex")
