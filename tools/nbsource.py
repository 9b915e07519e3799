"""Small helpers to build nbgrader *source* notebooks with nbformat (used by solutions/<A>/build.py).

Every cell gets nbgrader metadata of schema version 3:
- ``md(text)``                      a plain markdown cell (no nbgrader role)
- ``locked(code, grade_id)``        read-only code: nbgrader restores it before grading
- ``solution(code, grade_id)``      the student's answer cell (``### BEGIN/END SOLUTION``)
- ``test(code, grade_id, points)``  an autograded test cell (``### BEGIN/END HIDDEN TESTS``)
- ``graded_test(function, points, assignment)``  the test cell of a graded function
- ``demo(code, grade_id)``          a locked demonstration cell (``demo_*``), never run by the grader
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
    """Validate and write ``nb``; cell ids are derived from the cell's place and role, so
    building twice gives the same file (nbformat would draw random ids)."""
    for i, cell in enumerate(nb.cells):
        role = cell.metadata.get("nbgrader", {}).get("grade_id") or cell.cell_type
        cell.id = f"c{i:02d}-{role}"[:64]
    nbformat.validate(nb)
    with open(path, "w", encoding="utf-8") as fh:
        nbformat.write(nb, fh)
    print(f"wrote {path} ({len(nb.cells)} cells)")


def graded_test(function, points, assignment):
    """The autograded test cell of one function, in two parts.

    The visible part is the student's self-check (:mod:`coursekit.selfcheck`, the library alone: it
    runs wherever the notebook goes), so ``nbgrader validate`` (and JupyterLab's Validate button)
    fails, naming the function, until it passes. The hidden part (stripped from the release, run by
    stock ``nbgrader autograde``) runs the grader's trusted check on every case ``autograder grade``
    judges (``cases="all"``: the grader's visible and hidden cases), so both graders give the same
    points.
    """
    s = "s" if points != 1 else ""
    try:  # a new assignment may have no student-side self-check yet: then the cell has no visible part
        from coursekit.selfcheck import spec_for

        spec_for(function)
        visible = f'''# Visible part: the self-check's cases (this cell fails until they pass).
        # Hidden part, run when you are graded: the grader's fixed cases, the same for all.
        from coursekit.selfcheck import assert_passes
        _ = assert_passes("{function}", globals())'''
    except ValueError:
        visible = f'''# No self-check for {function}: it is checked when you are graded (hidden part).'''
    return test(
        f'''
        # Autograded test of {function} ({points} point{s}).
        {visible}
        ### BEGIN HIDDEN TESTS
        from autograder.checks.inkernel import assert_passes
        _ = assert_passes("{function}", globals(), assignment="{assignment}", cases="all")
        ### END HIDDEN TESTS
        ''',
        f"test_{function}",
        points,
    )


def demo(code, grade_id):
    """A given, locked cell that only shows the student's functions at work.

    Its grade id starts with ``demo_``: the grader never runs it (``autograder.extract``), while
    it runs for the student in Jupyter and under stock nbgrader, so its code must never raise
    (catch an unfinished or broken function and say so).
    """
    if not grade_id.startswith("demo_"):
        raise ValueError(f"grade_id: a demonstration cell's id starts with 'demo_', got {grade_id!r}")
    return locked(code, grade_id)


def self_check_cell(function, assignment):
    """The locked self-check cell after a solution cell (:func:`coursekit.selfcheck.self_check`)."""
    return locked(
        f'''
        # Self-check: run me after editing {function}. Prints what is wrong, if anything.
        _ = self_check("{function}", globals())
        ''',
        f"check_{function}",
    )


def assignment_points(folder):
    """``{function: points}`` of the assignment in ``folder`` (``solutions/<A>/``), read from its
    checks module (the one place points are written); whole numbers as ``int``, as nbgrader
    shows them."""
    from pathlib import Path

    from autograder.assignments import use_solutions
    from autograder.checks import module_for

    folder = Path(folder).resolve()
    use_solutions(folder.parent)
    points = module_for(folder.name).POINTS
    return {f: int(p) if float(p).is_integer() else float(p) for f, p in points.items()}
