"""coursekit.selfcheck: the students' self-checks pass right code in every honest style and fail every bug.

The class of hand-written submissions (``solutions/<A>/submissions/``) gives the examples: each is
run in-process (the source notebook's given cells, the submission's cells and extra cells, the
source notebook's honest code for the functions it does not write) and every graded function is
self-checked. A function whose EXPECT is full points must pass (else stock nbgrader, which runs the
self-check as the visible part of the test cell, would disagree with ``autograder grade``); a
function whose EXPECT is 0 must fail.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import numpy as np
import pytest

from coursekit.selfcheck import assert_passes, run_self_check, self_check, spec_for

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.timeout(900)


def _cells(assignment):
    nb = nbformat.read(str(REPO / "solutions" / assignment / f"{assignment}.ipynb"), as_version=4)
    out = []
    for c in nb.cells:
        meta = c.metadata.get("nbgrader", {})
        gid = meta.get("grade_id", "")
        if c.cell_type == "code" and not gid.startswith(("test_", "check_", "demo_")):
            out.append((gid, bool(meta.get("solution")), c.source))
    return out


def namespace(assignment, cells=None, extra=()):
    """The notebook's namespace after running its given and solution cells (``cells`` replace solutions)."""
    ns: dict = {}
    for gid, is_solution, src in _cells(assignment):
        code = [s for w, f, s in extra if w == "before" and f == gid]
        code.append((cells or {}).get(gid, src) if is_solution else src)
        code += [s for w, f, s in extra if w == "after" and f == gid]
        for piece in code:
            exec(compile(piece, f"<{assignment}:{gid}>", "exec"), ns)
    return ns


def _class():
    from autograder.submissions import load

    return [s for s in load() if s.kind != "accident"]


CLASS = _class()


@pytest.mark.parametrize("sub", CLASS, ids=[s.key for s in CLASS])
def test_self_check_verdicts_match_the_expected_scores(sub):
    ns = namespace(sub.assignment, sub.cells, sub.extra_cells)
    wrong = {}
    for test, points in sub.expect.items():
        f = test[len("test_"):]
        outcome = run_self_check(f, ns)
        if outcome.passed != (points > 0):
            wrong[f] = (points, outcome.messages[:2])
    assert wrong == {}


def test_the_class_has_honest_and_buggy_code_of_every_assignment():
    kinds = {(s.assignment, s.kind) for s in CLASS}
    for a in ("backprop", "optimizers", "svm"):
        assert {(a, "honest"), (a, "buggy")} <= kinds


def test_a_wrong_gradient_is_named_with_its_case_and_its_error():
    ns = namespace("backprop")
    exec("def linear_backward(dout, x, W):\n    return dout @ W, x.T @ dout, dout.sum(axis=0)\n", ns)
    out = run_self_check("linear_backward", ns)
    assert not out.passed
    text = "\n".join(out.messages)
    assert "failed for N=" in text  # which case
    assert "dW" in text and ("shape" in text or "relative error" in text)  # which output, how far


def test_a_gradient_off_by_the_batch_size_is_diagnosed():
    ns = namespace("backprop")
    exec("def softmax_cross_entropy(logits, y):\n"
         "    n = logits.shape[0]\n    logp = log_softmax(logits)\n"
         "    d = np.exp(logp)\n    d[np.arange(n), y] -= 1.0\n"
         "    return float(-logp[np.arange(n), y].mean()), d\n", ns)
    text = "\n".join(run_self_check("softmax_cross_entropy", ns).messages)
    assert "dlogits is wrong" in text and "factor N" in text


def test_an_unwritten_function_says_not_implemented(capsys):
    ns = namespace("optimizers", {"adam_step": "def adam_step(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):\n"
                                                "    raise NotImplementedError()\n"})
    out = self_check("adam_step", ns)
    printed = capsys.readouterr().out
    assert not out.passed and "NotImplementedError" in printed and printed.rstrip().endswith("NOT YET: see the messages above")
    with pytest.raises(AssertionError, match="adam_step: self-check failed"):
        assert_passes("adam_step", ns)


