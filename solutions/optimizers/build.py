"""Build the nbgrader source notebook ``solutions/optimizers/optimizers.ipynb``.

Run: ``.venv/bin/python solutions/optimizers/build.py``, then ``autograder generate optimizers``.
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "..", "tools"))
from nbsource import assignment_points, demo, graded_test, locked, md, notebook, self_check_cell, solution, write  # noqa: E402

A = "optimizers"
POINTS = assignment_points(_HERE)  # written once, in checks.py

cells = [md(r"""
# Assignment: optimizers, one step at a time

You will write the update rule of four optimizers from the lectures as **pure step functions**:
each takes the parameters `w` (an array of any shape), the optimizer's state and the gradient
`grad` $=\nabla L(w)$, and returns the **new** parameters and the **new** state. Nothing is
modified in place — return new arrays (`w = w - ...`, never `w -= ...`).

**How you are graded (10 points).** The grader runs the course's reference optimizers on several
loss landscapes — an ill-conditioned quadratic, a Rosenbrock valley, a curved ravine, and a
`(3, 4)`-shaped parameter on a random quadratic — from fixed starting points and
hyperparameters. Every step of those **reference trajectories** becomes a test: your function gets
the state the reference had before the step and must return, to a relative error of $10^{-9}$,
the state it had after. A failing step is reported with the landscape, the step number, which
output is off and by how much, and — when your answer matches a typical mistake (a sign, the
velocity convention, a missing bias correction, ...) — what the mistake probably is. Types and
exact shapes, finite outputs and unmodified inputs are checked too.

