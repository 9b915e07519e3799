"""``autograder demo``: a throwaway copy of the course, sample submissions, graded end to end.

The helpers here are also what the tests and ``benchmarks/bench_grading.py`` use:

* :func:`make_course_copy` copies the course (``autograder/nbgrader_config.py`` and the
  ``solutions/`` notebooks) into a fresh folder — the copy's ``nbgrader_config.py`` resolves
  its paths relative to itself, so every nbgrader command works there unchanged;
* :func:`solution_code` reads a function's reference solution out of the source notebook;
* :func:`write_submission` writes ``submitted/<student>/<A>/<A>.ipynb`` from the released
  notebook with chosen code in each solution cell — the solution itself, a blank submission,
  one function broken (:data:`BUGS`), one that raises, one that never returns.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.course import Course

__all__ = ["make_course_copy", "solution_code", "write_submission", "BUGS", "RAISES", "HANGS", "run_demo",
           "SAMPLE_KINDS"]

_REPO = Path(__file__).resolve().parent.parent

#: One typical bug per graded function: (what is wrong, replacement source).
BUGS: dict[str, dict[str, tuple[str, str]]] = {
    "backprop": {
        "linear_backward": ("dW transposed", '''
def linear_backward(dout, x, W):
    dx = dout @ W
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db
'''),
        "sigmoid_backward": ("upstream gradient dout ignored", '''
def sigmoid_backward(dout, z):
    s = sigmoid_forward(z)
    return s * (1.0 - s)
'''),
        "tanh_backward": ("derivative taken as 1 - tanh(z)", '''
def tanh_backward(dout, z):
    return dout * (1.0 - np.tanh(z))
'''),
        "relu_backward": ("input modified in place", '''
def relu_backward(dout, z):
    dout[z <= 0] = 0.0
    return dout
'''),
        "softmax_backward": ("diagonal Jacobian only (treated as elementwise)", '''
def softmax_backward(dout, z):
    y = softmax_forward(z)
    return dout * y * (1.0 - y)
'''),
        "softmax_cross_entropy": ("gradient missing the 1/N of the mean", '''
def softmax_cross_entropy(logits, y):
    n = logits.shape[0]
    logp = log_softmax(logits)
    loss = float(-logp[np.arange(n), y].sum() / n)
    dlogits = np.exp(logp)
    dlogits[np.arange(n), y] -= 1.0
    return loss, dlogits
'''),
        "mlp_loss_and_grads": ("ReLU derivative missing in the backward pass", '''
def mlp_loss_and_grads(params, x, y):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    z1 = linear_forward(x, W1, b1)
    h1 = relu_forward(z1)
    s = linear_forward(h1, W2, b2)
    loss, ds = softmax_cross_entropy(s, y)
    dh1, dW2, db2 = linear_backward(ds, h1, W2)
    _, dW1, db1 = linear_backward(dh1, x, W1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
'''),
    },
    "optimizers": {
        "momentum_step": ("gradient term with the wrong sign", '''
def momentum_step(w, dw, grad, lr, beta):
    dw = beta * dw + lr * grad
    return w + dw, dw
'''),
        "nesterov_step": ("plain momentum instead of Nesterov", '''
def nesterov_step(w, dw, grad, lr, beta):
    dw = beta * dw - lr * grad
    return w + dw, dw
'''),
        "adam_step": ("no bias correction", '''
def adam_step(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    return w - lr * m / (np.sqrt(v) + eps), m, v
'''),
        "rprop_step": ("no return to the previous location after a sign change", '''
def rprop_step(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    same = np.sign(prev_grad) == np.sign(grad)
    size = np.where(same, np.minimum(alpha * size, step_max), np.maximum(beta * size, step_min))
    prev_grad = np.where(same, grad, prev_grad)
    return w - np.sign(prev_grad) * size, prev_grad, size
'''),
    },
    "svm": {
        "hinge_loss_and_grad": ("regularizer gradient w missing", '''
def hinge_loss_and_grad(w, b, X, y, C):
    margins = y * (X @ w + b)
    active = margins < 1.0
    loss = 0.5 * float(w @ w) + C * float(np.sum(1.0 - margins[active]))
    dw = -C * (y[active] @ X[active])
    db = -C * float(np.sum(y[active]))
    return loss, dw, db
'''),
        "train_linear_svm": ("only 5 steps (stops far from the optimum)", '''
def train_linear_svm(X, y, C, lr, epochs, seed):
    w, b = np.zeros(X.shape[1]), 0.0
    for t in range(1, 6):
        loss, dw, db = hinge_loss_and_grad(w, b, X, y, C)
        w = w - lr * dw
        b = b - lr * db
    return w, float(b)
'''),
    },
}

#: A body that raises, and one that never returns (for any function).
RAISES = "raise ValueError('I am not finished')"
HANGS = "while True:\n        pass"

SAMPLE_KINDS = ("solution", "blank", "buggy:<function>", "raises:<function>", "hangs:<function>")


def make_course_copy(dest: str | Path | None = None) -> Course:
    """Copy the course (config + source notebooks) into ``dest`` (default: a new temp dir).

    Layout of the copy: ``dest/autograder/nbgrader_config.py`` (the course root) and
    ``dest/solutions/<A>/<A>.ipynb``. Returns the :class:`Course` of the copy.
    """
    dest = Path(dest) if dest else Path(tempfile.mkdtemp(prefix="autograder-demo-"))
    root = dest / "autograder"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_REPO / "autograder" / "nbgrader_config.py", root / "nbgrader_config.py")
    src = _REPO / "solutions"
    for nb in src.glob("*/*.ipynb"):
        if nb.parent.name != nb.stem:
            continue
        (dest / "solutions" / nb.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(nb, dest / "solutions" / nb.parent.name / nb.name)
    return Course(root)


def _solution_cells(course: Course, assignment: str) -> dict[str, str]:
    nb = nbformat.read(str(course.source_notebook(assignment)), as_version=4)
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            out[meta["grade_id"]] = cell.source
    return out


def solution_code(course: Course, assignment: str, function: str) -> str:
    """The reference solution of ``function`` from the source notebook, markers removed."""
    src = _solution_cells(course, assignment)[function]
    return "\n".join(line for line in src.split("\n") if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line)


def _with_body(course, assignment, function, body):
    """The solution cell of ``function`` with its body replaced by ``body``."""
    src = solution_code(course, assignment, function)
    m = re.search(rf"def {function}\(.*?\):\n(\s+\"\"\"[\s\S]*?\"\"\"\n)?", src)
    head = src[: m.end()]
    return head + "    " + body + "\n"


def write_submission(course: Course, assignment: str, student: str, functions: dict[str, str] | None = None,
                     kind: str = "solution", timestamp: str | None = "2026-11-20 10:00:00 UTC") -> Path:
    """Write ``submitted/<student>/<A>/<A>.ipynb`` from the released notebook.

    ``kind``: ``"solution"`` (every function solved), ``"blank"`` (nothing changed),
    ``"buggy:<f>"`` (solved, with the typical bug of ``f`` from :data:`BUGS`),
    ``"raises:<f>"`` / ``"hangs:<f>"`` (solved, ``f`` raises / never returns).
    ``functions`` overrides the code of individual solution cells afterwards.
    """
    release = nbformat.read(str(course.release_notebook(assignment)), as_version=4)
    sols = _solution_cells(course, assignment)
    code = {}
    if kind != "blank":
        code = {f: solution_code(course, assignment, f) for f in sols}
    if kind.startswith("buggy:"):
        f = kind.split(":", 1)[1]
        code[f] = BUGS[assignment][f][1].strip("\n")
    elif kind.startswith("raises:"):
        f = kind.split(":", 1)[1]
        code[f] = _with_body(course, assignment, f, RAISES)
    elif kind.startswith("hangs:"):
        f = kind.split(":", 1)[1]
        code[f] = _with_body(course, assignment, f, HANGS)
    code.update(functions or {})
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in code:
            cell.source = code[meta["grade_id"]]
    folder = course.submitted_dir(student, assignment)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / course.notebook_name(assignment)
    nbformat.write(release, str(path))
    if timestamp:
        (folder / "timestamp.txt").write_text(timestamp + "\n")
    return path


def _demo_submissions(course: Course) -> dict[str, str]:
    """student -> what the sample submission is."""
    A = "backprop"
    plan = {
        "alice": ("solution", "the reference solution (12/12)"),
        "bob": ("blank", "the released notebook, untouched (0/12)"),
        "carol": ("buggy:linear_backward", "dW transposed in linear_backward"),
        "dave": ("buggy:softmax_cross_entropy", "a missing 1/N in softmax_cross_entropy"),
        "erin": ("buggy:relu_backward", "relu_backward modifies dout in place"),
        "frank": ("raises:softmax_backward", "softmax_backward raises an exception"),
        "grace": ("hangs:tanh_backward", "tanh_backward never returns (endless loop)"),
    }
    for student, (kind, _) in plan.items():
        write_submission(course, A, student, kind=kind)
    # a crashing submission: the notebook file is not even valid JSON
    crash = course.submitted_dir("heidi", A)
    crash.mkdir(parents=True, exist_ok=True)
    (crash / course.notebook_name(A)).write_text('{"cells": [{"cell_type": "code", "source": "def linear_')
    out = {s: d for s, (_, d) in plan.items()}
    out["heidi"] = "a truncated, unreadable notebook file"
    return out


def run_demo(directory: str | None = None, workers: int = 2, keep: bool = True) -> int:
    """Build a throwaway course, submit samples, grade, give feedback, export, report."""
    from autograder.cli import generate, grade
    from autograder.report import build_report

    t0 = time.perf_counter()
    course = make_course_copy(directory)
    print(f"demo course: {course.root.parent}")
    print(f"  course root (nbgrader_config.py): {course.root}")
    print(f"  source notebooks:                 {course.source_root}")
    for a in ("backprop", "optimizers", "svm"):
        generate(course, a, quiet=True)
    print(f"1. generated the student versions:  {course.root / 'release'}/<assignment>/")
    plan = _demo_submissions(course)
    print(f"2. sample submissions of backprop:  {course.root / 'submitted'}/<student>/backprop/")
    for s, d in plan.items():
        print(f"     {s:<6} {d}")
    print("3. grading with the trusted grader (isolated, parallel) ...")
    records = grade(course, "backprop", workers=workers, progress=False)
    for r in sorted(records, key=lambda r: r.student):
        failed = [o.test_id for o in r.outcomes if not o.passed]
        extra = f" ({r.reason})" if r.status != "graded" else ""
        print(f"     {r.student:<6} {r.score:>4g}/{r.max_score:g}  failed: {', '.join(failed) or '-'}{extra}")
    course.run_api("generate_feedback", "backprop", force=True)
    print(f"4. feedback HTML:                   {course.root / 'feedback'}/<student>/backprop/backprop.html")
    csv = course.root / "grades.csv"
    course.nbgrader("export", "--to", str(csv), capture=True)
    print(f"5. grades CSV (nbgrader export):    {csv}")
    rep = build_report(course, "backprop")
    print(f"6. report:                          {rep.directory}")
    print("\n" + rep.text)
    example = next((r for r in records if r.student == "carol"), None)
    if example is not None:
        from autograder.feedback import render_messages

        print("What carol sees in her feedback for linear_backward:")
        for o in example.outcomes:
            if o.function == "linear_backward":
                print(render_messages(o).rstrip())
    print(f"\ndemo finished in {time.perf_counter() - t0:.0f} s; everything is under {course.root.parent}")
    if not keep:
        shutil.rmtree(course.root.parent, ignore_errors=True)
    return 0
