"""Issue 12, findings 4 and 8: one verdict whichever grader runs.

Honest submissions — correct, in any style, with numpy warnings or debugging output — get the
same per-test scores (full marks) from stock ``nbgrader autograde`` and from ``autograder
grade``. Stock nbgrader scores a graded cell with any stderr output as 0, so the in-kernel
checks must keep the student's output and warnings out of the test cells.

The same runs grade solution cells turned into Markdown or Raw cells by accident (pressing
``M``/``R`` in Jupyter keeps the source and the nbgrader metadata), with and without a code
fence: both graders grade them; ``autograder grade`` says so in a note.

"Stock" here is nbgrader executing the notebook in a kernel: ``nbgrader autograde A
--TrustedGrader.in_kernel=True``. Plain ``nbgrader autograde A`` (and formgrader's Autograde
button) runs the trusted grader through ``nbgrader_config.py`` (autograder/nbgrader_autograde.py):
on the same submissions, and on broken ones (a bug, an exception, an endless loop, a blank and a
truncated notebook), it must give exactly the scores of ``autograder grade``, carry the grader's
messages in the test cells, and finish without an error.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.demo import make_course_copy, solution_code, write_submission

from grading_helpers import BACKPROP_POINTS, autograder_cmd, nbgrader_cmd, run

A = "backprop"
FULL = {f"test_{f}": float(p) for f, p in BACKPROP_POINTS.items()}

#: Correct code that makes numpy warn: exp(800) overflows to inf (s = 0, the right answer).
SIGMOID_EXP = '''
def sigmoid_backward(dout, z):
    s = 1 / (1 + np.exp(-z))
    return dout * s * (1 - s)
'''
#: Correct code with loops and 1/cosh²: cosh overflows for large |z| (1/inf² = 0, right again).
TANH_LOOPS = '''
def tanh_backward(dout, z):
    dz = np.empty_like(z)
    for idx in np.ndindex(*z.shape):
        dz[idx] = dout[idx] / np.cosh(z[idx]) ** 2
    return dz
'''
#: Correct code that leaves its debugging output in: stdout, stderr, a file descriptor, a warning.
CHATTY_SOFTMAX = '''
import os
import sys
import warnings


def softmax_backward(dout, z):
    y = softmax_forward(z)
    print("debug: y has shape", y.shape)
    print("debug: on stderr", file=sys.stderr)
    os.write(2, b"debug: straight to file descriptor 2\\n")
    warnings.warn("debug: my own warning")
    return y * (dout - (dout * y).sum(axis=1, keepdims=True))
'''

#: function -> (cell type it was turned into, with a code fence around the code?)
ACCIDENTS = {
    "linear_backward": ("markdown", False),  # pressing M on the answer: the source as it was
    "sigmoid_backward": ("markdown", True),
    "tanh_backward": ("raw", False),
    "relu_backward": ("raw", True),
}


def _fenced(code: str) -> str:
    return f"My answer:\n\n```python\n{code.strip()}\n```\n"


def _turn_cells(path, course):
    """Turn the solution cells of ACCIDENTS into markdown/raw cells, keeping source and metadata."""
    nb = nbformat.read(str(path), as_version=4)
    for i, cell in enumerate(nb.cells):
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and gid in ACCIDENTS:
            kind, fence = ACCIDENTS[gid]
            src = _fenced(cell.source) if fence else cell.source
            new = (nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_raw_cell)(src)
            new.metadata = cell.metadata
            new.id = cell.id
            nb.cells[i] = new
    nbformat.validate(nb)
    nbformat.write(nb, str(path))


def _scores(course):
    with Gradebook(course.db_url, course.course_id) as gb:
        return {sub.student.id: {g.name: g.score for g in gb.find_submission_notebook(A, A, sub.student.id).grades}
                for sub in gb.find_assignment(A).submissions}


def _submit(course):
    write_submission(course, A, "styles", functions={"sigmoid_backward": SIGMOID_EXP.strip("\n"),
                                                     "tanh_backward": TANH_LOOPS.strip("\n"),
                                                     "softmax_backward": CHATTY_SOFTMAX.strip("\n")})
    _turn_cells(write_submission(course, A, "accidents", kind="solution"), course)


#: Broken submissions graded by `autograder grade` and by `nbgrader autograde` (the trusted grader).
BROKEN = {"blank": "blank", "buggy": "buggy:linear_backward", "raises": "raises:softmax_backward",
          "hangs": "hangs:tanh_backward"}


def _submit_broken(course):
    for student, kind in BROKEN.items():
        write_submission(course, A, student, kind=kind)
    truncated = course.submitted_dir("truncated", A)
    truncated.mkdir(parents=True)
    (truncated / "backprop.ipynb").write_text('{"cells": [{"cell_type": "code", "source": "def linear_')


@pytest.fixture(scope="module")
def both_graders(tmp_path_factory):
    """The same two submissions graded by stock nbgrader executing them in a kernel in one course
    copy and by `autograder grade` in another."""
    stock = make_course_copy(tmp_path_factory.mktemp("stock"))
    ours = make_course_copy(tmp_path_factory.mktemp("ours"))
    for course in (stock, ours):
        course.run_api("generate_assignment", A, force=True)
        _submit(course)
    _submit_broken(ours)
    proc = run(nbgrader_cmd("autograde", A, "--TrustedGrader.in_kernel=True"), cwd=stock.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Trusted grader" not in proc.stdout + proc.stderr
    proc = run(autograder_cmd("-q", "grade", A, "--workers", "2"), cwd=ours.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return stock, ours


@pytest.fixture(scope="module")
def nbgrader_trusted(tmp_path_factory):
    """The submissions of `ours` graded by plain `nbgrader autograde` (what formgrader's Autograde
    button runs); returns the course and nbgrader's output."""
    course = make_course_copy(tmp_path_factory.mktemp("nbgrader"))
    course.run_api("generate_assignment", A, force=True)
    _submit(course)
    _submit_broken(course)
    proc = run(nbgrader_cmd("autograde", A), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return course, proc.stdout + proc.stderr


def test_the_submissions_are_what_they_claim(tmp_path):
    """The styles really make numpy warn and print, and the accident cells are not code cells."""
    import warnings

    import numpy as np

    ns = {"np": np}
    exec(SIGMOID_EXP, ns)
    exec(TANH_LOOPS, ns)
    z = np.array([[-800.0, 0.0, 800.0]])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert np.all(np.isfinite(ns["sigmoid_backward"](np.ones_like(z), z)))
        assert np.all(np.isfinite(ns["tanh_backward"](np.ones_like(z), z)))
    assert any(issubclass(w.category, RuntimeWarning) and "overflow" in str(w.message) for w in caught)
    course = make_course_copy(tmp_path)
    course.run_api("generate_assignment", A, force=True)
    _submit(course)
    nb = nbformat.read(str(course.submitted_dir("accidents", A) / "backprop.ipynb"), as_version=4)
    types = {c.metadata["nbgrader"]["grade_id"]: c.cell_type for c in nb.cells
             if c.metadata.get("nbgrader", {}).get("solution")}
    assert {f: types[f] for f in ACCIDENTS} == {f: k for f, (k, _) in ACCIDENTS.items()}
    assert "```python" in next(c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id")
                               == "sigmoid_backward")
    assert solution_code(course, A, "tanh_backward").strip() in next(
        c.source for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "tanh_backward")


@pytest.mark.parametrize("student", ["styles", "accidents"])
def test_stock_nbgrader_gives_full_marks(both_graders, student):
    stock, _ = both_graders
    assert _scores(stock)[student] == FULL


@pytest.mark.parametrize("student", ["styles", "accidents"])
def test_autograder_grade_gives_full_marks(both_graders, student):
    _, ours = both_graders
    assert _scores(ours)[student] == FULL


def test_no_stderr_in_the_stock_test_cells(both_graders):
    """What the student's functions printed or warned never reached a graded cell's output."""
    stock, _ = both_graders
    nb = nbformat.read(str(stock.autograded_dir("styles", A) / "backprop.ipynb"), as_version=4)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            text = json.dumps(cell.outputs)
            assert "stderr" not in text and "debug" not in text, (meta["grade_id"], text[:500])


def test_the_recovered_cells_are_noted_for_the_instructor(both_graders):
    _, ours = both_graders
    proc = run(autograder_cmd("report", A), cwd=ours.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads((ours.reports_dir(A) / "report.json").read_text())
    notes = " ".join(n for f in data["flagged"] if f["student"] == "accidents" for n in f["notes"])
    for f, (kind, _) in ACCIDENTS.items():
        assert f in notes
    assert "markdown cell" in notes and "raw cell" in notes


def test_nbgrader_autograde_runs_the_trusted_grader(nbgrader_trusted):
    course, log = nbgrader_trusted
    students = ["styles", "accidents", *BROKEN, "truncated"]
    for student in students:
        assert f"Trusted grader: {student}/{A} " in log, log[-3000:]
    journal = course.journal_path(A).read_text().splitlines()
    assert sorted(json.loads(line)["student"] for line in journal if line.strip()) == sorted(students)


def test_nbgrader_autograde_gives_the_scores_of_autograder_grade(both_graders, nbgrader_trusted):
    _, ours = both_graders
    course, _ = nbgrader_trusted
    got = _scores(course)
    assert got == _scores(ours)
    # not equal by being empty or uniform: the broken submissions lose exactly their function's points
    assert got["styles"] == got["accidents"] == FULL
    assert got["buggy"] == {**FULL, "test_linear_backward": 0.0}
    assert got["raises"] == {**FULL, "test_softmax_backward": 0.0}
    assert got["hangs"] == {**FULL, "test_tanh_backward": 0.0}
    assert got["blank"] == got["truncated"] == {t: 0.0 for t in FULL}


def _test_cell_outputs(course, student):
    nb = nbformat.read(str(course.autograded_dir(student, A) / "backprop.ipynb"), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: c.outputs for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"}


@pytest.mark.parametrize("student", ["buggy", "hangs", "truncated"])
def test_nbgrader_autograde_writes_the_grader_messages(both_graders, nbgrader_trusted, student):
    """The test cells formgrader shows carry what `autograder grade` writes: the grader's messages."""
    _, ours = both_graders
    course, _ = nbgrader_trusted
    outputs = _test_cell_outputs(course, student)
    assert outputs == _test_cell_outputs(ours, student)
    failed = {"buggy": "test_linear_backward", "hangs": "test_tanh_backward", "truncated": "test_linear_backward"}
    text = "".join(o.get("text", "") for o in outputs[failed[student]])
    assert text.startswith(f"✗ {failed[student]}: 0/"), text
