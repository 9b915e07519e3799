"""Build the nbgrader source notebook ``solutions/svm/svm.ipynb``.

Run: ``.venv/bin/python solutions/svm/build.py``, then ``autograder generate svm``.
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "..", "tools"))
from nbsource import assignment_points, demo, graded_test, locked, md, notebook, self_check_cell, solution, write  # noqa: E402

A = "svm"
POINTS = assignment_points(_HERE)  # written once, in checks.py

cells = [
    md(r"""
# Assignment: a linear SVM by subgradient descent

The soft-margin SVM finds the hyperplane $w\cdot x + b = 0$ that separates two classes
$y_i \in \{-1, +1\}$ with a wide margin, paying $C$ for every unit of margin violation. Its
primal objective (in scikit-learn's convention for $C$; the lecture writes $\|w\|^2$ and absorbs
the factor 2 into $C$) is

$$J(w, b) = \tfrac12\|w\|^2 + C\sum_{i=1}^{N} \max\bigl(0,\; 1 - y_i(w\cdot x_i + b)\bigr).$$

You will write $J$ with its (sub)gradient, then minimise it.

**Self-check and test cells.** After each function, its *self-check* cell runs the **visible**
cases and prints what is wrong, if anything. The test cell below it runs the same visible cases
and raises until they pass (JupyterLab's *Validate* button runs the visible part of every test
cell); when you are graded it also runs a **hidden** part: other fixed cases, the same for every
student. A function earns its points when it passes both; printing or numpy warnings never cost
points.

