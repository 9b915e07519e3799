"""nbgrader's grades CSV, correctly quoted: the export plugin of the course.

nbgrader's own ``CsvExportPlugin`` joins the fields with commas without quoting, so a roster
name such as "Borel, Jr" shifts every later column of its row. :class:`QuotedCsvExportPlugin`
writes the very same columns and values (``assignment, duedate, timestamp, student_id,
last_name, first_name, email, raw_score, late_submission_penalty, score, max_score``; score =
max(0, raw score − late penalty); 0 for a student without a submission) through Python's
:mod:`csv`, quoting where needed. ``nbgrader_config.py`` sets it as ``c.ExportApp.plugin_class``,
so ``nbgrader export`` and ``autograder export`` both use it.
"""
from __future__ import annotations

import csv

from nbgrader.api import MissingEntry
from nbgrader.plugins import CsvExportPlugin

__all__ = ["QuotedCsvExportPlugin", "KEYS"]

#: The columns of nbgrader's CSV export, in order.
KEYS = ("assignment", "duedate", "timestamp", "student_id", "last_name", "first_name", "email",
        "raw_score", "late_submission_penalty", "score", "max_score")


def _text(x) -> str:
    return "" if x is None else str(x)


class QuotedCsvExportPlugin(CsvExportPlugin):
    """nbgrader's CSV export (same columns, same values), written with :mod:`csv` quoting."""

    def export(self, gradebook) -> None:
        dest = self.to or "grades.csv"
        students = {str(s) for s in self.student}
        assignments = {str(a) for a in self.assignment}
        self.log.info("Exporting grades to %s", dest)
        with open(dest, "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(KEYS)
            for assignment in gradebook.assignments:
                if assignments and assignment.name not in assignments:
                    continue
                for student in gradebook.students:
                    if students and student.id not in students:
                        continue
                    row = {"assignment": assignment.name, "duedate": assignment.duedate, "student_id": student.id,
                           "last_name": student.last_name, "first_name": student.first_name,
                           "email": student.email, "max_score": assignment.max_score}
                    try:
                        sub = gradebook.find_submission(assignment.name, student.id)
                    except MissingEntry:
                        row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0, score=0.0)
                    else:
                        penalty = sub.late_submission_penalty
                        row.update(timestamp=sub.timestamp, raw_score=sub.score, late_submission_penalty=penalty,
                                   score=max(0.0, sub.score - penalty))
                    w.writerow([_text(row[k]) for k in KEYS])
