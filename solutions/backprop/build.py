"""Build the nbgrader source notebook ``solutions/backprop/backprop.ipynb`` (see ARCHITECTURE.md, "The backprop assignment").

Run: ``.venv/bin/python solutions/backprop/build.py``. The notebook is committed; re-run this
script after editing it here, then ``autograder generate backprop``.
"""

from __future__ import annotations

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "..", "tools"))
from nbsource import assignment_points, graded_test, locked, md, notebook, self_check_cell, solution, write  # noqa: E402

A = "backprop"
POINTS = assignment_points(_HERE)  # written once, in checks.py

cells = []
cells.append(md(r"""
# Assignment: backpropagation by hand

You will write the **backward pass** of the building blocks of a neural network, then put them
together into the loss and gradients of a two-layer network. Every function takes numpy arrays,
one example per row (batch-first), in float64.

Notation (as in the lectures): a linear layer computes $z = W y + b$ for one example; for a batch
`x` of shape `(N, D)` that is `out = x @ W.T + b`, with `W (M, D)` and `b (M,)`. A backward
function receives the **upstream gradient** `dout` $= \delta = \partial L/\partial\,\text{out}$
and returns the gradient of $L$ with respect to its inputs, each with **exactly the shape of that
input**.

**What to do.** Fill in the seven functions below where it says `# YOUR CODE HERE` (delete the
`raise NotImplementedError()` line). After each one, run its *self-check* cell: it compares your
function with finite differences of the given forward functions below and prints the relative
error of each output — anything above
about `1e-7` is a bug, and the message says which output is wrong and, where it can tell, why.

**How you are graded (12 points).** Each function's test cell has two parts. The **visible**
part runs the self-check's cases: the cell raises until they pass (*Validate* in JupyterLab runs
the visible part of every test cell). The **hidden** part, run when you are graded, calls your
function on other fixed cases — the same for every student — with several shapes — non-square,
a single example (N = 1), batches of 8 and more — and each function's edge cases (inputs exactly
0 for ReLU, logits of size 1000 and more for the softmax/cross-entropy). A function earns its
points when it passes both parts; what it prints, and numpy warnings (an overflow in `np.exp`),
never cost points. Your gradients are compared, in float64, with
central finite differences of a *trusted* forward pass (never your own). The grader also checks
that you return the right types and **exact shapes** (`db` is `(M,)`, not `(1, M)`), that you do
**not modify any input array**, that every output is finite, and the loss value of the loss
functions. A bug in one function costs points in that function's test only:

* `mlp_loss_and_grads` (3 points) is graded with the **reference** `linear_backward`,
  `relu_backward` and `softmax_cross_entropy` substituted for yours, so a bug in one of those
  helpers is charged once, in its own test, not again here. Call the helpers (don't inline them):
  then only the way you wire them together is graded in this test.
* Do not import a ready-made backward pass (e.g. from `coursekit.functional`): the grader
  refuses it and awards 0 points for that function. The course library `coursekit.functional`
  does implement these functions (the lectures use it); a copy of its code, renamed or
  reformatted, is recognised and flagged for your instructor to look at.
"""))

cells.append(locked("""
import numpy as np

from coursekit.selfcheck import self_check

np.set_printoptions(precision=4, suppress=True)
""", "setup"))

cells.append(md(r"""
## The forward functions (given)

These are given and read-only: the backward functions you write are their derivatives. Read them
— in particular the stable softmax, which subtracts the row maximum before exponentiating.
"""))

cells.append(locked(r'''
def linear_forward(x, W, b):
    """out = x @ W.T + b.  x (N, D), W (M, D), b (M,) -> out (N, M)."""
    return x @ W.T + b


def sigmoid_forward(z):
    """sigma(z) = 1 / (1 + exp(-z)), elementwise, never exponentiating a positive number."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def tanh_forward(z):
    """tanh(z), elementwise."""
    return np.tanh(z)


def relu_forward(z):
    """max(0, z), elementwise."""
    return np.maximum(z, 0.0)


def softmax_forward(z):
    """Row-wise softmax of z (N, C): subtract each row's maximum first (same result, no overflow)."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def log_softmax(z):
    """Row-wise log softmax of z (N, C) via log-sum-exp: finite even for |z| >= 1000."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
''', "forward_functions"))

