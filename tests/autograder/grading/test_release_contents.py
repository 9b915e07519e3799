"""nbgrader copies every file of ``solutions/<A>/`` into ``release/<A>/`` unless
``nbgrader_config.py`` ignores it: only the student's notebook may reach the release."""

from __future__ import annotations

from autograder import ASSIGNMENTS
from autograder.assignments import folder
from autograder.commands import generate
from autograder.demo import make_course_copy


def test_every_release_holds_the_notebook_only(tmp_path):
    """Each assignment folder holds instructor-only files (checks, builder, submissions, and
    after a run __pycache__); none of them is released."""
    course = make_course_copy(tmp_path)
    for a in ASSIGNMENTS:
        source = course.source_root / a
        (source / "__pycache__").mkdir(exist_ok=True)
        (source / "__pycache__" / "checks.cpython-311.pyc").write_bytes(b"\0")
        assert {"checks.py", "build.py", "submissions"} <= {p.name for p in source.iterdir()}, a
    for a in ASSIGNMENTS:
        generate(course, a, quiet=True)
        released = sorted(str(p.relative_to(course.release_dir(a))) for p in course.release_dir(a).rglob("*"))
        assert released == [f"{a}.ipynb"], (a, released)


def test_assignment_folders_are_the_assignment_list():
    assert ASSIGNMENTS == ("backprop", "optimizers", "svm")
    for a in ASSIGNMENTS:
        assert (folder(a) / f"{a}.ipynb").is_file() and (folder(a) / "checks.py").is_file()
