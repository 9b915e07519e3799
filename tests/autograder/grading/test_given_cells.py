"""Issue 12, finding 6: the release's own cells are not the student's fault.

The demonstration cells (``demo_run`` in optimizers, ``demo_compare_sklearn`` in svm) carry a
``demo_`` grade id and are never executed by the grader; they still run for the student in Jupyter
(and under stock nbgrader), where an unfinished or broken function must not make them raise. A
correct submission of every assignment is graded with no flag and no note, and `autograder
report` flags nothing.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.demo import make_course_copy, write_submission
from autograder.extract import extract, given_chunks, read_cells

from grading_helpers import POINTS, REPO, autograder_cmd, run

DEMOS = {"optimizers": "demo_run", "svm": "demo_compare_sklearn"}


def _meta(cell):
    return cell.metadata.get("nbgrader", {})


@pytest.mark.parametrize("assignment", list(POINTS))
def test_demo_cells_are_marked_and_unguarded(assignment):
    nb = nbformat.read(str(REPO / "solutions" / assignment / f"{assignment}.ipynb"), as_version=4)
    demos = [c for c in nb.cells if _meta(c).get("grade_id", "").startswith("demo_")]
    assert [_meta(c)["grade_id"] for c in demos] == ([DEMOS[assignment]] if assignment in DEMOS else [])
    for c in demos:
        assert _meta(c).get("locked") and not _meta(c).get("grade") and not _meta(c).get("solution")
    for c in nb.cells:
        assert '"self_check" in globals()' not in c.source, _meta(c).get("grade_id")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A correct submission of every assignment, graded by `autograder grade`, then reported."""
    course = make_course_copy(tmp_path_factory.mktemp("given"))
    reports = {}
    for a in POINTS:
        course.run_api("generate_assignment", a, force=True)
        write_submission(course, a, "correct", kind="solution")
        proc = run(autograder_cmd("-q", "grade", a), cwd=course.root)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        proc = run(autograder_cmd("report", a), cwd=course.root)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        reports[a] = json.loads((course.reports_dir(a) / "report.json").read_text())
    return course, reports


@pytest.mark.parametrize("assignment", list(POINTS))
def test_given_code_excludes_demo_cells_only(graded, assignment):
    course, _ = graded
    release = read_cells(course.release_notebook(assignment))
    chunks = given_chunks(release)
    demo = [c for c in release if c.grade_id.startswith("demo_")]
    assert len(demo) == (assignment in DEMOS)
    for c in demo:
        assert all(c.source.strip() not in chunk for chunk in chunks)
    # every other locked code cell that is not a test or a self-check is still given code
    others = [c for c in release if c.cell_type == "code" and c.meta.get("locked") and not c.meta.get("grade")
              and not c.grade_id.startswith(("check_", "demo_"))]
    assert len(chunks) == len(others) >= 1
    if assignment == "optimizers":
        assert any("def rprop_start(" in chunk for chunk in chunks)
    ext = extract(course.submitted_dir("correct", assignment), f"{assignment}.ipynb",
                  course.release_notebook(assignment), list(POINTS[assignment]))
    assert ext.ok and all(ext.present.values()) and ext.notes == []


@pytest.mark.parametrize("assignment", list(POINTS))
def test_a_correct_submission_is_neither_flagged_nor_noted(graded, assignment):
    course, reports = graded
    journal = [json.loads(line) for line in course.journal_path(assignment).read_text().splitlines() if line.strip()]
    rec = [r for r in journal if r["student"] == "correct"][-1]
    assert rec["status"] == "graded"
    assert {o["test_id"]: o["points"] for o in rec["outcomes"]} == {
        f"test_{f}": float(p) for f, p in POINTS[assignment].items()}
    assert rec["flags"] == [] and rec["notes"] == []
    assert reports[assignment]["flagged"] == [] and reports[assignment]["failed"] == []


def _run_release(course, assignment, student, kind, tmp_path):
    """Execute a submission in a kernel as the student would (errors allowed, as nbgrader does)."""
    path = write_submission(course, assignment, student, kind=kind)
    nb = nbformat.read(str(path), as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


@pytest.mark.parametrize("assignment", list(DEMOS))
@pytest.mark.parametrize("kind", ["blank", "raises"])
def test_demo_cells_never_raise_for_the_student(graded, assignment, kind, tmp_path):
    course, _ = graded
    last = list(POINTS[assignment])[-1]
    nb = _run_release(course, assignment, f"demo-{kind}", "blank" if kind == "blank" else f"raises:{last}",
                      tmp_path)
    cell = next(c for c in nb.cells if _meta(c).get("grade_id") == DEMOS[assignment])
    assert [o for o in cell.outputs if o.output_type == "error"] == []
    text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    if kind == "blank":
        assert "(finish the" in text, text
    else:
        assert "failed here: ValueError: I am not finished" in text, text
