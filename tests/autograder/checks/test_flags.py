"""One flag name per condition across assignments (autograder.checks.base.Flag)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from autograder import ASSIGNMENTS
from autograder.checks import checks_for, reference_source
from autograder.checks.base import STATUS_FLAG, Flag

from check_helpers import grade

ALL = [(a, c) for a in ASSIGNMENTS for c in checks_for(a)]
IDS = [f"{a}-{c.function}" for a, c in ALL]


def _reference(assignment, function):
    ns: dict = {}
    for check in checks_for(assignment):
        exec(reference_source(assignment, check.function), ns)
    return ns[function]


def _mutating(fn):
    """``fn``, then adds 1 to its first float array argument (after the result is taken)."""
    def wrapper(*args, **kwargs):
        out = copy.deepcopy(fn(*copy.deepcopy(args), **copy.deepcopy(kwargs)))
        target = next(a for a in list(args) + list(kwargs.values())
                      if isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.size)
        target += 1.0
        return out
    return wrapper


@pytest.mark.parametrize("assignment,check", ALL, ids=IDS)
def test_modified_input_has_one_flag_name(assignment, check):
    out = grade(check, _mutating(_reference(assignment, check.function)))
    assert out.points == 0.0
    assert Flag.MUTATES_INPUT in out.flags and "mutation" not in out.flags, out.flags


@pytest.mark.parametrize("assignment,check", ALL, ids=IDS)
def test_reference_passes_without_flags(assignment, check):
    out = grade(check, _reference(assignment, check.function))
    assert out.points == check.points and not out.flags, (out.flags, out.messages)


@pytest.mark.parametrize("assignment,check", ALL, ids=IDS)
def test_exception_has_one_flag_name(assignment, check):
    def raises(*args, **kwargs):
        raise ValueError("not finished")

    out = grade(check, raises)
    assert out.points == 0.0 and out.flags == [Flag.ERROR], out.flags


def test_every_status_has_a_flag_of_the_vocabulary():
    names = {v for k, v in vars(Flag).items() if k.isupper()}
    assert set(STATUS_FLAG.values()) <= names and len(names) == len(set(names))
