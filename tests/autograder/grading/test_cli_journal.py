"""`autograder grade` and its journal, through the console entry point (finding 9 of issue 12).

The journal is never stale: a run replays a student's record only if the submission and what
graded it (grader code, release, limits, isolation) are unchanged; it prints how many it graded
and how many it replayed; `--fresh --student X` forgets X only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from autograder.demo import make_course_copy, write_submission
from autograder.pipeline import read_journal

from grading_helpers import autograder_cmd, run

pytestmark = pytest.mark.timeout(900)

STUDENTS = {"alice": "solution", "bob": "buggy:relu_backward", "carol": "blank"}


@pytest.fixture
def course(tmp_path):
    """A course copy with backprop generated and three submissions."""
    course = make_course_copy(tmp_path)
    proc = run(autograder_cmd("-q", "generate", "backprop"), cwd=course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for student, kind in STUDENTS.items():
        write_submission(course, "backprop", student, kind=kind)
    return course


def _grade(course, *args, env=()):
    """`autograder grade backprop ARGS` (with the variables ``env`` set); returns the printed
    (graded, replayed) counts."""
    path = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")
    proc = subprocess.run(autograder_cmd("-q", "grade", "backprop", *args), cwd=str(course.root),
                          env={**os.environ, "PATH": path, "MPLBACKEND": "Agg", **dict(env)},
                          text=True, capture_output=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    m = re.search(r"^graded (\d+), replayed (\d+) from the journal", proc.stdout, re.M)
    assert m, proc.stdout
    return int(m.group(1)), int(m.group(2))


def _journal(course) -> dict:
    return {key: rec.to_dict() for key, rec in read_journal(course.journal_path("backprop")).items()}


def test_grade_prints_graded_and_replayed_and_fresh_student_forgets_only_that_student(course):
    assert _grade(course) == (3, 0)
    first = _journal(course)
    assert sorted(first) == ["backprop/alice", "backprop/bob", "backprop/carol"]
    assert _grade(course) == (0, 3)  # nothing changed: everything replayed

    assert _grade(course, "--fresh", "--student", "bob") == (1, 0)
    after = _journal(course)
    assert after["backprop/alice"] == first["backprop/alice"]  # the others' records stay ...
    assert after["backprop/carol"] == first["backprop/carol"]
    assert _grade(course) == (0, 3)  # ... and are replayed

    write_submission(course, "backprop", "carol", kind="solution")  # carol resubmits
    assert _grade(course) == (1, 2)
    assert _grade(course, "--fresh") == (3, 0)  # --fresh alone still forgets everyone


def test_changed_timeout_or_isolation_regrades(course):
    from autograder import sandbox

    assert _grade(course) == (3, 0)
    assert _grade(course, "--timeout", "5") == (3, 0)  # other limits: graded again
    assert _grade(course, "--timeout", "5") == (0, 3)
    level = sandbox.isolation_level()
    if level == "none":  # CI (root) always reaches "full" (tests/autograder/security/conftest.py asserts it)
        pytest.skip("this machine has no sandbox isolation to compare COURSEKIT_SANDBOX=none with")
    assert _grade(course, "--timeout", "5", env={"COURSEKIT_SANDBOX": "none"}) == (3, 0)
    assert _grade(course, "--timeout", "5", env={"COURSEKIT_SANDBOX": level}) == (3, 0)
