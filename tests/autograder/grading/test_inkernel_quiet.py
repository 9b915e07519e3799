"""Issue 12, findings 4 and 5 (in-kernel side): `assert_passes` runs fixed visible/hidden cases and
keeps the student's output and warnings out of the cell, for the checked calls only.

Stock nbgrader scores a graded cell with any stderr output as 0, so nothing may reach stderr
while a correct function is checked — numpy overflow warnings, prints to stderr, bytes written
to file descriptor 2. End to end with the real graders: tests/autograder/grading/test_graders_agree.py.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

from autograder.checks import check_for, checks_for, reference_source
from autograder.checks.base import VISIBLE_SEED
from autograder.checks.inkernel import CASES, HIDDEN_SEED, assert_passes, case_calls, run_check, self_check


def _reference_ns():
    ns = {"np": np}
    for c in checks_for("backprop"):
        exec(reference_source("backprop", c.function), ns)
    exec("def softmax_forward(z):\n    e = np.exp(z - z.max(axis=1, keepdims=True))\n"
         "    return e / e.sum(axis=1, keepdims=True)\n", ns)
    return ns


SIGMOID_EXP = '''
def sigmoid_backward(dout, z):
    s = 1 / (1 + np.exp(-z))
    return dout * s * (1 - s)
'''
CHATTY = '''
import os, sys, warnings
def softmax_backward(dout, z):
    print("debug: stdout")
    print("debug: stderr", file=sys.stderr)
    os.write(1, b"debug: fd 1\\n")
    os.write(2, b"debug: fd 2\\n")
    warnings.warn("debug: a warning")
    np.log(np.zeros(1))  # a numpy RuntimeWarning (divide by zero), harmless here
    y = softmax_forward(z)
    return y * (dout - (dout * y).sum(axis=1, keepdims=True))
'''


def _leaves(calls):
    out = []
    for c in calls:
        for a in c.args:
            out += [np.asarray(v) for v in (a.values() if isinstance(a, dict) else [a])]
    return out


def _same(a, b):
    return len(a) == len(b) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in
                                    zip(_leaves(a), _leaves(b)))


@pytest.mark.parametrize("assignment", ["backprop", "optimizers", "svm"])
def test_cases_are_fixed_visible_hidden_and_all(assignment):
    for check in checks_for(assignment):
        visible, hidden, both = (case_calls(check, c) for c in CASES)
        assert _same(visible, check.calls(VISIBLE_SEED))
        assert _same(hidden, check.calls(HIDDEN_SEED))
        assert not _same(visible, hidden)
        assert _same(both, visible + hidden)  # the visible cases first: what `autograder grade` judges
    with pytest.raises(ValueError, match="cases"):
        case_calls(checks_for(assignment)[0], "random")
    assert HIDDEN_SEED == 271828 != VISIBLE_SEED


def test_visible_and_hidden_parts_together_are_the_whole_test():
    ns = _reference_ns()
    ns["relu_backward"] = lambda dout, z: np.where(z >= 0, dout, 0.0)  # wrong at z == 0 exactly
    for cases in CASES:
        with pytest.raises(AssertionError, match="test_relu_backward: 0/1"):
            assert_passes("relu_backward", ns, assignment="backprop", cases=cases)
    _, calls, results, outcome = run_check("linear_backward", ns, "backprop", cases="all")
    assert outcome.passed and len(calls) == len(case_calls(check_for("backprop", "linear_backward"), "visible")) * 2


_WARNS = """
import numpy as np
from autograder.checks import checks_for, reference_source
from autograder.checks.inkernel import assert_passes
ns = {"np": np}
for c in checks_for("backprop"):
    exec(reference_source("backprop", c.function), ns)
exec(%r, ns)
%s
print("done")
"""


def test_a_correct_function_that_warns_passes_with_nothing_on_stderr():
    """In a plain interpreter (as in a Jupyter kernel, warnings are shown on stderr — pytest
    would record them instead)."""
    checks = "\n".join(f'assert assert_passes("sigmoid_backward", ns, assignment="backprop", cases="{c}").passed'
                       for c in CASES)
    proc = subprocess.run([sys.executable, "-c", _WARNS % (SIGMOID_EXP, checks)], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("done"), proc.stdout + proc.stderr
    assert proc.stderr == ""
    assert "overflow" not in proc.stdout
    # the control: the same function, called outside a check, does warn on stderr
    direct = 'ns["sigmoid_backward"](np.ones((1, 2)), np.array([[-800.0, 800.0]]))'
    proc = subprocess.run([sys.executable, "-c", _WARNS % (SIGMOID_EXP, direct)], capture_output=True, text=True)
    assert proc.returncode == 0 and "RuntimeWarning: overflow encountered in exp" in proc.stderr


def test_what_the_function_prints_or_warns_stays_out_of_the_cell(capfd):
    ns = _reference_ns()
    exec(CHATTY, ns)
    capfd.readouterr()
    outcome = assert_passes("softmax_backward", ns, assignment="backprop", cases="all")
    out, err = capfd.readouterr()
    assert outcome.passed
    assert err == "" and "debug" not in out
    assert out.strip() == "\n".join(outcome.messages)  # only the check's messages
    res = self_check("softmax_backward", ns["softmax_backward"])
    out, err = capfd.readouterr()
    assert res.passed and err == ""
    assert "debug: stdout" not in out and "debug: fd" not in out
    # the self-check tells the student what was hidden (the warnings by name)
    assert "PASSED" in out and "UserWarning: debug: a warning" in out and "printed" in out


def test_the_students_other_cells_are_untouched(capfd):
    ns = _reference_ns()
    exec(CHATTY, ns)
    filters, stdout, stderr, errstate = list(warnings.filters), sys.stdout, sys.stderr, np.geterr()
    assert_passes("softmax_backward", ns, assignment="backprop", cases="visible")
    assert (list(warnings.filters), sys.stdout, sys.stderr, np.geterr()) == (filters, stdout, stderr, errstate)
    capfd.readouterr()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ns["softmax_backward"](np.ones((1, 2)), np.zeros((1, 2)))  # outside a check: as usual
    out, err = capfd.readouterr()
    assert "debug: stdout" in out and "debug: fd 1" in out
    assert "debug: stderr" in err and "debug: fd 2" in err
    assert [str(w.message) for w in caught if w.category is UserWarning] == ["debug: a warning"]


def test_the_students_numpy_and_warning_settings_apply_to_the_student_only():
    """np.seterr(...="raise") or warnings-as-errors in the notebook: the student's calls behave as
    in the sandbox (an overflow raises there too); the grader's own arithmetic is unaffected.
    (Not ``under="raise"``: the stable softmax relies on e^(−2000) underflowing to 0.)"""
    ns = _reference_ns()
    old = np.seterr(over="raise", divide="raise", invalid="raise")
    try:
        assert assert_passes("softmax_cross_entropy", ns, assignment="backprop", cases="all").passed
        exec(SIGMOID_EXP, ns)
        with pytest.raises(AssertionError, match="FloatingPointError"):
            assert_passes("sigmoid_backward", ns, assignment="backprop", cases="all")
    finally:
        np.seterr(**old)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AssertionError, match="RuntimeWarning"):
            assert_passes("sigmoid_backward", ns, assignment="backprop", cases="all")


def test_seed_and_cases_are_exclusive():
    with pytest.raises(ValueError, match="seed and cases"):
        run_check("linear_backward", _reference_ns(), "backprop", seed=1, cases="visible")
