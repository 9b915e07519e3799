"""The data types shared by the trusted grader, the sandbox and the checks.

A graded function is checked in three steps (see ARCHITECTURE.md, Grading, and the README's
instructor guide):

1. ``calls = check.calls(seed)`` — the trusted process builds the inputs (plain data).
2. The sandbox runs the student's code on each :class:`Call` and sends back one
   :class:`CallResult` per call, as plain data (:func:`to_plain`).
3. ``outcome = check.judge(calls, results)`` — the trusted process compares the
   results with finite differences of the *trusted* forward pass and writes a
   :class:`TestOutcome` with points and messages a student can act on.

Plain data
----------
Everything that crosses the sandbox boundary is *plain data*: ``None``, ``bool``,
``int``, ``float``, ``str``, plain ``numpy.ndarray`` of dtype float64, int64 or bool,
and lists/tuples/dicts of these. :func:`to_plain` converts a student's return value
into plain data and refuses anything else, so an object that lies in comparisons
(``__eq__`` always True, an ndarray subclass overriding ``__sub__`` or ``__abs__``,
a float subclass with a fake ``__float__``) can never answer a comparison made by
the grader: after conversion only numpy's own float64 arithmetic runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = [
    "Call",
    "CallResult",
    "TestOutcome",
    "FunctionCheck",
    "to_plain",
    "STATUSES",
    "Flag",
    "STATUS_FLAG",
    "VISIBLE_SEED",
    "HIDDEN_SEED",
    "dtype_report",
    "memoized",
    "call_digest",
    "dtype_problem",
    "case_results",
    "partial_points",
]

#: Seed of the visible cases: the student's self-check cell shows exactly these.
#: :meth:`FunctionCheck.calls` mixes the seed with the function name so two functions
#: never share inputs.
VISIBLE_SEED = 12345
#: Seed of the hidden cases. A graded test is the visible cases followed by the hidden
#: ones (:meth:`FunctionCheck.grading_calls`), the SAME for every student: a verdict
#: depends on the submitted code only, never on who submitted it.
HIDDEN_SEED = 271828

#: Every status a :class:`CallResult` may carry.
STATUSES = ("ok", "error", "timeout", "cpu", "memory", "crashed", "output_limit", "missing", "refused")


class Flag:
    """The flags a :class:`TestOutcome` or a grade record may carry: one name per condition, for
    every assignment (``autograder report`` lists them; see ARCHITECTURE.md, Grading)."""

    ERROR = "error"                         #: the function raised
    TIMEOUT = "timeout"                     #: wall-clock or CPU limit hit
    MEMORY = "memory"                       #: memory limit hit
    CRASHED = "crashed"                     #: the sandboxed process died
    OUTPUT_LIMIT = "output-limit"           #: printed more than the output cap
    MISSING = "missing"                     #: the function is not defined
    REFERENCE = "reference-implementation"  #: used the course's reference instead of own code
    REFERENCE_COPY = "reference-copy"       #: code is a copy of a coursekit.functional kernel: graded, for a look
    MUTATES_INPUT = "mutates-input"         #: modified an input array in place
    DTYPE = "dtype"                         #: returned a dtype other than float64
    NONFINITE = "nonfinite"                 #: returned NaN or inf
    GRADER_ERROR = "grader-error"           #: the grader itself failed on this case
    GRADER_SANITY = "grader-sanity"         #: the reference disagreed with finite differences
    SUBMISSION_CHANGED = "submission-changed"  #: the submission folder changed while graded


#: The flag of each :data:`STATUSES` value other than "ok".
STATUS_FLAG = {
    "error": Flag.ERROR,
    "timeout": Flag.TIMEOUT,
    "cpu": Flag.TIMEOUT,
    "memory": Flag.MEMORY,
    "crashed": Flag.CRASHED,
    "output_limit": Flag.OUTPUT_LIMIT,
    "missing": Flag.MISSING,
    "refused": Flag.REFERENCE,
}

_MAX_DEPTH = 32


@dataclass
class Call:
    """One call of a student function, described with plain data only.

    Attributes
    ----------
    function : str
        Name of the student function, e.g. ``"linear_backward"``.
    args, kwargs
        Plain data (float64/int64 ndarrays, python scalars/str/None and containers).
    case : str
        Human-readable description used in messages, e.g. ``"N=1, D=3, M=2 (single example)"``.
    harness : str or None
        Optional name of a function defined by the check's ``overrides``, called as
        ``harness(fn, *args, **kwargs)`` instead of ``fn(*args, **kwargs)``.
    """

    function: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    case: str = ""
    harness: str | None = None


@dataclass
class CallResult:
    """What came back from one :class:`Call` (plain data, see :func:`to_plain`).

    ``status`` is one of :data:`STATUSES`; ``value`` the converted return value;
    ``args_after``/``kwargs_after`` the arguments as they were after the call (to
    detect in-place mutation); ``error`` a one-line description; ``stdout`` the
    captured (capped) output; ``output_truncated`` whether output beyond the cap was
    dropped (never a reason to fail the call).
    """

    status: str
    value: object = None
    args_after: tuple | None = None
    kwargs_after: dict | None = None
    error: str = ""
    stdout: str = ""
    #: position path -> dtype name of every ndarray / numpy scalar in the RAW return
    #: value whose dtype is not float64 (see :func:`dtype_report`); to_plain converts
    #: float32 to float64, so this is how a judge still sees the student's dtype.
    dtypes: dict = field(default_factory=dict)
    output_truncated: bool = False


@dataclass
class TestOutcome:
    """The graded result of one autograded test cell (``test_<function>``)."""

    __test__ = False  # not a pytest test class

    test_id: str
    function: str
    points: float
    points_possible: float
    messages: list[str]
    flags: list[str] = field(default_factory=list)
    #: keys of the catalogued mistakes the answers match (see :mod:`autograder.checks.mistakes`)
    diagnoses: list[str] = field(default_factory=list)
    #: a manually graded cell (written answer, task): no automatic score; the gradebook's manual
    #: score (formgrader) decides
    manual: bool = False
    #: ``[[case, passed], ...]`` of a failed check, each case judged on its own (the basis of
    #: partial credit, :func:`case_results`); empty when the check passed or was not run
    cases: list = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.points >= self.points_possible

    def to_dict(self) -> dict:
        return {
            "test_id": self.test_id,
            "function": self.function,
            "points": float(self.points),
            "points_possible": float(self.points_possible),
            "messages": list(self.messages),
            "flags": list(self.flags),
            "diagnoses": list(self.diagnoses),
            "manual": bool(self.manual),
            "cases": [[str(c), bool(p)] for c, p in self.cases],
        }

    @classmethod
    def from_dict(cls, d: dict) -> "TestOutcome":
        return cls(
            test_id=d["test_id"],
            function=d["function"],
            points=float(d["points"]),
            points_possible=float(d["points_possible"]),
            messages=list(d.get("messages", [])),
            flags=list(d.get("flags", [])),
            diagnoses=list(d.get("diagnoses", [])),
            manual=bool(d.get("manual", False)),
            cases=[[str(c), bool(p)] for c, p in d.get("cases", [])],
        )

    def __str__(self) -> str:
        head = f"{self.test_id}: {self.points:g}/{self.points_possible:g}"
        return "\n".join([head] + ["  " + m for m in self.messages])


class FunctionCheck:
    """Base class: the check of one graded function (one autograded test cell).

    Subclasses set the class attributes and implement :meth:`calls` and :meth:`judge`.

    Attributes
    ----------
    function : str
        The graded function; also the ``grade_id`` of its solution cell.
    test_id : str
        ``"test_" + function``; the ``grade_id`` of the autograded test cell.
    points : float
        Points of the test cell.
    overrides : tuple of str
        Names of OTHER graded functions replaced by the trusted reference while this
        check runs (``autograder.checks.reference_source`` gives their source), so a
        bug in a helper is not charged twice.
    """

    function: str = ""
    points: float = 0.0
    overrides: tuple[str, ...] = ()

    @property
    def test_id(self) -> str:
        return "test_" + self.function

    def calls(self, seed: int) -> list[Call]:  # pragma: no cover - abstract
        raise NotImplementedError

    def grading_calls(self) -> list[Call]:
        """The cases of a graded test: the visible ones, then the hidden ones.

        The same for every student (no per-student seed): the visible cases are those the
        notebook's self-check shows, the hidden ones (:data:`HIDDEN_SEED`) are different
        inputs of the same kinds, so hard-coding the visible answers does not help.
        """
        key = (type(self).__module__, type(self).__qualname__, self.function, VISIBLE_SEED, HIDDEN_SEED)
        calls = _GRADING_CALLS.get(key)
        if calls is None:  # built once per process: every student gets these very cases
            calls = _GRADING_CALLS[key] = tuple(self.calls(VISIBLE_SEED)) + tuple(self.calls(HIDDEN_SEED))
        return list(calls)

    def judge(self, calls: list[Call], results: list[CallResult]) -> TestOutcome:  # pragma: no cover
        raise NotImplementedError

    def margin(self, call: Call, result: CallResult) -> float:  # pragma: no cover - optional
        """Worst error of one result as a fraction of the tolerance that passes it (≤ 1
        passes, ``inf`` for a result that fails otherwise). Used to audit that honest
        implementations pass with a large margin; checks that compare exactly may omit it."""
        raise NotImplementedError

    # ------------------------------------------------------------------ helpers
    def rng(self, seed: int) -> np.random.Generator:
        """A generator that depends on both ``seed`` and the function name."""
        name_key = [ord(c) for c in self.function]
        return np.random.default_rng([int(seed) & 0xFFFFFFFF, *name_key])

    def outcome(self, points: float, messages: list[str], flags: list[str] | None = None,
                diagnoses: list[str] | None = None) -> TestOutcome:
        """The outcome of this check; ``flags`` (names of :class:`Flag`) are kept once each."""
        return TestOutcome(
            test_id=self.test_id,
            function=self.function,
            points=float(points),
            points_possible=float(self.points),
            messages=list(messages),
            flags=list(dict.fromkeys(flags or [])),
            diagnoses=list(diagnoses or []),
        )

    #: the catalogue of mistakes of this function (:class:`autograder.checks.mistakes.Mistake`)
    mistakes: tuple = ()

    def diagnosed(self, outcome: TestOutcome, calls, answers, reference) -> TestOutcome:
        """``outcome`` with the catalogue's diagnosis added when it fails and exactly one mistake
        (family) of :attr:`mistakes` explains every answer (:func:`autograder.checks.mistakes.diagnose`)."""
        from autograder.checks.mistakes import diagnose, hint_message

        if outcome.passed or not self.mistakes:
            return outcome
        m = diagnose(self.mistakes, calls, answers, reference)
        if m is not None:
            outcome.messages.append(hint_message(m, len(calls)))
            outcome.diagnoses.append(m.key)
        return outcome

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.test_id} ({self.points:g} pts)>"


def case_results(check: "FunctionCheck", calls: list, results: list) -> list:
    """``[[case, passed], ...]``: each call judged on its own by ``check.judge([call], [result])``.

    The basis of partial credit (a failed check earns ``points × passed / cases`` when the course
    turns it on) and of the feedback's "cases passed" list. Returns ``[]`` when the judge cannot
    judge a single case on its own (it raised): then the check stays all-or-nothing.
    """
    out = []
    try:
        for i, (call, res) in enumerate(zip(calls, results)):
            one = check.judge([call], [res])
            out.append([call.case or f"case {i + 1}", bool(one.passed)])
    except Exception:
        return []
    if len(out) != len(calls):
        return []
    return out


def partial_points(points: float, cases: list) -> float:
    """Partial credit of a FAILED check: ``points × k / n`` rounded down to 0.01, with ``k`` the cases
    passed on their own out of ``n``, at most ``n − 1`` (a check that fails as a whole, e.g. on a
    condition across cases, never earns full marks this way); 0 without case results."""
    import math

    n = len(cases)
    if n == 0:
        return 0.0
    k = min(sum(1 for _, ok in cases if ok), n - 1)
    return math.floor(100 * float(points) * k / n + 1e-9) / 100


# ------------------------------------------------------------------ memoisation
#: Per-process cache of :meth:`FunctionCheck.grading_calls` (the calls are plain data, read only).
_GRADING_CALLS: dict = {}

#: Per-process memo of the judges' expected values (finite differences, reference
#: trajectories, optima). Keys: (kind, check class, digest of the call's plain data).
_MEMO: dict = {}
_MEMO_MAX = 20_000


def _digest_into(h, x, depth=0) -> None:
    if depth > _MAX_DEPTH:
        raise TypeError("call data nested too deeply to digest")
    if x is None or isinstance(x, (bool, int, float, str, np.generic)):
        h.update(f"{type(x).__name__}:{x!r};".encode())
    elif isinstance(x, np.ndarray):
        a = np.ascontiguousarray(x)
        h.update(f"nd:{a.dtype.str}:{a.shape};".encode())
        h.update(a.tobytes())
    elif isinstance(x, (list, tuple)):
        h.update(f"{type(x).__name__}:{len(x)}[".encode())
        for v in x:
            _digest_into(h, v, depth + 1)
        h.update(b"]")
    elif isinstance(x, dict):
        h.update(f"dict:{len(x)}{{".encode())
        for k in sorted(x, key=repr):
            h.update(f"{k!r}=".encode())
            _digest_into(h, x[k], depth + 1)
        h.update(b"}")
    else:
        raise TypeError(f"cannot digest {type(x).__name__}: calls hold plain data only")


def call_digest(call: "Call") -> str:
    """A digest of the plain data of ``call`` (function, args, kwargs, harness).

    Two calls with equal digests get equal expected values: a judge's expectations
    depend only on the call (the case text is a label and is left out).
    """
    import hashlib

    h = hashlib.sha256()
    _digest_into(h, (call.function, call.harness, tuple(call.args), dict(call.kwargs)))
    return h.hexdigest()


def memoized(kind: str, call: "Call", compute):
    """``compute()``, memoised per process under (kind, digest of ``call``).

    Expected values of a judge depend only on the call, and every student gets the same
    calls, so a class is judged at the cost of one student plus cheap comparisons. The
    memoised value is shared: callers must not modify it.
    """
    key = (kind, call_digest(call))
    try:
        return _MEMO[key]
    except KeyError:
        pass
    value = compute()
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[key] = value
    return value


# --------------------------------------------------------------------- dtypes
def dtype_report(value, _path: str = "", _depth: int = 0, _out: dict | None = None) -> dict:
    """Where the RAW return value holds numpy data that is not float64.

    Returns ``{path: dtype name}`` for every ``numpy.ndarray`` (any subclass) and numpy
    scalar inside ``value`` whose dtype is not float64; ``path`` is the position, e.g.
    ``""`` (the value itself), ``"[1]"``, ``"[1]['W1']"``. Python ``int``/``float`` are
    not numpy data and are not reported. Containers are walked with the base-class
    iterators and dtypes read through ``np.ndarray.view``, so no method of a student's
    class runs. Never raises: anything odd is left out (:func:`to_plain` refuses it).
    """
    out = {} if _out is None else _out
    if _depth > _MAX_DEPTH:
        return out
    try:
        if isinstance(value, np.ndarray):
            dt = np.ndarray.view(value, np.ndarray).dtype
        elif isinstance(value, np.generic):
            dt = np.ndarray.view(np.asarray(value), np.ndarray).dtype
        elif isinstance(value, (tuple, list)):
            it = tuple.__iter__(value) if isinstance(value, tuple) else list.__iter__(value)
            for i, v in enumerate(it):
                dtype_report(v, f"{_path}[{i}]", _depth + 1, out)
            return out
        elif isinstance(value, dict):
            for k, v in dict.items(value):
                if isinstance(k, str):
                    key = repr(str.__str__(k))
                elif isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)):
                    key = str(int(np.asarray(k).item()) if isinstance(k, np.integer) else int.__int__(k))
                else:
                    continue
                dtype_report(v, f"{_path}[{key}]", _depth + 1, out)
            return out
        else:
            return out
        if dt != np.float64:
            out[_path] = str(dt)
    except Exception:  # pragma: no cover - a report, never a failure
        pass
    return out


def dtype_problem(dtypes: dict, path: str, name: str) -> str | None:
    """The student-facing message when output ``name`` (at ``path``) is not float64."""
    dt = (dtypes or {}).get(path)
    if not dt:
        return None
    return (f"{name} is {dt}: compute in float64 (keep the dtype of the float64 inputs; no "
            f".astype({dt}) or {dt} arrays) — results are checked in float64, whatever their values")


# ---------------------------------------------------------------------- plain data
def to_plain(value, name: str = "the return value", _depth: int = 0):
    """Convert ``value`` recursively into plain data, refusing anything else.

    Rules (the sandbox harness and :mod:`autograder.checks.inkernel` both use this):

    - ``None``, ``bool``, ``str`` stay; ``numpy.bool_`` becomes ``bool``.
    - ``int`` (and subclasses) becomes an exact ``int`` via ``int.__int__`` — a
      subclass's own ``__int__``/``__eq__`` is never called; numpy integers become ``int``.
    - ``float`` (and subclasses, including ``numpy.float64``) becomes an exact
      ``float`` via ``float.__float__``; other numpy floating scalars become ``float``.
    - ``numpy.ndarray`` and ANY subclass (masked arrays, matrices, user subclasses)
      is read through ``np.ndarray.view(x, np.ndarray)`` — the base-class method,
      so no subclass method runs — and copied to a fresh plain array: float dtypes
      → float64, signed/unsigned integer dtypes → int64, bool stays bool. Object,
      complex, string and structured dtypes are refused.
    - ``list``/``tuple`` (and subclasses such as namedtuples) become ``list``/``tuple``
      of converted items, iterated through the base-class iterator; ``dict`` keys
      must be ``str``/``int``, values are converted.
    - Anything else (scipy sparse matrices, torch tensors, custom objects) raises
      ``TypeError`` naming where it was found; nesting deeper than 32 levels too.

    Returns
    -------
    The converted value. Never returns an object of a user-defined class.
    """
    if _depth > _MAX_DEPTH:
        raise TypeError(f"{name}: nested more than {_MAX_DEPTH} levels deep")
    if value is None:
        return None
    if type(value) is bool:
        return value
    if isinstance(value, np.bool_):
        return bool(np.ndarray.view(np.asarray(value), np.ndarray).item())
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int.__int__(value)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, np.generic):
        arr = np.ndarray.view(np.asarray(value), np.ndarray)
        if arr.dtype.kind in "iu":
            return int(arr.astype(np.int64).item())
        if arr.dtype.kind == "f":
            return float(arr.astype(np.float64).item())
        raise TypeError(f"{name}: expected a real number, got numpy scalar of dtype {arr.dtype}")
    if isinstance(value, np.ndarray):
        base = np.ndarray.view(value, np.ndarray)
        kind = base.dtype.kind
        if kind == "f":
            return np.array(base, dtype=np.float64, copy=True)
        if kind in "iu":
            return np.array(base, dtype=np.int64, copy=True)
        if kind == "b":
            return np.array(base, dtype=np.bool_, copy=True)
        raise TypeError(f"{name}: expected an array of real numbers, got an array of dtype {base.dtype}")
    if isinstance(value, tuple):
        return tuple(
            to_plain(v, f"{name}[{i}]", _depth + 1) for i, v in enumerate(tuple.__iter__(value))
        )
    if isinstance(value, list):
        return [to_plain(v, f"{name}[{i}]", _depth + 1) for i, v in enumerate(list.__iter__(value))]
    if isinstance(value, dict):
        out = {}
        for k, v in dict.items(value):
            if isinstance(k, str):
                key = str.__str__(k)
            elif isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)):
                key = to_plain(k, name, _depth + 1)
            else:
                raise TypeError(f"{name}: dict keys must be strings or integers, got {type(k).__name__}")
            out[key] = to_plain(v, f"{name}[{key!r}]", _depth + 1)
        return out
    raise TypeError(
        f"{name}: expected numbers, numpy arrays, or lists/tuples/dicts of them, "
        f"got {type(value).__module__}.{type(value).__qualname__}"
    )
