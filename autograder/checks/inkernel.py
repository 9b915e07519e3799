"""Run a grading check inside the current Python process (the notebook's kernel).

Two uses:

- ``assert_passes(name, namespace, assignment=A, cases=...)`` — the autograded test cells.
  Their visible part runs ``cases="visible"`` (the self-check's cases, so ``nbgrader
  validate`` and JupyterLab's Validate button fail on a blank or buggy notebook), their
  hidden part ``cases="hidden"`` (other fixed cases, the same for every student), so stock
  ``nbgrader autograde`` grades with the same checks and the same cases as ``autograder
  grade`` (which judges ``check.grading_calls()``: visible + hidden). It raises
  ``AssertionError`` (carrying the student-facing messages) unless the function earns full
  marks, which nbgrader turns into 0 points for that cell.
- ``self_check(name, fn)`` — the visible self-check cell: prints, per case, the relative
  error of every output on the VISIBLE seed, and the messages; never raises.

Quiet checks: stock nbgrader scores a graded cell with ANY stderr output as 0
(``nbgrader.utils.determine_grade``), and a numpy ``RuntimeWarning`` goes to stderr. So while a
check runs, everything the student's function prints (``print``, ``sys.stderr``, output
written straight to file descriptors 1 and 2) and every warning it raises (numpy overflow in
``1/(1+np.exp(-z))`` at z = −800, ...) is captured instead of reaching the cell; the
self-check says how much was hidden. Only the check's own messages are printed. The student's
other cells are untouched.

Return values are converted with :func:`autograder.checks.base.to_plain`, exactly as
the sandbox does, so an object that lies in comparisons cannot pass here either. The
arguments are fresh copies for every call; the arguments as they were after the call
are compared with the originals to detect in-place modification.

Overrides (e.g. for ``mlp_loss_and_grads``): the trusted reference implementations of
``check.overrides`` are placed in the function's global namespace for the duration of
the check and the student's own versions restored afterwards.
"""

from __future__ import annotations

import contextlib
import traceback
import warnings

from coursekit.selfcheck.quiet import Hidden, quiet  # noqa: F401 (Hidden: part of this module's interface)

from autograder.checks import check_for, reference_source
from autograder.checks.base import HIDDEN_SEED, VISIBLE_SEED, CallResult, TestOutcome, dtype_report, to_plain

__all__ = ["assert_passes", "self_check", "run_check", "case_calls", "HIDDEN_SEED", "CASES"]

#: The values of ``cases``: the self-check's cases, the other fixed cases, or both (what
#: ``autograder grade`` judges).
CASES = ("visible", "hidden", "all")

_MISSING = object()


def case_calls(check, cases: str) -> list:
    """The calls of ``check`` for ``cases`` ("visible", "hidden" or "all", see :data:`CASES`)."""
    if cases == "visible":
        return list(check.calls(VISIBLE_SEED))
    if cases == "hidden":
        return list(check.calls(HIDDEN_SEED))
    if cases == "all":
        return list(check.grading_calls())
    raise ValueError(f"cases: expected one of {CASES}, got {cases!r}")


# ----------------------------------------------------------------------------- quiet calls
# (the capture itself is coursekit.selfcheck.quiet, shared with the student's self-checks)

@contextlib.contextmanager
def _trusted():
    """The grader's own arithmetic (building cases, judging) under numpy's default error state
    and with warnings dropped: whatever the student's notebook set (``np.seterr(all="raise")``,
    warnings as errors) changes nothing there, as in the sandbox's trusted process."""
    import numpy as np

    with np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# ----------------------------------------------------------------------------- running

def _resolve(function_name, namespace_or_fn):
    """(fn or None, globals dict to patch for overrides or None)."""
    if callable(namespace_or_fn) and not isinstance(namespace_or_fn, dict):
        fn = namespace_or_fn
        return fn, getattr(fn, "__globals__", None)
    ns = namespace_or_fn
    fn = ns.get(function_name) if hasattr(ns, "get") else None
    if fn is not None and not callable(fn):
        fn = None
    g = getattr(fn, "__globals__", None) if fn is not None else None
    return fn, (g if g is not None else ns)


def _error_line(exc: BaseException) -> str:
    tb = traceback.extract_tb(exc.__traceback__)
    where = ""
    for frame in reversed(tb):
        if "autograder" not in frame.filename:
            where = f" (line {frame.lineno})"
            break
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}{where}"