# ------------------------------------------------------------------ linear_backward
cells.append(md(r"""
## 1. `linear_backward(dout, x, W)` — 2 points

For one example, $z = W y + b$. With the upstream gradient $\delta = \partial L/\partial z$ the
chain rule gives $\partial L/\partial y = W^\top \delta$, $\partial L/\partial W = \delta\, y^\top$
(an outer product) and $\partial L/\partial b = \delta$. For a batch, each example has its own
row of `dout`; the parameters are shared, so their gradients **sum over the batch**:

* `dx = dout @ W` — shape `(N, D)`
* `dW` $= \sum_i \delta_i x_i^\top$ — shape `(M, D)` (which matrix product is that?)
* `db` $= \sum_i \delta_i$ — shape `(M,)`

Return the tuple `(dx, dW, db)`.
"""))
cells.append(solution('''
def linear_backward(dout, x, W):
    """Backward pass of out = x @ W.T + b.

    dout (N, M), x (N, D), W (M, D) -> (dx (N, D), dW (M, D), db (M,))
    """
    ### BEGIN SOLUTION
    dx = dout @ W
    dW = dout.T @ x
    db = dout.sum(axis=0)
    return dx, dW, db
    ### END SOLUTION
''', "linear_backward"))
cells.append(self_check_cell("linear_backward", A))
cells.append(graded_test("linear_backward", POINTS["linear_backward"], A))

# --------------------------------------------------------------- elementwise ones
cells.append(md(r"""
## 2–4. Elementwise activations — 1 point each

An elementwise activation $y = \sigma(z)$ has a diagonal Jacobian, so the backward pass is a
product, entry by entry: $\partial L/\partial z = \delta \odot \sigma'(z)$, where `z` is the
**pre-activation** (the input of the forward function). Use

* sigmoid: $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$ (use `sigmoid_forward`: it never overflows)
* tanh: $\tanh'(z) = 1 - \tanh^2(z)$
* ReLU: $1$ where $z > 0$, else $0$ — **including at exactly $z = 0$**, where we take the
  derivative to be 0 (the grader tests inputs that are exactly zero).

Don't forget the upstream gradient `dout`; each function returns `dz` of the shape of `z`.
"""))
for name, body, doc in [
    ("sigmoid_backward", "s = sigmoid_forward(z)\n    return dout * s * (1.0 - s)", "dz = dout * sigma'(z)"),
    ("tanh_backward", "t = np.tanh(z)\n    return dout * (1.0 - t * t)", "dz = dout * (1 - tanh(z)**2)"),
    ("relu_backward", "return np.where(z > 0, dout, 0.0)", "dz = dout where z > 0, else 0 (also at z == 0)"),
]:
    cells.append(solution(f'''
def {name}(dout, z):
    """{doc}.  dout and z have the same shape; returns dz of that shape."""
    ### BEGIN SOLUTION
    {body}
    ### END SOLUTION
''', name))
    cells.append(self_check_cell(name, A))
    cells.append(graded_test(name, POINTS[name], A))

# ----------------------------------------------------------------- softmax_backward
cells.append(md(r"""
## 5. `softmax_backward(dout, z)` — 2 points

Softmax is a **vector** activation: every output $y_j = e^{z_j}/\sum_k e^{z_k}$ depends on every
input $z_k$, so its Jacobian is not diagonal: $\partial y_j/\partial z_k = y_j(\delta_{jk} - y_k)$,
i.e. $J = \operatorname{diag}(y) - y y^\top$ for one row. The backward pass is the
vector–Jacobian product $J^\top \delta$; simplify it to
$\;dz = y \odot (\delta - \langle \delta, y\rangle)$, row by row, without building $J$.
Compute $y$ with the stable `softmax_forward` (the grader uses logits of size 1000).
"""))
cells.append(solution('''
def softmax_backward(dout, z):
    """Backward pass of the row-wise softmax.  dout (N, C), z (N, C) logits -> dz (N, C)."""
    ### BEGIN SOLUTION
    y = softmax_forward(z)
    return y * (dout - (dout * y).sum(axis=1, keepdims=True))
    ### END SOLUTION
''', "softmax_backward"))
cells.append(self_check_cell("softmax_backward", A))
cells.append(graded_test("softmax_backward", POINTS["softmax_backward"], A))

