"""The optimizers and svm checks against independent references (no sandbox: direct calls)."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.checks import checks_for, reference_source
from autograder.checks.base import CallResult, to_plain


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
    assert out.points == 0 and "2w" in out.messages[0]
    out = _run(check, lambda w, b, X, y, C: (hinge_loop(w, b, X, y, C)[0] - 0.5 * w @ w,) + hinge_loop(w, b, X, y, C)[1:])
    assert out.points == 0 and "regularizer" in out.messages[0]
    out = _run(check, lambda w, b, X, y, C: (hinge_loop(w, b, X, y, C)[0], hinge_loop(w, b, X, y, C)[1][None, :], 0.0))
    assert out.points == 0 and "shape" in out.messages[0]


def test_training_is_graded_against_the_sklearn_optimum():
    from sklearn.svm import SVC

    check = _check("svm", "train_linear_svm")
    calls = check.calls(3)
    sols = {}

    def exact(X, y, C, lr, epochs, seed):
        key = (X.tobytes(), C)
        if key not in sols:
            clf = SVC(kernel="linear", C=C, tol=1e-10).fit(X, y)
            sols[key] = (clf.coef_.ravel().copy(), float(clf.intercept_[0]))
        return sols[key]
    assert _run(check, exact).points == 3.0
    # a model far from the optimum (zero vector, b = 0) fails with the objective named
    out = _run(check, lambda X, y, C, lr, epochs, seed: (np.zeros(X.shape[1]), 0.0))
    assert out.points == 0 and "objective" in out.messages[0]
    # non-reproducible runs fail
    rng = np.random.default_rng()
    out = _run(check, lambda X, y, C, lr, epochs, seed: (exact(X, y, C, lr, epochs, seed)[0] + rng.normal(0, 1e-6, 2),
                                                         exact(X, y, C, lr, epochs, seed)[1]))
    assert out.points == 0 and any("same arguments" in m for m in out.messages)
    assert calls[0].args == calls[-1].args or all(
        np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b for a, b in zip(calls[0].args, calls[-1].args))


def test_train_check_substitutes_the_reference_hinge():
    assert _check("svm", "train_linear_svm").overrides == ("hinge_loss_and_grad",)
