"""What every assignment's self-check shares: cases, quiet calls, the common judging, the verdict.

A self-check of function ``f`` is a :class:`Spec`: its cases (built from the notebook's namespace,
e.g. the given forward functions) and a ``judge(case, value)`` returning the problems and the
per-output errors of one answer. :func:`run` calls the student's function on fresh copies of
every case (quietly, see :mod:`coursekit.selfcheck.quiet`), notices an input modified in place,
and collects an :class:`Outcome` whose messages say which case, which output and how far.
"""

from __future__ import annotations

import contextlib
import copy
import traceback
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from coursekit.selfcheck.quiet import Hidden, quiet

__all__ = ["NotReady", "Case", "Spec", "Outcome", "run", "trusted", "fmt_err", "fmt_num", "fmt_shape", "need_array",
           "need_scalar", "dtype_problem", "rel_error_report"]

_MISSING = object()


class NotReady(Exception):
    """The notebook is not ready for this check (a given function has not been run yet)."""


@dataclass
class Case:
    """One call: a label for the messages, the arguments, and what the judge needs to know."""

    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    expect: Any = None


@dataclass
class Spec:
    """The self-check of one function.

    Attributes
    ----------
    function : str
    arg_names : tuple of str
        Names of the positional arguments (for "modified its input `x` in place").
    cases : callable(namespace) -> list[Case]
    judge : callable(case, value) -> (problems list[str], errors dict[str, str])
        ``errors`` is what the per-case line of the self-check prints (output -> error).
    overrides : dict name -> callable, optional
        Helpers put into the notebook's namespace while the function is checked (the library's
        ``coursekit.functional`` versions, so a bug in a helper is charged to the helper only).
    what : str
        The one line printed above the per-case errors.
    repeat_twins : bool
        Cases whose labels end in "run 1 of 2"/"run 2 of 2" must give identical answers.
    """

    function: str
    arg_names: tuple
    cases: Callable
    judge: Callable
    overrides: dict = field(default_factory=dict)
    what: str = ""
    repeat_twins: bool = False
    #: the student's function while :func:`run` checks it (for judges that call it again)
    student: Any = None


@dataclass
class Outcome:
    """The verdict of a self-check: ``passed`` and the messages for the student."""

    function: str
    passed: bool
    messages: list
    rows: list = field(default_factory=list)  # (case label, {output: error})


# ----------------------------------------------------------------------------- formatting
def fmt_err(e: float, below: float = 1e-7) -> str:
    """A relative error for printing; below ``below`` it is noise, shown as "< 1e-7"."""
    return f"< 1e{int(round(np.log10(below)))}" if e < below else f"{e:.1e}"


def fmt_num(v) -> str:
    return f"{float(v):.4g}"


def fmt_shape(shape) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def dtype_problem(value, name):
    """The message when numpy data in ``value`` (an output) is not float64, else None."""
    if isinstance(value, (np.ndarray, np.generic)):
        dt = np.asarray(value).dtype
        if dt != np.float64:
            return (f"{name} is {dt}: compute in float64 (keep the dtype of the float64 inputs; no "
                    f".astype({dt}) or {dt} arrays) — results are checked in float64, whatever their values")
    return None


def need_array(v, name, shape=None):
    """(float64 copy of ``v``, None) or (None, problem): a numpy array of numbers, of ``shape`` if given."""
    if not isinstance(v, np.ndarray) or v.dtype.kind not in "fiub":
        got = f"array of dtype {v.dtype}" if isinstance(v, np.ndarray) else type(v).__name__
        want = f" of shape {fmt_shape(shape)}" if shape is not None else ""
        return None, f"{name} must be a numpy array of floats{want}, got {got}"
    problem = dtype_problem(v, name)
    if problem:
        return None, problem
    arr = np.array(v, dtype=np.float64)
    if shape is not None and arr.shape != tuple(shape):
        return None, f"{name} has shape {fmt_shape(arr.shape)}, expected {fmt_shape(shape)}"
    if not np.all(np.isfinite(arr)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(arr))[0]) if arr.ndim else ()
        return None, f"{name} contains NaN/inf (first at index {bad})"
    return arr, None


def need_scalar(v, name):
    """(float, None) or (None, problem): a Python number or a numpy float64 scalar / 0-d array."""
    if isinstance(v, bool):
        return None, f"{name} must be a float, got bool"
    if isinstance(v, (np.ndarray, np.generic)):
        arr = np.asarray(v)
        if arr.ndim > 0 and arr.size != 1:
            return None, (f"{name} must be a float (a scalar), got an array of shape {fmt_shape(arr.shape)}: "
                          f"average it to one number")
        if arr.dtype.kind not in "fiu":
            return None, f"{name} must be a float, got an array of dtype {arr.dtype}"
        problem = dtype_problem(v, name)
        if problem:
            return None, problem
        v = float(arr.reshape(-1)[0])
    elif isinstance(v, (int, float)):
        v = float(v)
    else:
        return None, f"{name} must be a float, got {type(v).__name__}"
    if not np.isfinite(v):
        return None, f"{name} is {v} (not finite)"
    return v, None


def rel_error_report(name, yours, expected, err, shape_note=""):
    """"dW is wrong: max relative error 3.2e-01 at index (1, 0) (yours 0.5, expected 0.25)"."""
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), err.shape)) if err.ndim else ()
    return (f"{name} is wrong: max relative error {float(err.max()):.1e} at index {idx} "
            f"(yours {fmt_num(yours[idx])}, expected {fmt_num(expected[idx])}){shape_note}")


