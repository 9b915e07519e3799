"""Recover, for stock ``nbgrader autograde``, a solution cell turned into Markdown or Raw.

Pressing ``M`` (or ``R``) in Jupyter's command mode turns the student's answer cell into a
Markdown (Raw) cell; the source and the cell's nbgrader metadata stay as they were. nbgrader's
own ``OverwriteCells`` already turns such a cell back into a code cell (it restores the cell
type of the source notebook), which recovers plain code — but not code the student wrapped in a
code fence (```` ```python ````), which then fails with a SyntaxError.

:class:`RecoverSolutionCells` runs just before ``OverwriteCells`` (see ``nbgrader_config.py``,
``Autograde.sanitize_preprocessors``) and, in a Markdown/Raw cell that nbgrader knows as a
solution cell, keeps only what :func:`autograder.extract.recover_code` recovers — the code that
compiles and defines the cell's function (fenced blocks, or the whole text). Prose is never
turned into code; a cell with nothing to recover is left to nbgrader as it is. ``autograder
grade`` recovers the same cells (:mod:`autograder.extract`), so both graders agree.
"""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.extract import recover_code

__all__ = ["RecoverSolutionCells"]


class RecoverSolutionCells(NbGraderPreprocessor):
    """Replace a Markdown/Raw solution cell's text by the code it contains (for OverwriteCells)."""

    def preprocess_cell(self, cell, resources, index):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = meta.get("grade_id")
        if cell.cell_type == "code" or not meta.get("solution") or not isinstance(grade_id, str):
            return cell, resources
        code, defines, _ = recover_code(cell.source, [grade_id])
        if defines and code != cell.source:
            self.log.warning("Solution cell %s is a %s cell: its code is graded (recovered from the text)",
                             grade_id, cell.cell_type)
            cell.source = code
        return cell, resources
