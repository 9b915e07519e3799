"""Grade submissions: one self-contained task per submission, in parallel, resumable.

``grade_submission(task)`` is a pure function of the submission folder and the release notebook:
submission in, :class:`GradeRecord` out. Every student is graded on the same cases (each check's
``grading_calls()``: the visible cases, then the hidden ones), so the same code gets the same
grade; the judges' expected values are memoised per process. It never raises. ``grade_all``
runs tasks in worker processes (each with its own sandbox zygote), hands every record to
``on_record`` in the main process (the single writer of the gradebook), and appends it to a
JSON-lines journal that is fsync'd, so a run killed with SIGKILL and started again skips the
finished students.

A journal record is replayed only while nothing that decided it has changed: the submitted
files (``GradeRecord.submission_files``) and everything else, summed up by :func:`fingerprint`
(the grader's code, the release notebook, the limits, the isolation level reached).
"""
from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.metadata
import json
import os
import platform
import sys
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from autograder.checks import checks_for, reference_source
from autograder.checks.base import STATUS_FLAG, CallResult, Flag, TestOutcome
from autograder.extract import extract, reference_use
from autograder import sandbox
from autograder.sandbox import Limits, run_calls

__all__ = ["GradeTask", "GradeRecord", "grade_submission", "grade_all", "summary", "format_summary",
           "hash_files", "read_journal", "forget", "fingerprint"]

# CallResult status -> outcome flag (autograder.checks.base.Flag, one vocabulary). Only time,
# memory and crashes zero a check; output beyond the cap is dropped, with a note (see _grade_check).
_LIMIT_FLAGS = {s: STATUS_FLAG[s] for s in ("timeout", "cpu", "memory", "crashed")}
_FLAG_ALIASES = STATUS_FLAG


@dataclass
class GradeTask:
    """One submission to grade (plain strings: picklable, JSON-able, cluster-ready)."""

    assignment: str
    student: str
    submission_dir: str
    notebook_name: str
    release_notebook: str


