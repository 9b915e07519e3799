"""End to end on `optimizers` and `svm`: solution, blank, each function broken; both graders."""

from __future__ import annotations

import html
import re

import pytest
from nbgrader.api import Gradebook

from autograder.demo import write_submission

from grading_helpers import OPTIMIZERS_POINTS, SVM_POINTS, autograder_cmd, nbgrader_cmd, run

POINTS = {"optimizers": OPTIMIZERS_POINTS, "svm": SVM_POINTS}

#: what the feedback must say for each broken function (the wrong output / the likely bug)
NEEDLES = {
    "momentum_step": ["sign of the gradient term"],
    "nesterov_step": ["plain momentum step", "look-ahead"],
    "adam_step": ["bias correction"],
    "rprop_step": ["return to the previous location"],
    "hinge_loss_and_grad": ["dw", "regularizer"],
    "train_linear_svm": ["objective", "too high"],
}


def _expected(assignment, kind):
    pts = {f"test_{f}": float(p) for f, p in POINTS[assignment].items()}
    if kind == "blank":
        return {t: 0.0 for t in pts}
    if kind.startswith("buggy:"):
        pts[f"test_{kind[6:]}"] = 0.0
    return pts


def _plan(assignment):
    plan = {"solution": "solution", "blank": "blank"}
    for f in POINTS[assignment]:
        plan[f"bug-{f.replace('_', '-')}"] = f"buggy:{f}"
    return plan


def _scores(course, assignment):
    with Gradebook(course.db_url, course.course_id) as gb:
        return {sub.student.id: {g.name: g.score for g in
                                 gb.find_submission_notebook(assignment, assignment, sub.student.id).grades}
                for sub in gb.find_assignment(assignment).submissions}


@pytest.fixture(scope="module")
def graded(fresh_course):
    course = fresh_course
    for a in POINTS:
        course.run_api("generate_assignment", a, force=True)
        for student, kind in _plan(a).items():
            write_submission(course, a, student, kind=kind)
        proc = run(autograder_cmd("-q", "grade", a, "--workers", "2"), cwd=course.root)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        fb = run(autograder_cmd("-q", "feedback", a), cwd=course.root)
        assert fb.returncode == 0, fb.stdout + fb.stderr
    return course


@pytest.mark.parametrize("assignment", list(POINTS))
def test_exact_per_test_scores(graded, assignment):
    scores = _scores(graded, assignment)
    for student, kind in _plan(assignment).items():
        assert scores[student] == _expected(assignment, kind), student


@pytest.mark.parametrize("function", list(NEEDLES))
def test_feedback_names_the_likely_bug(graded, function):
    assignment = "optimizers" if function in OPTIMIZERS_POINTS else "svm"
    student = f"bug-{function.replace('_', '-')}"
    path = graded.feedback_dir(student, assignment) / f"{assignment}.html"
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", path.read_text())))
    i = text.index(f"Grade cell: test_{function}")
    section = text[i: text.find("Grade cell:", i + 10) if text.find("Grade cell:", i + 10) > 0 else None]
    assert "Score: 0.0" in section
    for needle in NEEDLES[function]:
        assert needle in section, (needle, section[:1500])


@pytest.fixture(scope="module")
def stock_graded(tmp_path_factory):
    from autograder.demo import make_course_copy

    course = make_course_copy(tmp_path_factory.mktemp("stock"))
    for a, bug in (("optimizers", "buggy:adam_step"), ("svm", "buggy:hinge_loss_and_grad")):
        course.run_api("generate_assignment", a, force=True)
        write_submission(course, a, "solution", kind="solution")
        write_submission(course, a, "buggy", kind=bug)
        proc = run(nbgrader_cmd("autograde", a, "--TrustedGrader.in_kernel=True"), cwd=course.root)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    return course


@pytest.mark.parametrize("assignment,bug", [("optimizers", "buggy:adam_step"), ("svm", "buggy:hinge_loss_and_grad")])
def test_stock_nbgrader_autograde_agrees(stock_graded, assignment, bug):
    scores = _scores(stock_graded, assignment)
    assert scores["solution"] == _expected(assignment, "solution")
    assert scores["buggy"] == _expected(assignment, bug)


def test_report_after_stock_grading_reads_the_gradebook(stock_graded):
    import json

    proc = run(autograder_cmd("report", "svm"), cwd=stock_graded.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((stock_graded.reports_dir("svm") / "report.json").read_text())
    assert data["source"].startswith("gradebook")
    assert data["totals"] == {"solution": 6.0, "buggy": 3.0}
    rates = {t["test"]: t["pass_rate"] for t in data["per_test"]}
    assert rates == {"test_hinge_loss_and_grad": 0.5, "test_train_linear_svm": 1.0}


def test_report_without_any_grades_says_what_to_do(tmp_path):
    from autograder.demo import make_course_copy

    course = make_course_copy(tmp_path)
    proc = run(autograder_cmd("report", "optimizers"), cwd=course.root)
    assert proc.returncode == 1
    assert "autograder grade optimizers" in proc.stderr
