"""Generate lectures/04_optimization.ipynb (lecture 04: optimization for neural networks).

Run from the repository root, then execute and validate:

    .venv/bin/python tools/make_04_optimization.py
    .venv/bin/jupyter nbconvert --to notebook --execute --inplace lectures/04_optimization.ipynb
    .venv/bin/pytest lectures/04_optimization.ipynb -p no:cacheprovider

This file is the lecture's text and code cells in order, so it is as long as the lecture
(over ~500 lines by design: splitting it would split the lecture).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lecture_builder import LectureBuilder  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lectures" / "04_optimization.ipynb"

lecture = LectureBuilder()
md, code, cells = lecture.md, lecture.code, lecture.cells


# ----------------------------------------------------------------------------- title
md(r"""
# Lecture 04 — Optimization: gradient descent, its step size, and how to do better

*Seeds 001 (CMU deep learning, "Neural Networks: Optimization Part 1": convergence on
quadratics, η_opt, the condition number, A^(−1/2) normalization, Newton, convergence rates,
decaying learning rates, Rprop, QuickProp, momentum, Nesterov) and 002 (Mathematics of Deep
Learning: gradient descent as a discretised ODE, the "more interesting landscape", momentum).*

Every claim below is demonstrated by running code from `coursekit`:

| | |
|---|---|
| `coursekit.landscapes` | loss surfaces with `value`, `grad`, `hessian`: quadratics, seed 002's landscape, Rosenbrock; `run(optimizer, landscape, w0, n_steps)` |
| `coursekit.optim` | `GD`, `Momentum`, `Nesterov`, `AdaGrad`, `RMSprop`, `Adam`, `Rprop`, `Quickprop`, `Newton`; schedules; `minibatches` |
| `coursekit.widgets.optimization` | the panel at the end: learning-rate and momentum sliders |

Plan: (1) gradient descent as a discretised ODE, (2) the 1-D quadratic and its four regimes,
(3) n-D quadratics, the condition number and A^(−1/2) scaling, (4) Newton's method,
(5) convergence rates, (6) decaying learning rates and minibatch SGD, (7) Rprop and QuickProp,
(8) momentum and Nesterov, (9) adaptive methods, (10) the interactive panel.
""")

code(r"""
import numpy as np
import matplotlib.pyplot as plt

from coursekit import landscapes as L
from coursekit import optim, style
from coursekit.plotting import plot_contour, plot_trajectory, plot_loss_curve, landscape_grid

np.set_printoptions(precision=4, suppress=True)


def fmt(w, digits=4):
    # round for printing; + 0.0 turns −0.0 into 0.0 so the stored outputs are stable
    return np.round(np.asarray(w, dtype=float), digits) + 0.0
style.use()
""")

# ----------------------------------------------------------------------------- 1. ODE
md(r"""
## 1. Gradient descent is a discretised ODE (seed 002)

The path of steepest descent from x(0) solves dx/dt = −η∇f(x(t)). For f(x) = a x₁² + b x₂²,
∇f = (2a x₁, 2b x₂), so each coordinate decays exponentially:
x₁(t) = x₁(0)e^(−2ηat), x₂(t) = x₂(0)e^(−2ηbt).

Gradient descent is Euler's method for this ODE with time step Δt = 1:
x⁽ᵗ⁺¹⁾ = x⁽ᵗ⁾ − η∇f(x⁽ᵗ⁾). Per coordinate that is x₁⁽ᵗ⁾ = (1 − 2ηa)ᵗ x₁(0): close to the
ODE while 2ηa is small (e^(−2ηa) ≈ 1 − 2ηa), and completely different once 2ηa > 1.
""")

code(r"""
a, b = 1.0, 4.0
f = L.Quadratic.axis_aligned([2 * a, 2 * b])     # ½wᵀAw with A = diag(2a, 2b) is a x₁² + b x₂²
x0 = np.array([1.0, 1.0])
fig, axes = style.subplots(1, 2, figsize=(10, 3.6))
for ax, eta in zip(axes, [0.02, 0.2]):
    t = np.arange(0, 21)
    ode = x0[None, :] * np.exp(-2 * eta * np.array([a, b])[None, :] * t[:, None])
    gd = L.run(optim.GD(lr=eta), f, w0=x0, n_steps=20).ws
    for i, c in enumerate(style.series(2)):
        ax.plot(t, ode[:, i], color=c, label=f"ODE x{i+1}(t)")
        ax.plot(t, gd[:, i], "o", color=c, ms=4, label=f"GD x{i+1}⁽ᵗ⁾")
    ax.set_title(f"η = {eta}: max |GD − ODE| = {np.abs(gd - ode).max():.3f}")
    ax.set_xlabel("t (steps)")
    ax.legend()
plt.show()
for eta in [0.002, 0.02, 0.2]:
    gd = L.run(optim.GD(lr=eta), f, w0=x0, n_steps=20).ws
    ode = x0 * np.exp(-2 * eta * np.array([a, b]) * 20)
    print(f"η = {eta:<5}: after 20 steps GD x = {fmt(gd[-1], 5)}, ODE x(20) = {fmt(ode, 5)}")
