"""Small helpers to build nbgrader *source* notebooks with nbformat (used by tools/build_*.py).

Every cell gets nbgrader metadata of schema version 3:
- ``md(text)``                      a plain markdown cell (no nbgrader role)
- ``locked(code, grade_id)``        read-only code: nbgrader restores it before grading
- ``solution(code, grade_id)``      the student's answer cell (``### BEGIN/END SOLUTION``)
- ``test(code, grade_id, points)``  an autograded test cell (``### BEGIN/END HIDDEN TESTS``)
"""

from __future__ import annotations

import textwrap

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _nbg(grade_id, *, grade=False, solution=False, locked=False, task=False, points=None):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": task,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _src(text):
    return textwrap.dedent(text).strip("\n")


def md(text):
    return new_markdown_cell(_src(text))


def locked_md(text, grade_id):
    cell = new_markdown_cell(_src(text))
    cell.metadata.update(_nbg(grade_id, locked=True))
    return cell


def locked(code, grade_id):
    cell = new_code_cell(_src(code))
    cell.metadata.update(_nbg(grade_id, locked=True))
    return cell


def solution(code, grade_id):
    cell = new_code_cell(_src(code))
    cell.metadata.update(_nbg(grade_id, solution=True))
    return cell


def test(code, grade_id, points):
    cell = new_code_cell(_src(code))
    cell.metadata.update(_nbg(grade_id, grade=True, locked=True, points=points))
    return cell


def notebook(cells, title):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["title"] = title
    return nb


def write(nb, path):
    nbformat.validate(nb)
    with open(path, "w", encoding="utf-8") as fh:
        nbformat.write(nb, fh)
    print(f"wrote {path} ({len(nb.cells)} cells)")


def graded_test(function, points, assignment):
    """The autograded test cell of one function: a hidden call of the trusted in-kernel check."""
    return test(
        f'''
        # Autograded test of {function} ({points} point{"s" if points != 1 else ""}).
        # The hidden part runs the full check on fresh random cases (see the top of the notebook).
        from autograder.checks.inkernel import assert_passes
        ### BEGIN HIDDEN TESTS
        _ = assert_passes("{function}", globals(), assignment="{assignment}")
        ### END HIDDEN TESTS
        ''',
        f"test_{function}",
        points,
    )


def self_check_cell(function, assignment):
    extra = "" if assignment == "backprop" else f', assignment="{assignment}"'
    return locked(
        f'''
        # Self-check: run me after editing {function}. Prints what is wrong, if anything.
        _ = self_check("{function}", {function}{extra})
        ''',
        f"check_{function}",
    )
