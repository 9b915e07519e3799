"""Write grade records into nbgrader's gradebook, exactly where ``nbgrader autograde`` would.

For one :class:`~autograder.pipeline.GradeRecord` this creates (or updates) the student and
the submission rows — nbgrader then creates one grade/comment row per cell of the assignment
— and sets the ``auto_score`` of each autograded test cell to the points the trusted
grader awarded. Manual scores an instructor entered stay untouched (as with stock
autograde, a cell with a manual score is flagged ``needs_manual_grade`` for review).

Manually graded cells (written answers, tasks: ``TestOutcome.manual``) get no automatic score
— an unchanged one gets 0, as nbgrader gives — and are flagged ``needs_manual_grade`` until
formgrader scores them. The late penalty of the course (:mod:`autograder.late`) is applied
after the scores, as nbgrader's ``AssignLatePenalties`` does.

Every total the instructor sees (``autograder grade``'s summary, ``report``, ``export``,
feedback) is read back from here by :func:`totals`: a cell's score is nbgrader's (manual score
if set, else the auto score, plus extra credit), the total is the sum minus the late penalty.

Single writer: only the main process calls :func:`write_record` (the pipeline's
``on_record`` callback), so sqlite never sees concurrent writers.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import nbformat
from nbgrader import utils as nbg_utils
from nbgrader.api import Gradebook, MissingEntry

from autograder.course import Course, CourseError

__all__ = ["write_record", "scores", "totals", "Total", "set_duedate"]


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

    def __init__(self, course: Course, late=None):
        self.course = course
        self.gb = None
        self.late = late

    def write(self, record) -> None:
        if self.gb is None:
            self.gb = Gradebook(self.course.db_url, self.course.course_id)
        if self.late is None:
            from autograder.course_options import course_config
            from autograder.late import late_plugin

            self.late = late_plugin(course_config(self.course))
        try:
            _write(self.gb, self.course, record, self.late)
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


def _grades(gb, notebook_id: str, assignment: str, student: str) -> dict:
    """``{cell name: Grade}`` of a submitted notebook (grade AND task cells)."""
    return {g.name: g for g in gb.find_submission_notebook(notebook_id, assignment, student).grades}


def _write(gb, course: Course, record, late=None) -> None:
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
        grades = _grades(gb, notebook_id, assignment, student)
        unchanged = _unchanged_solution_cells(course, record)
        for outcome in record.outcomes:
            grade = grades.get(outcome.test_id)
            if grade is None:
                raise CourseError(
                    f"grade cell {outcome.test_id!r} of {assignment}/{notebook_id} is not in the gradebook: "
                    f"re-run `autograder generate {assignment}` after editing the source notebook"
                )
            if outcome.manual:  # as nbgrader's SaveAutoGrades: no response is 0, anything else is for a human
                grade.auto_score = 0.0 if outcome.test_id in unchanged else None
                grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
            else:
                grade.auto_score = float(outcome.points)
                grade.needs_manual_grade = grade.manual_score is not None
        nb = gb.find_notebook(notebook_id, assignment)
        for cell in nb.solution_cells:
            try:
                comment = gb.find_comment(cell.name, notebook_id, assignment, student)
            except MissingEntry:
                continue
            comment.auto_comment = "No response." if cell.name in unchanged else None
        gb.db.commit()
        if late is not None:
            from autograder.late import apply_late_penalty

            apply_late_penalty(gb, late, assignment, notebook_id, student)
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


@dataclass
class Total:
    """One student's grade of one assignment, as the gradebook holds it.

    ``cells``: ``{cell: (score or None, max score, needs manual grading)}`` in notebook order;
    ``raw``: sum of the cell scores (manual score if set, else auto score, plus extra credit);
    ``penalty``: the late penalty; ``score``: ``max(0, raw − penalty)`` (nbgrader export's "score").
    """

    student: str
    raw: float
    penalty: float
    score: float
    max_score: float
    cells: dict = field(default_factory=dict)
    timestamp: object = None
    seconds_late: float = 0.0

    @property
    def pending(self) -> list[str]:
        """Cells still waiting for a manual grade."""
        return [c for c, (_, _, manual) in self.cells.items() if manual]


def totals(course: Course, assignment: str, students=None) -> dict[str, Total]:
    """``{student: Total}`` of every submission of ``assignment`` in the gradebook (or of ``students``)."""
    notebook_id = course.notebook_name(assignment)[: -len(".ipynb")]
    out: dict[str, Total] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Gradebook(course.db_url, course.course_id) as gb:
            try:
                a = gb.find_assignment(assignment)
            except MissingEntry:
                return out
            order = {}
            try:
                nb = gb.find_notebook(notebook_id, assignment)
                order = {c.name: i for i, c in enumerate(nb.source_cells)}
            except MissingEntry:
                pass
            max_score = float(a.max_score or 0.0)
            for sub in a.submissions:
                sid = sub.student.id
                if students is not None and sid not in students:
                    continue
                cells = {}
                penalty = 0.0
                for snb in sub.notebooks:
                    penalty += float(snb.late_submission_penalty or 0.0)
                    for g in sorted(snb.grades, key=lambda g: order.get(g.name, 1 << 30)):
                        pending = g.manual_score is None and g.auto_score is None
                        cells[g.name] = (None if pending else float(g.score or 0.0), float(g.max_score or 0.0),
                                         pending)
                raw = float(sub.score or 0.0)
                out[sid] = Total(sid, raw, penalty, max(0.0, raw - penalty), max_score, cells,
                                 sub.timestamp, float(sub.total_seconds_late))
    return out


def set_duedate(course: Course, assignment: str, duedate: str) -> object:
    """Set the due date of ``assignment`` in the gradebook (what ``nbgrader db assignment add A
    --duedate=...`` does); ``duedate`` in any format nbgrader parses (e.g. ``2026-12-01T23:59``,
    UTC unless a zone is given). Returns the stored datetime."""
    try:
        when = nbg_utils.parse_utc(duedate)
    except Exception:
        raise CourseError(f"duedate: expected a date and time such as 2026-12-01T23:59, got {duedate!r}") from None
    with Gradebook(course.db_url, course.course_id) as gb:
        gb.update_or_create_assignment(assignment, duedate=when)
        return when
