"""A toy assignment in which every kind of grade cell counts (imported via conftest's sys.path).

``cells`` (7 points in all):

* ``test_double`` (4 points): the check of ``double(x)`` (returns 2 x), four cases: x of
  shapes (1,), (2,) visible, (3,), (4,) hidden;
* ``extra_assert`` (1 point): an instructor-added plain-assert test cell; its hidden part
  (``assert answer == 42``) is only in the SOURCE notebook;
* ``explain`` (2 points): a written answer (markdown, ``grade`` + ``solution``), graded by hand.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell
from nbgrader.api import Gradebook

from autograder.demo import make_course_copy, write_submission

from grading_helpers import REPO, autograder_cmd, run

sys.path.insert(0, str(REPO / "tools"))
from nbsource import _nbg, graded_test, locked, md, notebook, solution, test, write  # noqa: E402

A = "toy"
MAX = 7.0

CHECKS = '''
"""Checks of the toy assignment: ``double(x)`` returns 2 x (four cases)."""

import numpy as np

from autograder.checks.base import STATUS_FLAG, VISIBLE_SEED, Call, FunctionCheck

POINTS = {"double": 4.0}


class DoubleCheck(FunctionCheck):
    function = "double"
    points = POINTS["double"]

    def calls(self, seed):
        rng = self.rng(seed)
        sizes = (1, 2) if seed == VISIBLE_SEED else (3, 4)
        return [Call("double", (rng.normal(size=n),), case=f"x of shape ({n},)") for n in sizes]

    def judge(self, calls, results):
        for call, res in zip(calls, results):
            if res.status != "ok":
                return self.outcome(0.0, [f"double {res.status}: {res.error}"],
                                    [STATUS_FLAG.get(res.status, res.status)])
            if not np.allclose(np.asarray(res.value, dtype=float), 2.0 * call.args[0], rtol=1e-12, atol=0):
                return self.outcome(0.0, [f"double(x) is not 2 x for {call.case}"])
        if len(results) < len(calls):
            return self.outcome(0.0, ["not every case returned"])
        return self.outcome(self.points, [f"double: all {len(calls)} cases correct"])


def checks():
    return [DoubleCheck()]


def reference_source(function):
    return "def double(x):\\n    return 2.0 * x\\n"
'''

RIGHT = "def double(x):\n    return 2.0 * x\n\nanswer = 42"
#: fails the case x of shape (3,) only: 3 of 4 cases pass
ONE_CASE_WRONG = "def double(x):\n    return 3.0 * x if x.shape == (3,) else 2.0 * x\n\nanswer = 42"
#: right function, but the hidden part of extra_assert fails (answer is not 42)
HIDDEN_WRONG = "def double(x):\n    return 2.0 * x\n\nanswer = 41"


def add_toy(solutions: Path) -> None:
    """Write ``solutions/toy/`` (checks.py and toy.ipynb)."""
    folder = solutions / A
    folder.mkdir()
    (folder / "checks.py").write_text(CHECKS.lstrip())
    explain = new_markdown_cell("YOUR ANSWER HERE")
    explain.metadata.update(_nbg("explain", grade=True, solution=True, points=2))
    cells = [md("# A toy assignment\n\nWrite `double(x)` and set `answer`."),
             locked("import numpy as np", "imports"),
             solution('''
                 def double(x):
                     ### BEGIN SOLUTION
                     return 2.0 * x
                     ### END SOLUTION

                 answer = 42
                 ''', "double"),
             graded_test("double", 4, A),
             test('''
                 assert double(np.array([1.0]))[0] == 2.0, "double(1) should be 2"
                 ### BEGIN HIDDEN TESTS
                 assert answer == 42, "answer should be 42"
                 ### END HIDDEN TESTS
                 ''', "extra_assert", 1),
             md("Explain in one sentence why `double` is linear."),
             explain]
    write(notebook(cells, "Toy"), folder / f"{A}.ipynb")


def toy_course(tmp_path: Path, config_lines: str = ""):
    """A course copy with the toy assignment generated; ``config_lines`` appended to its config."""
    course = make_course_copy(tmp_path)
    add_toy(course.source_root)
    if config_lines:
        with open(course.root / "nbgrader_config.py", "a") as fh:
            fh.write("\n" + config_lines + "\n")
    proc = run(autograder_cmd("-q", "generate", A), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return course


def submit(course, student: str, code: str, written: str | None = None,
           timestamp: str = "2026-11-20 10:00:00 UTC", test_cell: str | None = None) -> Path:
    """A submission with ``code`` in the solution cell, ``written`` as the written answer (None:
    left unchanged) and, if given, the student's copy of extra_assert replaced by ``test_cell``."""
    path = write_submission(course, A, student, functions={"double": code}, timestamp=timestamp)
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "explain" and written is not None:
            cell.source = written
        if gid == "extra_assert" and test_cell is not None:
            cell.source = test_cell
    nbformat.write(nb, str(path))
    return path


def gradebook_scores(course) -> dict:
    """``{student: {cell: score}}`` straight from nbgrader's gradebook."""
    with Gradebook(course.db_url, course.course_id) as gb:
        return {s.student.id: {g.name: g.score for g in gb.find_submission_notebook(A, A, s.student.id).grades}
                for s in gb.find_assignment(A).submissions}


def set_manual_score(course, student: str, cell: str, score: float) -> None:
    """What formgrader does when an instructor scores a cell: the grade's manual_score."""
    with Gradebook(course.db_url, course.course_id) as gb:
        grade = gb.find_grade(cell, A, A, student)
        grade.manual_score = score
        gb.db.commit()


def export_rows(course, *extra) -> dict:
    """``autograder export`` run through the CLI; its CSV rows of the toy by student id."""
    to = course.root / ("grades-test.csv" if not extra else "grades-test-lms.csv")
    proc = run(autograder_cmd("-q", "export", "--to", str(to), *extra), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with open(to, newline="") as fh:
        rows = list(csv.DictReader(fh))
    if extra:
        return rows
    return {r["student_id"]: r for r in rows if r["assignment"] == A}
