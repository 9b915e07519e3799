"""Adding an assignment is adding one folder ``solutions/<A>/``: a toy fourth assignment (one
graded function, a notebook and a checks module) in a course copy is generated and graded
through the normal commands, with no other file edited."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from autograder.demo import make_course_copy, write_submission

from grading_helpers import REPO, autograder_cmd, nbgrader_cmd, run

sys.path.insert(0, str(REPO / "tools"))
from nbsource import graded_test, locked, md, notebook, solution, write  # noqa: E402

A = "toy"

CHECKS = '''
"""Checks of the toy assignment: ``double(x)`` returns 2 x."""

import numpy as np

from autograder.checks.base import STATUS_FLAG, Call, FunctionCheck

POINTS = {"double": 2.0}


class DoubleCheck(FunctionCheck):
    function = "double"
    points = POINTS["double"]

    def calls(self, seed):
        rng = self.rng(seed)
        return [Call("double", (rng.normal(size=n),), case=f"x of shape ({n},)") for n in (1, 4)]

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


def _add_toy(solutions: Path) -> None:
    folder = solutions / A
    folder.mkdir()
    (folder / "checks.py").write_text(CHECKS.lstrip())
    cells = [md("# A toy assignment\n\nWrite `double(x)`."),
             locked("import numpy as np", "imports"),
             solution('''
                 def double(x):
                     ### BEGIN SOLUTION
                     return 2.0 * x
                     ### END SOLUTION
                 ''', "double"),
             graded_test("double", 2, A)]
    write(notebook(cells, "Toy"), folder / f"{A}.ipynb")


def _scores(course):
    with Gradebook(course.db_url, course.course_id) as gb:
        return {s.student.id: {g.name: g.score for g in gb.find_submission_notebook(A, A, s.student.id).grades}
                for s in gb.find_assignment(A).submissions}


def test_a_new_folder_is_a_new_assignment(tmp_path):
    course = make_course_copy(tmp_path)
    _add_toy(course.source_root)
    proc = run(autograder_cmd("-q", "generate", A), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert sorted(p.name for p in course.release_dir(A).iterdir()) == [f"{A}.ipynb"]
    write_submission(course, A, "right", kind="solution")
    write_submission(course, A, "wrong", functions={"double": "def double(x):\n    return 3.0 * x"})
    proc = run(autograder_cmd("-q", "grade", A, "--workers", "1"), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _scores(course) == {"right": {"test_double": 2.0}, "wrong": {"test_double": 0.0}}
    feedback = run(autograder_cmd("-q", "feedback", A), cwd=course.root)
    assert feedback.returncode == 0, feedback.stdout + feedback.stderr
    html = (course.feedback_dir("wrong", A) / f"{A}.html").read_text()
    assert "double(x) is not 2 x" in html


def test_stock_nbgrader_grades_the_new_assignment_too(tmp_path):
    """The notebook's test cells load the toy's checks inside the kernel (found from the
    course copy the notebook runs in), so stock ``nbgrader autograde`` agrees."""
    course = make_course_copy(tmp_path)
    _add_toy(course.source_root)
    assert run(autograder_cmd("-q", "generate", A), cwd=course.root).returncode == 0
    write_submission(course, A, "right", kind="solution")
    write_submission(course, A, "wrong", functions={"double": "def double(x):\n    return 3.0 * x"})
    proc = run(nbgrader_cmd("autograde", A, "--force", "--TrustedGrader.in_kernel=True"), cwd=course.root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert _scores(course) == {"right": {"test_double": 2.0}, "wrong": {"test_double": 0.0}}
    graded = nbformat.read(str(course.autograded_dir("wrong", A) / f"{A}.ipynb"), as_version=4)
    errors = [o for c in graded.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors and "double(x) is not 2 x" in errors[0]["evalue"] + "".join(errors[0]["traceback"])
