"""Issue 12, D1: one set of cases for every student (visible, then hidden), and expectations
memoised per process by the call's data."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.checks import ASSIGNMENTS, checks_for
from autograder.checks.base import HIDDEN_SEED, VISIBLE_SEED, Call, call_digest, memoized
from check_helpers import grade, results_for
from coursekit import functional as F

ALL = [c for a in ASSIGNMENTS for c in checks_for(a)]


@pytest.mark.parametrize("check", ALL, ids=lambda c: c.function)
def test_graded_cases_are_the_visible_ones_then_hidden_ones_the_same_every_time(check):
    visible, hidden = check.calls(VISIBLE_SEED), check.calls(HIDDEN_SEED)
    graded = check.grading_calls()
    assert [call_digest(c) for c in graded] == [call_digest(c) for c in visible + hidden]
    assert [call_digest(c) for c in check.grading_calls()] == [call_digest(c) for c in graded]
    assert {call_digest(c) for c in visible}.isdisjoint(call_digest(c) for c in hidden)


def test_answers_hard_coded_for_the_visible_cases_fail():
    check = next(c for c in checks_for("backprop") if c.function == "relu_backward")
    table = {call_digest(Call("relu_backward", c.args)): F.relu_backward(*c.args) for c in check.calls(VISIBLE_SEED)}

    def lookup(dout, z):  # what a student could copy from the self-check's output
        return table.get(call_digest(Call("relu_backward", (dout, z))), np.zeros_like(z))

    assert grade(check, lookup, calls=check.calls(VISIBLE_SEED)).points == 1.0
    assert grade(check, lookup).points == 0.0


def test_memoised_expectations_are_keyed_by_the_call_data():
    computed = []

    def compute(tag):
        computed.append(tag)
        return tag

    a = Call("f", (np.arange(3.0), {"W": np.ones((2, 2))}), {"lr": 0.1}, case="one label")
    same = Call("f", (np.arange(3.0), {"W": np.ones((2, 2))}), {"lr": 0.1}, case="another label")
    other_arg = Call("f", (np.arange(3.0), {"W": np.full((2, 2), 1.0 + 1e-15)}), {"lr": 0.1})
    other_kw = Call("f", (np.arange(3.0), {"W": np.ones((2, 2))}), {"lr": 0.2})
    other_dtype = Call("f", (np.arange(3), {"W": np.ones((2, 2))}), {"lr": 0.1})
    assert memoized("test-kind", a, lambda: compute("a")) == "a"
    assert memoized("test-kind", same, lambda: compute("same")) == "a"  # the case text is only a label
    assert memoized("test-kind", other_arg, lambda: compute("arg")) == "arg"
    assert memoized("test-kind", other_kw, lambda: compute("kw")) == "kw"
    assert memoized("test-kind", other_dtype, lambda: compute("dtype")) == "dtype"
    assert memoized("other-kind", a, lambda: compute("kind")) == "kind"
    assert computed == ["a", "arg", "kw", "dtype", "kind"]


@pytest.mark.parametrize("check", checks_for("backprop"), ids=lambda c: c.function)
def test_judging_twice_gives_the_same_outcome(check):
    # the memoised expectations are shared between students: judging must not alter them
    calls = check.grading_calls()
    results = results_for(calls, getattr(F, check.function))
    first = check.judge(calls, results)
    second = check.judge(calls, results)
    assert first.to_dict() == second.to_dict() and first.passed
