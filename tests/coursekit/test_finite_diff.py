"""coursekit.finite_diff: the central-difference step, gradients, Jacobians and
vector-Jacobian products against calculus and scipy."""

import numpy as np
import scipy.optimize
import scipy.special

from coursekit import finite_diff
from coursekit import functional as F

RNG = np.random.default_rng(20261122)


# ------------------------------------------------------------------------- step size
def test_step_size_is_cube_root_of_eps_scaled():
    x = np.array([0.0, 0.5, -1.0, 3.0, -1e3])
    cube_root_eps = np.cbrt(2.220446049250313e-16)
    expected = cube_root_eps * np.array([1.0, 1.0, 1.0, 3.0, 1e3])
    np.testing.assert_allclose(finite_diff.step_size(x), expected, rtol=1e-15)


# ------------------------------------------------------------ numerical gradients
def test_numerical_grad_quadratic_form():
    A = RNG.normal(size=(5, 5))
    b = RNG.normal(size=5)
    x = RNG.normal(size=5)
    g = finite_diff.numerical_grad(lambda v: 0.5 * v @ A @ v + b @ v, x)
    np.testing.assert_allclose(g, 0.5 * (A + A.T) @ x + b, rtol=1e-8, atol=1e-9)


def test_numerical_grad_sin():
    x = np.array([[0.3, -2.0], [4.5, -7.5]])
    g = finite_diff.numerical_grad(lambda v: np.sum(np.sin(v)), x)
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-8, atol=1e-10)


def test_numerical_grad_scales_the_step_for_large_entries():
    # d/dx log x = 1/x; an unscaled step 6e-6 at x = 5e4 would keep only ~10 digits
    x = np.array([1e3, 5e4, 2.0])
    g = finite_diff.numerical_grad(lambda v: np.sum(np.log(v)), x)
    np.testing.assert_allclose(g, 1.0 / x, rtol=1e-8)


def test_numerical_grad_logsumexp_is_softmax():
    x = RNG.normal(size=7) * 3
    g = finite_diff.numerical_grad(scipy.special.logsumexp, x)
    np.testing.assert_allclose(g, scipy.special.softmax(x), rtol=1e-7, atol=1e-10)


def test_numerical_grad_never_writes_callers_array():
    x = RNG.normal(size=(3, 4))
    x_before = x.copy()
    seen = []

    def f(v):
        seen.append(v is x)
        return float(np.sum(v**3))

    finite_diff.numerical_grad(f, x)
    np.testing.assert_array_equal(x, x_before)
    assert not any(seen)


def test_agrees_with_scipy_on_rosenbrock():
    x = np.array([-1.2, 1.0, 0.8, 1.3])
    ours = finite_diff.numerical_grad(scipy.optimize.rosen, x)
    np.testing.assert_allclose(ours, scipy.optimize.rosen_der(x), rtol=1e-8)
    # scipy's forward difference is less accurate; both agree to its accuracy
    scipy_fd = scipy.optimize.approx_fprime(x, scipy.optimize.rosen, 1e-8)
    np.testing.assert_allclose(ours, scipy_fd, rtol=1e-5)
    # check_grad: scipy's own error of rosen_der; ours is much smaller
    scipy_err = scipy.optimize.check_grad(scipy.optimize.rosen, scipy.optimize.rosen_der, x)
    our_err = np.linalg.norm(ours - scipy.optimize.rosen_der(x))
    assert our_err < scipy_err


def test_numerical_jacobian_linear_and_softmax():
    A = RNG.normal(size=(3, 4))
    x = RNG.normal(size=4)
    np.testing.assert_allclose(finite_diff.numerical_jacobian(lambda v: A @ v, x), A, rtol=1e-8, atol=1e-10)
    z = RNG.normal(size=5)
    y = np.exp(z - z.max())
    y /= y.sum()
    J = finite_diff.numerical_jacobian(lambda v: F.softmax_forward(v[None, :])[0], z)
    np.testing.assert_allclose(J, np.diag(y) - np.outer(y, y), atol=1e-9)


def test_numerical_vjp_of_linear_layer_matches_hand_formulas():
    x, W, b = RNG.normal(size=(6, 4)), RNG.normal(size=(3, 4)), RNG.normal(size=3)
    dout = RNG.normal(size=(6, 3))
    g = finite_diff.numerical_vjp(F.linear_forward, {"x": x, "W": W, "b": b}, dout)
    np.testing.assert_allclose(g["x"], dout @ W, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(g["W"], dout.T @ x, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(g["b"], dout.sum(axis=0), rtol=1e-7, atol=1e-9)
