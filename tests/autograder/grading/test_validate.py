"""Issue 12, finding 5: `nbgrader validate` (the code behind JupyterLab's Validate button) fails on
the blank release and on a buggy notebook, naming the failing function, and passes on a correct one.

The visible part of every test cell runs the self-check's cases (``cases="visible"``); the real
``nbgrader validate`` command runs on released notebooks in a throwaway copy of the course.
"""

from __future__ import annotations

import re

import pytest

from autograder.demo import write_submission

from grading_helpers import POINTS, nbgrader_cmd, run

BUG = {"backprop": "relu_backward", "optimizers": "adam_step", "svm": "hinge_loss_and_grad"}
RUNS = [("backprop", "blank"), ("backprop", "buggy"), ("backprop", "solution"),
        ("optimizers", "blank"), ("optimizers", "solution"), ("svm", "blank"), ("svm", "buggy"),
        ("svm", "solution")]


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    from autograder.demo import make_course_copy

    course = make_course_copy(tmp_path_factory.mktemp("validate"))
    for a in POINTS:
        course.run_api("generate_assignment", a, force=True)
    return course


def _validate(course, assignment, kind):
    if kind == "blank":
        path = course.release_notebook(assignment)  # the released notebook itself
    else:
        path = write_submission(course, assignment, kind,
                                kind=f"buggy:{BUG[assignment]}" if kind == "buggy" else "solution")
    proc = run(nbgrader_cmd("validate", str(path)), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def _failed_functions(out: str) -> list[str]:
    """The functions named by the failing cells of a validate report (their assert_passes call)."""
    blocks = out.split("The following cell failed:")[1:]
    names = []
    for block in blocks:
        source = block.split("The error was:")[0]
        m = re.search(r'assert_passes\("(\w+)"', source)
        names.append(m.group(1) if m else "?")
    return names


@pytest.mark.parametrize("assignment,kind", RUNS)
def test_validate(course, assignment, kind):
    out = _validate(course, assignment, kind)
    functions = list(POINTS[assignment])
    if kind == "solution":
        assert "Success! Your notebook passes all the tests." in out, out[-3000:]
        return
    expected = functions if kind == "blank" else [BUG[assignment]]
    assert "Success!" not in out
    assert f"VALIDATION FAILED ON {len(expected)} CELL(S)" in out, out[:3000]
    assert _failed_functions(out) == expected
    errors = out.split("The error was:")[1:]
    for f, error in zip(expected, errors):
        # the error names the failing function and says why (the self-check's message, coursekit.selfcheck)
        assert f"AssertionError: {f}: self-check failed" in error, error[:2000]
        if kind == "blank":
            assert "NotImplementedError" in error, error[:2000]
