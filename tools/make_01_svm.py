"""Generate lectures/01_svm.ipynb (lecture 01: support vector machines).

Run from the repository root, then execute and validate:

    .venv/bin/python tools/make_01_svm.py
    .venv/bin/jupyter nbconvert --to notebook --execute --inplace lectures/01_svm.ipynb
    .venv/bin/pytest lectures/01_svm.ipynb -p no:cacheprovider

This file is the lecture's text and code cells in order, so it is as long as the lecture
(over ~500 lines by design: splitting it would split the lecture).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lecture_builder import LectureBuilder  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lectures" / "01_svm.ipynb"

lecture = LectureBuilder()
md, code, cells = lecture.md, lecture.code, lecture.cells


# ----------------------------------------------------------------------------- title
md(r"""
# Lecture 01 — Support vector machines: margins, slack, the hinge loss and kernels

*Seed 000 (NYU CS-GY 6923, lecture 10, the SVM part: the maximum-margin formulation and
m = 1/‖β‖, hard margin's two problems, slack variables and the soft margin, the effect of C,
the three equivalent forms, the hinge loss and its comparison with logistic regression,
kernels and support vectors) and seed 002 (Mathematics of Deep Learning: the support vector
classifier as hinge loss + λ‖β‖², i.e. empirical risk minimisation).*

Every claim below is checked by running code from `coursekit`:

| | |
|---|---|
| `coursekit.svm` | `KernelSVM` (the dual, solved exactly by SMO), `LinearSVM` (hinge loss, subgradient descent), `LogisticRegression` |
| `coursekit.functional.hinge_loss` | the mean hinge loss and its subgradient, for our own training loop |
| `coursekit.widgets.svm` | the **C slider**: separator, margins, support vectors, margin width |

Plan: (1) the maximum margin and why m = 1/‖β‖, (2) hard margin's two problems, (3) slack
variables and the soft margin, (4) the C slider, (5) three equivalent forms — and a factor 2,
(6) hinge vs logistic loss, (7) kernels, and why prediction needs only the support vectors,
(8) training the SVM by gradient descent on the hinge loss.

**Notation.** Labels yᵢ ∈ {−1, +1}; the classifier is f(x) = ⟨x, β⟩ + β₀ and predicts sign f(x).
(The seed folds β₀ into β by appending a constant feature; we keep it separate and, like
scikit-learn, do not penalise it.)
""")

code(r"""
%matplotlib inline
# (inline even when MPLBACKEND=Agg is inherited, e.g. from a pytest session that set it)
import time

import numpy as np
import matplotlib.pyplot as plt

from coursekit import datasets, style
from coursekit.functional import hinge_loss
from coursekit.plotting import plot_margin_losses, plot_svm_margins, svm_grid
from coursekit.svm import KernelSVM, LinearSVM, LogisticRegression, kernel_matrix
from coursekit.widgets.svm import svm_data

np.set_printoptions(precision=4, suppress=True)
style.use()


def show_svm(ax, model, X, y, title=None, n=150):
    xx, yy, XY = svm_grid(X, n=n)
    F = model.decision_function(XY).reshape(xx.shape)
    support = getattr(model, "support_", None)
    return plot_svm_margins(ax, xx, yy, F, X, y, support=support, title=title)
""")

# ------------------------------------------------------------------ 1. max margin
md(r"""
## 1. The maximum margin, and why m = 1/‖β‖

For separable data many hyperplanes separate the classes; the SVM picks the one farthest from
the closest point. The signed distance of xᵢ to the hyperplane {x : ⟨x, β⟩ + β₀ = 0} is
Δᵢ = yᵢ(⟨xᵢ, β⟩ + β₀)/‖β‖, so the original problem is

$$\max_{\beta, \beta_0} \; \min_i \frac{y_i(\langle x_i, \beta\rangle + \beta_0)}{\|\beta\|_2}.$$

This is invariant to rescaling (β, β₀) → (cβ, cβ₀), so we may **fix the scale** by demanding
minᵢ yᵢ(⟨xᵢ, β⟩ + β₀) = 1. Then the margin is m = 1/‖β‖, and maximising it is minimising ‖β‖:

$$\min_{\beta, \beta_0} \tfrac12\|\beta\|_2^2 \quad\text{s.t.}\quad y_i(\langle x_i, \beta\rangle + \beta_0) \ge 1 \text{ for all } i.$$

