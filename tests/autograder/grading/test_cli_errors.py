"""Clear errors of the `autograder` command (finding 11 of issue 12), through the console entry
point: an unknown assignment, a failing `generate`, no course."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import nbformat
import pytest

import autograder
from autograder.demo import make_course_copy, write_submission

from grading_helpers import autograder_cmd, run

pytestmark = pytest.mark.timeout(900)

COMMANDS_WITH_AN_ASSIGNMENT = ["generate", "release", "grade", "feedback", "report"]


def _fails_with(proc, message: str) -> None:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert message in proc.stderr, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_unknown_assignment_is_named_with_the_known_ones_by_every_command(tmp_path):
    course = make_course_copy(tmp_path / "full")
    for command in COMMANDS_WITH_AN_ASSIGNMENT:
        proc = run(autograder_cmd(command, "backpro"), cwd=course.root)
        _fails_with(proc, "no such assignment 'backpro' (known: backprop, optimizers, svm)")
    # the known ones are the course's own (its source folders), not a fixed list
    smaller = make_course_copy(tmp_path / "smaller")
    shutil.rmtree(smaller.source_root / "optimizers")
    _fails_with(run(autograder_cmd("grade", "optimizers"), cwd=smaller.root),
                "no such assignment 'optimizers' (known: backprop, svm)")


def test_generate_with_a_typo_among_the_names_generates_nothing(tmp_path):
    course = make_course_copy(tmp_path)
    proc = run(autograder_cmd("generate", "svm", "backpro"), cwd=course.root)
    _fails_with(proc, "no such assignment 'backpro'")
    assert not course.release_dir("svm").exists()  # a typo stops before anything is generated


def _dump(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_failed_generate_shows_nbgraders_reason_and_keeps_the_previous_release(tmp_path):
    course = make_course_copy(tmp_path)
    assert run(autograder_cmd("-q", "generate", "svm"), cwd=course.root).returncode == 0
    write_submission(course, "svm", "stu")
    proc = run(autograder_cmd("-q", "grade", "svm"), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # the instructor adds a cell to the source after submissions were graded: nbgrader refuses
    nb = nbformat.read(str(course.source_notebook("svm")), as_version=4)
    cell = nbformat.v4.new_markdown_cell("A note added after the release.")
    cell.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True, "grade_id": "late_note",
                                 "schema_version": 3}
    nb.cells.append(cell)
    nbformat.write(nb, str(course.source_notebook("svm")))
    release = course.release_notebook("svm").read_bytes()
    gradebook = _dump(course.db_path)

    proc = run(autograder_cmd("generate", "svm"), cwd=course.root)
    _fails_with(proc, "Cannot add or remove cells for notebook 'svm' because there are submissions")
    assert "Please see the" not in proc.stderr
    assert course.release_notebook("svm").read_bytes() == release  # nbgrader had deleted it
    assert _dump(course.db_path) == gradebook
    proc = run(autograder_cmd("-q", "grade", "svm"), cwd=course.root)  # the course still works
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _package_files() -> set[str]:
    root = Path(autograder.__file__).parent
    return {str(p.relative_to(root)) for p in root.rglob("*") if "__pycache__" not in p.parts}


def test_outside_a_course_every_command_stops_and_writes_nothing_into_the_package(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    before = _package_files()
    for args in (["generate", "backprop"], ["grade", "backprop"], ["feedback", "backprop"],
                 ["report", "backprop"], ["export"]):
        _fails_with(run(autograder_cmd(*args), cwd=elsewhere),
                    "no course here: run inside the course or pass --course")
    assert _package_files() == before
    assert list(elsewhere.iterdir()) == []
