"""Grade submissions: one self-contained task per submission, in parallel, resumable.

``grade_all`` runs :func:`~autograder.grade_one.grade_submission` for every task, in worker
processes (each with its own sandbox zygote), hands every record to ``on_record`` in the main
process (the single writer of the gradebook), and appends it to the journal
(:mod:`autograder.journal`), so a run killed with SIGKILL and started again skips the finished
students. ``summary`` / ``format_summary`` count the results for the instructor. The names of
:mod:`autograder.grade_one` and :mod:`autograder.journal` are re-exported here. See
ARCHITECTURE.md, Grading.
"""
from __future__ import annotations

import os
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Callable, Iterable

from autograder import sandbox
from autograder.checks import checks_for
from autograder.journal import _append, _key, _repair_journal, fingerprint, forget, read_journal
from autograder.sandbox import Limits
from autograder.grade_one import GradeRecord, GradeTask, grade_submission, hash_files

__all__ = ["GradeTask", "GradeRecord", "grade_submission", "grade_all", "summary", "format_summary",
           "hash_files", "read_journal", "forget", "fingerprint"]


def _isolation() -> str:
    try:
        return sandbox.isolation_level()
    except sandbox.SandboxError:
        return "unavailable"  # every check of such a run is a grader error: never replay it later


# ----------------------------------------------------------------------------- fingerprints

def _fp_key(t: GradeTask) -> tuple:
    return (t.assignment, t.release_notebook, t.source_notebook, bool(t.partial_credit))


def _task_fingerprint(assignment, release_notebook, source_notebook, partial_credit, limits, isolation) -> str:
    """:func:`fingerprint`, plus what else decides a verdict: the source notebook (the code of the
    instructor's test cells, hidden tests included) and the partial-credit option."""
    fp = fingerprint(assignment, release_notebook, limits, isolation)
    if not source_notebook and not partial_credit:
        return fp
    import hashlib

    from autograder.grade_one import _sha256

    extra = f"{fp}|source:{_sha256(source_notebook) if source_notebook else ''}|partial:{int(bool(partial_credit))}"
    return hashlib.sha256(extra.encode()).hexdigest()


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
    fingerprints = {key: _task_fingerprint(*key, limits, isolation) for key in {_fp_key(t) for t in tasks}}
    records: list[GradeRecord | None] = [None] * len(tasks)
    todo = []
    for i, t in enumerate(tasks):
        rec = done.get(_key(t.assignment, t.student))
        if (rec is not None and rec.fingerprint == fingerprints[_fp_key(t)]
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
        rec.fingerprint = fingerprints[_fp_key(tasks[i])]
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
            if o.manual:  # no automatic verdict: formgrader's
                continue
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
