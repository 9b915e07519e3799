"""Helpers of the check tests: run a student function on a check's cases as the graders do."""

from __future__ import annotations

import copy
import warnings

import numpy as np

from autograder.checks.base import CallResult, dtype_report, to_plain


def results_for(calls, fn):
    """One CallResult per call, built as the sandbox harness builds them: fresh copies of the
    arguments, the return value converted with ``to_plain`` and its dtypes reported from the
    RAW value (``dtype_report``), the arguments after the call for the mutation check."""
    results = []
    for call in calls:
        args, kwargs = copy.deepcopy(call.args), copy.deepcopy(call.kwargs)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                value = fn(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - a student's exception becomes a result
            results.append(CallResult("error", error=f"{type(exc).__name__}: {exc}"))
            continue
        results.append(CallResult("ok", to_plain(value), args_after=to_plain(tuple(args)),
                                  kwargs_after=to_plain(kwargs), dtypes=dtype_report(value)))
    return results


def grade(check, fn, calls=None):
    """The outcome of ``fn`` on ``calls`` (default: the graded cases, visible + hidden)."""
    calls = check.grading_calls() if calls is None else calls
    return check.judge(calls, results_for(calls, fn))


def worst_margin(check, fn, calls=None):
    """max over the graded cases of the error as a fraction of the tolerance (≤ 1 passes)."""
    calls = check.grading_calls() if calls is None else calls
    return max(check.margin(c, r) for c, r in zip(calls, results_for(calls, fn)))