""")

md(r"""
With η = 0.2, 2ηb = 1.6 > 1: the x₂ iterates flip sign every step (1 − 1.6 = −0.6) while the
ODE decays smoothly. The step size, not the direction, decides what gradient descent does —
the rest of the lecture is about that.
""")

# ----------------------------------------------------------------------------- 2. 1-D
md(r"""
## 2. The 1-D quadratic: η_opt = 1/a and four regimes (seed 001)

E(w) = ½aw² + bw + c. The Taylor expansion around w⁽ᵏ⁾ is exact for a quadratic, and its
minimum is Newton's step w_min = w⁽ᵏ⁾ − E''(w⁽ᵏ⁾)⁻¹E'(w⁽ᵏ⁾). Comparing with
w⁽ᵏ⁺¹⁾ = w⁽ᵏ⁾ − ηE'(w⁽ᵏ⁾): the optimal step is **η_opt = 1/E'' = 1/a**.

With any η, the error e = w − w* obeys e⁽ᵏ⁺¹⁾ = (1 − ηa)e⁽ᵏ⁾, so

* η < η_opt: 0 < 1 − ηa < 1, monotone convergence;
* η = η_opt: one step;
* η_opt < η < 2η_opt: −1 < 1 − ηa < 0, oscillating convergence;
* η > 2η_opt: |1 − ηa| > 1, divergence (η = 2η_opt oscillates forever).
""")

code(r"""
q1 = L.Quadratic.one_d(a=2.0, b=-1.0, c=0.5)      # w* = 0.5, η_opt = 0.5
eta_opt = 1 / 2.0
print("w* =", q1.w_star[0], " η_opt =", eta_opt)
fig, axes = style.subplots(1, 2, figsize=(11, 3.8))
ws_grid = np.linspace(-1.5, 2.5, 200)
axes[0].plot(ws_grid, [q1.value([w]) for w in ws_grid], color=style.COLORS["neutral"])
for factor, c in zip([0.5, 1.0, 1.5, 2.1], style.series(4)):
    t = L.run(optim.GD(lr=factor * eta_opt), q1, w0=[2.0], n_steps=8)
    w = t.ws[:, 0]
    axes[0].plot(w[:5], t.losses[:5], "o-", color=c, ms=4, lw=0.8, label=f"η = {factor} η_opt")
    axes[1].plot(w - q1.w_star[0], "o-", color=c, ms=4, label=f"η = {factor} η_opt")
    print(f"η = {factor:>3} η_opt: w − w* = {fmt(w - q1.w_star[0])[:6]} …")
axes[0].set_ylim(-0.5, 6); axes[0].set_xlabel("w"); axes[0].set_ylabel("E(w)"); axes[0].legend()
axes[1].axhline(0, **style.line("axis")); axes[1].set_ylim(-4, 4)
axes[1].set_xlabel("iteration k"); axes[1].set_ylabel("w⁽ᵏ⁾ − w*")
plt.show()
""")

md(r"""
The printed errors are exactly (1 − ηa)ᵏ·1.5: factors 0.5, 0, −0.5 and −1.1.

**Newton's step is the normalized update.** w ← w − E''⁻¹E' rescales the gradient by the
curvature; with that normalization the best step is η = 1 for every quadratic, whatever a is:
""")

code(r"""
for a_ in [0.01, 1.0, 100.0]:
    q = L.Quadratic.one_d(a_, b=3.0)
    t = L.run(optim.Newton(lr=1.0), q, w0=[5.0], n_steps=1)
    print(f"a = {a_:>6}: one Newton step from w = 5 lands at {t.ws[1, 0]:.6f}, w* = {q.w_star[0]:.6f}")
""")

# ----------------------------------------------------------------------------- 3. n-D
md(r"""
## 3. n-D quadratics: one η for all directions, and the condition number

E = ½wᵀAw + bᵀw + c with A symmetric positive definite. **Diagonal A**: the coordinates are
uncoupled — E is a sum of 1-D quadratics ½a_ii w_i² + b_i w_i, each with its own
η_i,opt = 1/a_ii. But the vector update uses *one* η for all of them, so it converges only if
η < 2 min_i η_i,opt, and oscillates in every direction where η_i,opt ≤ η < 2η_i,opt.

The seed's example: η₁,opt = 1, η₂,opt = 0.33 (A = diag(1, 3)), with η a multiple of η₂,opt.
""")

code(r"""
qa = L.Quadratic.axis_aligned([1.0, 3.0], b=[0.0, 0.0], start=[-2.0, 1.5], box=((-2.5, 2.5), (-2.0, 2.0)))
eta2 = 1 / 3
factors = [2.1, 2.0, 1.5, 1.0, 0.75]
fig, axes = style.subplots(1, 5, figsize=(15, 3.2), sharey=True)
grid = landscape_grid(qa)
for ax, fct in zip(axes, factors):
    plot_contour(ax, qa, grid=grid, n_levels=10)
    t = L.run(optim.GD(lr=fct * eta2), qa, n_steps=12)
    plot_trajectory(ax, t.ws[np.isfinite(t.losses)])
    ax.set_title(f"η = {fct} η₂,opt")
    print(f"η = {fct:4} η₂,opt = {fct * eta2:.3f}: |w⁽¹²⁾ − w*| = {np.linalg.norm(t.ws[-1]):.3g}"
          + ("  (diverged)" if t.diverged or np.linalg.norm(t.ws[-1]) > 10 else ""))
for ax in axes[1:]:
    ax.set_ylabel("")  # shared w₂ axis: one label
