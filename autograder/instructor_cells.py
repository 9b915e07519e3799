"""The grade cells of an assignment that no check of ``checks.py`` grades: the instructor's own.

Every ``grade: true`` cell of the release notebook counts (see README, "Every cell counts"):

* an **autograded test cell** (a code cell, ``grade: true``, not a solution) that is not the
  ``test_<function>`` cell of a :class:`~autograder.checks.base.FunctionCheck` — plain ``assert``
  statements over the student's functions and variables — is run IN THE SANDBOX after the
  student's code (:func:`autograder.grade_one.grade_submission`): full points when it raises
  nothing, 0 with the exception as the message otherwise. Its code is the instructor's: the
  SOURCE notebook's cell with the same grade id (hidden tests included), or the release's when
  the source is not there — never the student's copy;
* a **manually graded cell** (``grade: true`` and ``solution: true``, code or markdown: a written
  answer) or an nbgrader **task** cell gets no automatic score: it "needs manual grading" until
  an instructor scores it in formgrader (the gradebook's manual score).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from autograder.extract import _strip_imports, clean_magics
from autograder.notebook import NotebookError, read_cells

__all__ = ["GradeCell", "instructor_cells", "RUNNER", "RUNNER_SOURCE", "HIDDEN_MARKERS"]

#: nbgrader's default markers around hidden tests (removed: the code between them is kept)
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")

#: Name of the trusted runner defined in the sandbox after the student's code (an override).
RUNNER = "_autograder_run_test_cell"
#: Its source: executes one test cell's code in the notebook's namespace; no exception = pass.
RUNNER_SOURCE = f'''
def {RUNNER}(_self, _code):
    exec(compile(_code, "<student>", "exec"), globals())
    return None
'''


@dataclass(frozen=True)
class GradeCell:
    """One instructor grade cell: ``manual`` cells have no ``code`` to run."""

    grade_id: str
    points: float
    manual: bool
    code: str = ""


def _without_markers(src: str) -> str:
    return "\n".join(line for line in src.split("\n") if line.strip() not in HIDDEN_MARKERS)


def instructor_cells(release_notebook: str | os.PathLike, source_notebook: str | os.PathLike | None,
                     known_test_ids) -> list[GradeCell]:
    """The grade and task cells of the release notebook not in ``known_test_ids``, in notebook order.

    Raises
    ------
    RuntimeError
        If the release notebook cannot be read (a grader fault, never the student's).
    """
    try:
        release = read_cells(release_notebook)
    except (NotebookError, OSError) as exc:
        raise RuntimeError(f"release notebook {release_notebook} unreadable: {exc}") from exc
    source = {}
    if source_notebook and os.path.isfile(source_notebook):
        try:
            source = {c.grade_id: c for c in read_cells(source_notebook) if c.grade_id}
        except (NotebookError, OSError):
            source = {}
    known = set(known_test_ids)
    out = []
    for c in release:
        meta = c.meta
        gid = c.grade_id
        if not gid or gid in known or not (meta.get("grade") or meta.get("task")):
            continue
        try:
            points = float(meta.get("points") or 0.0)
        except (TypeError, ValueError):
            points = 0.0
        if meta.get("task") or meta.get("solution") or c.cell_type != "code":
            out.append(GradeCell(gid, points, manual=True))
            continue
        src = source[gid].source if gid in source and source[gid].cell_type == "code" else c.source
        out.append(GradeCell(gid, points, manual=False, code=_strip_imports(clean_magics(_without_markers(src)))))
    return out
