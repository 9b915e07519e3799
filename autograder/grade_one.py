"""Grade one submission: submission folder and release notebook in, :class:`GradeRecord` out.

:func:`grade_submission` is a pure function of the submission folder and the release notebook.
Every student is graded on the same cases (each check's ``grading_calls()``: the visible cases,
then the hidden ones), so the same code gets the same grade; the judges' expected values are
memoised per process. It never raises. See ARCHITECTURE.md, Grading.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from autograder.checks import checks_for, reference_source
from autograder.checks.base import STATUS_FLAG, Call, CallResult, Flag, TestOutcome, case_results, partial_points
from autograder.extract import extract, reference_use
from autograder.instructor_cells import RUNNER, RUNNER_SOURCE, GradeCell, instructor_cells
from autograder.reference_scan import reference_copies
from autograder.sandbox import Limits, run_calls

__all__ = ["GradeTask", "GradeRecord", "grade_submission", "hash_files"]

# CallResult status -> outcome flag (autograder.checks.base.Flag, one vocabulary). Only time,
# memory and crashes zero a check; output beyond the cap is dropped, with a note (see _grade_check).
_LIMIT_FLAGS = {s: STATUS_FLAG[s] for s in ("timeout", "cpu", "memory", "crashed")}
_FLAG_ALIASES = STATUS_FLAG


@dataclass
class GradeTask:
    """One submission to grade (plain strings: picklable, JSON-able, cluster-ready).

    ``source_notebook``: the instructor's notebook, where the code of instructor-added test cells
    (hidden tests included) is read ("" or absent: the release's copy). ``partial_credit``: a
    failed check earns its share of cases passed (course option, README "Late work, partial credit,
    exports").
    """

    assignment: str
    student: str
    submission_dir: str
    notebook_name: str
    release_notebook: str
    source_notebook: str = ""
    partial_credit: bool = False


@dataclass
class GradeRecord:
    """The result of grading one submission.

    ``status`` is "graded" or "failed" (nothing could be graded; ``reason`` says why in one line).
    ``outcomes`` always holds one TestOutcome per test of the assignment.
    ``submission_files`` maps each submitted file (relative path) to its sha256, computed before
    grading and checked again after: grading never modifies a submission.
    ``fingerprint`` is :func:`autograder.journal.fingerprint` of the run that graded it ("" if unknown: never replayed).
    ``replayed`` is True when :func:`grade_all` took the record from its journal instead of
    grading (not stored).
    """

    assignment: str
    student: str
    status: str
    reason: str = ""
    outcomes: list[TestOutcome] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    submission_files: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    fingerprint: str = ""
    replayed: bool = field(default=False, compare=False)

    @property
    def score(self) -> float:
        return sum(o.points for o in self.outcomes)

    @property
    def max_score(self) -> float:
        return sum(o.points_possible for o in self.outcomes)

    def to_dict(self) -> dict:
        return {"assignment": self.assignment, "student": self.student, "status": self.status,
                "reason": self.reason, "outcomes": [o.to_dict() for o in self.outcomes],
                "flags": list(self.flags), "notes": list(self.notes),
                "submission_files": dict(self.submission_files), "seconds": float(self.seconds),
                "fingerprint": self.fingerprint}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, d: dict) -> "GradeRecord":
        return cls(assignment=d["assignment"], student=d["student"], status=d["status"],
                   reason=d.get("reason", ""),
                   outcomes=[TestOutcome.from_dict(o) for o in d.get("outcomes", [])],
                   flags=list(d.get("flags", [])), notes=list(d.get("notes", [])),
                   submission_files=dict(d.get("submission_files", {})),
                   seconds=float(d.get("seconds", 0.0)), fingerprint=str(d.get("fingerprint", "")))

    @classmethod
    def from_json(cls, s: str) -> "GradeRecord":
        return cls.from_dict(json.loads(s))


def _sha256(path: str | os.PathLike) -> str:
    """Hex sha256 of a file's bytes ("" if it cannot be read)."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return ""
    return h.hexdigest()


def hash_files(folder: str | os.PathLike) -> dict[str, str]:
    """sha256 of every regular file under ``folder`` (relative path -> hex digest)."""
    out = {}
    root = Path(folder)
    if not root.is_dir():
        return out
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            out[str(p.relative_to(root))] = _sha256(p)
    return out


def _one_line(text: str, n: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 3] + "..."


def _zero(check, message: str, flags: list[str] | None = None) -> TestOutcome:
    return TestOutcome(test_id=check.test_id, function=check.function, points=0.0,
                       points_possible=float(check.points), messages=[message], flags=list(flags or []))


def _zero_cell(cell: GradeCell, message: str, flags: list[str] | None = None) -> TestOutcome:
    return TestOutcome(test_id=cell.grade_id, function="", points=0.0, points_possible=float(cell.points),
                       messages=[message], flags=list(flags or []))


def _grade_check(check, task, ext, refused, limits, state: dict) -> TestOutcome:
    f = check.function
    if f in refused:
        return _zero(check, f"{f} was not graded: it uses the course's reference implementation "
                            f"({refused[f]}). Write it yourself.", [Flag.REFERENCE])
    if not ext.present.get(f):
        if f in ext.problems:
            return _zero(check, f"{f} could not be graded: {ext.problems[f]}.", [Flag.MISSING])
        return _zero(check, f"{f} was not found in your notebook (no `def {f}(` in a code cell).",
                     [Flag.MISSING])
    calls = check.grading_calls()
    if state.get("load_fate"):
        # the student's top-level code already died before any call (infinite loop, memory,
        # exit) while loading for an earlier test: it would die the same way again
        status, error = state["load_fate"]
        results = [CallResult(status=status, error=error) for _ in calls]
        info = {}
    else:
        overrides = {name: reference_source(task.assignment, name) for name in check.overrides}
        info = {}
        results = run_calls(ext.chunks, calls, limits, overrides, info=info)
        state.setdefault("load_errors", []).extend(info.get("load_errors", []))
        if not info.get("loaded") and results and results[0].status in ("timeout", "cpu", "memory", "output_limit"):
            state["load_fate"] = (results[0].status, results[0].error + " while running the notebook's top-level code")
            results = [CallResult(status=r.status, error=state["load_fate"][1], stdout=r.stdout) for r in results]
    if any(m.split(".")[0] == "coursekit" for m in info.get("modules", [])):
        return _zero(check, f"{f} was not graded: your code imported the course's reference "
                            "implementation (coursekit).", [Flag.REFERENCE])
    outcome = check.judge(calls, results)
    flags = list(dict.fromkeys(_FLAG_ALIASES.get(f, f) for f in outcome.flags))
    for r in results:
        flag = _LIMIT_FLAGS.get(r.status)
        if flag and flag not in flags:
            flags.append(flag)
    outcome.flags = flags
    died = any(r.status in _LIMIT_FLAGS for r in results)
    if not outcome.passed and not died:
        outcome.cases = case_results(check, calls, results)
        if task.partial_credit:
            outcome.points = partial_points(check.points, outcome.cases)
            if outcome.cases:
                k = sum(ok for _, ok in outcome.cases)
                outcome.messages.append(f"partial credit: {k} of {len(outcome.cases)} cases passed "
                                        f"({outcome.points:g}/{outcome.points_possible:g} points)")
    if outcome.points > 0 and died:
        # a check whose process died is never credited, whatever the judge made of partial output
        outcome.points = 0.0
    if any(r.output_truncated for r in results):
        cap = limits.output_bytes
        size = f"{cap // 1024} KiB" if cap % 1024 == 0 else f"{cap} bytes"
        outcome.messages.append(f"{f} printed more than {size}; the rest was dropped (output never costs points)")
    return outcome


def _manual(cell: GradeCell) -> TestOutcome:
    return TestOutcome(test_id=cell.grade_id, function="", points=0.0, points_possible=cell.points,
                       messages=["needs manual grading (scored by the instructor in formgrader)"], manual=True)


def _grade_cell(cell: GradeCell, ext, limits, state: dict) -> TestOutcome:
    """An instructor-added test cell, run in the sandbox after the notebook's code: full points when
    it raises nothing (see :mod:`autograder.instructor_cells`)."""
    if cell.manual:
        return _manual(cell)
    zero = lambda msg, flags: TestOutcome(test_id=cell.grade_id, function="", points=0.0,  # noqa: E731
                                          points_possible=cell.points, messages=[msg], flags=flags)
    if state.get("load_fate"):
        status, error = state["load_fate"]
        return zero(f"{cell.grade_id} failed: {error}", [_FLAG_ALIASES.get(status, status)])
    info: dict = {}
    call = Call(RUNNER, (cell.code,), case=cell.grade_id, harness=RUNNER)
    (res,) = run_calls(ext.chunks, [call], limits, {RUNNER: RUNNER_SOURCE}, info=info)
    if any(m.split(".")[0] == "coursekit" for m in info.get("modules", [])):
        return zero(f"{cell.grade_id} was not graded: your code imported the course's reference "
                    "implementation (coursekit).", [Flag.REFERENCE])
    if res.status == "ok":
        return TestOutcome(test_id=cell.grade_id, function="", points=cell.points, points_possible=cell.points,
                           messages=[f"{cell.grade_id} passed"])
    flag = _FLAG_ALIASES.get(res.status, res.status)
    return zero(f"{cell.grade_id} failed: {res.error or res.status}", [flag])


def grade_submission(task: GradeTask, limits: Limits | None = None) -> GradeRecord:
    """Grade one submission; NEVER raises (an internal error gives a "failed" record)."""
    t0 = time.monotonic()
    limits = limits or Limits()
    try:
        checks = checks_for(task.assignment)
    except Exception as exc:
        return GradeRecord(task.assignment, task.student, "failed",
                           reason=_one_line(f"unknown assignment: {exc}"))
    before = {}
    cells: list[GradeCell] = []
    try:
        cells = instructor_cells(task.release_notebook, task.source_notebook, [c.test_id for c in checks])
        before = hash_files(task.submission_dir)
        ext = extract(task.submission_dir, task.notebook_name, task.release_notebook,
                      [c.function for c in checks])
        if not ext.ok:
            rec = GradeRecord(task.assignment, task.student, "failed", reason=_one_line(ext.reason),
                              outcomes=[_zero(c, f"Not graded: {_one_line(ext.reason)}") for c in checks]
                              + [_manual(g) if g.manual else _zero_cell(g, f"Not graded: {_one_line(ext.reason)}")
                                 for g in cells],
                              notes=list(ext.notes))
        else:
            refused = reference_use(ext.student_source, [c.function for c in checks],
                                    {c.function: tuple(c.overrides) for c in checks})
            outcomes = []
            state: dict = {}
            for c in checks:
                try:
                    outcomes.append(_grade_check(c, task, ext, refused, limits, state))
                except Exception as exc:  # a grader/sandbox fault: this test only
                    outcomes.append(_zero(c, f"{c.function} could not be graded (grader error: "
                                             f"{_one_line(exc, 120)}); the instructor was notified.",
                                          [Flag.GRADER_ERROR]))
            for g in cells:
                try:
                    outcomes.append(_grade_cell(g, ext, limits, state))
                except Exception as exc:  # a grader/sandbox fault: this cell only
                    outcomes.append(_zero_cell(g, f"{g.grade_id} could not be graded (grader error: "
                                                  f"{_one_line(exc, 120)}); the instructor was notified.",
                                               [Flag.GRADER_ERROR]))
            copies = reference_copies(ext.student_source, [c.function for c in checks],
                                      {c.function: tuple(c.overrides) for c in checks})
            copy_notes = []
            for o in outcomes:  # a copy of the library's kernel: graded as usual, flagged for a look
                if o.function in copies and o.function not in refused:
                    o.flags.append(Flag.REFERENCE_COPY)
                    copy_notes.append(f"{o.function} flagged for a look: {copies[o.function]} (graded as usual)")
            flags = sorted({fl for o in outcomes for fl in o.flags if fl != Flag.MISSING})
            rec = GradeRecord(task.assignment, task.student, "graded", outcomes=outcomes,
                              flags=flags, notes=list(ext.notes) + copy_notes)
            for err in dict.fromkeys(state.get("load_errors", [])):
                rec.notes.append(_one_line(f"the notebook's top-level code raised {err}"))
            if any(Flag.GRADER_ERROR in o.flags for o in outcomes):
                rec.notes.append("grader error on some tests (see messages)")
    except Exception as exc:
        rec = GradeRecord(task.assignment, task.student, "failed",
                          reason=_one_line(f"internal error: {type(exc).__name__}: {exc}"),
                          outcomes=[_zero(c, "Not graded: internal grader error.") for c in checks]
                          + [_manual(g) if g.manual else _zero_cell(g, "Not graded: internal grader error.")
                             for g in cells])
        rec.notes.append(_one_line(traceback.format_exc().splitlines()[-1]))
    try:
        after = hash_files(task.submission_dir)
    except Exception:
        after = before
    if after != before:
        rec.notes.append("the submission folder changed while it was graded")
        rec.flags.append(Flag.SUBMISSION_CHANGED)
    rec.submission_files = before
    rec.seconds = time.monotonic() - t0
    return rec