(The ½, or its absence in the seed, does not change the minimiser here; it will matter for C.)
The points with yᵢfᵢ = 1 lie on the margin lines f = ±1: the **support vectors**.
""")

code(r"""
Xs, ys = svm_data("separable", n=60)
hard = KernelSVM(kernel="linear", hard_margin=True, tol=1e-6).fit(Xs, ys)
beta, beta0 = hard.coef_[0], hard.intercept_[0]
ypm = np.where(ys == hard.classes_[1], 1, -1)
dist = ypm * (Xs @ beta + beta0) / np.linalg.norm(beta)   # signed distances Δᵢ
print("β =", np.round(beta, 4), " β₀ =", round(beta0, 4))
print(f"‖β‖ = {np.linalg.norm(beta):.4f}   m = 1/‖β‖ = {hard.margin_:.4f}")
print(f"smallest distance of a point to the separator: {dist.min():.4f}")
print(f"support vectors: {hard.support_.size}, their yᵢfᵢ =", np.round(ypm[hard.support_] * hard.decision_function(Xs[hard.support_]), 4))

fig, ax = style.subplots(figsize=(5.2, 4.4))
show_svm(ax, hard, Xs, ys, title=f"hard margin: m = 1/‖β‖ = {hard.margin_:.3f}")
ax.legend(loc="lower right")
plt.show()
""")

# ---------------------------------------------------------- 2. hard margin problems
md(r"""
## 2. Hard margin's two problems

**Problem 1: the data might not be separable**, and then the maximum-margin classifier is not
even defined: no β satisfies all constraints. `KernelSVM(hard_margin=True)` checks this first
(an LP feasibility test) and refuses, instead of iterating forever:
""")

code(r"""
Xo, yo = svm_data("overlap")
try:
    KernelSVM(kernel="linear", hard_margin=True).fit(Xo, yo)
except ValueError as err:
    print("ValueError:", err)
""")

md(r"""
With a non-linear kernel this is less likely: if the kernel matrix **K** has full rank, a
function f = K c + β₀ can take any values on the training points, so perfect separation is
possible — as for the RBF kernel on distinct points:
""")

code(r"""
rbf_hard = KernelSVM(kernel="rbf", gamma=1.0, hard_margin=True, tol=1e-5).fit(Xo, yo)
print("rank of K:", np.linalg.matrix_rank(kernel_matrix(Xo, Xo, "rbf", gamma=1.0)), "of", len(yo))
print("training accuracy of the hard-margin RBF SVM:", rbf_hard.score(Xo, yo))
""")

md(r"""
**Problem 2: the hard margin is not robust.** One unusual point decides everything. Below, a
single point of the second class is moved towards the first class: the hard-margin separator
swings to accommodate it and the margin collapses. A soft margin (next section) shrugs it off.
""")

code(r"""
X_out = np.vstack([Xs, [[-0.6, 0.0]]])
y_out = np.append(ys, hard.classes_[1])
hard_out = KernelSVM(kernel="linear", hard_margin=True, tol=1e-6).fit(X_out, y_out)
soft_out = KernelSVM(kernel="linear", C=0.1, tol=1e-6).fit(X_out, y_out)

fig, axes = style.subplots(1, 3, figsize=(13.5, 4.2))
show_svm(axes[0], hard, Xs, ys, title=f"hard margin, m = {hard.margin_:.3f}")
show_svm(axes[1], hard_out, X_out, y_out, title=f"+ one outlier: hard margin\nm = {hard_out.margin_:.3f}")
show_svm(axes[2], soft_out, X_out, y_out, title=f"+ one outlier: soft margin\nC = 0.1, m = {soft_out.margin_:.3f}")
for ax in axes:
    ax.plot(*X_out[-1], "*", color=style.COLORS["support"], ms=14)
plt.tight_layout()
plt.show()
print(f"margin without the outlier {hard.margin_:.3f}, with it (hard) {hard_out.margin_:.3f}, soft {soft_out.margin_:.3f}")
""")

# ----------------------------------------------------------------- 3. slack
md(r"""
## 3. Slack variables and the soft margin

Allow the classifier some "mistakes": a point may sit inside the margin, or even on the wrong
side, at a price. With a slack εᵢ ≥ 0 per point (scikit-learn's convention — the seed writes
‖β‖² without the ½, see §5):

