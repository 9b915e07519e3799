"""End to end on `backprop`: submissions graded by `autograder grade` and by stock nbgrader.

Submissions: the solution itself, a blank notebook, each of the seven functions broken on its
own (a typical bug, see autograder.demo.BUGS), one that raises, one that never returns, and an
unreadable file. The expected per-test scores are written out here from the rules (a bug costs
the points of its own test only; mlp_loss_and_grads is graded with reference helpers), not
taken from the grader.
"""

from __future__ import annotations

import csv
import html
import json
import re

import pytest
from nbgrader.api import Gradebook

from autograder.demo import BUGS, write_submission

from grading_helpers import BACKPROP_POINTS, autograder_cmd, nbgrader_cmd, run

A = "backprop"
FULL = {f"test_{f}": float(p) for f, p in BACKPROP_POINTS.items()}
ZERO = {t: 0.0 for t in FULL}


def _without(*functions):
    out = dict(FULL)
    for f in functions:
        out[f"test_{f}"] = 0.0
    return out


SUBMISSIONS = {"solution": ("solution", FULL), "blank": ("blank", ZERO),
               "raises": ("raises:softmax_backward", _without("softmax_backward")),
               "hangs": ("hangs:tanh_backward", _without("tanh_backward"))}
for _f in BACKPROP_POINTS:
    SUBMISSIONS[f"bug-{_f.replace('_', '-')}"] = (f"buggy:{_f}", _without(_f))


def _gradebook_scores(course):
    out = {}
    with Gradebook(course.db_url, course.course_id) as gb:
        for sub in gb.find_assignment(A).submissions:
            nb = gb.find_submission_notebook(A, A, sub.student.id)
            out[sub.student.id] = {g.name: g.score for g in nb.grades}
    return out


