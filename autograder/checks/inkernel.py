"""Run a grading check inside the current Python process (the notebook's kernel).

Two uses:

- ``assert_passes(name, namespace)`` — the hidden part of an nbgrader autograded test
  cell, so stock ``nbgrader autograde`` grades with the same checks as
  ``autograder grade``: it raises ``AssertionError`` (carrying the student-facing
  messages) unless the function earns full marks, which nbgrader turns into 0 points
  for that cell.
- ``self_check(name, fn)`` — the visible self-check cell: prints, per case, the
  relative error of every output on the VISIBLE seed, and the messages; never raises.

Return values are converted with :func:`autograder.checks.base.to_plain`, exactly as
the sandbox does, so an object that lies in comparisons cannot pass here either. The
arguments are fresh copies for every call; the arguments as they were after the call
are compared with the originals to detect in-place modification.

Overrides (e.g. for ``mlp_loss_and_grads``): the trusted reference implementations of
``check.overrides`` are placed in the function's global namespace for the duration of
the check and the student's own versions restored afterwards.
"""

from __future__ import annotations

import traceback

from autograder.checks import check_for, reference_source
from autograder.checks.base import HIDDEN_SEED, VISIBLE_SEED, CallResult, TestOutcome, dtype_report, to_plain

__all__ = ["assert_passes", "self_check", "run_check", "HIDDEN_SEED"]

_MISSING = object()


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


def run_check(function_name, namespace_or_fn, assignment="backprop", seed=HIDDEN_SEED):
    """Run the check of ``function_name`` in this process.

    Returns
    -------
    (check, calls, results, outcome)
    """
    check = check_for(assignment, function_name)
    fn, g = _resolve(function_name, namespace_or_fn)
    calls = check.calls(seed)
    saved = {}
    try:
        if g is not None and check.overrides:
            for name in check.overrides:
                ref_ns: dict = {}
                exec(compile(reference_source(assignment, name), f"<reference {name}>", "exec"), ref_ns)
                saved[name] = g.get(name, _MISSING)
                g[name] = ref_ns[name]
        results = [_call_one(fn, c) for c in calls]
    finally:
        for name, old in saved.items():
            if old is _MISSING:
                g.pop(name, None)
            else:
                g[name] = old
    outcome = check.judge(calls, results)
    return check, calls, results, outcome


def assert_passes(function_name, namespace_or_fn, assignment="backprop", seed=HIDDEN_SEED) -> TestOutcome:
    """Grade ``function_name`` in-kernel; raise ``AssertionError`` unless full marks.

    Parameters
    ----------
    function_name : str
        The graded function, e.g. ``"linear_backward"``.
    namespace_or_fn : dict or callable
        The notebook's namespace (``globals()``) or the function itself.
    assignment : str
    seed : int
        Hidden seed (default :data:`HIDDEN_SEED`).

    Returns
    -------
    TestOutcome (when it passed). The messages are printed either way.
    """
    _, _, _, outcome = run_check(function_name, namespace_or_fn, assignment, seed)
    print("\n".join(outcome.messages))
    if not outcome.passed:
        raise AssertionError(
            f"{outcome.test_id}: {outcome.points:g}/{outcome.points_possible:g} points\n" + "\n".join(outcome.messages)
        )
    return outcome


def self_check(function_name, fn, assignment="backprop", seed=VISIBLE_SEED) -> TestOutcome:
    """Visible self-check: print per-case relative errors and the grader's messages.

    Never raises for a wrong answer (it is for the student to read). Uses the visible
    seed; the hidden tests use different inputs.
    """
    check, calls, results, outcome = run_check(function_name, fn, assignment, seed)
    errors = getattr(check, "errors", None)
    if errors is not None:
        print(f"Self-check of {function_name} (max relative error per output; gradients pass at ≤ 1e-6, losses at ≤ 1e-8):")
        for call, res in zip(calls, results):
            per = errors(call, res)
            cells = ", ".join(f"{k}: {v}" for k, v in per.items())
            print(f"  {call.case}: {cells}")
    print("\n".join(outcome.messages))
    print("PASSED" if outcome.passed else "NOT YET: see the messages above")
    return outcome