# ------------------------------------------------------------ softmax_cross_entropy
cells.append(md(r"""
## 6. `softmax_cross_entropy(logits, y)` — 2 points

The loss layer: $L = -\frac1N \sum_i \log \operatorname{softmax}(s_i)_{y_i}$ for logits `s`
`(N, C)` and integer labels `y` `(N,)`. Return `(loss, dlogits)`: the loss as a Python float and
its gradient with respect to the logits. Two things to get right:

* **stability**: compute $\log\operatorname{softmax}$ with `log_softmax` (log-sum-exp), never
  `np.log(softmax_forward(s))` — with logits of size 1000 a probability underflows to 0 and its
  log is $-\infty$;
* **the gradient** collapses to the famous $(\operatorname{softmax}(s) - \text{onehot}(y))/N$:
  the loss only changes $\delta$ at the output. Mind the $1/N$ of the mean.
"""))
cells.append(solution('''
def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits).  logits (N, C), y (N,) ints -> (loss float, dlogits (N, C))."""
    ### BEGIN SOLUTION
    n = logits.shape[0]
    logp = log_softmax(logits)
    loss = float(-logp[np.arange(n), y].sum() / n)
    dlogits = np.exp(logp)
    dlogits[np.arange(n), y] -= 1.0
    return loss, dlogits / n
    ### END SOLUTION
''', "softmax_cross_entropy"))
cells.append(self_check_cell("softmax_cross_entropy", A))
cells.append(graded_test("softmax_cross_entropy", POINTS["softmax_cross_entropy"], A))

# --------------------------------------------------------------- mlp_loss_and_grads
cells.append(md(r"""
## 7. `mlp_loss_and_grads(params, x, y)` — 3 points

Put it together: a two-layer network with `params = {"W1": (H, D), "b1": (H,), "W2": (C, H),
"b2": (C,)}`:

forward: $z_1 = x W_1^\top + b_1$, $h_1 = \mathrm{relu}(z_1)$, $s = h_1 W_2^\top + b_2$,
$L = $ `softmax_cross_entropy(s, y)`;

backward (the seeds' δ recursion): $\delta_2 = \partial L/\partial s$ from the loss,
then `linear_backward` gives $\partial L/\partial h_1$, `dW2`, `db2`; `relu_backward` turns it
into $\delta_1 = \partial L/\partial z_1$; `linear_backward` again gives `dW1`, `db1`.

Return `(loss, grads)` where `grads` has the keys and shapes of `params`. **Call your helper
functions** (`linear_forward`, `relu_forward`, `softmax_cross_entropy`, `linear_backward`,
`relu_backward`): the grader substitutes the reference versions of the three graded helpers while
testing this function, so you are graded here on the wiring only. Don't modify `params` or `x`.
"""))
cells.append(solution('''
def mlp_loss_and_grads(params, x, y):
    """Loss and gradients of x -> Linear(W1, b1) -> ReLU -> Linear(W2, b2) -> softmax CE.

    params: {"W1": (H, D), "b1": (H,), "W2": (C, H), "b2": (C,)}, x (N, D), y (N,) ints
    -> (loss float, grads dict with the same keys and shapes as params)
    """
    ### BEGIN SOLUTION
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    z1 = linear_forward(x, W1, b1)
    h1 = relu_forward(z1)
    s = linear_forward(h1, W2, b2)
    loss, ds = softmax_cross_entropy(s, y)
    dh1, dW2, db2 = linear_backward(ds, h1, W2)
    dz1 = relu_backward(dh1, z1)
    _, dW1, db1 = linear_backward(dz1, x, W1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
    ### END SOLUTION
''', "mlp_loss_and_grads"))
cells.append(self_check_cell("mlp_loss_and_grads", A))
cells.append(graded_test("mlp_loss_and_grads", POINTS["mlp_loss_and_grads"], A))

cells.append(md(r"""
## Before you submit

Restart the kernel and run all cells (*Kernel → Restart & Run All*): every self-check should
report relative errors below `1e-7` and no test cell should raise. Then submit the notebook.
"""))

if __name__ == "__main__":
    out = os.path.join(_HERE, f"{A}.ipynb")
    write(notebook(cells, "Backpropagation by hand"), out)
