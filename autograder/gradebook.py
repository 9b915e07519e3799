"""Write grade records into nbgrader's gradebook, exactly where ``nbgrader autograde`` would.

For one :class:`~autograder.pipeline.GradeRecord` this creates (or updates) the student and
the submission rows — nbgrader then creates one grade/comment row per cell of the assignment
— and sets the ``auto_score`` of each autograded test cell to the points the trusted
grader awarded. Manual scores an instructor entered stay untouched (as with stock
autograde, a cell with a manual score is flagged ``needs_manual_grade`` for review).

Single writer: only the main process calls :func:`write_record` (the pipeline's
``on_record`` callback), so sqlite never sees concurrent writers.
"""

from __future__ import annotations

import warnings

import nbformat
from nbgrader import utils as nbg_utils
from nbgrader.api import Gradebook, MissingEntry

from autograder.course import Course, CourseError

__all__ = ["write_record", "scores"]


def _timestamp(course: Course, student: str, assignment: str):
    path = course.submitted_dir(student, assignment) / "timestamp.txt"
    if path.is_file():
        text = path.read_text().strip()
        if text:
            try:
                return nbg_utils.parse_utc(text)
            except Exception:  # an unparsable timestamp must not stop grading
                return None
    return None


def _unchanged_solution_cells(course: Course, record) -> set[str]:
    """grade_ids of solution cells whose source the student did not change ("No response.")."""
    path = course.submitted_dir(record.student, record.assignment) / course.notebook_name(record.assignment)
    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception:
        return set()
    out = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and "checksum" in meta:
            if meta["checksum"] == nbg_utils.compute_checksum(cell):
                out.add(meta.get("grade_id"))
    return out


class Writer:
    """Keeps one gradebook connection open for a whole grading run (the single writer)."""

    def __init__(self, course: Course):
        self.course = course
        self.gb = None

    def write(self, record) -> None:
        if self.gb is None:
            self.gb = Gradebook(self.course.db_url, self.course.course_id)
        try:
            _write(self.gb, self.course, record)
        except Exception:
            self.gb.db.rollback()
            raise

    def close(self) -> None:
        if self.gb is not None:
            self.gb.close()
            self.gb = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def write_record(course: Course, record) -> None:
    """Store ``record``'s scores in the gradebook of ``course`` (idempotent)."""
    with Writer(course) as w:
        w.write(record)


def _write(gb, course: Course, record) -> None:
    assignment, student = record.assignment, record.student
    notebook_id = course.notebook_name(assignment)[: -len(".ipynb")]
    with warnings.catch_warnings():
        # nbgrader's own update_or_create_submission triggers harmless SQLAlchemy autoflush warnings
        warnings.simplefilter("ignore")
        try:
            gb.find_assignment(assignment)
        except MissingEntry:
            raise CourseError(
                f"assignment {assignment!r} is not in the gradebook {course.db_path}: "
                f"run `autograder generate {assignment}` first"
            ) from None
        gb.update_or_create_student(student)
        ts = _timestamp(course, student, assignment)
        if ts is not None:
            gb.update_or_create_submission(assignment, student, timestamp=ts)
        else:
            gb.update_or_create_submission(assignment, student)
        for outcome in record.outcomes:
            try:
                grade = gb.find_grade(outcome.test_id, notebook_id, assignment, student)
            except MissingEntry:
                raise CourseError(
                    f"grade cell {outcome.test_id!r} of {assignment}/{notebook_id} is not in the gradebook: "
                    f"re-run `autograder generate {assignment}` after editing the source notebook"
                ) from None
            grade.auto_score = float(outcome.points)
            grade.needs_manual_grade = grade.manual_score is not None
        unchanged = _unchanged_solution_cells(course, record)
        nb = gb.find_notebook(notebook_id, assignment)
        for cell in nb.solution_cells:
            try:
                comment = gb.find_comment(cell.name, notebook_id, assignment, student)
            except MissingEntry:
                continue
            comment.auto_comment = "No response." if cell.name in unchanged else None
        gb.db.commit()


def scores(course: Course, assignment: str) -> dict[str, dict[str, float]]:
    """``{student: {test_id: score}}`` of ``assignment`` as stored in the gradebook
    (manual score if an instructor set one, else the auto score)."""
    out: dict[str, dict[str, float]] = {}
    notebook_id = assignment
    with Gradebook(course.db_url, course.course_id) as gb:
        try:
            a = gb.find_assignment(assignment)
        except MissingEntry:
            return out
        for sub in a.submissions:
            try:
                snb = gb.find_submission_notebook(notebook_id, assignment, sub.student.id)
            except MissingEntry:
                continue
            out[sub.student.id] = {g.name: (g.score if g.score is not None else 0.0) for g in snb.grades}
    return out
