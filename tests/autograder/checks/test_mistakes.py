"""Diagnosis by matching (see ARCHITECTURE.md, Grading, and autograder/checks/mistakes.py): every
catalogued mistake, written as a student would, gets its hint; correct implementations in other
styles and two mistakes at once get none; the same diagnosis in the self-check."""

from __future__ import annotations

import numpy as np
import pytest

from autograder import submissions as S
from autograder.checks import check_for, checks_for
from autograder.checks.backprop import optional_check
from autograder.checks.base import Call
from autograder.checks.mistakes import HINT_PREFIX, Answer, Mistake, diagnose
from autograder.checks.inkernel import run_check
from coursekit import functional as F

from check_helpers import grade
from student_mistakes import STUDENT_MISTAKES, _adam, _hinge, _rprop, lin_db_mean, lin_dW_transposed

ASSIGNMENTS = ("backprop", "optimizers", "svm")


def _hints(outcome):
    return [m for m in outcome.messages if m.startswith(HINT_PREFIX)]


@pytest.mark.parametrize("assignment,function,key,fn", STUDENT_MISTAKES,
                         ids=[f"{f}-{k}" for _, f, k, _ in STUDENT_MISTAKES])
def test_each_catalogued_mistake_written_by_a_student_gets_its_hint(assignment, function, key, fn):
    check = check_for(assignment, function)
    out = grade(check, fn)
    assert not out.passed
    assert out.diagnoses == [key], out.messages
    hints = [m.hint for m in check.mistakes if m.key == key]
    assert _hints(out) and any(h in _hints(out)[0] for h in hints)


def test_every_catalogued_mistake_has_a_student_implementation():
    covered = {(f, k) for _, f, k, _ in STUDENT_MISTAKES}
    for a in ASSIGNMENTS:
        for check in checks_for(a):
            keys = {m.key for m in check.mistakes}
            assert keys, check.function
            assert keys <= {k for f, k in covered if f == check.function}, (check.function, keys)


def test_the_optional_gelu_catalogue_matches_too():
    check = optional_check("gelu_backward")
    cdf_only = lambda dout, z: dout * 0.5 * (1.0 + np.vectorize(__import__("math").erf)(z / np.sqrt(2.0)))  # noqa: E731
    out = grade(check, cdf_only)
    assert out.diagnoses == ["product-rule"], out.messages


# ------------------------------------------------------------------ no hint where none is due
def _honest(assignment):
    return [s for s in S.load([assignment]) if s.kind == "honest"]


def _exec(sub, function):
    """The student's function from a submission file, run with coursekit's given helpers."""
    from autograder.checks import optimizers as O, svm as V

    ns = {"np": np, "numpy": np, **{k: getattr(F, k) for k in F.__all__}}
    ns.update({"hinge_loss_and_grad": V.ref_hinge_loss_and_grad})
    ns.update({k: getattr(O, k) for k in ("momentum_step", "nesterov_step", "adam_step", "rprop_step")})
    for f, src in sub.cells.items():
        exec(src, ns)
    for _, f, src in sub.extra_cells:
        exec(src, ns)
    return ns[function]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_correct_implementations_in_other_styles_pass_without_a_hint(assignment):
    seen = 0
    for sub in _honest(assignment):
        for function in sub.cells:
            try:
                fn = _exec(sub, function)
            except ImportError:
                continue  # an optional library this environment does not have
            out = grade(check_for(assignment, function), fn)
            assert out.passed and out.diagnoses == [] and not _hints(out), (sub.name, function, out.messages)
            seen += 1
    assert seen >= 3


def test_a_near_miss_gets_no_hint():
    """Correct up to a relative 1e-4 (more than the tolerance, far less than any mistake): no
    catalogued mistake matches, so the message keeps to the facts."""
    out = grade(check_for("backprop", "tanh_backward"), lambda dout, z: F.tanh_backward(dout, z) * (1 + 1e-4))
    assert not out.passed and out.diagnoses == [] and not _hints(out)


# ------------------------------------------------------------------ two bugs at once
def _lin_two_bugs(dout, x, W):
    dx, dW, _ = lin_dW_transposed(dout, x, W)
    return dx, dW, lin_db_mean(dout, x, W)[2]


def _adam_two_bugs(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, m, v, t, grad, lr, beta1, beta2, eps, correct=False, root_eps=True)