def test_what_the_function_prints_or_warns_never_reaches_the_cell(capfd):
    ns = namespace("backprop")
    exec("import sys, warnings\n"
         "def relu_backward(dout, z):\n"
         "    print('debug', z.shape)\n    sys.stderr.write('noise\\n')\n"
         "    warnings.warn('careful')\n    np.exp(np.array([1000.0]))\n"
         "    return np.where(z > 0, dout, 0.0)\n", ns)
    capfd.readouterr()
    assert assert_passes("relu_backward", ns).passed
    out, err = capfd.readouterr()
    assert err == ""  # stock nbgrader scores a cell with any stderr output as 0
    assert "debug" not in out and "noise" not in out


def test_an_input_modified_in_place_is_named():
    ns = namespace("optimizers")
    exec("def momentum_step(w, dw, grad, lr, beta):\n    dw *= beta\n    dw -= lr * grad\n    w += dw\n"
         "    return w, dw\n", ns)
    text = "\n".join(run_self_check("momentum_step", ns).messages)
    assert "modified its input `w` in place" in text


def test_float32_answers_fail_whatever_their_values():
    ns = namespace("backprop")
    exec("def tanh_backward(dout, z):\n    t = np.tanh(z)\n    return (dout * (1 - t * t)).astype(np.float32)\n", ns)
    text = "\n".join(run_self_check("tanh_backward", ns).messages)
    assert "float32" in text


def test_the_self_check_uses_the_notebooks_own_forward_functions():
    """A notebook whose given sigmoid is (deliberately) another function: the right sigmoid derivative
    now fails, because the finite differences are of the notebook's sigmoid_forward."""
    ns = namespace("backprop")
    assert run_self_check("sigmoid_backward", ns).passed
    ns["sigmoid_forward"] = lambda z: np.tanh(np.asarray(z, dtype=np.float64))
    assert not run_self_check("sigmoid_backward", ns).passed


def test_a_missing_given_function_is_said_clearly():
    ns = namespace("backprop")
    del ns["log_softmax"]
    text = "\n".join(run_self_check("softmax_cross_entropy", ns).messages)
    assert "log_softmax is not defined" in text and "run the notebook's cells" in text


def test_the_kink_accepts_every_valid_subgradient_and_nothing_else():
    base = namespace("svm")
    src = base["hinge_loss_and_grad"]
    for t in (0.0, 0.5, 1.0):
        ns = dict(base)

        def with_t(w, b, X, y, C, _t=t):  # the convention at the kink, t in [0, 1]
            loss, dw, db = src(w, b, X, y, C)
            kink = (y * (X @ w + b)) == 1.0
            return loss, dw - _t * C * (y[kink] @ X[kink]), db - _t * C * float(np.sum(y[kink]))

        ns["hinge_loss_and_grad"] = with_t
        assert run_self_check("hinge_loss_and_grad", ns).passed, t
    ns = dict(base)

    def beyond(w, b, X, y, C):
        loss, dw, db = src(w, b, X, y, C)
        kink = (y * (X @ w + b)) == 1.0
        return loss, dw - 1.5 * C * (y[kink] @ X[kink]), db - 1.5 * C * float(np.sum(y[kink]))

    ns["hinge_loss_and_grad"] = beyond
    text = "\n".join(run_self_check("hinge_loss_and_grad", ns).messages)
    assert "not a subgradient" in text


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="function: expected one of"):
        spec_for("linear_backwards")
    with pytest.raises(ValueError, match="assignment: expected one of"):
        spec_for("linear_backward", "backprob")
    with pytest.raises(TypeError, match="namespace: expected globals"):
        run_self_check("linear_backward", 42)


def test_the_stored_svm_optima_are_scikit_learns():
    from coursekit.selfcheck import svm as S

    cases = [c for c in S._make_train_cases() if c.expect is not None]
    assert len(cases) == len(S.OPTIMA) == 2
    for case in cases:
        X, y, C = case.args[:3]
        J, acc = S._optimum(X, y, C)
        assert abs(J - case.expect[0]) <= 1e-6 * J and acc == case.expect[1], case.label