# ----------------------------------------------------------------------------- running
@contextlib.contextmanager
def trusted():
    """The check's own arithmetic under numpy's default error state, warnings dropped: whatever
    the notebook set (``np.seterr(all="raise")``, warnings as errors) changes nothing there."""
    with np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _error_line(exc: BaseException) -> str:
    where = ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if "coursekit" not in frame.filename:
            where = f" (line {frame.lineno})"
            break
    text = str(exc).splitlines()[0] if str(exc) else ""
    return f"{type(exc).__name__}: {text}{where}"


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype and np.array_equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return isinstance(b, type(a)) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _call(fn, case: Case):
    """(status, value or error text, names of modified inputs)."""
    args, kwargs = copy.deepcopy(case.args), copy.deepcopy(case.kwargs)
    try:
        value = fn(*args, **kwargs)
    except NotImplementedError:
        return "not implemented", "raises NotImplementedError: write it first (delete the raise line)", []
    except Exception as exc:  # the student's exception, reported as a message
        return "error", f"raised {_error_line(exc)}", []
    changed = [i for i, (a, b) in enumerate(zip(case.args, args)) if not _same(a, b)]
    return "ok", value, changed


@contextlib.contextmanager
def _overridden(ns, overrides: dict):
    saved = {}
    try:
        for name, fn in overrides.items():
            saved[name] = ns.get(name, _MISSING)
            ns[name] = fn
        yield
    finally:
        for name, old in saved.items():
            if old is _MISSING:
                ns.pop(name, None)
            else:
                ns[name] = old


def _resolve(function, namespace):
    """(the student's function or None, the namespace its helpers live in)."""
    if callable(namespace) and not isinstance(namespace, dict):
        return namespace, getattr(namespace, "__globals__", {})
    if not isinstance(namespace, dict):
        raise TypeError(f"namespace: expected globals() (a dict) or the function itself, got {type(namespace).__name__}")
    fn = namespace.get(function)
    if fn is not None and not callable(fn):
        fn = None
    g = getattr(fn, "__globals__", None) if fn is not None else None
    return fn, (g if g is not None else namespace)


def run(spec: Spec, namespace, hidden: Hidden | None = None) -> Outcome:
    """Run ``spec`` on the student's function found in ``namespace`` (``globals()`` or the function)."""
    fn, ns = _resolve(spec.function, namespace)
    if fn is None:
        return Outcome(spec.function, False, [f"{spec.function} is not defined: run its cell first "
                                              f"(and keep its name and signature)"])
    spec.student = fn
    try:
        with trusted():
            cases = spec.cases(ns)
    except NotReady as exc:
        return Outcome(spec.function, False, [f"{spec.function} cannot be checked yet: {exc}"])
    hidden = hidden if hidden is not None else Hidden()
    failures, rows, answers = [], [], []
    # judged inside quiet() too: a judge may call the student's function again (finite differences
    # of the student's own loss), and nothing it prints or warns may reach the cell
    with _overridden(ns, spec.overrides), quiet(hidden):
        for case in cases:
            status, value, changed = _call(fn, case)
            problems = []
            if status != "ok":
                rows.append((case.label, {"status": status}))
                answers.append(None)
                failures.append((case, [f"{spec.function} {value}"]))
                continue
            for i in changed:
                name = spec.arg_names[i] if i < len(spec.arg_names) else f"argument {i}"
                problems.append(f"modified its input `{name}` in place (e.g. `{name}[...] = ...` or "
                                f"`{name} -= ...`): work on a copy or build a new array")
            try:
                with trusted():
                    more, errors = spec.judge(case, value)
            except Exception as exc:  # an odd answer must never crash the check
                more, errors = [f"the answer could not be checked ({type(exc).__name__}: {exc}): "
                                f"check the types and shapes you return"], {"return value": "unreadable"}
            problems += more
            rows.append((case.label, errors))
            answers.append(value)
            if problems:
                failures.append((case, problems))
    if spec.repeat_twins:
        for i, case in enumerate(cases):
            if case.label.endswith("run 2 of 2") and answers[i] is not None and answers[i - 1] is not None:
                if not _same(_plain(answers[i - 1]), _plain(answers[i])):
                    failures.append((case, ["two runs with the same arguments (and seed) gave different "
                                            "results: draw all randomness from np.random.default_rng(seed)"]))
    if not failures:
        return Outcome(spec.function, True, [f"{spec.function}: all {len(cases)} self-check cases correct."], rows)
    return Outcome(spec.function, False, _failure_messages(spec.function, cases, failures), rows)


def _plain(v):
    if isinstance(v, (tuple, list)):
        return tuple(_plain(x) for x in v)
    if isinstance(v, (np.ndarray, np.generic)):
        return np.asarray(v)
    return v


def _failure_messages(function, cases, failures):
    first, problems = failures[0]
    if len(failures) == len(cases) and len(problems) == 1 and all(p == problems for _, p in failures):
        return [f"{problems[0]} (in all {len(cases)} cases)"]
    messages = [f"{function} failed for {first.label}:"] + ["  " + p for p in problems]
    others = [c.label for c, _ in failures[1:] if c is not first]
    if others:
        messages.append(f"It also failed {len(others)} of the other {len(cases) - 1} cases ("
                        + "; ".join(others[:3]) + ("; …" if len(others) > 3 else "") + ").")
    else:
        messages.append(f"The other {len(cases) - 1} cases passed.")
    return messages