def _rprop_two_bugs(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    return _rprop(w, prev_grad, size, grad, alpha, beta, step_min, step_max, ret=False, floor=False)


def _hinge_two_bugs(w, b, X, y, C):
    return _hinge(w, b, X, y, C, avg=True, sign=-1.0)


def _sigmoid_two_bugs(dout, z):
    return z * (1 - z)  # at the output AND without dout


TWO_BUGS = [
    ("backprop", "linear_backward", _lin_two_bugs),
    ("backprop", "sigmoid_backward", _sigmoid_two_bugs),
    ("optimizers", "adam_step", _adam_two_bugs),
    ("optimizers", "rprop_step", _rprop_two_bugs),
    ("svm", "hinge_loss_and_grad", _hinge_two_bugs),
]


@pytest.mark.parametrize("assignment,function,fn", TWO_BUGS, ids=[t[1] for t in TWO_BUGS])
def test_two_mistakes_at_once_get_no_hint(assignment, function, fn):
    out = grade(check_for(assignment, function), fn)
    assert not out.passed
    assert out.diagnoses == [] and not _hints(out), out.messages


# ------------------------------------------------------------------ the matcher's rules
def _calls():
    return [Call("f", (np.array([1.0, 2.0]),), case="a"), Call("f", (np.array([0.0, 0.0]),), case="b")]


def _ref(call):
    return {"y": 2.0 * call.args[0]}


def test_a_mistake_equal_to_the_reference_everywhere_decides_nothing():
    calls = _calls()
    answers = [Answer({"y": 2.0 * c.args[0]}) for c in calls]
    same_as_ref = Mistake("same", "…", lambda c: {"y": 2.0 * c.args[0]})
    assert diagnose([same_as_ref], calls, answers, _ref) is None


def test_a_mistake_must_match_on_every_case():
    calls = _calls()
    times3 = Mistake("x3", "…", lambda c: {"y": 3.0 * c.args[0]})
    plus1 = Mistake("p1", "…", lambda c: {"y": 2.0 * c.args[0] + 1.0})
    # case a: 3x; case b: the reference (0) — "x3" coincides with the reference there and matches
    answers = [Answer({"y": 3.0 * calls[0].args[0]}), Answer({"y": 2.0 * calls[1].args[0]})]
    assert diagnose([times3, plus1], calls, answers, _ref) is times3
    # case b answered with +1: neither mistake explains both cases
    answers[1] = Answer({"y": 2.0 * calls[1].args[0] + 1.0})
    assert diagnose([times3, plus1], calls, answers, _ref) is None


def test_two_families_matching_give_no_hint_one_family_gives_its_first():
    calls = _calls()
    answers = [Answer({"y": 3.0 * c.args[0]}) for c in calls]
    a = Mistake("a", "…", lambda c: {"y": 3.0 * c.args[0]})
    b = Mistake("b", "…", lambda c: {"y": 3.0 * c.args[0]})
    assert diagnose([a, b], calls, answers, _ref) is None
    a2 = Mistake("a2", "…", lambda c: {"y": 3.0 * c.args[0]}, family="f")
    b2 = Mistake("b2", "…", lambda c: {"y": 3.0 * c.args[0]}, family="f")
    assert diagnose([a2, b2], calls, answers, _ref) is a2
    general = Mistake("g", "…", detect=lambda calls, answers, ref: True, family="f")
    assert diagnose([a2, b2, general], calls, answers, _ref) is general
    assert diagnose([a2, general], calls, answers, _ref) is a2


def test_a_missing_answer_gives_no_value_diagnosis():
    calls = _calls()
    answers = [Answer({"y": 3.0 * calls[0].args[0]}), Answer(None, error="ValueError")]
    assert diagnose([Mistake("x3", "…", lambda c: {"y": 3.0 * c.args[0]})], calls, answers, _ref) is None


# ------------------------------------------------------------------ self-check and grader agree
@pytest.mark.parametrize("assignment,function,key,fn", [t for t in STUDENT_MISTAKES if t[2] in (
    "derivative-of-dout", "velocity-convention", "no-floor-rule", "constant-step")][:4],
    ids=lambda v: v if isinstance(v, str) else "")
def test_the_self_check_shows_the_same_diagnosis(assignment, function, key, fn):
    outcome = run_check(function, fn, assignment=assignment, cases="all")[3]
    assert outcome.diagnoses == [key], outcome.messages
    assert outcome.messages == grade(check_for(assignment, function), fn).messages
