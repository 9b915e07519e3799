"""Rprop and Quickprop follow the lecture's (seed 001) pseudo-code step by step.

The references are the seed's loops written out per weight with scalars; coursekit's
step(params, grads) must visit exactly the same points.
"""

import numpy as np
import pytest

from coursekit import landscapes as L
from coursekit import optim


def seed_rprop(grad, w, n_iter, delta0, alpha=1.2, beta=0.5, dmin=1e-6, dmax=50.0):
    """Seed 001, "Rprop (simplified)" with ceiling and floor, one weight at a time.

    Returns the points w after each "w = w − Δw" (where the next derivative is taken), and how
    many times the else branch (sign change: go back, shrink) ran.
    """
    w = np.array(w, dtype=float)
    n = w.size
    prevD = grad(w).copy()
    dw = [np.sign(prevD[i]) * delta0 for i in range(n)]
    points, backtracks = [], 0
    for _ in range(n_iter):
        for i in range(n):
            w[i] = w[i] - dw[i]
        points.append(w.copy())
        D = grad(w)
        for i in range(n):
            if np.sign(prevD[i]) == np.sign(D[i]):
                dw[i] = np.sign(dw[i]) * min(alpha * abs(dw[i]), dmax)
                prevD[i] = D[i]
            else:
                w[i] = w[i] + dw[i]
                dw[i] = np.sign(dw[i]) * max(beta * abs(dw[i]), dmin)
                backtracks += 1
    return np.array(points), backtracks


def ours(opt, grad, w0, n):
    p = {"w": np.array(w0, dtype=float)}
    pts = []
    for _ in range(n):
        opt.step(p, {"w": grad(p["w"])})
        pts.append(p["w"].copy())
    return np.array(pts)


@pytest.mark.parametrize("landscape,w0,delta0", [
    (L.Quadratic.one_d(3.0, b=-1.5), [2.0], 0.3),                     # 1-D, min at 0.5
    (L.Quadratic.axis_aligned([4.0, 0.5], b=[1.0, -1.0]), [1.0, 3.0], 0.2),
    (L.Quadratic.rotated([3.0, 1.0], angle=0.4), [2.0, -1.5], 0.1),   # coupled weights
])
def test_rprop_follows_the_seed_pseudocode(landscape, w0, delta0):
    n = 25
    ref, backtracks = seed_rprop(landscape.grad, w0, n, delta0)
    assert backtracks >= 2, "the case must exercise the sign-change branch"
    got = ours(optim.Rprop(lr=delta0), landscape.grad, w0, n)
    np.testing.assert_allclose(got, ref, rtol=0, atol=1e-12)


def test_rprop_ceiling_and_floor():
    # ceiling: a linear slope keeps its sign, steps grow ×1.2 up to step_max
    g = lambda w: np.array([-1.0])
    got = ours(optim.Rprop(lr=1.0, step_max=2.0), g, [0.0], 8)
    steps = np.diff(np.concatenate([[0.0], got[:, 0]]))
    np.testing.assert_allclose(steps, [1.0, 1.2, 1.44, 1.728, 2.0, 2.0, 2.0, 2.0])
    # floor: on E = ½w², steps never go below step_min, and the weight ends within it of 0
    q = L.Quadratic.one_d(1.0)
    got = ours(optim.Rprop(lr=0.7, step_min=1e-3), q.grad, [1.0], 200)
    assert np.all(np.abs(got[-20:, 0]) <= 1e-3 + 1e-12)


def test_rprop_converges_on_the_narrow_valley():
    t = L.run(optim.Rprop(lr=0.1), L.narrow_valley(50.0), n_steps=300)
    assert t.losses[-1] < 1e-8


def seed_quickprop(grad, w, n_iter, lr, mu=1.75):
    """Seed 001's QuickProp, per weight: a secant (finite-difference Newton) step.

    E''(w_k) ≈ (E'(w_k) − E'(w_{k−1})) / (w_k − w_{k−1});  w_{k+1} = w_k − E'(w_k)/E''.
    Safeguards: first step, zero previous step or E'' ≤ 0 → gradient step −η E';
    |step| ≤ μ |previous step|.
    """
    w = np.array(w, dtype=float)
    n = w.size
    points = []
    prev_w = prev_g = None
    for _ in range(n_iter):
        g = grad(w)
        new = w.copy()
        for i in range(n):
            if prev_w is None or prev_w[i] == w[i]:
                new[i] = w[i] - lr * g[i]
                continue
            curv = (g[i] - prev_g[i]) / (w[i] - prev_w[i])
            if curv > 0:
                step = -g[i] / curv
                cap = mu * abs(w[i] - prev_w[i])
                step = max(-cap, min(cap, step))
            else:
                step = -lr * g[i]
            new[i] = w[i] + step
        prev_w, prev_g = w, g
        w = new
        points.append(w.copy())
    return np.array(points)


@pytest.mark.parametrize("landscape,w0,lr", [
    (L.Quadratic.axis_aligned([4.0, 0.5], b=[1.0, -1.0]), [1.0, 3.0], 0.1),
    (L.Quadratic.rotated([3.0, 1.0], angle=0.4), [2.0, -1.5], 0.05),
    (L.InterestingLandscape(), [-0.3, 2.5], 0.01),                    # non-convex: safeguards fire
])
def test_quickprop_follows_the_seed_pseudocode(landscape, w0, lr):
    n = 30
    ref = seed_quickprop(landscape.grad, w0, n, lr)
    got = ours(optim.Quickprop(lr=lr), landscape.grad, w0, n)
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)


def test_quickprop_solves_a_1d_quadratic_in_two_steps():
    """One gradient step, then the secant step is exact on a parabola (checks the sign the
    slide's Δw formula gets wrong)."""
    q = L.Quadratic.one_d(3.0, b=-1.5)  # minimum at w = 0.5
    got = ours(optim.Quickprop(lr=0.3), q.grad, [2.0], 2)  # 2 → 0.65, then the secant step
    assert got[1, 0] == pytest.approx(0.5, abs=1e-12)


def test_quickprop_falls_back_on_zero_and_wrong_signed_curvature():
    # concave parabola E = −½w²: curvature estimate < 0 → plain gradient steps (ascent-free)
    g = lambda w: -w
    got = ours(optim.Quickprop(lr=0.1), g, [1.0], 3)
    np.testing.assert_allclose(got[:, 0], [1.1, 1.21, 1.331])
    # linear E = w: zero curvature → gradient steps
    got = ours(optim.Quickprop(lr=0.1), lambda w: np.ones_like(w), [0.0], 3)
    np.testing.assert_allclose(got[:, 0], [-0.1, -0.2, -0.3])