fig.tight_layout()
plt.show()
""")

md(r"""
η = 2.1η₂,opt diverges along w₂, η = 2η₂,opt bounces forever along w₂ (factor −1), 1.5η₂,opt
oscillates but converges, η₂,opt solves w₂ in one step but crawls along w₁ (factor 2/3 per step).

**Rotated A** changes nothing essential: the eigenvectors of A are the axes of the
elliptical contours, the eigenvalues λ₁ ≥ … ≥ λₙ the curvatures along them, and in the
eigenbasis the error along eigenvector i shrinks by (1 − ηλᵢ) per step. So:

* η_i,opt = 1/λᵢ; GD converges **iff η < 2/λ_max**;
* the best single η is 2/(λ₁ + λₙ), giving the rate (κ − 1)/(κ + 1) per step, with the
  **condition number** κ = λ_max/λ_min = max η_i,opt / min η_i,opt.

(The seed writes "convergence is particularly slow if max η_i,opt / min η_i,opt is large — the
condition number is small"; the ratio *is* the condition number, and slow convergence means it
is **large**. It also says the ellipse diameters are proportional to the eigenvalues: the
semi-axes of the contour E = const are proportional to 1/√λᵢ — the steep direction is the
short one, as the plots show.)
""")

code(r"""
q = L.Quadratic.rotated([10.0, 1.0], angle=np.pi / 6, b=[1.0, -1.0])
print("A =\n", q.A, "\neigenvalues:", q.eigenvalues, " κ =", q.condition_number, " 2/λ_max =", q.eta_max)
for factor in [0.5, 0.98, 1.0, 1.02]:
    t = L.run(optim.GD(lr=factor * q.eta_max), q, w0=q.w_star + [3.0, -2.0], n_steps=2000)
    err = np.linalg.norm(t.ws[-1] - q.w_star)
    print(f"η = {factor:4} · 2/λ_max: after 2000 steps |w − w*| = {err:.3e}" + ("  diverged" if t.diverged else ""))
kap = np.array([2, 10, 100, 1000])
print("best-η GD rate (κ−1)/(κ+1) for κ =", kap, ":", ((kap - 1) / (kap + 1)).round(4))
print("steps to shrink the error 1e6×:", np.ceil(np.log(1e-6) / np.log((kap - 1) / (kap + 1))).astype(int))
""")

md(r"""
At η = 2/λ_max exactly the steep direction neither shrinks nor grows (factor −1): the error
stays put. And a condition number of 1000 needs ~7000 steps for 6 digits.

### Normalizing the axes: A^(1/2) scaling

If all directions had the same curvature, one η would fit all. Substitute ŵ = A^(1/2)w
(A^(1/2) = EΛ^(1/2)Eᵀ from the eigendecomposition A = EΛEᵀ): then
E = ½ŵᵀŵ + b̂ᵀŵ + c with b̂ = A^(−1/2)b — circular contours, η_opt = 1 in every direction.
Gradient descent in ŵ, mapped back with ∇_ŵE = A^(−1/2)∇_wE, is
**w⁽ᵏ⁺¹⁾ = w⁽ᵏ⁾ − ηA⁻¹∇_wE(w⁽ᵏ⁾)** — the normalized (Newton) update. (The seed's slide for the
non-axis-aligned case prints w⁽ᵏ⁺¹⁾ = w⁽ᵏ⁾ − ηA⁻¹**b**; the gradient ∇E = Aw + b is what
belongs there — with b alone the update would not even depend on w.)
""")

code(r"""
lam, E = np.linalg.eigh(q.A)
S = E @ np.diag(np.sqrt(lam)) @ E.T             # A^(1/2)
Sinv = E @ np.diag(1 / np.sqrt(lam)) @ E.T      # A^(-1/2)
print("A^(1/2)ᵀ A^(1/2) == A:", np.allclose(S.T @ S, q.A))
qhat = L.Quadratic(Sinv @ q.A @ Sinv, Sinv @ q.b)  # E in ŵ coordinates
print("Hessian in ŵ coordinates:\n", fmt(qhat.A, 10), "→ κ =", round(qhat.condition_number, 6))
w0 = q.w_star + np.array([3.0, -2.0])
t_hat = L.run(optim.GD(lr=1.0), qhat, w0=S @ w0, n_steps=1)
t_newton = L.run(optim.Newton(lr=1.0), q, w0=w0, n_steps=1)
print("one GD step (η = 1) in ŵ, mapped back:", (Sinv @ t_hat.ws[1]).round(6))
print("one normalized step w − A⁻¹∇E          :", t_newton.ws[1].round(6), "  w* =", q.w_star.round(6))

fig, axes = style.subplots(1, 2, figsize=(10, 4))
plot_contour(axes[0], q)
plot_trajectory(axes[0], L.run(optim.GD(lr=0.9 * q.eta_max), q, w0=w0, n_steps=30).ws, label="GD, η = 0.9·2/λ_max")
plot_trajectory(axes[0], t_newton.ws, color=style.COLORS["Newton"], label="normalized step")
axes[0].legend(); axes[0].set_title("w coordinates (κ = 10)")
box = ((S @ w0)[0] - 5, (S @ w0)[0] + 5), ((S @ w0)[1] - 5, (S @ w0)[1] + 5)
lo = qhat.w_star - 6; hi = qhat.w_star + 6
plot_contour(axes[1], qhat, grid=landscape_grid(qhat, box=((lo[0], hi[0]), (lo[1], hi[1]))))
plot_trajectory(axes[1], t_hat.ws, color=style.COLORS["Newton"])
axes[1].set_aspect("equal"); axes[1].set_title("ŵ = A^(1/2) w: circles, η = 1 solves it")
plt.show()
""")

# ----------------------------------------------------------------------------- 4. Newton
md(r"""
## 4. Newton's method beyond quadratics

