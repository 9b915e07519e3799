"""Autograded notebooks whose test cells carry the grader's messages, for nbgrader's feedback.

``nbgrader generate_feedback`` renders ``autograded/<student>/<A>/<A>.ipynb`` to HTML with
the scores from the gradebook. :func:`write_autograded` produces that notebook from a
grade record the way ``nbgrader autograde`` would — the submission is copied (never
modified in place), nbgrader's own sanitizing preprocessors restore the locked and test
cells from the gradebook — and then, instead of executing it, fills each autograded test
cell's outputs with the trusted grader's verdict:

* full marks: a line ``✓ test_f passed: 2/2 points``;
* partial credit: the messages, then the score as the cell's result (nbgrader's partial
  credit convention);
* no credit: the messages, then an ``AssertionError`` output naming what is wrong.

The messages say which output is wrong, by how much, at what shape, and the likely bug.
"""

from __future__ import annotations

import shutil

import nbformat
from nbformat.v4 import new_output

from autograder.course import Course

__all__ = ["write_autograded", "outputs_for", "render_messages"]


def render_messages(outcome) -> str:
    head = f"{outcome.test_id}: {outcome.points:g}/{outcome.points_possible:g} points"
    lines = [("✓ " if outcome.passed else "✗ ") + head]
    for m in outcome.messages:
        for i, part in enumerate(str(m).split("\n")):
            if not part.strip():
                continue
            lines.append(("  • " if i == 0 and not part.startswith(" ") else "      ") + part.strip())
    return "\n".join(lines) + "\n"


def outputs_for(outcome) -> list:
    """nbformat outputs that present ``outcome`` in a test cell (and score it like nbgrader)."""
    outs = [new_output("stream", name="stdout", text=render_messages(outcome))]
    if outcome.passed:
        return outs
    if outcome.points > 0:
        outs.append(
            new_output("execute_result", data={"text/plain": f"{outcome.points:g}"}, execution_count=None)
        )
        return outs
    first = outcome.messages[0] if outcome.messages else "the test did not pass"
    outs.append(
        new_output(
            "error",
            ename="AssertionError",
            evalue=f"{outcome.function}: {first}",
            traceback=[f"AssertionError: {outcome.function} earned 0/{outcome.points_possible:g} points", first],
        )
    )
    return outs


def _sanitize(course: Course, nb, assignment: str, student: str):
    """Run nbgrader's autograde sanitizing preprocessors on ``nb`` (restores locked/test cells
    and hidden tests from the gradebook, clears outputs, fixes the kernelspec)."""
    from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec

    resources = {
        "nbgrader": {
            "student": student,
            "assignment": assignment,
            "notebook": course.notebook_name(assignment)[: -len(".ipynb")],
            "db_url": course.db_url,
        }
    }
    for pp_cls in (ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata):
        nb, resources = pp_cls().preprocess(nb, resources)
    return nb


def write_autograded(course: Course, record) -> str:
    """Write ``autograded/<student>/<A>/<A>.ipynb`` for ``record``; returns its path."""
    A, S = record.assignment, record.student
    name = course.notebook_name(A)
    src = course.submitted_dir(S, A) / name
    try:
        nb = nbformat.read(str(src), as_version=4)
        nb = _sanitize(course, nb, A, S)
    except Exception:
        # unreadable or mangled submission: present the released notebook with the reasons
        nb = nbformat.read(str(course.release_notebook(A)), as_version=4)
        try:
            nb = _sanitize(course, nb, A, S)
        except Exception:
            pass
    by_id = {o.test_id: o for o in record.outcomes}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        outcome = by_id.get(meta.get("grade_id"))
        if outcome is not None and meta.get("grade"):
            cell.outputs = outputs_for(outcome)
    if record.status != "graded" and record.reason:
        note = nbformat.v4.new_markdown_cell(f"**Autograder:** {record.reason}")
        nb.cells.insert(0, note)
    dest_dir = course.autograded_dir(S, A)
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / name
    tmp = dest.with_suffix(".ipynb.tmp")
    nbformat.write(nb, str(tmp))
    tmp.replace(dest)
    ts = course.submitted_dir(S, A) / "timestamp.txt"
    if ts.is_file():
        shutil.copyfile(ts, dest_dir / "timestamp.txt")
    return str(dest)
