"""Every grade cell counts: an instructor-added plain-assert test cell is graded in the sandbox
(with its hidden part from the source notebook), a written answer waits for a manual grade, and
the summary of ``autograder grade``, ``autograder report`` and ``autograder export`` read the
same totals from the gradebook — manual scores and extra credit set as formgrader sets them
included."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from nbgrader.api import Gradebook

from gradebook_course import (A, HIDDEN_WRONG, MAX, ONE_CASE_WRONG, RIGHT, export_rows, gradebook_scores,
                              set_manual_score, submit, toy_course)
from grading_helpers import autograder_cmd, nbgrader_cmd, run

WRITTEN = "Because 2 (x + y) = 2 x + 2 y."


def _submit_class(course):
    # right: its copy of the instructor's test cell raises; only the instructor's code may count
    submit(course, "right", RIGHT, written=WRITTEN, test_cell='raise AssertionError("edited by the student")')
    submit(course, "onecase", ONE_CASE_WRONG)  # written answer left as released: no response
    submit(course, "hidden", HIDDEN_WRONG, written="It scales every entry.")


def _summary(stdout: str) -> dict:
    """``{student: (score, max)}`` from the lines `autograder grade` prints."""
    out = {}
    for line in stdout.splitlines():
        m = re.match(r"\s+(\S+)\s+([\d.]+)/([\d.]+)\s+failed:", line)
        if m:
            out[m.group(1)] = (float(m.group(2)), float(m.group(3)))
    return out


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = toy_course(tmp_path_factory.mktemp("cells"))
    _submit_class(course)
    proc = run(autograder_cmd("grade", A, "--workers", "1"), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return course, proc.stdout


def test_instructor_assert_cell_is_graded_with_its_hidden_part(graded):
    course, _ = graded
    scores = gradebook_scores(course)
    assert scores["right"]["extra_assert"] == 1.0  # the student's edited copy never ran
    assert scores["onecase"]["extra_assert"] == 1.0  # double(1) is right for it
    assert scores["hidden"]["extra_assert"] == 0.0  # fails only the hidden `assert answer == 42`
    assert {s: v["test_double"] for s, v in scores.items()} == {"right": 4.0, "onecase": 0.0, "hidden": 4.0}
    nb = nbformat.read(str(course.autograded_dir("hidden", A) / f"{A}.ipynb"), as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "extra_assert")
    text = json.dumps(cell.outputs)
    assert "AssertionError: answer should be 42" in text
    assert "answer == 42" in cell.source  # as nbgrader autograde: the instructor's cell, hidden part included


def test_written_answer_waits_for_a_manual_grade(graded):
    course, stdout = graded
    lines = {ln.split()[0]: ln for ln in stdout.splitlines() if re.match(r"\s+\S+\s+[\d.]+/", ln)}
    assert "needs manual grading: explain" in lines["right"]
    assert "needs manual grading: explain" in lines["hidden"]
    assert "needs manual grading" not in lines["onecase"]  # unchanged answer: 0, as nbgrader gives
    with Gradebook(course.db_url, course.course_id) as gb:
        right = gb.find_grade("explain", A, A, "right")
        blank = gb.find_grade("explain", A, A, "onecase")
        assert (right.auto_score, right.manual_score, right.needs_manual_grade) == (None, None, True)
        assert (blank.auto_score, blank.needs_manual_grade) == (0.0, False)
    report = run(autograder_cmd("report", A), cwd=course.root)
    assert report.returncode == 0, report.stdout + report.stderr
    assert re.search(r"explain .*\(2 need manual grading\)", report.stdout)


def test_summary_report_and_export_agree_after_formgrader_scores(graded):
    course, _ = graded
    set_manual_score(course, "right", "explain", 2.0)
    set_manual_score(course, "hidden", "explain", 1.5)
    with Gradebook(course.db_url, course.course_id) as gb:  # formgrader's extra credit
        gb.find_grade("extra_assert", A, A, "onecase").extra_credit = 0.5
        gb.db.commit()
    # hand-computed: right 4 + 1 + 2; hidden 4 + 0 + 1.5; onecase 0 + 1 (+0.5 extra) + 0
    expected = {"right": 7.0, "hidden": 5.5, "onecase": 1.5}

    proc = run(autograder_cmd("grade", A, "--workers", "1"), cwd=course.root)  # replayed: scores re-written
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "replayed 3" in proc.stdout
    assert _summary(proc.stdout) == {s: (v, MAX) for s, v in expected.items()}
    assert "needs manual grading" not in proc.stdout

    report = run(autograder_cmd("report", A), cwd=course.root)
    assert report.returncode == 0, report.stdout + report.stderr
    data = json.loads((course.reports_dir(A) / "report.json").read_text())
    assert data["totals"] == expected
    assert data["points_possible"] == MAX

    rows = export_rows(course)
    assert {s: float(r["score"]) for s, r in rows.items()} == expected
    assert {float(r["max_score"]) for r in rows.values()} == {MAX}
    # the manual scores survived the second grading run
    assert gradebook_scores(course)["right"]["explain"] == 2.0


def test_stock_nbgrader_grades_the_instructor_cell_the_same(tmp_path):
    course = toy_course(tmp_path)
    _submit_class(course)
    assert run(autograder_cmd("-q", "grade", A, "--workers", "1"), cwd=course.root).returncode == 0
    ours = gradebook_scores(course)
    proc = run(nbgrader_cmd("autograde", A, "--force"), cwd=course.root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    stock = gradebook_scores(course)
    for s in ("right", "onecase", "hidden"):
        assert {k: stock[s][k] for k in ("test_double", "extra_assert")} == \
            {k: ours[s][k] for k in ("test_double", "extra_assert")}, s