For a general E, fit the quadratic Taylor model at w⁽ᵏ⁾ and jump to its minimum:
w⁽ᵏ⁺¹⁾ = w⁽ᵏ⁾ − ηH_E(w⁽ᵏ⁾)⁻¹∇E(w⁽ᵏ⁾), η = 1. Near a minimum this converges very fast
(quadratically). But the seed's warnings hold: the Hessian has n² entries (10¹⁰ for 10⁵
weights), and where it is not positive definite the step goes **towards a saddle or a
maximum**. Seed 002's landscape f (section 8) shows both:
""")

code(r"""
ros, il = L.Rosenbrock(), L.InterestingLandscape()
t = L.run(optim.Newton(lr=1.0), ros, n_steps=8)
print("Newton on Rosenbrock from (−1.2, 1): E =", np.array2string(t.losses, precision=3, separator=", "))
print("Hessian eigenvalues of seed 002's f at (0.5, 0.5):", np.linalg.eigvalsh(il.hessian([0.5, 0.5])).round(3))
t = L.run(optim.Newton(lr=1.0), il, w0=[0.5, 0.5], n_steps=20)
print("Newton on seed 002's f from (0.5, 0.5): f =", np.array2string(t.losses[:5], precision=3, separator=", "),
      f"… f⁽²⁰⁾ = {t.losses[-1]:.4f} at x₁ = {t.ws[-1, 0]:.1e}, x₂ = {t.ws[-1, 1]:.3g}")
t = L.run(optim.Newton(lr=1.0), il, w0=[-1.2, 0.3], n_steps=6)
print("… from (−1.2, 0.3), where H is positive definite: w⁽⁶⁾ =", fmt(t.ws[-1], 8), "f =", f"{t.losses[-1]:.2e}")
""")

# ----------------------------------------------------------------------------- 5. rates
md(r"""
From (0.5, 0.5) the Hessian has a negative eigenvalue: the Newton steps run off to x₁ → 0,
x₂ → ∞, where f(0, x₂) = (0 − 1)² + (0 − 0 − 1)² = 2 for every x₂ — f creeps down to 2 and
stays there, far from both minima (f = 0). From (−1.2, 0.3), inside the bowl of the minimum (−1, 0), the same
method lands on it to machine precision in a few steps.

## 5. Convergence rates: linear on quadratics, O(1/k) for merely smooth convex functions

The seed measures the rate by R = |f(x⁽ᵏ⁺¹⁾) − f*| / |f(x⁽ᵏ⁾) − f*|. On a strongly convex
quadratic R is constant: **linear** convergence, |f⁽ᵏ⁾ − f*| = cᵏ|f⁽⁰⁾ − f*|, O(log 1/ε) steps.
For a function that is convex and L-smooth but *not* strongly convex, the guarantee is only
f(w⁽ᵏ⁾) − f* ≤ ‖w⁽⁰⁾ − w*‖²/(2ηk) for η ≤ 1/L — O(1/ε) steps. (The seed prints the bound with
|w⁽⁰⁾ − w*| unsquared; the standard bound has the square.) f(w) = w⁴ is such a function
(f'' = 12w² vanishes at the minimum):
""")

code(r"""
class Quartic(L.Landscape):
    # f(w) = w⁴ — convex, smooth on [−1, 1] (f'' ≤ 12), not strongly convex at w* = 0
    name, dim = "w⁴", 1
    min_value = 0.0
    def _value(self, w): return float(w[0] ** 4)
    def _grad(self, w): return np.array([4 * w[0] ** 3])
    def _hessian(self, w): return np.array([[12 * w[0] ** 2]])

eta = 0.05
quad = L.run(optim.GD(lr=eta), L.Quadratic.one_d(2.0), w0=[1.0], n_steps=1000).losses
quart = L.run(optim.GD(lr=eta), Quartic(), w0=[1.0], n_steps=1000).losses
k = np.arange(1, 1001)
print("quadratic: R at k = 10, 50, 100:", (quad[[11, 51, 101]] / quad[[10, 50, 100]]).round(6), "= (1 − 2η)² =", (1 - 2 * eta) ** 2)
print("w⁴       : R at k = 10, 100, 1000:", (quart[[11, 101, 1000]] / quart[[10, 100, 999]]).round(6), "→ 1 (sublinear)")
print("w⁴ stays under the bound ‖w0 − w*‖²/(2ηk):", bool(np.all(quart[1:] <= 1 / (2 * eta * k))))
fig, ax = style.subplots(figsize=(6.5, 3.6))
ax.loglog(k, quad[1:], label="½·2w² (quadratic): linear")
ax.loglog(k, quart[1:], label="w⁴: sublinear")
ax.loglog(k, 1 / (2 * eta * k), **style.line("bound"), label="bound 1/(2ηk)")
ax.set_ylim(1e-12, 10); ax.set_xlabel("k"); ax.set_ylabel("f(w⁽ᵏ⁾) − f*"); ax.legend()
plt.show()
""")

# ----------------------------------------------------------------------------- 6. schedules
md(r"""
## 6. Decaying learning rates, and minibatch SGD