$$\min_{\beta, \beta_0, \varepsilon} \tfrac12\|\beta\|_2^2 + C\sum_{i=1}^n \varepsilon_i \quad\text{s.t.}\quad y_i(\langle x_i, \beta\rangle + \beta_0) \ge 1 - \varepsilon_i,\; \varepsilon_i \ge 0.$$

Dividing the constraint by ‖β‖: Δᵢ ≥ 1/‖β‖ − εᵢ/‖β‖, so **εᵢ/‖β‖ is how far xᵢ travels past
its margin line**. Since the margin is 1/‖β‖, εᵢ ≥ 1 puts xᵢ on or beyond the separator: a
misclassification. At the optimum εᵢ = max(0, 1 − yᵢfᵢ) (`model.slack(X, y)`).
""")

code(r"""
soft = KernelSVM(kernel="linear", C=1.0, tol=1e-6).fit(Xo, yo)
eps = soft.slack(Xo, yo)
wrong = soft.predict(Xo) != yo
print(f"C = 1: margin m = {soft.margin_:.4f}, support vectors {soft.support_.size} of {len(yo)}")
print(f"  εᵢ = 0 (outside the margin):        {np.sum(eps == 0)}")
print(f"  0 < εᵢ < 1 (inside, still correct): {np.sum((eps > 0) & (eps < 1))}")
print(f"  εᵢ ≥ 1 (misclassified):             {np.sum(eps >= 1)}  — misclassified points: {wrong.sum()}")
past = eps > 1e-4  # clearly past the margin (SMO stops at a KKT gap of 1e-6, not 0)
print("every point with εᵢ > 0 is a support vector:", set(np.flatnonzero(past)) <= set(soft.support_))
print("and has αᵢ = C:", np.allclose(soft.alpha_[past], 1.0))

fig, ax = style.subplots(figsize=(5.6, 4.6))
show_svm(ax, soft, Xo, yo, title="soft margin, C = 1: slack εᵢ of the points past their margin")
for i in np.flatnonzero(past):
    ax.annotate(f"{eps[i]:.2f}", Xo[i], fontsize=style.FONT["small"], xytext=(3, 3), textcoords="offset points")
ax.legend(loc="lower right")
plt.show()
""")

md(r"""
The seed's exercise — *any xᵢ with a non-zero εᵢ is a support vector* — follows from the dual
(complementary slackness): εᵢ > 0 forces the multiplier of εᵢ ≥ 0 to vanish, so αᵢ = C > 0.
""")

# ----------------------------------------------------------------- 4. C slider
md(r"""
## 4. The effect of C — the slider

- **Large C**: slack is expensive ⇒ a smaller margin and (typically) fewer support vectors.
- **Small C**: slack is cheap ⇒ a larger margin and more support vectors.

As C → ∞ on separable data we recover the hard margin. Move the slider (log scale); the readout
gives the margin width 2/‖β‖ (the distance between the dashed lines f = −1 and f = +1) and the
support-vector count. The panel calls the pure function `simulate_svm(C, ...)`.
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
# (the widget's own view; its figure is drawn into the widget)
from coursekit.widgets.panel import ERRORS
from coursekit.widgets.svm import SVMPanel, simulate_svm

panel = SVMPanel(C=1.0)
panel
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
# (moving the slider from code redraws the widget; some front ends echo the figure here)
d = panel.set(C=0.03)
""")

code(r"""
print(f"after panel.set(C=0.03): margin width {panel.data['margin_width']:.3f}, support vectors {panel.data['n_sv']}")
print("panel errors:", ERRORS)
""")

md(r"""
The same sweep, static, so it is visible without a running kernel — and the seed's claim,
*the smaller C, the more support vectors*, as numbers:
""")

code(r"""
Cs = [0.01, 0.03, 0.1, 0.3, 1, 3, 10, 100]
sweep = [simulate_svm(C=C) for C in Cs]
print("   C     margin width 2/‖β‖   support vectors   Σ εᵢ")
for C, s in zip(Cs, sweep):
    print(f"{C:7.2f}   {s['margin_width']:10.3f}         {s['n_sv']:6d}        {s['slack'].sum():7.2f}")