**Self-check and test cells.** After each function, its *self-check* cell prints how your steps
compare on the **visible** cases. The test cell below it runs the same visible cases and raises
until they pass (JupyterLab's *Validate* button runs the visible part of every test cell); when
you are graded it also runs a **hidden** part: other fixed cases, the same for every student. A
function earns its points when it passes both; printing or numpy warnings never cost points.
"""),
    locked("""
import numpy as np

from coursekit.selfcheck import self_check

np.set_printoptions(precision=4, suppress=True)
""", "setup"),
    md(r"""
## 1. Momentum — `momentum_step(w, dw, grad, lr, beta)` — 2 points

The lecture's form keeps the last step $\Delta W$ as the state ("velocity"):

$$\Delta W \leftarrow \beta\,\Delta W - \eta\,\nabla L(W), \qquad W \leftarrow W + \Delta W,$$

with $\Delta W = 0$ before the first step. Return `(w_new, dw_new)`.
"""),
    solution('''
def momentum_step(w, dw, grad, lr, beta):
    """One heavy-ball momentum step: dw <- beta*dw - lr*grad; w <- w + dw. Returns (w, dw)."""
    ### BEGIN SOLUTION
    dw = beta * dw - lr * grad
    return w + dw, dw
    ### END SOLUTION
''', "momentum_step"),
    self_check_cell("momentum_step", A),
    graded_test("momentum_step", POINTS["momentum_step"], A),
    md(r"""
## 2. Nesterov — `nesterov_step(w, dw, grad, lr, beta)` — 2 points

Nesterov takes the gradient at the **look-ahead** point $W + \beta\Delta W$. To keep a step
function that is given one gradient, store the look-ahead point $\hat W = W + \beta\Delta W$
instead of $W$ (at convergence $\Delta W \to 0$, so $\hat W \to W$). Then `grad` is
$\nabla L(\hat W)$ and one step becomes

$$\Delta W \leftarrow \beta\,\Delta W - \eta\,\nabla L(\hat W), \qquad
\hat W \leftarrow \hat W + \beta\,\Delta W - \eta\,\nabla L(\hat W)$$

(with the **updated** $\Delta W$ in the second formula). Derive it: write
$\hat W^{(k)} - \hat W^{(k-1)}$ in terms of $\Delta W^{(k)}$ and $\Delta W^{(k-1)}$. This is
exactly what `torch.optim.SGD(momentum=β, nesterov=True)` computes. Return `(w_new, dw_new)`.
"""),
    solution('''
def nesterov_step(w, dw, grad, lr, beta):
    """One Nesterov step on the look-ahead point w. Returns (w, dw)."""
    ### BEGIN SOLUTION
    dw = beta * dw - lr * grad
    return w + beta * dw - lr * grad, dw
    ### END SOLUTION
''', "nesterov_step"),
    self_check_cell("nesterov_step", A),
    graded_test("nesterov_step", POINTS["nesterov_step"], A),
    md(r"""
## 3. Adam — `adam_step(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8)` — 3 points

Adam keeps running averages of the gradient and of its square, and corrects their bias towards
0 (both start at 0). At step $t = 1, 2, \dots$:

$$m \leftarrow \beta_1 m + (1-\beta_1)\nabla, \qquad v \leftarrow \beta_2 v + (1-\beta_2)\,\nabla\odot\nabla,$$
$$\hat m = \frac{m}{1-\beta_1^t}, \qquad \hat v = \frac{v}{1-\beta_2^t}, \qquad
W \leftarrow W - \eta\,\frac{\hat m}{\sqrt{\hat v} + \varepsilon}.$$

`t` is the number of **this** step (1 on the first call); $\varepsilon$ is added **outside** the
square root (as in `torch.optim.Adam`). Return `(w_new, m_new, v_new)`.
"""),
    solution('''
def adam_step(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (t = 1, 2, ...). Returns (w, m, v)."""
    ### BEGIN SOLUTION
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = m / (1.0 - beta1 ** t)
    v_hat = v / (1.0 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    ### END SOLUTION
''', "adam_step"),
    self_check_cell("adam_step", A),
    graded_test("adam_step", POINTS["adam_step"], A),
    md(r"""
## 4. Rprop — `rprop_step(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0)` — 3 points

Resilient propagation looks only at the **sign** of each partial derivative; every weight has
its own step size $\Delta$ (`size`). The lecture's loop, per weight, after the first step
(`rprop_start` below takes that one for you):

* **same sign** as the remembered derivative `prev_grad` ($D$ and prevD agree): accelerate,
  $\Delta \leftarrow \min(\alpha\Delta, \Delta_{\max})$, and remember prevD $\leftarrow D$;
* **sign changed** (we jumped over a minimum): **return to the previous location**
  ($w \leftarrow w + \operatorname{sign}(\text{prevD})\,\Delta$, undoing the last step), shrink
  $\Delta \leftarrow \max(\beta\Delta, \Delta_{\min})$, and keep prevD;
* then take the next step: $w \leftarrow w - \operatorname{sign}(\text{prevD})\,\Delta$.

One corner case needs a rule: if the sign changes while $\Delta$ is **already at the floor**
$\Delta_{\min}$, "return and step again by $\Delta_{\min}$" would cancel out and the weight
would be stuck for ever (prevD never changes). Then, and only then, **reverse** instead: don't
return, set prevD $\leftarrow D$ and keep $\Delta = \Delta_{\min}$, so the weight steps by
$\Delta_{\min}$ the new way. Return `(w_new, prev_grad_new, size_new)`, all arrays of the
shape of `w`. (The grader does not test a gradient that is exactly 0: it has no sign.)
"""),
    locked('''
def rprop_start(w, grad, lr=0.1):
    """Rprop's first step: remember the derivative, step by lr against its sign.
    Returns (w, prev_grad, size) to feed into rprop_step."""
    size = np.full(np.shape(w), float(lr))
    return w - np.sign(grad) * size, np.array(grad, dtype=float), size
''', "rprop_start"),
]

cells.append(solution('''
def rprop_step(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    """One Rprop step after the first. Returns (w, prev_grad, size)."""
    ### BEGIN SOLUTION
    same = np.sign(prev_grad) == np.sign(grad)
    stuck = ~same & (size <= step_min)           # sign flipped at the floor: reverse
    back = ~same & ~stuck                        # sign flipped: return to the previous location
    w = w + np.where(back, np.sign(prev_grad) * size, 0.0)
    size = np.where(same, np.minimum(alpha * size, step_max),
                    np.where(back, np.maximum(beta * size, step_min), size))
    prev_grad = np.where(same | stuck, grad, prev_grad)
    return w - np.sign(prev_grad) * size, prev_grad, size
    ### END SOLUTION
''', "rprop_step"))
cells += [
    self_check_cell("rprop_step", A),
    graded_test("rprop_step", POINTS["rprop_step"], A),
    md(r"""
## See them run

The cell below (never run by the grader) runs your four optimizers on the Rosenbrock valley
$f(x, y) = (1-x)^2 + 10\,(y-x^2)^2$ from $(-1.2, 1)$ and prints where they are after 1000 steps
(the minimum is at $(1, 1)$). It is not graded.
"""),
    demo('''
def rosenbrock_grad(w):
    x, y = w
    return np.array([-2 * (1 - x) - 40 * x * (y - x * x), 20 * (y - x * x)])


def run_optimizers(w0, steps=1000):
    """Where each optimizer is after ``steps`` steps from ``w0`` (rprop: its first step included)."""
    out = {}
    w, dw = w0.copy(), np.zeros(2)
    for _ in range(steps):
        w, dw = momentum_step(w, dw, rosenbrock_grad(w), lr=0.005, beta=0.9)
    out["momentum"] = w
    w, dw = w0.copy(), np.zeros(2)
    for _ in range(steps):
        w, dw = nesterov_step(w, dw, rosenbrock_grad(w), lr=0.005, beta=0.9)
    out["nesterov"] = w
    w, m, v = w0.copy(), np.zeros(2), np.zeros(2)
    for t in range(1, steps + 1):
        w, m, v = adam_step(w, m, v, t, rosenbrock_grad(w), lr=0.05)
    out["adam"] = w
    w, prev, size = rprop_start(w0.copy(), rosenbrock_grad(w0), lr=0.05)
    for _ in range(steps - 1):
        w, prev, size = rprop_step(w, prev, size, rosenbrock_grad(w))
    out["rprop"] = w
    return out


try:
    with np.errstate(all="ignore"):  # a diverging optimizer just ends at inf/nan here
        for name, w in run_optimizers(np.array([-1.2, 1.0])).items():
            print(f"{name + ':':<9}", np.round(w, 3))
except NotImplementedError:
    print("(finish the four functions first)")
except Exception as exc:  # a function still broken: say so, never fail the notebook here
    print(f"(one of your functions failed here: {type(exc).__name__}: {exc})")
''', "demo_run"),
]

if __name__ == "__main__":
    out = os.path.join(_HERE, f"{A}.ipynb")
    write(notebook(cells, "Optimizers, one step at a time"), out)