η > 2η_opt can help escape poor local minima, but *always* keeping it that high means never
converging. The seed's compromise: start large and decay,

* η_k = η₀/(k + 1) (the seed calls it "linear decay"; it is a 1/k decay), `optim.LinearDecay`
* η_k = η₀/(k + 1)², `optim.QuadraticDecay`
* η_k = η₀e^(−βk), `optim.ExponentialDecay`
* for networks: train at fixed η until the loss stagnates, then η ← αη (α ≈ 0.1), and continue:
  `optim.StepDecayOnPlateau` (call `.step(loss)` after each epoch).

A schedule is a callable k → η; the runner (and `coursekit.train.fit`) sets `optimizer.lr = schedule(k)`
before step k. On the 1-D quadratic with η₀ = 3η_opt (divergent if kept fixed):
""")

code(r"""
q1 = L.Quadratic.one_d(2.0)                       # η_opt = 0.5
eta0 = 1.5
scheds = {"fixed η₀": None, "η₀/(k+1)": optim.LinearDecay(eta0), "η₀/(k+1)²": optim.QuadraticDecay(eta0),
          "η₀e^(−0.3k)": optim.ExponentialDecay(eta0, beta=0.3)}
fig, axes = style.subplots(1, 2, figsize=(11, 3.6))
for name, s in scheds.items():
    t = L.run(optim.GD(lr=eta0), q1, w0=[1.0], n_steps=30, schedule=s)
    lrs = [eta0] * 30 if s is None else [s(k) for k in range(30)]
    axes[0].semilogy(lrs, label=name)
    axes[1].semilogy(np.abs(t.ws[:, 0]) + 1e-300, label=name)
    print(f"{name:12}: |w⁽³⁰⁾ − w*| = {abs(t.ws[-1, 0]):.3e}" + ("  (diverged)" if t.diverged else ""))