def _call_one(fn, call) -> CallResult:
    args = to_plain(call.args)  # fresh copies
    kwargs = to_plain(call.kwargs)
    if fn is None:
        return CallResult(status="missing", error=f"{call.function} is not defined")
    try:
        value = fn(*args, **kwargs)
    except Exception as exc:  # the student's exception, reported as a message
        return CallResult(status="error", error=_error_line(exc))
    try:
        plain = to_plain(value)
    except TypeError as exc:
        return CallResult(status="error", error=f"returned a value that cannot be graded: {exc}")
    try:
        args_after, kwargs_after = to_plain(args), to_plain(kwargs)
    except TypeError:
        args_after, kwargs_after = ("<replaced by an object that cannot be graded>",) * len(args), None
    return CallResult(status="ok", value=plain, args_after=args_after, kwargs_after=kwargs_after,
                      dtypes=dtype_report(value))


def run_check(function_name, namespace_or_fn, assignment="backprop", seed=None, cases=None, hidden=None):
    """Run the check of ``function_name`` in this process, quietly (see the module docstring).

    Parameters
    ----------
    function_name : str
    namespace_or_fn : dict or callable
        The notebook's namespace (``globals()``) or the function itself.
    assignment : str
    seed : int, optional
        Run ``check.calls(seed)`` (an explicit seed; not with ``cases``).
    cases : {"visible", "hidden", "all"}, optional
        Which fixed cases to run (default "all", as ``autograder grade`` does).
    hidden : Hidden, optional
        Receives what the student's code printed or warned while it ran.

    Returns
    -------
    (check, calls, results, outcome)
    """
    if seed is not None and cases is not None:
        raise ValueError(f"seed and cases: pass one of them, got seed={seed!r} and cases={cases!r}")
    check = check_for(assignment, function_name)
    with _trusted():
        calls = list(check.calls(seed)) if seed is not None else case_calls(check, cases or "all")
    fn, g = _resolve(function_name, namespace_or_fn)
    hidden = hidden if hidden is not None else Hidden()
    saved = {}
    try:
        if g is not None and check.overrides:
            for name in check.overrides:
                ref_ns: dict = {}
                exec(compile(reference_source(assignment, name), f"<reference {name}>", "exec"), ref_ns)
                saved[name] = g.get(name, _MISSING)
                g[name] = ref_ns[name]
        with quiet(hidden):
            results = [_call_one(fn, c) for c in calls]
    finally:
        for name, old in saved.items():
            if old is _MISSING:
                g.pop(name, None)
            else:
                g[name] = old
    with _trusted():
        outcome = check.judge(calls, results)
    return check, calls, results, outcome


def assert_passes(function_name, namespace_or_fn, assignment="backprop", seed=None, cases=None) -> TestOutcome:
    """Grade ``function_name`` in-kernel; raise ``AssertionError`` unless full marks.

    Parameters
    ----------
    function_name : str
        The graded function, e.g. ``"linear_backward"``.
    namespace_or_fn : dict or callable
        The notebook's namespace (``globals()``) or the function itself.
    assignment : str
    seed : int, optional
        An explicit seed instead of ``cases``.
    cases : {"visible", "hidden", "all"}, optional
        "visible": the self-check's cases (a test cell's visible part); "hidden": the other
        fixed cases (its hidden part); "all" (default): both, as ``autograder grade`` judges.

    Returns
    -------
    TestOutcome (when it passed). The messages are printed (to stdout) either way; nothing
    the student's function prints or warns reaches the cell.
    """
    __tracebackhide__ = True  # IPython shows the student the AssertionError, not this frame
    _, _, _, outcome = run_check(function_name, namespace_or_fn, assignment, seed=seed, cases=cases)
    print("\n".join(outcome.messages))
    if not outcome.passed:
        raise AssertionError(
            f"{outcome.test_id}: {outcome.points:g}/{outcome.points_possible:g} points\n" + "\n".join(outcome.messages)
        )
    return outcome


def self_check(function_name, fn, assignment="backprop", seed=VISIBLE_SEED) -> TestOutcome:
    """Visible self-check: print per-case relative errors and the grader's messages.

    Never raises for a wrong answer (it is for the student to read). Runs the visible cases
    (the same as the visible part of the test cell); the hidden part of the test cell runs
    other fixed cases, the same for every student.
    """
    hidden = Hidden()
    check, calls, results, outcome = run_check(function_name, fn, assignment, seed=seed, hidden=hidden)
    errors = getattr(check, "errors", None)
    if errors is not None:
        print(f"Self-check of {function_name} (max relative error per output; gradients pass at ≤ 1e-6, losses at ≤ 1e-8):")
        with _trusted():  # the grader's arithmetic on a broken answer may warn
            rows = [(call.case, errors(call, res)) for call, res in zip(calls, results)]
        for case, per in rows:
            cells = ", ".join(f"{k}: {v}" for k, v in per.items())
            print(f"  {case}: {cells}")
    print("\n".join(outcome.messages))
    said = hidden.summary()
    if said:
        print(f"(while it was checked, {function_name} {said}: not shown here and never graded; "
              f"call {function_name} yourself to see it)")
    print("PASSED" if outcome.passed else "NOT YET: see the messages above")
    return outcome
