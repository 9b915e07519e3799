"""The class roster: student ids, names and e-mail addresses in nbgrader's gradebook.

``autograder roster import FILE.csv`` reads a CSV with a header row. Columns (names exactly,
any order): ``id`` (required: the student's folder name under ``submitted/``), ``first_name``,
``last_name``, ``email``, ``lms_user_id`` (optional: the LMS's own user id, e.g. Canvas's "ID").
Each row adds the student to the gradebook's students table or updates them (a column left out
or a cell left empty keeps what the gradebook has). ``nbgrader export``, formgrader and
``autograder export --lms canvas`` read names and e-mails from there.
"""
from __future__ import annotations

import csv
import warnings
from pathlib import Path

from autograder.course import Course, CourseError

__all__ = ["COLUMNS", "REQUIRED", "import_roster", "read_roster"]

#: Every column a roster may have.
COLUMNS = ("id", "first_name", "last_name", "email", "lms_user_id")
#: The columns a roster must have.
REQUIRED = ("id",)


def read_roster(path: str | Path) -> list[dict[str, str]]:
    """The rows of the roster CSV at ``path`` (``{column: value}``, values stripped).

    Raises
    ------
    CourseError
        Naming the file and what is wrong: missing file, no header, a missing ``id`` column,
        an unknown column, an empty or repeated id.
    """
    p = Path(path)
    if not p.is_file():
        raise CourseError(f"roster: no such file {p}")
    with open(p, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = [h.strip() for h in (reader.fieldnames or [])]
        if not header:
            raise CourseError(f"roster {p}: expected a header row with columns {', '.join(COLUMNS)}, got an empty file")
        unknown = [h for h in header if h not in COLUMNS]
        missing = [h for h in REQUIRED if h not in header]
        if missing or unknown:
            raise CourseError(f"roster {p}: expected columns {', '.join(COLUMNS)} (id required), got {', '.join(header)}"
                              + (f"; missing: {', '.join(missing)}" if missing else "")
                              + (f"; unknown: {', '.join(unknown)}" if unknown else ""))
        rows, seen = [], set()
        for n, raw in enumerate(reader, start=2):
            row = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
            if not any(row.values()):
                continue
            sid = row.get("id", "")
            if not sid:
                raise CourseError(f"roster {p}, line {n}: expected a student id, got an empty id")
            if sid in seen:
                raise CourseError(f"roster {p}, line {n}: student id {sid!r} appears twice")
            seen.add(sid)
            rows.append(row)
    return rows


def import_roster(course: Course, path: str | Path) -> int:
    """Add or update every student of the roster CSV in the gradebook; returns how many."""
    from nbgrader.api import Gradebook

    rows = read_roster(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Gradebook(course.db_url, course.course_id) as gb:
            for row in rows:
                fields = {k: v for k, v in row.items() if k != "id" and v}
                gb.update_or_create_student(row["id"], **fields)
    return len(rows)