axes[0].axhline(2 * 0.5, **style.line("bound")); axes[0].set_title("η_k (dashed: 2η_opt)")
axes[1].set_ylim(1e-17, 1e10); axes[1].set_title("|w⁽ᵏ⁾ − w*|")
for ax in axes: ax.set_xlabel("k"); ax.legend()
plt.show()
""")

md(r"""
1/k decays fast enough to stop diverging after two steps (and at k = 2 it hits η = 0.5 = η_opt,
which solves a quadratic in one step — luck of this example); exponential decay needs a few more;
the quadratic decay shrinks η so fast that the iterate stops moving after the first steps
(Σ η_k < ∞: the steps can't add up to the remaining distance in general).

**Minibatch SGD, reshuffled every epoch.** The training loss is an average over examples; a
minibatch gradient is an unbiased but noisy estimate of it. `optim.minibatches(n, batch_size, rng)`
yields the index sets of one epoch in a fresh random order. With a fixed η the noise keeps the
loss at a floor; the stagnation rule lowers η each time the epoch loss stops improving:
""")

code(r"""
rng = np.random.default_rng(0)
n, d = 2000, 5
X = rng.standard_normal((n, d))
w_true = rng.standard_normal(d)
y = X @ w_true + 0.5 * rng.standard_normal(n)
w_ls = np.linalg.lstsq(X, y, rcond=None)[0]

def mse(w): return float(np.mean((X @ w - y) ** 2))

def sgd(schedule_on_plateau, epochs=40, eta=0.05, batch=10, seed=1):
    rng = np.random.default_rng(seed)
    opt = optim.GD(lr=eta)
    plateau = optim.StepDecayOnPlateau(eta, alpha=0.1, patience=2, rel_tol=1e-3, min_lr=1e-5) if schedule_on_plateau else None
    params = {"w": np.zeros(d)}
    hist = []
    for epoch in range(epochs):
        for idx in optim.minibatches(n, batch, rng):
            Xb, yb = X[idx], y[idx]
            opt.step(params, {"w": 2 * Xb.T @ (Xb @ params["w"] - yb) / len(idx)})
        hist.append(mse(params["w"]) - mse(w_ls))
        if plateau is not None:
            opt.lr = plateau.step(mse(params["w"]))
    return np.array(hist), opt.lr

h_fixed, _ = sgd(False)
h_decay, lr_end = sgd(True)
print(f"excess training MSE after 40 epochs: fixed η {h_fixed[-1]:.2e}, step decay on plateau {h_decay[-1]:.2e} (final η = {lr_end:.0e})")
print(f"at the least-squares solution the full gradient is ~0, each example's gradient is not: "
      f"mean |per-example gradient| = {np.mean(np.abs(2 * X * (X @ w_ls - y)[:, None])):.2f}")
fig, ax = style.subplots(figsize=(6.5, 3.4))
ax.semilogy(h_fixed, label="fixed η = 0.05"); ax.semilogy(h_decay, label="η ← 0.1η on plateau")
ax.set_xlabel("epoch"); ax.set_ylabel("MSE − least-squares MSE"); ax.legend()
plt.show()
""")

# ----------------------------------------------------------------------------- 7. Rprop / Quickprop
md(r"""
## 7. Derivative-*inspired* methods: Rprop and QuickProp

"Many of the convergence issues arise because we force the same learning rate on all
parameters." Both methods treat every weight on its own.

**Rprop** (resilient propagation) looks only at the *sign* of ∂E/∂w. The seed's loop, per weight
(α = 1.2, β = 0.5, with a ceiling Δmax and a floor Δmin):

    w = w − Δw;  D = ∂E/∂w
    if sign(prevD) == sign(D):  Δw = min(αΔw, Δmax);  prevD = D     # accelerate
    else:                       w = w + Δw;  Δw = max(βΔw, Δmin)    # overshot: go back, shrink

`optim.Rprop(lr=Δ₀)` follows it step by step (the tests replay this pseudo-code). In the seed's
simplified loop a weight never turns around — it backtracks and takes a smaller step the same
way — so with the floor a weight could freeze; `coursekit` reverses a weight only when its step
is already at Δmin (documented in the class).

**QuickProp** is a per-weight Newton step with a finite-difference second derivative:
E'' ≈ (E'(w⁽ᵏ⁾) − E'(w⁽ᵏ⁻¹⁾))/(w⁽ᵏ⁾ − w⁽ᵏ⁻¹⁾), step −E'/E''. (The seed's slide writes
Δw⁽ᵏ⁾ = Δw⁽ᵏ⁻¹⁾E'⁽ᵏ⁾/(E'⁽ᵏ⁾ − E'⁽ᵏ⁻¹⁾) with w⁽ᵏ⁺¹⁾ = w⁽ᵏ⁾ − Δw⁽ᵏ⁾; with that sign convention
the denominator must be E'⁽ᵏ⁻¹⁾ − E'⁽ᵏ⁾ — check it on a parabola below.) Safeguards: the first
step, and any weight whose curvature estimate is zero or negative, take a gradient step −ηE';
a step may grow at most 1.75× the previous one.
""")

code(r"""
p = L.Quadratic.one_d(3.0, b=-1.5)                # w* = 0.5
w_prev, w_k = 2.0, 0.65                            # a gradient step with η = 0.3 took 2 → 0.65
g_prev, g_k = p.grad([w_prev])[0], p.grad([w_k])[0]
dw_prev = w_prev - w_k                             # the seed's convention: w_k = w_prev − Δw_prev
as_printed = w_k - dw_prev / (g_k - g_prev) * g_k
secant = w_k - g_k * (w_k - w_prev) / (g_k - g_prev)
print(f"slide formula as printed: w = {as_printed:.4f};  secant (Newton) step: w = {secant:.4f};  w* = 0.5")
t = L.run(optim.Quickprop(lr=0.3), p, w0=[2.0], n_steps=2)
print("optim.Quickprop:", t.ws[:, 0].round(12))
""")

code(r"""
valley = L.narrow_valley(50.0)
runs = {
    "GD η = 0.038": L.run(optim.GD(lr=0.038), valley, n_steps=300),
    "Rprop Δ₀ = 0.1": L.run(optim.Rprop(lr=0.1), valley, n_steps=300),
    "Quickprop η = 0.01": L.run(optim.Quickprop(lr=0.01), valley, n_steps=300),
}
fig, axes = style.subplots(1, 2, figsize=(11, 3.8))
plot_contour(axes[0], valley)
for (name, t), c in zip(runs.items(), [style.COLORS["GD"], style.COLORS["Rprop"], style.COLORS["Quickprop"]]):
    plot_trajectory(axes[0], t.ws[:60], color=c, label=name)
    plot_loss_curve(axes[1], t.losses, 0.0, label=name, color=c)
    below = np.flatnonzero(t.losses < 1e-8)
    print(f"{name:20}: E < 1e-8 after {below[0] if below.size else '>300'} steps")
axes[0].legend(); axes[1].legend(); axes[1].set_ylim(1e-16, 1e3)
plt.show()
""")

md(r"""
Rprop is "remarkably simple … frequently much more efficient than gradient descent" and makes
no convexity assumption. Here it reaches E < 1e-8 a little sooner than GD with a hand-tuned η
(just under 2/λ_max), without being told λ_max — though only after a long plateau: on a
*rotated* valley the per-weight sign rules fight the coupling between the weights (on an
axis-aligned one they would not). QuickProp is fast on nearly quadratic bowls, but its per-weight
secant only sees the *diagonal* curvature — on a rotated valley the coupled weights make it
wander (it is "prone to some instability").
""")

# ----------------------------------------------------------------------------- 8. momentum
md(r"""
## 8. Momentum and Nesterov

Gradient descent oscillates across a narrow valley and crawls along it. **Momentum** keeps a
running average of the steps: swings across the valley cancel, steps along it add up
(seed 001; seed 002 writes the same as x⁽ᵗ⁺¹⁾ = x⁽ᵗ⁾ − η∇f(x⁽ᵗ⁾) + μ(x⁽ᵗ⁾ − x⁽ᵗ⁻¹⁾)):

ΔW⁽ᵏ⁾ = βΔW⁽ᵏ⁻¹⁾ − η∇Loss(W⁽ᵏ⁻¹⁾),  W⁽ᵏ⁾ = W⁽ᵏ⁻¹⁾ + ΔW⁽ᵏ⁾  (`optim.Momentum(lr=η, beta=β)`)

