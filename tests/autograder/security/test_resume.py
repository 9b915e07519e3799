"""Kill-and-resume and workers=2 vs workers=1.

A grading run is started in a subprocess with a journal and an on_record that upserts into an
SQLite table (like the gradebook); it is SIGKILLed after a few records. Re-running finishes the
remaining students: exactly one record per student, the right grades, an intact database.
"""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from course_factory import FULL, make_course, reference_solutions, scores, tasks_for
from autograder.pipeline import GradeRecord, grade_all, read_journal

pytestmark = pytest.mark.timeout(600)

BUGS = {
    "relu_backward": "def relu_backward(dout, z):\n    return dout * (z >= 0)\n",
    "linear_backward": "def linear_backward(dout, x, W):\n    return dout @ W, x.T @ dout, dout.sum(axis=0, keepdims=True)\n",
    "softmax_cross_entropy": "import numpy as np\ndef softmax_cross_entropy(logits, y):\n    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)\n    n = len(y)\n    d = p.copy(); d[np.arange(n), y] -= 1\n    return float(-np.log(p[np.arange(n), y]).mean()), d\n",
}


# every submission sleeps 20 ms at top level (per check): the killed run cannot finish first
_SLOW_TANH = reference_solutions()["tanh_backward"] + "\n\nimport time\ntime.sleep(0.02)\n"


def _students(n):
    out = {}
    for i in range(n):
        bug = list(BUGS)[i % (len(BUGS) + 1)] if i % (len(BUGS) + 1) < len(BUGS) else None
        out[f"s{i:02d}"] = {bug: BUGS[bug]} if bug else {}
        out[f"s{i:02d}"]["tanh_backward"] = _SLOW_TANH
    return out


def _expected(spec):
    exp = dict(FULL)
    exp.update({f: 0.0 for f in spec if f in BUGS or spec[f] != _SLOW_TANH})
    return exp


RUNNER = textwrap.dedent("""
    import sqlite3, sys
    sys.path.insert(0, {tests!r})
    from course_factory import tasks_for
    from pathlib import Path
    from autograder.pipeline import grade_all
    from autograder.sandbox import Limits
    db = sqlite3.connect({db!r})
    db.execute("CREATE TABLE IF NOT EXISTS grades (student TEXT PRIMARY KEY, score REAL)")
    def on_record(r):
        db.execute("INSERT INTO grades VALUES (?, ?) ON CONFLICT(student) DO UPDATE SET score=excluded.score",
                   (r.student, r.score))
        db.commit()
    grade_all(tasks_for(Path({course!r})), workers=2, journal={journal!r}, on_record=on_record,
              progress=False, limits={limits!r})
""")


def _live_in_group(pgid):
    """Non-zombie processes of process group ``pgid`` (from /proc)."""
    live = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = open(f"/proc/{d}/stat").read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            live.append(int(d))
    return live


def test_kill_and_resume(tmp_path, limits):
    specs = _students(12)
    course = make_course(tmp_path, specs)
    journal = tmp_path / "journal.jsonl"
    db = tmp_path / "grades.db"
    script = RUNNER.format(tests=os.path.dirname(__file__), db=str(db), course=str(course), journal=str(journal),
                           limits=limits)  # the same limits as the resumed run: else all are regraded
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        n = len(journal.read_bytes().splitlines()) if journal.exists() else 0
        if n >= 3 or proc.poll() is not None:
            break
        time.sleep(0.02)
    assert proc.poll() is None, "the run finished before it could be killed (too few students?)"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    first = read_journal(journal)
    assert 3 <= len(first) < len(specs)
    # the killed run's workers must not linger (they die with their parent)
    until = time.monotonic() + 15
    while _live_in_group(proc.pid) and time.monotonic() < until:
        time.sleep(0.1)
    assert not _live_in_group(proc.pid), "grading workers survived the SIGKILL of their parent"
    with open(journal, "ab") as f:  # as if the kill had torn the last line
        f.write(b'{"assignment": "backprop", "student": "s9')

    seen = []
    con = sqlite3.connect(db)

    def on_record(r):
        seen.append(r.student)
        con.execute("INSERT INTO grades VALUES (?, ?) ON CONFLICT(student) DO UPDATE SET score=excluded.score",
                    (r.student, r.score))
        con.commit()

    records = grade_all(tasks_for(course), workers=2, journal=journal, on_record=on_record,
                        progress=False, limits=limits)
    assert sorted(r.student for r in records) == sorted(specs)
    for r in records:
        assert r.status == "graded"
        assert scores(r) == _expected(specs[r.student]), r.student
    lines = [json.loads(l) for l in journal.read_bytes().splitlines()]
    assert sorted(l["student"] for l in lines) == sorted(specs)  # no duplicate, none lost
    # finished students were not graded again: their journal records are the first run's
    for rec in first.values():
        assert next(r for r in records if r.student == rec.student).to_dict() == rec.to_dict()
    assert sorted(seen) == sorted(specs)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = dict(con.execute("SELECT student, score FROM grades"))
    assert rows == {s: sum(_expected(spec).values()) for s, spec in specs.items()}


