"""Exports an instructor can upload: the roster imported into the gradebook, nbgrader's CSV and
Canvas's gradebook CSV with names and e-mail from it, and one student's feedback regenerated."""

from __future__ import annotations

import csv

import pytest
from nbgrader.api import Gradebook

from autograder.lms_export import CANVAS_COLUMNS
from gradebook_course import A, HIDDEN_WRONG, RIGHT, export_rows, submit, toy_course
from grading_helpers import autograder_cmd, run

ROSTER = [
    {"id": "right", "first_name": "Ada", "last_name": "Lovelace", "email": "ada@uni.example", "lms_user_id": "1001"},
    {"id": "hidden", "first_name": "Émile", "last_name": "Borel, Jr", "email": "borel@uni.example",
     "lms_user_id": "1002"},
    {"id": "absent", "first_name": "Carl", "last_name": "Gauss", "email": "gauss@uni.example", "lms_user_id": ""},
]


def _write_csv(path, rows, columns):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = toy_course(tmp_path_factory.mktemp("roster"))
    submit(course, "right", RIGHT)    # 4 + 1 + 0 (no written answer)
    submit(course, "hidden", HIDDEN_WRONG)  # 4 + 0 + 0
    proc = run(autograder_cmd("-q", "grade", A, "--workers", "1"), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    roster = _write_csv(course.root.parent / "roster.csv", ROSTER, list(ROSTER[0]))
    proc = run(autograder_cmd("roster", "import", str(roster)), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "3 student(s)" in proc.stdout
    return course


def test_roster_import_fills_the_gradebook(course):
    with Gradebook(course.db_url, course.course_id) as gb:
        got = {s.id: (s.first_name, s.last_name, s.email, s.lms_user_id) for s in gb.students}
    assert got == {"right": ("Ada", "Lovelace", "ada@uni.example", "1001"),
                   "hidden": ("Émile", "Borel, Jr", "borel@uni.example", "1002"),
                   "absent": ("Carl", "Gauss", "gauss@uni.example", None)}


def test_nbgrader_csv_has_names_and_emails(course):
    rows = export_rows(course)
    assert {s: (r["first_name"], r["last_name"], r["email"], r["score"]) for s, r in rows.items()} == {
        "right": ("Ada", "Lovelace", "ada@uni.example", "5.0"),
        "hidden": ("Émile", "Borel, Jr", "borel@uni.example", "4.0"),
        "absent": ("Carl", "Gauss", "gauss@uni.example", "0.0")}


def test_canvas_csv_layout(course):
    rows = export_rows(course, "--lms", "canvas")  # DictReader over the Canvas file
    with open(course.root / "grades-test-lms.csv", newline="", encoding="utf-8") as fh:
        raw = list(csv.reader(fh))
    assert raw[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A]
    assert tuple(raw[0][:5]) == CANVAS_COLUMNS
    assert raw[1] == ["Points Possible", "", "", "", "", "7"]
    assert raw[2:] == [["Gauss, Carl", "", "absent", "gauss@uni.example", "", "0"],  # by student id
                       ["Borel, Jr, Émile", "1002", "hidden", "borel@uni.example", "", "4"],
                       ["Lovelace, Ada", "1001", "right", "ada@uni.example", "", "5"]]
    assert len(rows) == 4  # the Points Possible row and three students


def test_roster_errors_name_the_columns(course, tmp_path):
    bad = _write_csv(tmp_path / "bad.csv", [{"student": "x", "email": "x@y"}], ["student", "email"])
    proc = run(autograder_cmd("roster", "import", str(bad)), cwd=course.root)
    assert proc.returncode == 1
    assert "missing: id" in proc.stderr and "unknown: student" in proc.stderr
    twice = _write_csv(tmp_path / "twice.csv", [{"id": "a"}, {"id": "a"}], ["id"])
    proc = run(autograder_cmd("roster", "import", str(twice)), cwd=course.root)
    assert proc.returncode == 1 and "'a' appears twice" in proc.stderr
    proc = run(autograder_cmd("export", "--lms", "moodle"), cwd=course.root)
    assert proc.returncode == 2 and "canvas" in proc.stderr


def test_feedback_for_one_student_leaves_the_others_alone(course):
    right_html = course.feedback_dir("right", A) / f"{A}.html"
    hidden_html = course.feedback_dir("hidden", A) / f"{A}.html"
    proc = run(autograder_cmd("-q", "feedback", A, "--student", "hidden"), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert hidden_html.is_file() and not right_html.exists()
    proc = run(autograder_cmd("-q", "feedback", A), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    right_before = (right_html.stat().st_mtime_ns, right_html.read_bytes())
    hidden_html.write_text("stale")
    proc = run(autograder_cmd("-q", "feedback", A, "--student", "hidden"), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "answer should be 42" in hidden_html.read_text()
    assert (right_html.stat().st_mtime_ns, right_html.read_bytes()) == right_before
    proc = run(autograder_cmd("feedback", A, "--student", "nobody"), cwd=course.root)
    assert proc.returncode == 1 and "no graded submission of toy for 'nobody'" in proc.stderr