**Nesterov** reverses the order: first extend the previous step, then take the gradient there:
ΔW⁽ᵏ⁾ = βΔW⁽ᵏ⁻¹⁾ − η∇Loss(W⁽ᵏ⁻¹⁾ + βΔW⁽ᵏ⁻¹⁾). `optim.Nesterov` stores the look-ahead point
Ŵ = W + βΔW (so it needs only the gradient at its own parameters); then one step is
ΔW ← βΔW − η∇, Ŵ ← Ŵ + βΔW − η∇ — exactly `torch.optim.SGD(momentum=β, nesterov=True)`.

**The optimal momentum on a quadratic** (Goh 2017, "Why momentum really works"): with
α* = (2/(√λ₁ + √λₙ))² and β* = ((√κ − 1)/(√κ + 1))², the error shrinks like
((√κ − 1)/(√κ + 1))ᵏ — √κ where GD has κ:
""")

code(r"""
for kappa in [50.0, 1000.0]:
    qv = L.narrow_valley(kappa)
    a_star, b_star = qv.optimal_momentum()
    sk = np.sqrt(kappa)
    t_m = L.run(optim.Momentum(lr=a_star, beta=b_star), qv, n_steps=400)
    t_g = L.run(optim.GD(lr=2 / (kappa + 1)), qv, n_steps=400)
    err_m, err_g = np.linalg.norm(t_m.ws, axis=1), np.linalg.norm(t_g.ws, axis=1)
    kk = np.arange(100, 301)
    fit_m = np.exp(np.polyfit(kk, np.log(err_m[kk]), 1)[0])
    fit_g = np.exp(np.polyfit(kk, np.log(err_g[kk]), 1)[0])
    print(f"κ = {kappa:>6.0f}: α* = {a_star:.5f}, β* = {b_star:.4f} | measured rate momentum {fit_m:.4f} "
          f"vs (√κ−1)/(√κ+1) = {(sk - 1) / (sk + 1):.4f} | GD at 2/(λ₁+λₙ): {fit_g:.4f} vs (κ−1)/(κ+1) = {(kappa - 1) / (kappa + 1):.4f}")
""")

code(r"""
valley = L.narrow_valley(50.0)
eta = 0.01
runs = {"GD": optim.GD(lr=eta), "momentum β = 0.9": optim.Momentum(lr=eta, beta=0.9),
        "Nesterov β = 0.9": optim.Nesterov(lr=eta, beta=0.9)}
fig, axes = style.subplots(1, 2, figsize=(11, 3.8))
plot_contour(axes[0], valley)
for (name, opt), c in zip(runs.items(), [style.COLORS["GD"], style.COLORS["momentum"], style.COLORS["Nesterov"]]):
    t = L.run(opt, valley, n_steps=150)
    plot_trajectory(axes[0], t.ws[:80], color=c, label=name)
    plot_loss_curve(axes[1], t.losses, 0.0, label=name, color=c)
    print(f"{name:18}: E after 50 / 150 steps = {t.losses[50]:.2e} / {t.losses[150]:.2e}")
axes[0].legend(); axes[1].legend()
axes[0].set_title("narrow valley (κ = 50), η = 0.01")
plt.show()
""")

md(r"""
With the same η and β, Nesterov's look-ahead damps the overshoot across the valley that plain
momentum shows (the zig-zag of the momentum path), and converges faster ("example from Hinton").

Seed 002's **more interesting landscape** f(x) = (x₁² − 1)² + (x₁²x₂ − x₁ − 1)² has two minima,
(1, 2) and (−1, 0), at the bottom of curved narrow valleys — its motivation for momentum. Its
printed gradient is correct; we check it against central differences:
""")

code(r"""
il = L.InterestingLandscape()
x = np.array([0.7, -1.3])
x1, x2 = x
r = x1**2 * x2 - x1 - 1
seed_grad = np.array([4 * x1 * (x1**2 - 1) + 2 * (2 * x1 * x2 - 1) * r, 2 * x1**2 * r])
h = 1e-6
fd = np.array([(il.value(x + h * e) - il.value(x - h * e)) / (2 * h) for e in np.eye(2)])
print("seed's gradient:", seed_grad.round(6), " central differences:", fd.round(6), " equal:", np.allclose(seed_grad, fd))

fig, axes = style.subplots(1, 2, figsize=(11, 4))
plot_contour(axes[0], il)
for (name, opt), c in zip({"GD η = 0.01": optim.GD(lr=0.01), "momentum η = 0.01, β = 0.9": optim.Momentum(lr=0.01, beta=0.9),
                           "Nesterov η = 0.01, β = 0.9": optim.Nesterov(lr=0.01, beta=0.9)}.items(), [style.COLORS["GD"], style.COLORS["momentum"], style.COLORS["Nesterov"]]):
    t = L.run(opt, il, n_steps=300)
    plot_trajectory(axes[0], t.ws, color=c, label=name)
    plot_loss_curve(axes[1], t.losses, 0.0, label=name, color=c)
    print(f"{name:28}: w⁽³⁰⁰⁾ = {fmt(t.ws[-1])}, f = {t.losses[-1]:.2e}")
axes[0].legend(loc="upper right"); axes[1].legend()
plt.show()
""")

# ----------------------------------------------------------------------------- 9. adaptive
md(r"""
## 9. Per-weight adaptive rates: AdaGrad, RMSprop, Adam

