"""Late work and partial credit, as course options in ``nbgrader_config.py``.

Late penalty: :class:`autograder.late.PointsOffPerDay` (points per started day late, capped),
applied by ``autograder grade`` and by stock ``nbgrader autograde`` alike, visible in export
and feedback. Partial credit (``c.CourseOptions.partial_credit``): a failed function earns its
share of the cases it passes, and the feedback lists them.
"""

from __future__ import annotations

import re

import pytest
from nbgrader.api import Gradebook

from autograder.checks.base import partial_points
from autograder.late import PointsOffPerDay
from gradebook_course import A, ONE_CASE_WRONG, RIGHT, export_rows, gradebook_scores, submit, toy_course
from grading_helpers import autograder_cmd, nbgrader_cmd, run

LATE_CONFIG = "c.PointsOffPerDay.points_per_day = 1.0\nc.PointsOffPerDay.max_penalty = 1.5"
DUE = "2026-11-20T09:00"
#: student -> (timestamp, days late counted, penalty); raw score of RIGHT without a written answer: 4 + 1 + 0
LATE_CLASS = {"ontime": ("2026-11-20 08:59:00 UTC", 0, 0.0),
              "hour": ("2026-11-20 10:00:00 UTC", 1, 1.0),       # an hour late counts as a day
              "week": ("2026-11-27 10:00:00 UTC", 8, 1.5)}       # 8 points off, capped at 1.5
RAW = 5.0


def _penalties(course) -> dict:
    with Gradebook(course.db_url, course.course_id) as gb:
        return {s: gb.find_submission_notebook(A, A, s).late_submission_penalty or 0.0 for s in LATE_CLASS}


@pytest.fixture(scope="module")
def late_course(tmp_path_factory):
    course = toy_course(tmp_path_factory.mktemp("late"), LATE_CONFIG)
    proc = run(autograder_cmd("duedate", A, DUE), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for s, (ts, _, _) in LATE_CLASS.items():
        submit(course, s, RIGHT, timestamp=ts)
    proc = run(autograder_cmd("grade", A, "--workers", "1"), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return course, proc.stdout


def test_grade_applies_the_late_penalty_into_the_gradebook_and_export(late_course):
    course, stdout = late_course
    want = {s: p for s, (_, _, p) in LATE_CLASS.items()}
    assert _penalties(course) == want
    rows = export_rows(course)
    assert {s: float(r["late_submission_penalty"] or 0) for s, r in rows.items()} == want
    assert {s: float(r["score"]) for s, r in rows.items()} == {s: RAW - p for s, p in want.items()}
    assert re.search(r"week\s+3\.5/7 .*late penalty: -1\.5", stdout)
    assert re.search(r"ontime\s+5/7 ", stdout) and "ontime" not in [ln.split()[0] for ln in stdout.splitlines()
                                                                    if "late penalty" in ln]


def test_feedback_shows_the_late_penalty(late_course):
    course, _ = late_course
    proc = run(autograder_cmd("-q", "feedback", A), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    week = (course.feedback_dir("week", A) / f"{A}.html").read_text()
    ontime = (course.feedback_dir("ontime", A) / f"{A}.html").read_text()
    assert "Late submission penalty (Score: -1.5)" in week
    assert "Late submission penalty" not in ontime
    assert "answer == 42" not in week  # hidden tests never reach the student


def test_stock_nbgrader_applies_the_same_penalty(late_course):
    course, _ = late_course
    before = _penalties(course)
    proc = run(nbgrader_cmd("autograde", A, "--force"), cwd=course.root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert _penalties(course) == before


def test_points_off_per_day_rules():
    plugin = PointsOffPerDay(points_per_day=1.0, max_penalty=1.5)
    assert plugin.late_submission_penalty("s", 5.0, 0) is None
    assert plugin.late_submission_penalty("s", 5.0, 1) == 1.0
    assert plugin.late_submission_penalty("s", 5.0, 86400) == 1.0
    assert plugin.late_submission_penalty("s", 5.0, 86401) == 1.5
    assert plugin.late_submission_penalty("s", 0.5, 86400 * 3) == 0.5  # never below zero points
    assert PointsOffPerDay().late_submission_penalty("s", 5.0, 86400 * 3) is None  # off by default
    with pytest.raises(ValueError, match="points_per_day"):
        PointsOffPerDay(points_per_day=-1.0).late_submission_penalty("s", 5.0, 10)


def test_partial_points_rule():
    four = [["a", True], ["b", True], ["c", False], ["d", True]]
    assert partial_points(4.0, four) == 3.0
    assert partial_points(2.0, [["a", True], ["b", False], ["c", False]]) == 0.66  # rounded down to 0.01
    assert partial_points(2.0, [["a", True], ["b", True]]) == 1.0  # failed as a whole: at most n-1 of n
    assert partial_points(3.0, []) == 0.0


def test_partial_credit_is_off_by_default_and_counts_cases_when_on(tmp_path):
    off = toy_course(tmp_path / "off")
    on = toy_course(tmp_path / "on", "c.CourseOptions.partial_credit = True")
    for course in (off, on):
        submit(course, "onecase", ONE_CASE_WRONG)
        proc = run(autograder_cmd("-q", "grade", A, "--workers", "1"), cwd=course.root)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert gradebook_scores(off)["onecase"]["test_double"] == 0.0
    assert gradebook_scores(on)["onecase"]["test_double"] == 3.0  # 4 points x 3 of 4 cases
    proc = run(autograder_cmd("-q", "feedback", A), cwd=on.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = (on.feedback_dir("onecase", A) / f"{A}.html").read_text()
    assert "cases passed: 3 of 4" in html
    assert "✗ x of shape (3,)" in html and "✓ x of shape (4,)" in html
    assert "partial credit: 3 of 4 cases passed" in html
