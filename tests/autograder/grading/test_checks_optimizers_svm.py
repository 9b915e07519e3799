"""The optimizers and svm checks against independent references (no sandbox: direct calls)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.checks import checks_for, reference_source
from autograder.checks.base import CallResult, to_plain

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "checks"))
from check_helpers import grade, results_for, worst_margin  # noqa: E402


def _run(check, fn, seed=11):
    calls = check.calls(seed)
    results = []
    for c in calls:
        args = [a.copy() if isinstance(a, np.ndarray) else a for a in c.args]
        try:
            value = fn(*args, **c.kwargs)
            results.append(CallResult("ok", to_plain(value), args_after=tuple(to_plain(a) for a in args)))
        except Exception as exc:  # noqa: BLE001 - a student's exception becomes a result
            results.append(CallResult("error", error=f"{type(exc).__name__}: {exc}"))
    return check.judge(calls, results)


def _check(assignment, function):
    return next(c for c in checks_for(assignment) if c.function == function)


# -------------------------------------------------------------- hand-written references
def torch_momentum(w, dw, g, lr, beta):
    # torch.optim.SGD(momentum=β) form with b = −ΔW/η:  b ← βb + g, w ← w − ηb
    b = -dw / lr
    b = beta * b + g
    return w - lr * b, -lr * b


def torch_nesterov(w, dw, g, lr, beta):
    b = -dw / lr
    b = beta * b + g
    return w - lr * (g + beta * b), -lr * b


def adam(w, m, v, t, g, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    return w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v


def rprop_loop(w, prev, size, g, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    # the lecture's per-weight loop, written with a Python loop
    w, prev, size = w.copy().ravel(), prev.copy().ravel(), size.copy().ravel()
    g = g.ravel()
    shape = np.shape(w)
    for i in range(w.size):
        if np.sign(prev[i]) == np.sign(g[i]):
            size[i] = min(alpha * size[i], step_max)
            prev[i] = g[i]
        elif size[i] <= step_min:
            prev[i] = g[i]
        else:
            w[i] += np.sign(prev[i]) * size[i]
            size[i] = max(beta * size[i], step_min)
        w[i] -= np.sign(prev[i]) * size[i]
    return w.reshape(shape), prev, size


@pytest.mark.parametrize("function,fn", [("momentum_step", torch_momentum), ("nesterov_step", torch_nesterov),
                                         ("adam_step", adam)])
def test_independent_formulas_get_full_marks(function, fn):
    out = _run(_check("optimizers", function), fn)
    assert out.points == out.points_possible, out.messages


def test_rprop_loop_gets_full_marks_and_the_floor_rule_is_exercised():
    check = _check("optimizers", "rprop_step")
    calls = check.calls(11)

    def loop(w, prev, size, g, **kw):
        shape = w.shape
        a, p, s = rprop_loop(w, prev, size, g, **kw)
        return a.reshape(shape), p.reshape(shape), s.reshape(shape)

    out = _run(check, loop)
    assert out.points == 3.0, out.messages
    floors = [c for c in calls if np.any((np.sign(c.args[1]) != np.sign(c.args[3]))
                                         & (c.args[2] <= c.kwargs["step_min"]))]
    assert floors, "no call tests the sign change at the step-size floor"


def test_step_checks_follow_coursekit_optim_trajectories():
    # the teacher-forced states are those of coursekit.optim: the state after step k is the
    # state before step k + 1
    check = _check("optimizers", "momentum_step")
    calls = check.calls(5)
    for c0, c1 in zip(calls, calls[1:]):
        if c0.case.split(" on ")[1] == c1.case.split(" on ")[1]:
            w, dw = torch_momentum(*c0.args)
            np.testing.assert_allclose(w, c1.args[0], rtol=1e-12)
            np.testing.assert_allclose(dw, c1.args[1], rtol=1e-12, atol=1e-15)


def test_optimizer_checks_reject_mutation_wrong_shape_and_nan():
    check = _check("optimizers", "momentum_step")

    def mutating(w, dw, g, lr, beta):
        dw *= beta
        dw -= lr * g
        return w + dw, dw
    out = _run(check, mutating)
    assert out.points == 0 and "in place" in out.messages[0] and "dw" in out.messages[0]
    out = _run(check, lambda w, dw, g, lr, beta: (np.atleast_2d(w - lr * g), -lr * g))
    assert out.points == 0 and "shape" in out.messages[0]
    out = _run(check, lambda w, dw, g, lr, beta: (w * np.nan, dw))
    assert out.points == 0 and "NaN" in out.messages[0]


def test_reference_sources_are_self_contained():
    for a, fns in (("optimizers", ["momentum_step", "nesterov_step", "adam_step", "rprop_step"]),
                   ("svm", ["hinge_loss_and_grad"])):
        for f in fns:
            src = reference_source(a, f)
            assert "coursekit" not in src and "autograder" not in src
            ns = {}
            exec(src, ns)
            assert callable(ns[f])


# ------------------------------------------------------------------------------- svm
def hinge_loop(w, b, X, y, C):
    loss = 0.5 * float(np.dot(w, w))
    dw = w.copy()
    db = 0.0
    for xi, yi in zip(X, y):
        m = yi * (np.dot(w, xi) + b)
        if m < 1:
            loss += C * (1 - m)
            dw -= C * yi * xi
            db -= C * yi
    return loss, dw, db


def test_hinge_loop_gets_full_marks():
    out = _run(_check("svm", "hinge_loss_and_grad"), hinge_loop)
    assert out.points == 3.0, out.messages


def test_any_subgradient_at_the_kink_is_accepted_but_not_beyond_it():
    check = _check("svm", "hinge_loss_and_grad")

    def with_t(t):
        def fn(w, b, X, y, C):
            loss, dw, db = hinge_loop(w, b, X, y, C)
            on = y * (X @ w + b) == 1.0
            return loss, dw - t * C * (y[on] @ X[on]), db - t * C * float(y[on].sum())
        return fn

    for t in (0.0, 0.5, 1.0):   # t = 1 is the "margin <= 1" convention
        assert _run(check, with_t(t)).points == 3.0, t
    out = _run(check, with_t(2.0))
    assert out.points == 0 and "subgradient" in out.messages[0]


def test_hinge_diagnoses_common_bugs():
    check = _check("svm", "hinge_loss_and_grad")
    out = _run(check, lambda w, b, X, y, C: (hinge_loop(w, b, X, y, C)[0], hinge_loop(w, b, X, y, C)[1] + w,
                                             hinge_loop(w, b, X, y, C)[2]))
    assert out.points == 0 and "2w" in out.messages[-1] and out.diagnoses == ["regularizer-squared"]
    out = _run(check, lambda w, b, X, y, C: (hinge_loop(w, b, X, y, C)[0] - 0.5 * w @ w,) + hinge_loop(w, b, X, y, C)[1:])
    assert out.points == 0 and "regularizer" in out.messages[-1] and out.diagnoses == ["no-regularizer"]
    out = _run(check, lambda w, b, X, y, C: (hinge_loop(w, b, X, y, C)[0], hinge_loop(w, b, X, y, C)[1][None, :], 0.0))
    assert out.points == 0 and "shape" in out.messages[0]


def test_training_is_graded_against_the_sklearn_optimum():
    from sklearn.svm import SVC

    check = _check("svm", "train_linear_svm")
    sols = {}

    def exact(X, y, C, lr, epochs, seed):
        key = (X.tobytes(), C)
        if key not in sols:
            clf = SVC(kernel="linear", C=C, tol=1e-10).fit(X, y)
            sols[key] = (clf.coef_.ravel().copy(), float(clf.intercept_[0]))
        return sols[key]
    assert grade(check, exact).points == 3.0
    # a model far from the optimum (zero vector, b = 0) fails with the objective and the target named
    out = grade(check, lambda X, y, C, lr, epochs, seed: (np.zeros(X.shape[1]), 0.0))
    assert out.points == 0 and "objective" in out.messages[0]
    assert "J ≤ J* + 0.004·(J(0, 0) − J*)" in out.messages[0] and "99.6%" in out.messages[0]
    # non-reproducible runs fail
    rng = np.random.default_rng()
    out = grade(check, lambda X, y, C, lr, epochs, seed: (exact(X, y, C, lr, epochs, seed)[0] + rng.normal(0, 1e-6, 2),
                                                          exact(X, y, C, lr, epochs, seed)[1]))
    assert out.points == 0 and any("same arguments" in m for m in out.messages)


# The two routes of the notebook (section 2), written as a student would.
def train_gd(X, y, C, lr, epochs, seed):
    """Full-batch subgradient descent, η = lr/√t, best iterate (the notebook's solution)."""
    w, b = np.zeros(X.shape[1]), 0.0
    best = (np.inf, w, b)
    for t in range(1, epochs + 1):
        loss, dw, db = hinge_loop(w, b, X, y, C)
        if loss < best[0]:
            best = (loss, w.copy(), b)
        w, b = w - lr / np.sqrt(t) * dw, b - lr / np.sqrt(t) * db
    if hinge_loop(w, b, X, y, C)[0] < best[0]:
        best = (0.0, w, b)
    return best[1], float(best[2])


def make_sgd(seed_offset=0, clock="epoch", keep_best=True):
    """Per-example SGD as the notebook describes: rng.permutation(N) per epoch, the subgradient
    of Jᵢ = ½‖w‖²/N + C·hinge_i, η = lr/√(epoch), the best end-of-epoch model. ``clock="update"``
    counts t per example instead, ``keep_best=False`` returns the last iterate (variants)."""
    def train_sgd(X, y, C, lr, epochs, seed):
        rng = np.random.default_rng(seed + seed_offset)
        n, d = X.shape
        w, b, t = np.zeros(d), 0.0, 0
        best = (hinge_loop(w, b, X, y, C)[0], w.copy(), b)
        for epoch in range(1, epochs + 1):
            for i in rng.permutation(n):
                t += 1
                eta = lr / np.sqrt(epoch if clock == "epoch" else t)
                active = y[i] * (X[i] @ w + b) < 1.0
                w = w - eta * (w / n - (C * y[i] * X[i] if active else 0.0))
                b = b - eta * (-C * y[i] if active else 0.0)
            loss = hinge_loop(w, b, X, y, C)[0]
            if keep_best and loss < best[0]:
                best = (loss, w.copy(), b)
        return (best[1], float(best[2])) if keep_best else (w, float(b))
    return train_sgd


def test_both_routes_of_the_notebook_reach_the_training_target_by_far():
    check = _check("svm", "train_linear_svm")
    assert grade(check, train_gd).points == 3.0
    assert worst_margin(check, train_gd) < 0.05
    for offset in (0, 1, 2):  # other seeds: the verdict does not hang on the shuffle
        sgd = make_sgd(offset)
        out = grade(check, sgd)
        assert out.points == 3.0, out.messages
        assert worst_margin(check, sgd) < 0.1


def test_plausible_sgd_variants_pass_too():
    check = _check("svm", "train_linear_svm")
    for sgd in (make_sgd(clock="update", keep_best=False), make_sgd(keep_best=False)):
        out = grade(check, sgd)
        assert out.points == 3.0, out.messages


def _gd_bug(sign=1.0, reg=True, steps=None, decay=True, best=True):
    def train(X, y, C, lr, epochs, seed):
        w, b = np.zeros(X.shape[1]), 0.0
        best_ = (np.inf, w, b)
        for t in range(1, (steps or epochs) + 1):
            loss, dw, db = hinge_loop(w, b, X, y, C)
            if not reg:
                dw = dw - w
            if loss < best_[0]:
                best_ = (loss, w.copy(), b)
            eta = lr / np.sqrt(t) if decay else lr
            w, b = w - sign * eta * dw, b - sign * eta * db
        return (best_[1], float(best_[2])) if best else (w, float(b))
    return train


def sgd_hinge_on_one_example(X, y, C, lr, epochs, seed):
    """hinge_loss_and_grad on one example with C itself: another objective."""
    rng = np.random.default_rng(seed)
    w, b = np.zeros(X.shape[1]), 0.0
    for epoch in range(1, epochs + 1):
        for i in rng.permutation(len(y)):
            _, dw, db = hinge_loop(w, b, X[i:i + 1], y[i:i + 1], C)
            w, b = w - lr / np.sqrt(epoch) * dw, b - lr / np.sqrt(epoch) * db
    return w, float(b)


@pytest.mark.parametrize("bug", [
    _gd_bug(sign=-1.0), _gd_bug(reg=False), _gd_bug(reg=False, best=False), _gd_bug(steps=10),
    _gd_bug(decay=False, best=False), sgd_hinge_on_one_example,
], ids=["wrong-sign", "no-w-gradient", "no-w-gradient-last", "10-steps", "constant-step-last",
        "sgd-one-example-hinge"])
def test_training_bugs_miss_the_target_by_far(bug):
    check = _check("svm", "train_linear_svm")
    out = grade(check, bug)
    assert out.points == 0.0
    assert any("the target is J ≤ J* + 0.004·(J(0, 0) − J*)" in m for m in out.messages), out.messages
    calls = check.grading_calls()
    assert max(check.margin(c, r) for c, r in zip(calls, results_for(calls, bug))) > 10


def test_train_check_substitutes_the_reference_hinge():
    assert _check("svm", "train_linear_svm").overrides == ("hinge_loss_and_grad",)


# ------------------------------------------------------- honest variants, tolerances, dtypes
def nesterov_expanded(w, dw, g, lr, beta):
    return w + beta * beta * dw - (1 + beta) * lr * g, beta * dw - lr * g


def adam_kingma(w, m, v, t, g, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """Kingma & Ba's "efficient" form: the step size carries both bias corrections (with ε scaled
    to match, it is the same update in different algebra)."""
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    a = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    return w - a * m / (np.sqrt(v) + eps * np.sqrt(1 - beta2 ** t)), m, v


def rprop_sign_product(w, prev, size, g, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    same = prev * g > 0
    frozen = ~same & (size <= step_min)
    back = ~same & ~frozen
    w = w + np.where(back, np.sign(prev) * size, 0.0)
    size = np.where(same, np.minimum(alpha * size, step_max), np.where(back, np.maximum(beta * size, step_min), size))
    prev = np.where(same | frozen, g, prev)
    return w - np.sign(prev) * size, prev, size


def rprop_loop_shaped(w, prev, size, g, **kw):
    a, p, s = rprop_loop(w, prev, size, g, **kw)
    return a.reshape(w.shape), p.reshape(w.shape), s.reshape(w.shape)


def hinge_einsum(w, b, X, y, C):
    m = y * (np.einsum("nd,d->n", X, w) + b)
    a = (m < 1).astype(float)
    return (0.5 * np.einsum("d,d->", w, w) + C * np.sum(a * (1 - m)), w - C * np.einsum("n,nd->d", a * y, X),
            -C * np.sum(a * y))


def hinge_maximum_margin_le_1(w, b, X, y, C):
    m = y * (X @ w + b)
    act = m <= 1  # the other one-sided slope at the kink: a valid subgradient too
    return 0.5 * np.dot(w, w) + C * np.maximum(0, 1 - m).sum(), w - C * (X.T @ (y * act)), -C * np.sum(y * act)


@pytest.mark.parametrize("assignment,function,fn", [
    ("optimizers", "momentum_step", torch_momentum),
    ("optimizers", "nesterov_step", torch_nesterov), ("optimizers", "nesterov_step", nesterov_expanded),
    ("optimizers", "adam_step", adam), ("optimizers", "adam_step", adam_kingma),
    ("optimizers", "rprop_step", rprop_loop_shaped), ("optimizers", "rprop_step", rprop_sign_product),
    ("svm", "hinge_loss_and_grad", hinge_loop), ("svm", "hinge_loss_and_grad", hinge_einsum),
    ("svm", "hinge_loss_and_grad", hinge_maximum_margin_le_1),
], ids=lambda v: getattr(v, "__name__", v))
def test_honest_variants_pass_far_from_the_tolerance(assignment, function, fn):
    check = _check(assignment, function)
    out = grade(check, fn)
    assert out.points == out.points_possible, out.messages
    assert worst_margin(check, fn) <= 0.05  # visible + hidden cases, every output


def test_a_wrong_dtype_is_named_in_optimizers_and_svm():
    out = grade(_check("optimizers", "momentum_step"),
                lambda w, dw, g, lr, beta: tuple(a.astype(np.float32) for a in torch_momentum(w, dw, g, lr, beta)))
    assert out.points == 0 and "w is float32: compute in float64" in out.messages[0]
    out = grade(_check("svm", "hinge_loss_and_grad"),
                lambda w, b, X, y, C: (lambda l, dw, db: (l, dw.astype(np.float32), db))(*hinge_loop(w, b, X, y, C)))
    assert out.points == 0 and "dw is float32: compute in float64" in out.messages[0]
    out = grade(_check("svm", "train_linear_svm"),
                lambda X, y, C, lr, epochs, seed: (lambda w, b: (w.astype(np.float32), b))(*train_gd(X, y, C, lr, epochs, seed)))
    assert out.points == 0 and "w is float32: compute in float64" in out.messages[0]