fig, axes = style.subplots(1, 3, figsize=(13.5, 4.2))
for ax, C in zip(axes, [0.01, 1, 100]):
    s = sweep[Cs.index(C)]
    plot_svm_margins(ax, s["xx"], s["yy"], s["F"], s["X"], s["y"], support=s["support"],
                     title=f"C = {C}: width {s['margin_width']:.2f}, {s['n_sv']} SVs")
plt.tight_layout()
plt.show()
""")

# ------------------------------------------------------- 5. three forms
md(r"""
## 5. Three equivalent forms — and a factor 2

At the optimum every slack is as small as the constraints allow, εᵢ = max(0, 1 − yᵢfᵢ), so the
constrained problem becomes unconstrained — and dividing by C gives the "hinge + λ" form:

| form | objective |
|---|---|
| (a) constrained | ½‖β‖² + C Σ εᵢ  s.t.  yᵢfᵢ ≥ 1 − εᵢ, εᵢ ≥ 0 |
| (b) hinge + C | ½‖β‖² + C Σ max(0, 1 − yᵢfᵢ) |
| (c) hinge + λ | Σ max(0, 1 − yᵢfᵢ) + λ‖β‖²,  **λ = 1/(2C)** |

**The factor 2.** The seed writes ‖β‖² + C′ Σ εᵢ (no ½) and concludes λ = 1/C′. Both are right in
their own scaling: dividing ‖β‖² + C′Σεᵢ by C′ gives (1/C′)‖β‖² + Σεᵢ. But ‖β‖² + C′Σεᵢ is twice
½‖β‖² + (C′/2)Σεᵢ, so the seed's C′ is **2C** in scikit-learn's (and `coursekit`'s) convention,
and λ = 1/C′ = 1/(2C). Seed 002 writes the same form (c) — as empirical risk minimisation,
loss + λ·penalty — but also penalises β₀; we do not.

Let us solve all three, independently, on a small problem with C = 0.5 (so the seed's C′ = 1):
(a) with a general-purpose constrained solver (SciPy's SLSQP) over (β, β₀, ε), (b) by the SVM dual
(`KernelSVM`), (c) by subgradient descent on the hinge + λ form (`LinearSVM`).
""")

code(r"""
from scipy.optimize import minimize

Xe, ye = svm_data("overlap", n=40, seed=1)
ype = np.where(ye == 1, 1.0, -1.0)
C = 0.5
n, d = Xe.shape

# (a) the constrained problem, variables v = (β (d), β₀, ε (n))
obj = lambda v: 0.5 * v[:d] @ v[:d] + C * v[d + 1:].sum()
cons = [{"type": "ineq", "fun": lambda v: ype * (Xe @ v[:d] + v[d]) - 1 + v[d + 1:]}]
res = minimize(obj, np.zeros(d + 1 + n), constraints=cons, bounds=[(None, None)] * (d + 1) + [(0, None)] * n,
               method="SLSQP", options={"ftol": 1e-12, "maxiter": 500})
beta_a, beta0_a = res.x[:d], res.x[d]

# (b) the dual, solved by SMO
svm_b = KernelSVM(kernel="linear", C=C, tol=1e-8).fit(Xe, ye)
# (c) hinge + λ with λ = 1/(2C), subgradient descent (then the exact polish)
svm_c = LinearSVM(C=C).fit(Xe, ye)

print(f"λ = 1/(2C) = {svm_c.lambda_}")
print("(a) constrained, SLSQP:     β =", np.round(beta_a, 4), f" β₀ = {beta0_a:.2f}")
print("(b) dual (SMO):             β =", np.round(svm_b.coef_[0], 4), " β₀ =", round(svm_b.intercept_[0], 4))
print("(c) hinge + λ (subgradient): β =", np.round(svm_c.coef_[0], 4), " β₀ =", round(svm_c.intercept_[0], 4))

def form_b(beta, beta0):
    return 0.5 * beta @ beta + C * np.maximum(0, 1 - ype * (Xe @ beta + beta0)).sum()

def form_c(beta, beta0):
    return np.maximum(0, 1 - ype * (Xe @ beta + beta0)).sum() + svm_c.lambda_ * beta @ beta

for name, (b_, b0_) in {"(a)": (beta_a, beta0_a), "(b)": (svm_b.coef_[0], svm_b.intercept_[0]),
                        "(c)": (svm_c.coef_[0], svm_c.intercept_[0])}.items():
    print(f"{name}: ½‖β‖² + CΣ hinge = {form_b(b_, b0_):.4f},  Σ hinge + λ‖β‖² = {form_c(b_, b0_):.4f} (= the former / C)")
print("multipliers strictly between 0 and C (free support vectors):",
      int(np.sum((svm_b.alpha_ > 1e-6) & (svm_b.alpha_ < C - 1e-6))))
""")

md(r"""
The three β agree to every printed digit and so do the objectives. The intercepts need not:
β is unique (½‖β‖² is strictly convex in β), but when **no** support vector is free (every
αᵢ = C, as here) the objective is flat in β₀ over an interval, and each solver returns a
different point of it — SMO (like LIBSVM) takes the middle of the interval.
""")

code(r"""
# the seed's literal scaling: ‖β‖² + C′Σεᵢ with C′ = 1 is sklearn's C = 0.5, i.e. λ = 1/C′ = 1
from sklearn.svm import SVC

sk = SVC(kernel="linear", C=0.5, tol=1e-8).fit(Xe, ye)
print("sklearn SVC(C = C′/2 = 0.5): β =", np.round(sk.coef_[0], 4))
wrong = SVC(kernel="linear", C=1.0, tol=1e-8).fit(Xe, ye)
print("sklearn SVC(C = C′ = 1):     β =", np.round(wrong.coef_[0], 4), "← a different (narrower-margin) SVM")
""")

# --------------------------------------------------- 6. hinge vs logistic
md(r"""
## 6. Hinge loss vs logistic loss

Write the margin of a point as z = yᵢfᵢ. The soft-margin SVM minimises Σ max(0, 1 − zᵢ) + λ‖β‖².
Logistic regression with labels in {0, 1} minimises −Σ [yᵢ log σ(fᵢ) + (1 − yᵢ) log(1 − σ(fᵢ))];
with labels in {−1, +1} the same loss is Σ log(1 + e^(−zᵢ)), and with an ℓ2 penalty (scikit-learn's
convention, ½‖β‖² + C Σ log(1 + e^(−zᵢ))) it is the SVM's objective with the hinge swapped for the
logistic loss. Both are convex upper bounds of the 0–1 loss (the logistic one after dividing by
log 2); the hinge is **exactly zero** for z ≥ 1, the logistic loss never is. That is why only
the support vectors matter for the SVM, while every point pulls on logistic regression.
""")

code(r"""
svm_lin = LinearSVM(C=1.0).fit(Xo, yo)
logreg = LogisticRegression(C=1.0).fit(Xo, yo)

fig, axes = style.subplots(1, 3, figsize=(14, 4.2))
plot_margin_losses(axes[0])
axes[0].set_title("losses of the margin z = y f(x)")
show_svm(axes[1], svm_lin, Xo, yo, title="hinge: linear SVM, C = 1")
show_svm(axes[2], logreg, Xo, yo, title="logistic regression, C = 1\n(f = ±1 dashed)")
plt.tight_layout()
plt.show()

z_svm = np.where(yo == 1, 1, -1) * svm_lin.decision_function(Xo)
z_lr = np.where(yo == 1, 1, -1) * logreg.decision_function(Xo)
cos = svm_lin.coef_[0] @ logreg.coef_[0] / np.linalg.norm(svm_lin.coef_) / np.linalg.norm(logreg.coef_)
print(f"cosine between the two β: {cos:.4f}; training accuracy SVM {svm_lin.score(Xo, yo):.3f}, logistic {logreg.score(Xo, yo):.3f}")
print(f"points with zero loss — hinge: {np.sum(z_svm >= 1 - 1e-9)} of {len(yo)}, logistic: {np.sum(np.logaddexp(0, -z_lr) == 0)} of {len(yo)}")
""")

# ------------------------------------------------------------ 7. kernels
md(r"""
## 7. Kernels — and why prediction needs only the support vectors

The dual of the soft-margin problem involves the data only through inner products:

$$\min_\alpha \tfrac12 \sum_{i,j} \alpha_i\alpha_j y_i y_j\, k(x_i, x_j) - \sum_i \alpha_i \quad\text{s.t.}\quad \sum_i y_i\alpha_i = 0,\; 0 \le \alpha_i \le C,$$

so any kernel k can replace ⟨x, x′⟩: RBF k = exp(−γ‖x − x′‖²) (the seed's example has γ = 1),
polynomial k = (γ⟨x, x′⟩ + c₀)^degree. The classifier is

$$f(x) = \sum_{i:\,\alpha_i > 0} y_i\alpha_i\, k(x_i, x) + \beta_0 ,$$

a sum over the **support vectors only** (αᵢ = 0 for every point strictly outside its margin).
`KernelSVM` solves this dual by SMO with LIBSVM's second-order working-set selection.
""")

code(r"""
Xm, ym = datasets.moons(n=300, noise=0.2, seed=0)
Xc, yc = datasets.circles(n=300, noise=0.1, factor=0.5, seed=0)
models = [
    ("moons, RBF γ = 1", Xm, ym, KernelSVM(kernel="rbf", gamma=1.0, C=1.0)),
    ("moons, RBF γ = 10", Xm, ym, KernelSVM(kernel="rbf", gamma=10.0, C=1.0)),
    ("moons, poly degree 3", Xm, ym, KernelSVM(kernel="poly", degree=3, gamma=1.0, coef0=1.0, C=1.0)),
    ("circles, poly degree 2", Xc, yc, KernelSVM(kernel="poly", degree=2, gamma=1.0, coef0=1.0, C=1.0)),
]
fig, axes = style.subplots(2, 2, figsize=(8, 7.5))
for ax, (name, X_, y_, m) in zip(axes.ravel(), models):
    m.fit(X_, y_)
    show_svm(ax, m, X_, y_, title=f"{name}\n{m.support_.size} SVs, train acc {m.score(X_, y_):.2f}", n=120)
plt.tight_layout()
plt.show()
""")

md(r"""
**Timing the prediction.** The seed: *classification for a new point only requires computing
kernel similarity with the support vectors; logistic regression requires similarity with all
training points.* Kernel logistic regression writes f(x) = Σⱼ cⱼ k(xⱼ, x) + β₀ and its logistic
loss leaves **every** cⱼ non-zero. We fit it as logistic regression on the kernel features
[k(x₁, x), …, k(xₙ, x)] (the empirical kernel map; ½‖c‖² penalty), then predict 4 000 new points
with both models.
""")

code(r"""
Xtr, ytr = datasets.moons(n=800, noise=0.25, seed=1)
Xnew, ynew = datasets.moons(n=4000, noise=0.25, seed=2)
gamma = 1.0
ksvm = KernelSVM(kernel="rbf", gamma=gamma, C=1.0).fit(Xtr, ytr)
klr = LogisticRegression(C=1.0).fit(kernel_matrix(Xtr, Xtr, "rbf", gamma=gamma), ytr)
print(f"kernel SVM: {ksvm.support_.size} support vectors of {len(ytr)} training points")
print(f"kernel logistic regression: {np.sum(np.abs(klr.coef_[0]) > 1e-12)} non-zero coefficients of {len(ytr)}")
print(f"test accuracy: SVM {ksvm.score(Xnew, ynew):.3f}, kernel logistic regression "
      f"{klr.score(kernel_matrix(Xnew, Xtr, 'rbf', gamma=gamma), ynew):.3f}")
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
# (timings vary from run to run)
def best_of(fn, r=3):
    ts = []
    for _ in range(r):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return min(ts)

t_svm = best_of(lambda: ksvm.decision_function(Xnew))
t_klr = best_of(lambda: klr.decision_function(kernel_matrix(Xnew, Xtr, "rbf", gamma=gamma)))
print(f"predict {len(Xnew)} points — SVM (kernel with {ksvm.support_.size} SVs): {t_svm * 1e3:.1f} ms;  "
      f"kernel logistic regression (kernel with all {len(ytr)} points): {t_klr * 1e3:.1f} ms  "
      f"(ratio {t_klr / t_svm:.1f}×)")
""")

# ------------------------------------------------------ 8. GD on hinge
md(r"""
## 8. Training the SVM by gradient descent on the hinge loss

Form (c) is unconstrained, so first-order methods apply — the common choice for large
problems. The hinge is not differentiable at z = 1, but it has a **subgradient**:
∂/∂fᵢ max(0, 1 − yᵢfᵢ) = −yᵢ where yᵢfᵢ < 1 and 0 where yᵢfᵢ > 1 (at the kink any value in
between is valid; `hinge_loss` uses 0). With the mean hinge from `coursekit.functional.hinge_loss`
(which returns δᵢ = ∂(mean hinge)/∂fᵢ), the objective J = L/n of form (c) has

$$g_\beta = X^\top\delta + \tfrac{2\lambda}{n}\beta, \qquad g_{\beta_0} = \textstyle\sum_i \delta_i ,$$

and we step β ← β − η_t g_β, β₀ ← β₀ − η_t g_β₀ with a decaying step η_t = η/√(t + 1), keeping
the best iterate (a subgradient step need not decrease J).
""")

code(r"""
Xg, yg = Xo, np.where(yo == 1, 1.0, -1.0)
C = 1.0
lam = 1 / (2 * C)
n = len(yg)

def L_hinge_lambda(beta, beta0):
    return np.maximum(0, 1 - yg * (Xg @ beta + beta0)).sum() + lam * beta @ beta

beta, beta0 = np.zeros(2), 0.0
eta = 0.5
history, best = [], (np.inf, None, None)
for t in range(3000):
    mean_hinge, delta = hinge_loss(Xg @ beta + beta0, yg)   # δᵢ = ∂(mean hinge)/∂fᵢ
    g_beta = Xg.T @ delta + (2 * lam / n) * beta
    g_beta0 = delta.sum()
    L = n * mean_hinge + lam * beta @ beta
    history.append(L)
    if L < best[0]:
        best = (L, beta.copy(), beta0)
    step = eta / np.sqrt(t + 1)
    beta, beta0 = beta - step * g_beta, beta0 - step * g_beta0

L_best, beta_gd, beta0_gd = best
exact = KernelSVM(kernel="linear", C=C, tol=1e-8).fit(Xo, yo)
L_star = L_hinge_lambda(exact.coef_[0], exact.intercept_[0])
print(f"subgradient descent, 3000 steps: L = {L_best:.4f};  exact optimum (SMO on the dual): L* = {L_star:.4f}")
print("β (descent) =", np.round(beta_gd, 3), "  β (exact) =", np.round(exact.coef_[0], 3))
print(f"relative error in β: {np.linalg.norm(beta_gd - exact.coef_[0]) / np.linalg.norm(exact.coef_[0]):.1e}")

fig, ax = style.subplots(figsize=(5.5, 3.6))
ax.loglog(np.arange(1, len(history) + 1), np.minimum.accumulate(history) - L_star)
ax.set_xlabel("iteration t")
ax.set_ylabel("best L so far − L*")
ax.set_title("subgradient descent on Σ hinge + λ‖β‖²")
plt.show()
""")

md(r"""
The objective drops fast and then creeps: a subgradient method converges like O(1/√t) near the
kink, not geometrically. `LinearSVM` does the same descent (with Nesterov momentum and a
unit-free step, so it is much faster) and then **polishes** the answer to the exact optimum by
warm-starting the dual solver from the descent's margins — both stages are reported:
""")

code(r"""
lin = LinearSVM(C=1.0).fit(Xo, yo)
raw = LinearSVM(C=1.0, polish=False).fit(Xo, yo)
print(f"LinearSVM descent only: {raw.n_iter_} iterations, L = {raw.objective_:.4f} (L* = {L_star:.4f})")
print(f"LinearSVM with polish:  L = {lin.objective_:.4f}, polished: {lin.polished_}")
print("β =", np.round(lin.coef_[0], 4), " vs exact", np.round(exact.coef_[0], 4))
""")

md(r"""
## Summary

- Fixing the scale minᵢ yᵢfᵢ = 1 turns "maximise the margin" into "minimise ‖β‖": m = 1/‖β‖.
- The hard margin fails on non-separable data and is at the mercy of one outlier; slack
  variables εᵢ fix both, priced by C. εᵢ/‖β‖ is the distance past the margin; εᵢ ≥ 1 is an error.
- Large C ⇒ narrow margin, few support vectors; small C ⇒ wide margin, many support vectors.
- Constrained, hinge + C and hinge + λ are one problem: λ = 1/(2C) in scikit-learn's scaling
  (the seed's λ = 1/C′ uses C′ = 2C).
- Hinge and logistic losses are close relatives; the hinge's flat zero gives sparsity: only
  support vectors enter f(x), which makes kernel prediction cheap.
- Form (c) trains by (sub)gradient descent — the bridge to neural networks in the next lectures.
""")


def main():
    lecture.write(OUT)


if __name__ == "__main__":
    main()