def _comparable(r: GradeRecord) -> dict:
    d = r.to_dict()
    d.pop("seconds")
    return d


def test_workers_two_equals_workers_one(tmp_path, limits):
    specs = _students(8)
    specs["looper"] = {"tanh_backward": "def tanh_backward(dout, z):\n    while True:\n        pass\n"}
    specs["broken"] = None
    course = make_course(tmp_path, {k: (v if v is not None else b"{ not json") for k, v in specs.items()})
    one = grade_all(tasks_for(course), workers=1, progress=False, limits=limits)
    two = grade_all(tasks_for(course), workers=2, progress=False, limits=limits)
    assert [r.student for r in one] == [r.student for r in two] == sorted(specs)
    assert [_comparable(r) for r in one] == [_comparable(r) for r in two]
    by = {r.student: r for r in two}
    assert scores(by["looper"]) == _expected({"tanh_backward": 0})
    assert by["broken"].status == "failed"


def test_journal_regrades_only_changed_submissions(tmp_path, limits):
    import nbformat
    from course_factory import make_notebook

    specs = {"amy": {}, "ben": {}, "cal": {"relu_backward": BUGS["relu_backward"]}}
    course = make_course(tmp_path, specs)
    journal = tmp_path / "j.jsonl"
    first = {r.student: r for r in grade_all(tasks_for(course), journal=journal, progress=False, limits=limits)}
    assert scores(first["cal"]) == _expected({"relu_backward": 0})
    # cal fixes the bug and resubmits; amy's and ben's files are untouched
    nbformat.write(make_notebook(), str(course / "submitted" / "cal" / "backprop" / "backprop.ipynb"))
    again = {r.student: r for r in grade_all(tasks_for(course), journal=journal, progress=False, limits=limits)}
    assert scores(again["cal"]) == FULL
    assert again["cal"].submission_files != first["cal"].submission_files
    for s in ("amy", "ben"):
        assert again[s].to_dict() == first[s].to_dict()  # taken from the journal, not regraded
    assert read_journal(journal)["backprop/cal"].to_dict() == again["cal"].to_dict()


# ----------------------------------------------------------------------------- a journal never stale
# A record is replayed only if the submission AND what graded it (fingerprint: the grader's code,
# the release notebook, the limits, the isolation level) are unchanged; otherwise it is regraded.

def _graded(course, journal, limits):
    """Grade ``course`` with ``journal``; return (the records by student, the journal's bytes)."""
    first = {r.student: r for r in grade_all(tasks_for(course), journal=journal, progress=False, limits=limits)}
    return first, journal.read_bytes()


def _regraded(course, journal, limits, before: bytes) -> dict:
    """Run again: every record must be graded anew (none replayed) and appended to the journal."""
    again = {r.student: r for r in grade_all(tasks_for(course), journal=journal, progress=False, limits=limits)}
    assert len(journal.read_bytes().splitlines()) == len(before.splitlines()) + len(again)
    assert [s for s, r in again.items() if r.replayed] == []
    assert all(read_journal(journal)[f"backprop/{s}"].fingerprint == r.fingerprint != "" for s, r in again.items())
    return again


