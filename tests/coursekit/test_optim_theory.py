"""The lecture's claims about quadratics, as tests (seed 001)."""

import numpy as np
import pytest

from coursekit import landscapes as L
from coursekit import optim



def gd_1d(a, eta, w0=1.0, n=30):
    """E = ½aw² (min at 0): the lecture's four regimes, via the library's run()."""
    return L.run(optim.GD(lr=eta), L.Quadratic.one_d(a), w0=[w0], n_steps=n).ws[:, 0]


def test_gd_1d_four_regimes():
    a = 4.0
    eta_opt = 1 / a
    w = gd_1d(a, 0.5 * eta_opt)            # η < η_opt: monotone
    assert np.all(w[1:] > 0) and np.all(np.diff(w) < 0) and abs(w[-1]) < 1e-8
    w = gd_1d(a, eta_opt)                  # η = η_opt: one step
    assert w[1] == 0.0
    w = gd_1d(a, 1.5 * eta_opt)            # η_opt < η < 2η_opt: oscillating convergence
    assert np.all(np.sign(w[1:-1]) == -np.sign(w[2:])) and abs(w[-1]) < 1e-8
    w = gd_1d(a, 2.2 * eta_opt)            # η > 2η_opt: divergence
    assert abs(w[-1]) > 10 * abs(w[0])
    # each regime is w_k = (1 − ηa)^k w_0
    np.testing.assert_allclose(gd_1d(a, 1.5 * eta_opt, n=10), (1 - 1.5) ** np.arange(11), rtol=1e-12)


@pytest.mark.parametrize("eigs,seed", [([10.0, 1.0], 0), ([8.0, 3.0, 0.2], 1), ([50.0, 20.0, 5.0, 1.0], 2)])
def test_gd_converges_iff_eta_below_2_over_lambda_max(eigs, seed, spd):
    A = spd(eigs, seed)
    b = np.arange(1.0, len(eigs) + 1)
    q = L.Quadratic(A, b)
    w_star = np.linalg.solve(A, -b)
    bound = 2 / max(eigs)
    for factor, converges in [(0.98, True), (1.02, False)]:
        t = L.run(optim.GD(lr=factor * bound), q, w0=w_star + 1.0, n_steps=3000)
        err = np.linalg.norm(t.ws[-1] - w_star)
        if converges:
            assert err < 1e-6
        else:
            assert t.diverged or err > 1e3


def test_one_newton_step_solves_a_quadratic(spd):
    A = spd([30.0, 4.0, 1.0, 0.1, 0.01], seed=3)
    b = np.array([1.0, -2.0, 0.5, 3.0, -1.0])
    q = L.Quadratic(A, b, c=2.0)
    t = L.run(optim.Newton(lr=1.0), q, w0=np.full(5, 7.0), n_steps=1)
    np.testing.assert_allclose(A @ t.ws[1] + b, 0.0, atol=1e-9)   # gradient zero at w⁽¹⁾


def test_normalized_update_is_gd_in_scaled_coordinates(spd):
    """w ← w − ηA⁻¹∇E (Newton with η) equals GD on ŵ = A^{1/2}w, where every direction has η_opt = 1."""
    A = spd([9.0, 1.0], seed=4)
    b = np.array([1.0, 2.0])
    lam, E = np.linalg.eigh(A)
    S = E @ np.diag(np.sqrt(lam)) @ E.T                 # A^{1/2}
    Sinv = E @ np.diag(1 / np.sqrt(lam)) @ E.T          # A^{-1/2}
    bhat = Sinv @ b
    w = np.array([3.0, -2.0])
    t = L.run(optim.Newton(lr=0.5), L.Quadratic(A, b), w0=w, n_steps=5)
    what = S @ w
    for k in range(5):
        what = what - 0.5 * (what + bhat)               # ∇_ŵ E = ŵ + b̂
        np.testing.assert_allclose(Sinv @ what, t.ws[k + 1], atol=1e-12)


def test_momentum_at_goh_optimum_converges_at_sqrt_kappa_rate(spd):
    kappa = 100.0
    q = L.Quadratic(spd([kappa, 1.0], seed=5), np.zeros(2))
    lam1, lamn = kappa, 1.0
    alpha = (2 / (np.sqrt(lam1) + np.sqrt(lamn))) ** 2          # Goh 2017
    beta = ((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2
    assert q.optimal_momentum() == pytest.approx((alpha, beta), rel=1e-12)
    t = L.run(optim.Momentum(lr=alpha, beta=beta), q, w0=[1.0, 1.0], n_steps=300)
    err = np.linalg.norm(t.ws, axis=1)
    k = np.arange(50, 301)
    slope = np.polyfit(k, np.log(err[k]), 1)[0]
    rate = (np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)          # 0.818
    assert np.exp(slope) == pytest.approx(rate, abs=0.015)
    # GD at its best fixed step 2/(λ₁+λₙ) is far slower: rate (κ−1)/(κ+1) = 0.980
    g = L.run(optim.GD(lr=2 / (lam1 + lamn)), q, w0=[1.0, 1.0], n_steps=300)
    gerr = np.linalg.norm(g.ws, axis=1)
    gslope = np.polyfit(k, np.log(gerr[k]), 1)[0]
    assert np.exp(gslope) == pytest.approx((kappa - 1) / (kappa + 1), abs=0.005)


def test_gd_on_smooth_convex_non_strongly_convex_is_sublinear_within_the_1_over_k_bound():
    """f(w) = w⁴: convex, L-smooth on [−1, 1] (f'' ≤ 12), not strongly convex at w* = 0.
    GD with η ≤ 1/L obeys f(w_k) − f* ≤ ‖w₀ − w*‖²/(2ηk) and is sublinear (f_{k+1}/f_k → 1),
    unlike the geometric decay on a quadratic."""
    from coursekit.landscapes import Landscape

    class Quartic(Landscape):
        dim = 1
        def _value(self, w): return float(w[0] ** 4)
        def _grad(self, w): return np.array([4 * w[0] ** 3])
        def _hessian(self, w): return np.array([[12 * w[0] ** 2]])

    eta = 0.05
    t = L.run(optim.GD(lr=eta), Quartic(), w0=[1.0], n_steps=4000)
    f = t.losses
    k = np.arange(1, 4001)
    assert np.all(f[1:] <= 1.0 / (2 * eta * k))
    assert f[4000] / f[3999] > 0.999                    # no fixed contraction factor
    q = L.run(optim.GD(lr=eta), L.Quadratic.one_d(2.0), w0=[1.0], n_steps=50).losses
    np.testing.assert_allclose(q[1:] / q[:-1], (1 - eta * 2) ** 2, rtol=1e-9)   # linear: constant ratio


def test_newton_with_a_singular_hessian_takes_the_pseudo_inverse_step():
    il = L.InterestingLandscape()                      # ∂²f/∂x₂² = 2x₁⁴ = 0 on x₁ = 0
    w = np.array([0.0, 1.0])
    H, g = il.hessian(w), il.grad(w)
    assert np.linalg.matrix_rank(H) < 2
    t = L.run(optim.Newton(lr=1.0), il, w0=w, n_steps=1)
    np.testing.assert_allclose(t.ws[1], w - np.linalg.pinv(H) @ g, atol=1e-12)