@pytest.fixture(scope="module")
def graded(fresh_course):
    course = fresh_course
    course.run_api("generate_assignment", A, force=True)
    for student, (kind, _) in SUBMISSIONS.items():
        write_submission(course, A, student, kind=kind)
    broken = course.submitted_dir("broken", A)
    broken.mkdir(parents=True)
    (broken / "backprop.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "def lin')
    before = {p: p.read_bytes() for p in (course.root / "submitted").rglob("*") if p.is_file()}
    proc = run(autograder_cmd("grade", A, "--workers", "2", "--timeout", "3", "-q"), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    fb = run(autograder_cmd("-q", "feedback", A), cwd=course.root)
    assert fb.returncode == 0, fb.stdout + fb.stderr
    return course, proc.stdout, before


def test_autograder_grade_gives_the_exact_per_test_scores(graded):
    course, _, _ = graded
    scores = _gradebook_scores(course)
    for student, (_, expected) in SUBMISSIONS.items():
        assert scores[student] == expected, student
    assert scores["broken"] == ZERO


def test_a_helper_bug_is_not_charged_again_in_mlp_loss_and_grads(graded):
    course, _, _ = graded
    scores = _gradebook_scores(course)
    for helper in ("linear_backward", "relu_backward", "softmax_cross_entropy"):
        s = scores[f"bug-{helper.replace('_', '-')}"]
        assert s[f"test_{helper}"] == 0.0
        assert s["test_mlp_loss_and_grads"] == 3.0


def test_submissions_are_never_modified(graded):
    course, _, before = graded
    after = {p: p.read_bytes() for p in (course.root / "submitted").rglob("*") if p.is_file()}
    assert after == before


def _feedback_text(course, student):
    path = course.feedback_dir(student, A) / "backprop.html"
    assert path.is_file(), path
    text = html.unescape(re.sub(r"<[^>]+>", " ", path.read_text()))
    return re.sub(r"\s+", " ", text)


def _section(text, test_id):
    i = text.index(f"Grade cell: {test_id}")
    j = text.find("Grade cell:", i + 10)
    return text[i: j if j > 0 else None]


@pytest.mark.parametrize("student,test_id,needles", [
    ("bug-linear-backward", "test_linear_backward", ["dW", "(2, 3)"]),
    ("bug-softmax-cross-entropy", "test_softmax_cross_entropy", ["dlogits"]),
    ("bug-relu-backward", "test_relu_backward", ["dout"]),
    ("bug-sigmoid-backward", "test_sigmoid_backward", ["dz"]),
    ("bug-mlp-loss-and-grads", "test_mlp_loss_and_grads", ["W1"]),
    ("raises", "test_softmax_backward", ["ValueError", "I am not finished"]),
])
def test_feedback_html_names_the_wrong_output(graded, student, test_id, needles):
    course, _, _ = graded
    section = _section(_feedback_text(course, student), test_id)
    assert "Score: 0.0" in section
    for needle in needles:
        assert needle in section, (needle, section[:1500])
    assert "BEGIN HIDDEN TESTS" not in section


def test_feedback_of_the_solution_shows_full_marks_and_no_errors(graded):
    course, _, _ = graded
    text = _feedback_text(course, "solution")
    assert text.count("✓ test_") == len(FULL)
    assert "AssertionError" not in text


def test_hanging_submission_is_reported_as_a_timeout(graded):
    course, _, _ = graded
    section = _section(_feedback_text(course, "hangs"), "test_tanh_backward")
    assert re.search(r"time|endless|loop", section, re.I), section[:1000]


def test_export_lists_every_student(graded):
    course, _, _ = graded
    out = course.root / "grades.csv"
    proc = run(autograder_cmd("-q", "export", "--to", str(out)), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = [r for r in csv.DictReader(out.open()) if r["assignment"] == A]
    assert {r["student_id"] for r in rows} == set(SUBMISSIONS) | {"broken"}
    by = {r["student_id"]: float(r["score"]) for r in rows}
    assert by["solution"] == 12.0 and by["blank"] == 0.0 and by["bug-mlp-loss-and-grads"] == 9.0


def test_report_pass_rates_histogram_and_failures(graded):
    course, _, _ = graded
    proc = run(autograder_cmd("report", A), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((course.reports_dir(A) / "report.json").read_text())
    n = len(SUBMISSIONS) + 1
    assert data["submissions"] == n
    rates = {t["test"]: t["pass_rate"] for t in data["per_test"]}
    # each test fails for: blank, broken, its own bug, plus raises/hangs for their functions
    for f in BACKPROP_POINTS:
        fails = 3 + (f == "softmax_backward") + (f == "tanh_backward")
        assert rates[f"test_{f}"] == pytest.approx((n - fails) / n)
    assert [f["student"] for f in data["failed"]] == ["broken"]
    png = (course.reports_dir(A) / "histogram.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert "hangs" in {f["student"] for f in data["flagged"]}
    # the most common diagnosed mistakes: each function's demo bug, named as its file expects
    from autograder import submissions as S

    demo = {t: k for sub in S.load([A]) if sub.demo for t, k in sub.expect_hint.items()}
    assert demo and set(demo) == {f"test_{f}" for f in BACKPROP_POINTS}
    for test, key in demo.items():
        assert {"mistake": key, "count": 1} == {k: v for k, v in data["mistakes"][test][0].items() if k != "hint"}
        assert data["mistakes"][test][0]["hint"]
    text = (course.reports_dir(A) / "report.txt").read_text()
    assert "most common diagnosed mistakes" in text and "dW-transposed ×1" in text
    assert (course.reports_dir(A) / "mistakes.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


STOCK = ["solution", "blank", "bug-linear-backward", "bug-relu-backward"]


@pytest.fixture(scope="module")
def stock_graded(tmp_path_factory):
    """Stock `nbgrader autograde --TrustedGrader.in_kernel=True` (hidden tests run in the kernel)
    on honest submissions, in a second copy of the course so the two graders' gradebooks stay apart."""
    from autograder.demo import make_course_copy

    course = make_course_copy(tmp_path_factory.mktemp("stock"))
    course.run_api("generate_assignment", A, force=True)
    for student in STOCK:
        write_submission(course, A, student, kind=SUBMISSIONS[student][0])
    proc = run(nbgrader_cmd("autograde", A, "--TrustedGrader.in_kernel=True"), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return course


@pytest.mark.parametrize("student", STOCK)
def test_stock_nbgrader_autograde_gives_the_same_scores(stock_graded, graded, student):
    expected = SUBMISSIONS[student][1]
    assert _gradebook_scores(stock_graded)[student] == expected
    assert _gradebook_scores(graded[0])[student] == expected