Seed 002 names AdaGrad ("modifies the learning rate η_t in each iteration"). These methods
divide each weight's step by a running size of its gradients, so steep and flat directions
move at similar speeds — a cheap diagonal stand-in for the normalization of section 3.
`coursekit` uses torch.optim's formulas (ε outside the square root; Adam bias-corrected):

* AdaGrad: G ← G + ∇², W ← W − η∇/(√G + ε)
* RMSprop: v ← ρv + (1 − ρ)∇², W ← W − η∇/(√v + ε)
* Adam: m ← β₁m + (1 − β₁)∇, v ← β₂v + (1 − β₂)∇², W ← W − η m̂/(√v̂ + ε), m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ)

On an axis-aligned valley (κ = 100) the division equalizes the directions; on Rosenbrock:
""")

code(r"""
qa = L.Quadratic.axis_aligned([100.0, 1.0], start=[1.0, 1.0], box=((-1.3, 1.3), (-1.3, 1.3)))
ros = L.Rosenbrock()
fig, axes = style.subplots(1, 2, figsize=(11, 4))
for ax, ls, lr, n in [(axes[0], qa, 0.05, 100), (axes[1], ros, 0.02, 1500)]:
    plot_contour(ax, ls)
    for (name, opt), c in zip({"GD": optim.GD(lr=min(lr, 0.9 * 2 / 100 if ls is qa else 1e-3)),
                               "AdaGrad": optim.AdaGrad(lr=lr * 10), "RMSprop": optim.RMSprop(lr=lr),
                               "Adam": optim.Adam(lr=lr)}.items(), [style.COLORS[k] for k in ("GD", "AdaGrad", "RMSprop", "Adam")]):
        t = L.run(opt, ls, n_steps=n)
        plot_trajectory(ax, t.ws, color=c, label=name)
        print(f"{ls.name:24} {name:8}: E − E_min after {n} steps = {t.losses[-1] - ls.min_value:.3e}")
    ax.legend()
plt.show()
""")

# ----------------------------------------------------------------------------- 10. panel
md(r"""
## 10. The interactive panel

Move the **learning rate** (log scale) and **momentum** sliders, pick a **method** and a
**landscape**. Left: contours with the trajectory (200 steps); middle: E − E_min per iteration;
right (on quadratics): the (η, β) plane — heavy-ball momentum converges in the shaded region
η < 2(1 + β)/λ_max, the star is Goh's optimum (α*, β*), the dot your setting.

Things to try: GD on the narrow valley just below and just above 2/λ_max = 0.04; momentum at
the star; Nesterov vs momentum at β = 0.9; Newton on every landscape (η = 1); Rprop on
Rosenbrock.
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
# (a live widget: its view and captured figure differ between front ends)
from coursekit.widgets.optimization import OptimizationPanel, simulate_optimization
from coursekit.widgets.panel import ERRORS

panel = OptimizationPanel()
panel
""")

md(r"""
Moving a slider from code does what dragging it does; `panel.data` is what the pure
`simulate_optimization` returned:
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
# (the redraw goes into the widget; some front ends echo the figure here)
d = panel.set(method="GD", lr=0.039)
""")

code(r"""
print(f"GD, η = 0.039 < 2/λ_max = 0.04: diverged = {d['diverged']}, final gap = {d['final_gap']:.3e}")
d = panel.data
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
# (see above)
d = panel.set(lr=0.042)
""")

code(r"""
print(f"GD, η = 0.042 > 2/λ_max: diverged = {d['diverged']}, E − E_min went from {d['losses'][0]:.1f} to {d['final_gap']:.3g}")
opt = d["optimal"]
print(f"on this valley α* = {opt['alpha_star']:.4f}, β* = {opt['beta_star']:.4f}, rate {opt['rate_star']:.4f}")
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
# (see above)
d = panel.set(method="momentum", lr=opt["alpha_star"], momentum=round(opt["beta_star"], 2))
""")

code(r"""
print(f"momentum at (α*, β*): E − E_min after 200 steps = {d['final_gap']:.2e}")
""")

md(r"""
## Summary

* Gradient descent is Euler's method for the gradient-flow ODE; the step size decides whether
  it follows the flow, oscillates or diverges.
* On a quadratic, η_opt = 1/E'' (one step), and one η for all directions must stay below
  2/λ_max; the condition number κ = λ_max/λ_min sets the speed, (κ − 1)/(κ + 1) per step.
* Normalizing by A^(−1/2) (Newton, w ← w − ηH⁻¹∇E) makes every direction alike — but the
  Hessian is expensive and misleads where it is not positive definite.
* Linear convergence on strongly convex quadratics; only O(1/k) for merely smooth convex
  functions.
* Decay the learning rate: η₀/(k + 1), η₀/(k + 1)², η₀e^(−βk), or ×α when the loss stagnates.
* Rprop and QuickProp decouple the weights; momentum averages steps, Nesterov looks ahead, and
  at (α*, β*) momentum converges at rate (√κ − 1)/(√κ + 1).
""")

code(r"""
assert not ERRORS, ERRORS        # no widget callback raised during this run
print("panel callbacks without errors:", len(ERRORS) == 0)
""")


def main():
    lecture.write(OUT)


if __name__ == "__main__":
    main()