def test_unchanged_rerun_replays_every_record(tmp_path, limits):
    course = make_course(tmp_path, {"amy": {}, "cal": {"relu_backward": BUGS["relu_backward"]}})
    journal = tmp_path / "j.jsonl"
    first, before = _graded(course, journal, limits)
    again = grade_all(tasks_for(course), journal=journal, progress=False, limits=limits)
    assert [r.replayed for r in again] == [True, True]
    assert [r.to_dict() for r in again] == [first[r.student].to_dict() for r in again]
    assert journal.read_bytes() == before  # nothing graded, nothing appended


def test_records_of_the_old_journal_format_are_regraded(tmp_path, limits):
    course = make_course(tmp_path, {"amy": {}})
    journal = tmp_path / "j.jsonl"
    _, before = _graded(course, journal, limits)
    old = [json.loads(line) for line in before.splitlines()]
    for rec in old:
        rec.pop("fingerprint", None)  # what the journal held before fingerprints existed
    journal.write_text("".join(json.dumps(rec) + "\n" for rec in old))
    _regraded(course, journal, limits, journal.read_bytes())


@pytest.mark.parametrize("module", ["autograder.checks.backprop", "autograder.checks.base", "autograder.extract",
                                    "autograder.harness", "coursekit.functional", "coursekit.gradcheck"])
def test_changed_grader_code_regrades(tmp_path, limits, monkeypatch, module):
    """A fixed check (or a changed kernel the judges compute expectations with) regrades: the
    module's file is replaced by a modified copy (one comment line more)."""
    import importlib

    course = make_course(tmp_path, {"amy": {}, "cal": {"relu_backward": BUGS["relu_backward"]}})
    journal = tmp_path / "j.jsonl"
    first, before = _graded(course, journal, limits)
    mod = importlib.import_module(module)
    copy = tmp_path / "modified.py"
    copy.write_bytes(open(mod.__file__, "rb").read() + b"\n# a fix\n")
    monkeypatch.setattr(mod, "__file__", str(copy))
    again = _regraded(course, journal, limits, before)
    assert {s: scores(r) for s, r in again.items()} == {s: scores(r) for s, r in first.items()}


def test_regenerated_release_notebook_regrades(tmp_path, limits):
    import nbformat

    course = make_course(tmp_path, {"amy": {}})
    journal = tmp_path / "j.jsonl"
    _, before = _graded(course, journal, limits)
    release = course / "release" / "backprop" / "backprop.ipynb"
    nb = nbformat.read(str(release), as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell("import numpy as np\nEPS = 1e-12"))  # a given cell changed
    nbformat.write(nb, str(release))
    _regraded(course, journal, limits, before)


def test_changed_limits_regrade(tmp_path, limits):
    import dataclasses

    course = make_course(tmp_path, {"amy": {}})
    journal = tmp_path / "j.jsonl"
    _, before = _graded(course, journal, limits)
    _regraded(course, journal, dataclasses.replace(limits, cpu_seconds=limits.cpu_seconds + 1), before)


def test_changed_isolation_level_regrades(tmp_path, limits, isolated, monkeypatch):
    """A record graded with COURSEKIT_SANDBOX=none is not reused by a run with isolation, nor the reverse."""
    from autograder import sandbox

    course = make_course(tmp_path, {"amy": {}})
    journal = tmp_path / "j.jsonl"
    try:
        monkeypatch.setenv("COURSEKIT_SANDBOX", "none")
        sandbox.shutdown()
        assert sandbox.isolation_level() == "none"
        _, before = _graded(course, journal, limits)
        monkeypatch.setenv("COURSEKIT_SANDBOX", isolated)
        sandbox.shutdown()
        after_full = _regraded(course, journal, limits, before)
        monkeypatch.setenv("COURSEKIT_SANDBOX", "none")
        sandbox.shutdown()
        _regraded(course, journal, limits, journal.read_bytes())
        assert after_full["amy"].fingerprint != read_journal(journal)["backprop/amy"].fingerprint
    finally:
        monkeypatch.undo()
        sandbox.shutdown()  # the next test starts a zygote with the environment's own mode
