"""The course root, the released notebooks (see ARCHITECTURE.md, "The backprop assignment") and the course-root lookup."""

from __future__ import annotations

import nbformat
import pytest

from autograder.course import Course, CourseError, find_course_root

from grading_helpers import POINTS, REPO, nbgrader_cmd, run


def _cells(path):
    nb = nbformat.read(str(path), as_version=4)
    return [(c, c.metadata.get("nbgrader", {})) for c in nb.cells]


@pytest.mark.parametrize("assignment", ["backprop", "optimizers", "svm"])
def test_release_has_one_solution_and_one_test_cell_per_function(generated_course, assignment):
    cells = _cells(generated_course.release_notebook(assignment))
    solutions = [m["grade_id"] for c, m in cells if m.get("solution")]
    tests = {m["grade_id"]: m["points"] for c, m in cells if m.get("grade") and not m.get("solution")}
    assert solutions == list(POINTS[assignment])
    assert tests == {f"test_{f}": p for f, p in POINTS[assignment].items()}
    # each solution cell is immediately followed (after its self-check) by its test cell
    ids = [m.get("grade_id") for c, m in cells]
    for f in POINTS[assignment]:
        assert ids.index(f) < ids.index(f"check_{f}") < ids.index(f"test_{f}")


@pytest.mark.parametrize("assignment", ["backprop", "optimizers", "svm"])
def test_release_strips_solutions_and_hidden_tests(generated_course, assignment):
    for c, m in _cells(generated_course.release_notebook(assignment)):
        assert "### BEGIN SOLUTION" not in c.source and "### BEGIN HIDDEN TESTS" not in c.source
        if m.get("solution"):
            assert "raise NotImplementedError()" in c.source
        if m.get("grade") and not m.get("solution"):
            # the visible part (the self-check's cases) stays, for nbgrader validate; the hidden goes
            f = m["grade_id"][len("test_"):]
            # the visible part is the student's self-check, from the library alone
            assert f'from coursekit.selfcheck import assert_passes\n_ = assert_passes("{f}", globals())' in c.source
            assert "autograder" not in c.source and "cases=" not in c.source
            assert m.get("locked") is True


def test_source_notebook_test_cells_call_the_trusted_check():
    for assignment, points in POINTS.items():
        cells = _cells(REPO / "solutions" / assignment / f"{assignment}.ipynb")
        for c, m in cells:
            if m.get("grade") and not m.get("solution"):
                f = m["grade_id"][len("test_"):]
                visible, hidden = c.source.split("### BEGIN HIDDEN TESTS")
                assert f'_ = assert_passes("{f}", globals())' in visible and "autograder" not in visible
                # the hidden part runs every case autograder grade judges (its visible and hidden ones)
                call = f'assert_passes("{f}", globals(), assignment="{assignment}", cases="all")'
                assert "from autograder.checks.inkernel import assert_passes" in hidden
                assert call in hidden.split("### END HIDDEN TESTS")[0]


def test_backprop_forwards_are_given_in_locked_cells_not_imported_from_the_reference():
    cells = _cells(REPO / "solutions" / "backprop" / "backprop.ipynb")
    given = [c.source for c, m in cells if m.get("locked") and not m.get("grade") and c.cell_type == "code"]
    text = "\n".join(given)
    for fwd in ("linear_forward", "sigmoid_forward", "relu_forward", "softmax_forward", "log_softmax"):
        assert f"def {fwd}(" in text
    all_src = "\n".join(c.source for c, m in cells)
    assert "coursekit.functional" not in all_src.replace("`coursekit.functional`", "")


def test_stock_nbgrader_generate_reads_sources_from_solutions(generated_course):
    # run stock nbgrader in the course root: the relative source dir ../solutions is honoured
    proc = run(nbgrader_cmd("generate_assignment", "svm", "--force"), cwd=generated_course.root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "solutions/./svm/svm.ipynb" in proc.stdout + proc.stderr
    assert generated_course.release_notebook("svm").is_file()
    assert generated_course.db_path.is_file()


def test_course_root_is_found_from_anywhere_in_the_repo(tmp_path):
    assert find_course_root(start=REPO) == REPO / "autograder"
    assert find_course_root(start=REPO / "tests" / "autograder" / "grading") == REPO / "autograder"
    assert find_course_root(start=REPO / "autograder") == REPO / "autograder"
    with pytest.raises(CourseError, match="--course"):
        find_course_root(course=tmp_path)
    # outside any course: stop, never fall back to the folder of the installed package
    with pytest.raises(CourseError, match="no course here: run inside the course or pass --course"):
        find_course_root(start=tmp_path)
    with pytest.raises(CourseError, match="nbgrader_config.py"):
        Course(tmp_path)
