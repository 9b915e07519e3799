"""The exchange, end to end, with nbgrader's own commands (see README, Instructor guide, Exchange).

A temporary course and exchange; an instructor and two students, each with their own HOME (so
their own ``~/.jupyter/nbgrader_config.py`` and nbgrader cache), all the same Unix user: nbgrader's
student commands take the student id from ``--student``. The loop:

    instructor  autograder generate → nbgrader release_assignment
    students    nbgrader fetch_assignment → submit (blank, on time) → submit again (their answer,
                after the due date the instructor set in the gradebook meanwhile)
    instructor  nbgrader collect (keeps each student's last submission) → autograder grade
                → nbgrader generate_feedback → nbgrader release_feedback
    students    nbgrader fetch_feedback

and checks: the late submission is the one collected and graded (its timestamp in the gradebook,
counted late, scored by its code), and each student receives exactly their own feedback file and
nothing of the other student's. Separate Unix users and the exchange's permissions are tested on
the hub (tests/hub/).
"""

from __future__ import annotations

import datetime as dt
import os
import runpy
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder.demo import BUGS, make_course_copy, solution_code

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[3]
STUDENT_CONFIG = REPO / "autograder" / "student_nbgrader_config.py"
A = "backprop"
FULL = 12


def _env(home: Path, exchange: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(HOME=str(home), COURSEKIT_EXCHANGE=str(exchange), MPLBACKEND="Agg",
               PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    return env


def _run(args, cwd, env, timeout=600):
    t0 = time.perf_counter()
    proc = subprocess.run(args, cwd=str(cwd), env=env, text=True, capture_output=True, timeout=timeout)
    print(f"  {time.perf_counter() - t0:6.1f} s  {' '.join(map(str, args[2:]))}")
    assert proc.returncode == 0, f"{' '.join(map(str, args))} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc


def nbgrader(*args):
    return [sys.executable, "-m", "nbgrader", *args]


def autograder(*args):
    return [sys.executable, "-m", "autograder.cli", *args]


def _answer(course, notebook: Path, bug: str | None) -> None:
    """Write the reference solution into every answer cell of ``notebook`` (with ``bug``'s
    typical mistake in that one function), as a student editing the fetched notebook would."""
    nb = nbformat.read(str(notebook), as_version=4)
    for cell in nb.cells:
        f = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution"):
            cell.source = BUGS[A][f][1].strip("\n") if f == bug else solution_code(course, A, f)
    nbformat.write(nb, str(notebook))


def _cached_timestamps(home: Path, student: str) -> list[str]:
    """The timestamps of ``student``'s submissions, from nbgrader's cache in their HOME."""
    cache = home / ".local" / "share" / "jupyter" / "nbgrader_cache" / "coursekit"
    return sorted((d / "timestamp.txt").read_text().strip() for d in cache.glob(f"{student}+{A}+*"))


def test_config_and_student_config_agree_on_the_exchange(tmp_path, monkeypatch):
    """Both configs resolve the same root: $COURSEKIT_EXCHANGE, else the user's own data dir."""
    def roots():
        out = []
        for path in (REPO / "autograder" / "nbgrader_config.py", STUDENT_CONFIG):
            out.append(runpy.run_path(str(path))["c"].Exchange.root)
        return out

    monkeypatch.setenv("COURSEKIT_EXCHANGE", str(tmp_path / "shared"))
    assert roots() == [str(tmp_path / "shared")] * 2
    monkeypatch.delenv("COURSEKIT_EXCHANGE")
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    default = str(tmp_path / "data" / "nbgrader_exchange")
    assert roots() == [default] * 2
    assert os.path.isdir(default) and os.access(default, os.W_OK)  # nbgrader needs it to exist
    student = runpy.run_path(str(STUDENT_CONFIG))["c"]
    assert student.CourseDirectory.course_id == "coursekit"


def test_exchange_roundtrip(tmp_path):
    started = time.perf_counter()
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    os.chmod(exchange, 0o1777)  # what an administrator creates on a shared machine
    course = make_course_copy(tmp_path / "course")
    homes = {who: tmp_path / "home" / who for who in ("instructor", "alice", "bob")}
    for who, home in homes.items():
        home.mkdir(parents=True)
        if who != "instructor":  # the student's nbgrader config, as the pack / the hub installs it
            (home / ".jupyter").mkdir()
            shutil.copyfile(STUDENT_CONFIG, home / ".jupyter" / "nbgrader_config.py")
            (home / "work").mkdir()
    ienv = _env(homes["instructor"], exchange)

    # instructor: generate and release
    _run(autograder("-q", "generate", A), course.root, ienv)
    _run(nbgrader("release_assignment", A), course.root, ienv)
    assert (exchange / "coursekit" / "outbound" / A / f"{A}.ipynb").is_file()

    # students: fetch, and a first (blank) submission before the due date
    for s in ("alice", "bob"):
        env, work = _env(homes[s], exchange), homes[s] / "work"
        _run(nbgrader("fetch_assignment", A), work, env)
        assert (work / A / f"{A}.ipynb").is_file()
        _run(nbgrader("submit", A, "--student", s), work, env)

    # instructor sets the due date: now, after the first submissions
    time.sleep(0.05)
    due = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    _run(nbgrader("db", "assignment", "add", A, f"--duedate={due.isoformat()} UTC"), course.root, ienv)
    time.sleep(0.05)

    # students answer (alice all correct; bob with dW transposed) and submit again, late
    for s, bug in (("alice", None), ("bob", "linear_backward")):
        env, work = _env(homes[s], exchange), homes[s] / "work"
        _answer(course, work / A / f"{A}.ipynb", bug)
        _run(nbgrader("submit", A, "--student", s), work, env)
    stamps = {s: _cached_timestamps(homes[s], s) for s in ("alice", "bob")}
    assert all(len(v) == 2 for v in stamps.values()), stamps

    # instructor: collect (the last submission of each), grade, feedback, release
    _run(nbgrader("collect", A), course.root, ienv)
    for s in ("alice", "bob"):
        collected = (course.submitted_dir(s, A) / "timestamp.txt").read_text().strip()
        assert collected == stamps[s][-1]  # the late one
    _run(autograder("grade", A, "--workers", "2"), course.root, ienv)

    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}", course_id="coursekit") as gb:
        graded = {s: gb.find_submission(A, s) for s in ("alice", "bob")}
        scores = {s: sub.score for s, sub in graded.items()}
        for s, sub in graded.items():
            assert sub.timestamp.strftime("%Y-%m-%d %H:%M:%S.%f") == stamps[s][-1].split(" UTC")[0].strip()
            assert sub.total_seconds_late > 0
    linear_points = 2
    assert scores == {"alice": FULL, "bob": FULL - linear_points}

    _run(nbgrader("generate_feedback", A), course.root, ienv)
    _run(nbgrader("release_feedback", A), course.root, ienv)

    # students: fetch their feedback
    received = {}
    for s in ("alice", "bob"):
        env, work = _env(homes[s], exchange), homes[s] / "work"
        _run(nbgrader("fetch_feedback", A, "--student", s), work, env)
        received[s] = sorted((work / A / "feedback").rglob("*.html"))
    for s, other in (("alice", "bob"), ("bob", "alice")):
        own = (course.feedback_dir(s, A) / f"{A}.html").read_bytes()
        theirs = (course.feedback_dir(other, A) / f"{A}.html").read_bytes()
        assert own != theirs
        # exactly one feedback file: the graded (late) submission's, byte for byte the student's own
        assert len(received[s]) == 1, received[s]
        assert received[s][0].parent.name == stamps[s][-1]
        assert received[s][0].read_bytes() == own
        # nothing of the other student's anywhere in this student's HOME
        for f in homes[s].rglob("*"):
            if f.is_file():
                assert f.read_bytes() != theirs, f
    elapsed = time.perf_counter() - started
    print(f"exchange round trip (2 students, {A}): {elapsed:.1f} s wall")