**How you are graded (6 points).** `hinge_loss_and_grad` is checked on fixed cases:
where no example sits exactly on the margin, against **central finite differences** of a trusted
$J$ (float64, several shapes including a single example); where examples sit **exactly** on the
margin $y_i(w\cdot x_i+b) = 1$ — the kink of the hinge, where $J$ has no gradient — your answer
must be a valid **subgradient** (any mix $t \in [0, 1]$ of the two one-sided slopes is accepted;
the usual convention is $t = 0$). `train_linear_svm` is graded with the reference
`hinge_loss_and_grad` substituted for yours (a bug there is not charged twice), on three data
sets (the ones your self-check shows, then hidden ones of the same kinds), by the **fitted
model**. The target is
$$J(w, b) \;\le\; J^\star + 0.004\,\bigl(J(0, 0) - J^\star\bigr),$$
that is, your training must remove at least **99.6 %** of the excess objective
$J(0, 0) - J^\star = CN - J^\star$ of the starting point $w = 0$, $b = 0$, where $J^\star$ is the
exact optimum (scikit-learn's `SVC` computes it); and the training accuracy may be at most **10
points** below the optimum's. A second run with the same `seed` must give the same model. Both
routes of section 2, written as described, reach this target on every graded data set with a wide
margin, whatever the seed.
"""),
    locked("""
import numpy as np

from coursekit.selfcheck import self_check

np.set_printoptions(precision=4, suppress=True)
""", "setup"),
    md(r"""
## 1. `hinge_loss_and_grad(w, b, X, y, C)` — 3 points

`w` `(D,)`, `b` a float, `X` `(N, D)`, `y` `(N,)` of $\pm1$, `C` a float. Return
`(loss, dw, db)`: $J(w, b)$ as a float, and its gradient — `dw` of shape `(D,)`, `db` a float.

Let $m_i = y_i(w\cdot x_i + b)$ be the margins. The term $\max(0, 1 - m_i)$ has slope
$-y_i x_i$ (for $w$) and $-y_i$ (for $b$) where $m_i < 1$ and slope 0 where $m_i > 1$;
at $m_i = 1$ exactly, use 0. So

$$\frac{\partial J}{\partial w} = w - C\!\!\sum_{i:\,m_i<1}\! y_i x_i, \qquad
\frac{\partial J}{\partial b} = -C\!\!\sum_{i:\,m_i<1}\! y_i.$$

(Vectorise: a boolean mask of the active examples, no Python loop needed.)
"""),
    solution('''
def hinge_loss_and_grad(w, b, X, y, C):
    """J(w, b) = 0.5*||w||^2 + C * sum(max(0, 1 - y*(X@w + b))) and its subgradient.
    w (D,), b float, X (N, D), y (N,) in {-1, +1} -> (loss float, dw (D,), db float)."""
    ### BEGIN SOLUTION
    margins = y * (X @ w + b)
    active = margins < 1.0
    loss = 0.5 * float(w @ w) + C * float(np.sum(1.0 - margins[active]))
    dw = w - C * (y[active] @ X[active])
    db = -C * float(np.sum(y[active]))
    return loss, dw, db
    ### END SOLUTION
''', "hinge_loss_and_grad"),
    self_check_cell("hinge_loss_and_grad", A),
    graded_test("hinge_loss_and_grad", POINTS["hinge_loss_and_grad"], A),
    md(r"""
## 2. `train_linear_svm(X, y, C, lr, epochs, seed)` — 3 points

Minimise $J$ by **subgradient descent**, starting from $w = 0$, $b = 0$, for `epochs` steps,
calling your `hinge_loss_and_grad` for the (sub)gradient. $J$ is not differentiable everywhere,
so a constant step size makes the iterates rattle around the optimum (with the large `lr` of one
graded data set they never settle); two standard remedies, both expected here:

* a decreasing step $\eta_t = \texttt{lr}/\sqrt{t}$ at step $t = 1, 2, \dots$;
* return the **best** $(w, b)$ seen (lowest $J$), not simply the last one.

The full-batch version does not need `seed`. **Stochastic route (also accepted).** Create
`rng = np.random.default_rng(seed)` once and draw all randomness from it, so a run is
reproducible. In each of the `epochs` epochs, visit the examples in the order
`rng.permutation(N)`; for example $i$, step along the subgradient of its share of $J$,
$$J_i(w, b) = \tfrac{1}{2N}\|w\|^2 + C\max\bigl(0,\; 1 - y_i(w\cdot x_i + b)\bigr),
\qquad J = \sum_i J_i,$$
which is `hinge_loss_and_grad(w, b, X[[i]], y[[i]], C * N)` divided by $N$, with the step
$\eta_t = \texttt{lr}/\sqrt{t}$ where $t$ is the **epoch** number (so one epoch moves about as far
as one full-batch step). At the end of every epoch compute $J$ on all the data and keep the best
$(w, b)$. (Calling `hinge_loss_and_grad` on one example with `C` itself minimises another
objective, whose hinge terms weigh $N$ times too little.)

Return `(w, b)` with `w` of shape `(D,)` and `b` a float. Don't modify `X` or `y`.
"""),
    solution('''
def train_linear_svm(X, y, C, lr, epochs, seed):
    """Subgradient descent on J from w = 0, b = 0 with step lr/sqrt(t); returns the best (w, b)."""
    ### BEGIN SOLUTION
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    best_loss, best_w, best_b = np.inf, w.copy(), b
    for t in range(1, epochs + 1):
        loss, dw, db = hinge_loss_and_grad(w, b, X, y, C)
        if loss < best_loss:
            best_loss, best_w, best_b = loss, w.copy(), b
        eta = lr / np.sqrt(t)
        w = w - eta * dw
        b = b - eta * db
    loss, _, _ = hinge_loss_and_grad(w, b, X, y, C)
    if loss < best_loss:
        best_w, best_b = w.copy(), b
    return best_w, float(best_b)
    ### END SOLUTION
''', "train_linear_svm"),
    self_check_cell("train_linear_svm", A),
    graded_test("train_linear_svm", POINTS["train_linear_svm"], A),
    md(r"""
## Compare with the exact solution

Not graded (and never run by the grader): your model next to scikit-learn's
`SVC(kernel="linear")`, which solves the same problem exactly (its dual, with the same $C$).
"""),
    demo('''
from sklearn.svm import SVC

rng = np.random.default_rng(0)
y_demo = np.where(np.arange(80) % 2 == 0, 1.0, -1.0)
X_demo = rng.normal(0, 1, (80, 2)) + 1.2 * y_demo[:, None]
J = lambda w, b: 0.5 * w @ w + np.maximum(0, 1 - y_demo * (X_demo @ w + b)).sum()
ref = SVC(kernel="linear", C=1.0).fit(X_demo, y_demo)
try:
    with np.errstate(all="ignore"):  # a diverging training loop just ends at inf/nan here
        w_fit, b_fit = train_linear_svm(X_demo, y_demo, C=1.0, lr=0.05, epochs=300, seed=0)
        w_fit, b_fit = np.asarray(w_fit, dtype=float).ravel(), float(b_fit)
        print(f"yours:   w = {np.round(w_fit, 3)}, b = {b_fit:.3f}, J = {J(w_fit, b_fit):.3f}")
except NotImplementedError:
    print("(finish the two functions first)")
except Exception as exc:  # a function still broken: say so, never fail the notebook here
    print(f"(your functions failed here: {type(exc).__name__}: {exc})")
print(f"sklearn: w = {np.round(ref.coef_.ravel(), 3)}, b = {ref.intercept_[0]:.3f}, "
      f"J = {J(ref.coef_.ravel(), ref.intercept_[0]):.3f}")
''', "demo_compare_sklearn"),
]

if __name__ == "__main__":
    out = os.path.join(_HERE, f"{A}.ipynb")
    write(notebook(cells, "A linear SVM by subgradient descent"), out)
