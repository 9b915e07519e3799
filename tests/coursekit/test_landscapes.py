"""Landscapes: value/gradient/Hessian against finite differences, the seed's gradient, run()."""

import numpy as np
import pytest

from coursekit import landscapes as L
from coursekit import optim


def fd_grad(f, w, h=1e-6):
    return np.array([(f(w + h * e) - f(w - h * e)) / (2 * h) for e in np.eye(w.size)])


def fd_hess(g, w, h=1e-6):
    return np.array([(g(w + h * e) - g(w - h * e)) / (2 * h) for e in np.eye(w.size)]).T


ALL = [L.Quadratic.one_d(3.0, b=1.0, c=2.0), L.Quadratic.axis_aligned([4.0, 1.0], b=[1.0, 2.0]),
       L.Quadratic.rotated([5.0, 2.0, 0.5, 0.1]), L.narrow_valley(50.0), L.InterestingLandscape(),
       L.Rosenbrock()] + [L.get_landscape(n) for n in L.LANDSCAPES]


@pytest.mark.parametrize("ls", ALL, ids=lambda l: l.name)
def test_gradient_and_hessian_match_finite_differences(ls):
    rng = np.random.default_rng(0)
    for _ in range(5):
        w = rng.uniform(-1.5, 1.5, ls.dim)
        np.testing.assert_allclose(ls.grad(w), fd_grad(ls.value, w), rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(ls.hessian(w), fd_hess(ls.grad, w), rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("ls", ALL, ids=lambda l: l.name)
def test_minima_are_stationary_with_the_stated_value(ls):
    for m in ls.minima:
        np.testing.assert_allclose(ls.grad(m), 0.0, atol=1e-10)
        assert ls.value(m) == pytest.approx(ls.min_value, abs=1e-12)
        assert np.all(np.linalg.eigvalsh(ls.hessian(m)) > 0)


def test_seed_002_gradient_as_printed_is_correct():
    """Seed 002 prints ∇f = [4x₁(x₁²−1) + 2(2x₁x₂−1)(x₁²x₂−x₁−1), 2x₁²(x₁²x₂−x₁−1)]."""
    ls = L.InterestingLandscape()
    rng = np.random.default_rng(1)
    for x1, x2 in rng.uniform(-2, 2, (10, 2)):
        r = x1 ** 2 * x2 - x1 - 1
        seed = np.array([4 * x1 * (x1 ** 2 - 1) + 2 * (2 * x1 * x2 - 1) * r, 2 * x1 ** 2 * r])
        np.testing.assert_allclose(fd_grad(ls.value, np.array([x1, x2])), seed, rtol=1e-6, atol=1e-6)
    assert ls.value([1.0, 2.0]) == 0.0 and ls.value([-1.0, 0.0]) == 0.0


def test_quadratic_constructors_have_the_chosen_spectrum():
    q = L.Quadratic.rotated([9.0, 1.0], angle=0.7)
    np.testing.assert_allclose(q.eigenvalues, [9.0, 1.0], rtol=1e-12)
    assert q.condition_number == pytest.approx(9.0) and q.eta_max == pytest.approx(2 / 9)
    assert abs(q.A[0, 1]) > 1.0                                   # really rotated
    q = L.Quadratic.with_condition_number(1000.0, dim=4, lam_min=0.5)
    np.testing.assert_allclose([q.eigenvalues[0], q.eigenvalues[-1]], [500.0, 0.5], rtol=1e-10)
    q = L.Quadratic.axis_aligned([3.0, 2.0], b=[3.0, -4.0], c=1.0)
    np.testing.assert_allclose(q.w_star, [-1.0, 2.0])
    w = np.array([0.3, -0.7])
    assert q.value(w) == pytest.approx(0.5 * (3 * 0.09 + 2 * 0.49) + 3 * 0.3 + 4 * 0.7 + 1.0)


def test_bad_landscape_inputs_raise():
    with pytest.raises(ValueError, match="A: expected a positive definite"):
        L.Quadratic(np.array([[1.0, 0.0], [0.0, -1.0]]))
    with pytest.raises(ValueError, match="A: expected a symmetric"):
        L.Quadratic(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="w: expected a 1-D array of length 2"):
        L.Rosenbrock().grad(np.zeros(3))
    with pytest.raises(ValueError, match="kappa"):
        L.Quadratic.with_condition_number(0.5)
    with pytest.raises(ValueError, match="landscape"):
        L.get_landscape("nope")


def test_run_returns_shapes_and_stops_cleanly_on_divergence():
    q = L.narrow_valley(50.0)
    t = L.run(optim.GD(lr=0.01), q, n_steps=25)
    assert t.ws.shape == (26, 2) and t.losses.shape == (26,) and not t.diverged
    np.testing.assert_allclose(t.losses, [q.value(w) for w in t.ws], rtol=1e-12)
    t = L.run(optim.GD(lr=1.0), q, n_steps=500)
    assert t.diverged and t.ws.shape == (501, 2) and np.isinf(t.losses[-1]) and np.all(np.isfinite(t.ws))


@pytest.mark.parametrize("name", list(optim.OPTIMIZERS))
def test_every_optimizer_runs_on_every_landscape(name):
    for key in L.LANDSCAPES:
        t = L.run(optim.OPTIMIZERS[name](lr=1e-3), L.get_landscape(key), n_steps=20)
        assert t.ws.shape == (21, 2)