@dataclass
class GradeRecord:
    """The result of grading one submission.

    ``status`` is "graded" or "failed" (nothing could be graded; ``reason`` says why in one line).
    ``outcomes`` always holds one TestOutcome per test of the assignment.
    ``submission_files`` maps each submitted file (relative path) to its sha256, computed before
    grading and checked again after: grading never modifies a submission.
    ``fingerprint`` is :func:`fingerprint` of the run that graded it ("" if unknown: never replayed).
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


def _grade_check(check, task, ext, refused, limits, state: dict) -> TestOutcome:
    f = check.function
    if f in refused:
        return _zero(check, f"{f} was not graded: it uses the course's reference implementation "
                            f"({refused[f]}). Write it yourself.", [Flag.REFERENCE])
    if not ext.present.get(f):
        if f in ext.problems:
            return _zero(check, f"{f} could not be graded: {ext.problems[f]}.", ["missing"])
        return _zero(check, f"{f} was not found in your notebook (no `def {f}(` in a code cell).",
                     ["missing"])
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
    if outcome.points > 0 and any(r.status in _LIMIT_FLAGS for r in results):
        # a check whose process died is never credited, whatever the judge made of partial output
        outcome.points = 0.0
    if any(r.output_truncated for r in results):
        cap = limits.output_bytes
        size = f"{cap // 1024} KiB" if cap % 1024 == 0 else f"{cap} bytes"
        outcome.messages.append(f"{f} printed more than {size}; the rest was dropped (output never costs points)")
    return outcome


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
    try:
        before = hash_files(task.submission_dir)
        ext = extract(task.submission_dir, task.notebook_name, task.release_notebook,
                      [c.function for c in checks])
        if not ext.ok:
            rec = GradeRecord(task.assignment, task.student, "failed", reason=_one_line(ext.reason),
                              outcomes=[_zero(c, f"Not graded: {_one_line(ext.reason)}") for c in checks],
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
            flags = sorted({fl for o in outcomes for fl in o.flags if fl != "missing"})
            rec = GradeRecord(task.assignment, task.student, "graded", outcomes=outcomes,
                              flags=flags, notes=list(ext.notes))
            for err in dict.fromkeys(state.get("load_errors", [])):
                rec.notes.append(_one_line(f"the notebook's top-level code raised {err}"))
            if any(Flag.GRADER_ERROR in o.flags for o in outcomes):
                rec.notes.append("grader error on some tests (see messages)")
    except Exception as exc:
        rec = GradeRecord(task.assignment, task.student, "failed",
                          reason=_one_line(f"internal error: {type(exc).__name__}: {exc}"),
                          outcomes=[_zero(c, "Not graded: internal grader error.") for c in checks])
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


# ----------------------------------------------------------------------------- journal

#: The grading modules that shape every verdict; with the assignment's check module they are the
#: roots of :func:`verdict_modules`.
_GRADING_MODULES = ("autograder.checks", "autograder.checks.base", "autograder.extract", "autograder.harness",
                    "autograder.sandbox", "autograder.wire", "autograder.pipeline")
#: Libraries the judges compute expectations with (their versions are part of the fingerprint).
_LIBRARIES = ("numpy", "scipy", "scikit-learn")


def verdict_modules(assignment: str) -> dict[str, Path]:
    """The modules whose code can change a verdict of ``assignment`` (name -> file).

    Starts from ``autograder.checks.<assignment>`` and :data:`_GRADING_MODULES` and follows every
    ``import``/``from … import`` of an ``autograder`` or ``coursekit`` module found in their source
    (function-level imports included, read with :mod:`ast`), with the packages around them: so the
    ``coursekit`` modules a judge computes its expectations with (``functional``, ``gradcheck``,
    ``optim``, …) are in, and nothing else (not the widgets, not another assignment's checks).
    """
    todo = [f"autograder.checks.{assignment}", *_GRADING_MODULES]
    found: dict[str, Path] = {}
    while todo:
        name = todo.pop()
        if name in found:
            continue
        try:
            module = importlib.import_module(name)
        except (ImportError, ValueError):  # "from coursekit.functional import relu": a name, not a module
            continue
        found[name] = Path(module.__file__)
        if "." in name:
            todo.append(name.rpartition(".")[0])  # its package's __init__ runs first
        for node in ast.walk(ast.parse(found[name].read_bytes())):
            if isinstance(node, ast.Import):
                todo += [a.name for a in node.names if a.name.split(".")[0] in ("autograder", "coursekit")]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                    and node.module.split(".")[0] in ("autograder", "coursekit"):
                todo += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return found


def _isolation() -> str:
    try:
        return sandbox.isolation_level()
    except sandbox.SandboxError:
        return "unavailable"  # every check of such a run is a grader error: never replay it later


def fingerprint(assignment: str, release_notebook: str | os.PathLike, limits: Limits, isolation: str) -> str:
    """What a record of ``assignment`` was graded with, besides the submission: a sha256 digest of

    * the bytes of every module in :func:`verdict_modules` (by module name, not by path, so the
      install location does not matter; file contents, never modification times) and the
      versions of Python, numpy, scipy and scikit-learn;
    * the bytes of the release notebook (the given cells that run before the student's code);
    * the :class:`~autograder.sandbox.Limits` (e.g. ``autograder grade --timeout``);
    * ``isolation``, the level the sandbox actually reached (``sandbox.isolation_level()``):
      a ``COURSEKIT_SANDBOX=none`` run and a ``full`` one never share records.

    :func:`grade_all` replays a record only if its fingerprint and submitted files are unchanged.
    """
    code = {name: _sha256(path) for name, path in sorted(verdict_modules(assignment).items())}
    versions = {lib: importlib.metadata.version(lib) for lib in _LIBRARIES}
    versions["python"] = platform.python_version()
    state = {"code": code, "versions": versions, "release": _sha256(release_notebook),
             "limits": asdict(limits), "isolation": isolation}
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def _key(assignment: str, student: str) -> str:
    return f"{assignment}/{student}"


def read_journal(path: str | os.PathLike) -> dict[str, GradeRecord]:
    """Records in a journal (last one per student wins); a torn last line is ignored."""
    out: dict[str, GradeRecord] = {}
    p = Path(path)
    if not p.exists():
        return out
    for line in p.read_bytes().split(b"\n"):
        if not line.strip():
            continue
        try:
            rec = GradeRecord.from_json(line.decode("utf-8"))
        except Exception:
            continue
        out[_key(rec.assignment, rec.student)] = rec
    return out


def _repair_journal(path: Path):
    """Cut a torn last line (the run was killed mid-write) so appends start on a fresh line."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with open(path, "r+b") as f:
            f.truncate(cut)
            f.flush()
            os.fsync(f.fileno())


def _append(fh, rec: GradeRecord):
    fh.write((rec.to_json() + "\n").encode("utf-8"))
    fh.flush()
    os.fsync(fh.fileno())


def forget(path: str | os.PathLike, assignment: str, students: Iterable[str] | None = None) -> None:
    """Drop the journal records of ``students`` of ``assignment`` (``None``: the whole journal).

    Every other line is kept byte for byte; the journal is replaced atomically (a torn last
    line, left by a killed run, is dropped).
    """
    p = Path(path)
    if students is None:
        p.unlink(missing_ok=True)
        return
    if not p.exists():
        return
    drop = {_key(assignment, s) for s in students}
    keep = []
    for line in p.read_bytes().split(b"\n"):
        try:
            rec = json.loads(line)
            key = _key(rec["assignment"], rec["student"])
        except Exception:
            continue
        if key not in drop:
            keep.append(line + b"\n")
    tmp = p.with_name(p.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(b"".join(keep))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, p)


# ----------------------------------------------------------------------------- parallel runs

_WORKER_LIMITS: Limits | None = None


def _init_worker(limits):
    global _WORKER_LIMITS
    _WORKER_LIMITS = limits
    import signal
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:  # die with the grading process (e.g. SIGKILLed): no orphaned workers
        import ctypes
        ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:
            os._exit(1)
    except Exception:
        pass


def _work(item):
    i, task = item
    return i, grade_submission(task, _WORKER_LIMITS).to_json()


def grade_all(tasks: Iterable[GradeTask], workers: int = 1, journal: str | os.PathLike | None = None,
              on_record: Callable[[GradeRecord], None] | None = None, progress: bool = True,
              limits: Limits | None = None) -> list[GradeRecord]:
    """Grade every task; returns the records in task order.

    workers : number of grading processes (1 = in this process). Grades do not depend on it.
    journal : JSON-lines file; a record already in it whose submitted files and
        :func:`fingerprint` are unchanged is not graded again (it is "replayed": marked
        ``replayed`` and passed to ``on_record`` again, so ``on_record`` must be idempotent, an
        upsert: a run killed between the journal write and ``on_record`` loses nothing); any
        other submission is graded again.
    on_record : called in THIS process for every record, in completion order.
    progress : show a tqdm progress bar on stderr.

    Raises :class:`autograder.sandbox.SandboxError`, before grading anything, if the sandbox
    cannot work here (a path it cannot bind, a module its child cannot import).
    """
    tasks = list(tasks)
    limits = limits or Limits()
    done: dict[str, GradeRecord] = {}
    jpath = Path(journal) if journal else None
    if jpath is not None:
        jpath.parent.mkdir(parents=True, exist_ok=True)
        _repair_journal(jpath)
        done = read_journal(jpath)
    isolation = _isolation() if tasks else ""
    fingerprints = {key: fingerprint(*key, limits, isolation)
                    for key in {(t.assignment, t.release_notebook) for t in tasks}}
    records: list[GradeRecord | None] = [None] * len(tasks)
    todo = []
    for i, t in enumerate(tasks):
        rec = done.get(_key(t.assignment, t.student))
        if (rec is not None and rec.fingerprint == fingerprints[t.assignment, t.release_notebook]
                and rec.submission_files == hash_files(t.submission_dir)):
            rec.replayed = True
            records[i] = rec
        else:
            todo.append((i, t))
    if todo:  # a sandbox that cannot work (a path, an import) stops the run before any grade is recorded
        sandbox.verify(keep=workers <= 1 or len(todo) <= 1)  # forked workers start their own
    bar = None
    if progress:
        try:
            from tqdm import tqdm
            bar = tqdm(total=len(tasks), initial=len(tasks) - len(todo), unit="submission",
                       desc="grading", file=sys.stderr, dynamic_ncols=True)
        except Exception:  # pragma: no cover
            bar = None
    for rec in records:
        if rec is not None and on_record is not None:
            on_record(rec)
    fh = open(jpath, "ab") if jpath is not None else None

    def finish(i, rec):
        rec.fingerprint = fingerprints[tasks[i].assignment, tasks[i].release_notebook]
        records[i] = rec
        if fh is not None:
            _append(fh, rec)
        if on_record is not None:
            on_record(rec)
        if bar is not None:
            bar.update(1)
            bar.set_postfix_str(f"{rec.student}: {rec.score:g}/{rec.max_score:g}", refresh=False)

    try:
        if workers <= 1 or len(todo) <= 1:
            for i, t in todo:
                finish(i, grade_submission(t, limits))
        else:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor, as_completed
            from concurrent.futures.process import BrokenProcessPool
            ctx = mp.get_context("fork")
            for a in sorted({t.assignment for _, t in todo}):  # import once, before forking
                try:
                    checks_for(a)
                except Exception:
                    pass
            left = dict(todo)
            try:
                with ProcessPoolExecutor(min(workers, len(todo)), mp_context=ctx,
                                         initializer=_init_worker, initargs=(limits,)) as pool:
                    futures = [pool.submit(_work, item) for item in todo]
                    try:
                        for fut in as_completed(futures):
                            i, js = fut.result()
                            left.pop(i, None)
                            finish(i, GradeRecord.from_json(js))
                    except KeyboardInterrupt:  # stop now; the journal keeps what is done
                        procs = list((getattr(pool, "_processes", None) or {}).values())
                        pool.shutdown(wait=False, cancel_futures=True)
                        for proc in procs:
                            proc.kill()
                        raise
            except BrokenProcessPool:
                # a worker died (killed from outside): grade what is left here, one by one
                for i, t in sorted(left.items()):
                    finish(i, grade_submission(t, limits))
    finally:
        if fh is not None:
            fh.close()
        if bar is not None:
            bar.close()
    return [r for r in records if r is not None]


# ----------------------------------------------------------------------------- summary

def summary(records: list[GradeRecord]) -> dict:
    """Counts for the instructor: graded / failed with reasons / flagged / per-test pass rates."""
    graded = [r for r in records if r.status == "graded"]
    failed = [r for r in records if r.status != "graded"]
    flagged = {r.student: sorted(set(r.flags)) for r in records if r.flags}
    per_test = defaultdict(lambda: [0, 0])
    for r in graded:
        for o in r.outcomes:
            per_test[o.test_id][0] += int(o.passed)
            per_test[o.test_id][1] += 1
    flag_counts = Counter(f for r in records for f in set(r.flags))
    return {"total": len(records), "graded": len(graded), "failed": len(failed),
            "failures": {r.student: r.reason for r in failed}, "flagged": flagged,
            "flag_counts": dict(flag_counts),
            "pass_rates": {k: (v[0] / v[1] if v[1] else 0.0) for k, v in per_test.items()},
            "passed": {k: v[0] for k, v in per_test.items()},
            "mean_score": (sum(r.score for r in graded) / len(graded)) if graded else 0.0,
            "max_score": max((r.max_score for r in records), default=0.0)}


def format_summary(records: list[GradeRecord]) -> str:
    """The run summary as text (what ``autograder grade`` prints at the end)."""
    s = summary(records)
    lines = [f"graded {s['graded']} of {s['total']} submissions"
             + (f", mean {s['mean_score']:.2f}/{s['max_score']:g}" if s["graded"] else "")]
    if s["failures"]:
        lines.append(f"failed to grade ({s['failed']}):")
        lines += [f"  {st}: {why}" for st, why in sorted(s["failures"].items())]
    if s["flagged"]:
        lines.append(f"flagged ({len(s['flagged'])}):")
        lines += [f"  {st}: {', '.join(fl)}" for st, fl in sorted(s["flagged"].items())]
    if s["pass_rates"]:
        lines.append("per-test pass rates:")
        width = max(len(k) for k in s["pass_rates"])
        n = s["graded"]
        lines += [f"  {k:<{width}}  {s['passed'][k]:>3}/{n}  ({100 * v:5.1f}%)"
                  for k, v in s["pass_rates"].items()]
    return "\n".join(lines)
