"""Grades in the layout an LMS gradebook imports: Canvas's gradebook CSV.

``autograder export --lms canvas`` writes the layout of the CSV that Canvas's Gradebook
exports and imports again (Gradebook → Import): the columns

    Student, ID, SIS User ID, SIS Login ID, Section, <assignment>, <assignment>, ...

then a second row ``Points Possible`` with each assignment's maximum, then one row per student:
``Student`` is "Last, First" (from the roster), ``ID`` the roster's ``lms_user_id`` (Canvas's
user id), ``SIS User ID`` the course's student id, ``SIS Login ID`` the roster's e-mail,
``Section`` empty. An assignment column holds the score of nbgrader's export — the gradebook's
total minus the late penalty (:func:`autograder.gradebook.totals`), 0 for no submission. An
assignment column named without a Canvas id ("backprop", not "backprop (1234)") makes Canvas
create the assignment, with the points of the Points Possible row, on the first import.
"""
from __future__ import annotations

import csv
import warnings
from pathlib import Path

from autograder.course import Course

__all__ = ["CANVAS_COLUMNS", "canvas_rows", "write_canvas_csv", "LAYOUTS"]

#: The student columns of Canvas's gradebook CSV, in order.
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
#: The LMS layouts ``autograder export --lms`` writes.
LAYOUTS = ("canvas",)


def _number(x: float) -> str:
    return f"{x:g}"


def canvas_rows(course: Course) -> list[list[str]]:
    """The rows of the Canvas CSV (header, Points Possible, one per student sorted by id)."""
    from nbgrader.api import Gradebook

    from autograder.gradebook import totals

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Gradebook(course.db_url, course.course_id) as gb:
            assignments = sorted((a.name, float(a.max_score or 0.0)) for a in gb.assignments)
            students = sorted((s.id, s.first_name or "", s.last_name or "", s.email or "", s.lms_user_id or "")
                              for s in gb.students)
    scores = {a: {s: t.score for s, t in totals(course, a).items()} for a, _ in assignments}
    rows = [list(CANVAS_COLUMNS) + [a for a, _ in assignments],
            ["Points Possible", "", "", "", ""] + [_number(m) for _, m in assignments]]
    for sid, first, last, email, lms_id in students:
        name = ", ".join(p for p in (last, first) if p) or sid
        rows.append([name, lms_id, sid, email, ""] + [_number(scores[a].get(sid, 0.0)) for a, _ in assignments])
    return rows


def write_canvas_csv(course: Course, to: str | Path) -> str:
    """Write the Canvas gradebook CSV of ``course`` at ``to``; returns its path."""
    to = Path(to)
    with open(to, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(canvas_rows(course))
    return str(to)
