"""The malformed-submission suite: every bad case of the issue, graded in ONE run.

Each case is graded where the code can be found, or recorded with a one-line reason for that
student; no case stops the run or changes another student's grades.
"""
import json

import nbformat
import pytest

from course_factory import FULL, make_course, make_notebook, reference_solutions, scores, tasks_for, tree_hashes
from autograder.pipeline import format_summary, grade_all, summary

pytestmark = pytest.mark.timeout(600)

WRONG_LINEAR = "def linear_backward(dout, x, W):\n    return dout @ W, x.T @ dout, dout.sum(axis=0)\n"


def _raw(nb) -> bytes:
    return nbformat.writes(nb).encode("utf-8")


def _truncated() -> bytes:
    """Cut the file in the middle of the softmax_backward solution cell."""
    text = nbformat.writes(make_notebook())
    cut = text.index("def softmax_backward(") + 10
    return text[:cut].encode("utf-8")


def _invalid_utf8() -> bytes:
    nb = make_notebook()
    nb.cells[0].source += "\n\nCAF\u00c9 marker"
    return _raw(nb).replace("CAF\u00c9".encode("utf-8"), b"CAF\xe9\xff\xfe")


def _nbformat3() -> bytes:
    nb3 = nbformat.convert(make_notebook(), 3)
    return nbformat.writes(nb3, version=3).encode("utf-8")


def _renamed(folder):
    nbformat.write(make_notebook(), str(folder / "My backprop (1).ipynb"))


def _stripped():
    nb = make_notebook()
    for c in nb.cells:
        c.metadata = {}
    return nb


def _duplicated(last_correct: bool):
    nb = make_notebook()
    for i, c in enumerate(nb.cells):
        if c.metadata.get("nbgrader", {}).get("grade_id") == "linear_backward":
            dup = nbformat.v4.new_code_cell(WRONG_LINEAR)
            dup.metadata = json.loads(json.dumps(c.metadata))
            nb.cells.insert(i if last_correct else i + 1, dup)
            break
    return nb


def _deleted_solution():
    nb = make_notebook()
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "relu_backward"]
    return nb


def _deleted_and_edited_tests():
    nb = make_notebook()
    cells = []
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid.startswith("test_") and gid != "test_tanh_backward":
            continue  # deleted
        if gid == "test_tanh_backward":
            c.source = "assert True  # edited by the student\n"
        if gid.startswith("check_"):
            c.source = "raise SystemExit('edited self-check')\n"
        cells.append(c)
    nb.cells = cells
    return nb


def _to_markdown(kind: str):
    nb = make_notebook()
    sol = reference_solutions()["tanh_backward"]
    for i, c in enumerate(nb.cells):
        if c.metadata.get("nbgrader", {}).get("grade_id") == "tanh_backward":
            if kind == "markdown":
                new = nbformat.v4.new_markdown_cell("My answer:\n\n```python\n" + sol + "\n```\n")
            else:
                new = nbformat.v4.new_raw_cell(sol)
            new.metadata = c.metadata
            nb.cells[i] = new
    return nb


def _huge_outputs():
    nb = make_notebook()
    big = "x" * (40 * 1024 * 1024)
    for c in nb.cells:
        if c.cell_type == "code":
            c.outputs = [nbformat.v4.new_output("stream", name="stdout", text=big)]
            c.execution_count = 1
            break
    return nb


def _syntax_error():
    return make_notebook({"sigmoid_backward": "def sigmoid_backward(dout, z)\n    return dout\n"})


def _magics():
    sols = reference_solutions()
    return make_notebook({"relu_backward": "%matplotlib inline\n!pip install nothing\n" + sols["relu_backward"]})


def _two_notebooks(folder):
    nbformat.write(make_notebook(), str(folder / "draft.ipynb"))
    nbformat.write(make_notebook(), str(folder / "final.ipynb"))


def _no_notebook(folder):
    (folder / "answers.py").write_text("print('hi')\n")


def _top_level_loop():
    nb = make_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("while True:\n    pass\n"))
    return nb


def _edited_given_cell():
    """The student rewrote the locked forward functions (e.g. a broken softmax): the release copy is used."""
    nb = make_notebook()
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == "forward_functions":
            c.source = "import numpy as np\ndef softmax_forward(z):\n    return np.zeros_like(z)\n" \
                       "def sigmoid_forward(z):\n    return z\n"
    return nb


def _zero(*fs):
    exp = dict(FULL)
    exp.update({f: 0.0 for f in fs})
    return exp


CASES = {
    # name: (submission spec, expected status, expected scores or None, note/reason fragment)
    "empty": (b"", "failed", None, "empty"),
    "whitespace": (b"   \n  ", "failed", None, "whitespace"),
    "not_json": (b"this is not a notebook", "failed", None, "not a readable notebook"),
    "truncated": (_truncated(), "graded", _zero("softmax_backward", "softmax_cross_entropy", "mlp_loss_and_grads"),
                  "truncated"),
    "invalid_utf8": (_invalid_utf8(), "graded", FULL, "not valid UTF-8"),
    "nbformat3": (_nbformat3(), "graded", FULL, "nbformat 3"),
    "renamed": (_renamed, "graded", FULL, "renamed"),
    "stripped_metadata": (_stripped(), "graded", FULL, "metadata stripped"),
    "duplicated_last_correct": (_duplicated(True), "graded", FULL, "defined 2 times"),
    "duplicated_last_wrong": (_duplicated(False), "graded", _zero("linear_backward"), "defined 2 times"),
    "deleted_solution": (_deleted_solution(), "graded", _zero("relu_backward"), "not found"),
    "deleted_edited_tests": (_deleted_and_edited_tests(), "graded", FULL, None),
    "markdown_cell": (_to_markdown("markdown"), "graded", FULL, "markdown"),
    "raw_cell": (_to_markdown("raw"), "graded", FULL, "markdown/raw"),
    "huge_outputs": (_huge_outputs(), "graded", FULL, None),
    "syntax_error": (_syntax_error(), "graded", _zero("sigmoid_backward"), "syntax error"),
    "magics": (_magics(), "graded", FULL, None),
    "two_notebooks": (_two_notebooks, "failed", None, "2 notebooks"),
    "no_notebook": (_no_notebook, "failed", None, "no notebook"),
    "top_level_loop": (_top_level_loop(), "graded", _zero(*FULL), None),
    "edited_given_cell": (_edited_given_cell(), "graded", FULL, None),
    "self_check_in_solution": (make_notebook({"sigmoid_backward": reference_solutions()["sigmoid_backward"]
                                              + "\n\nself_check('sigmoid_backward', sigmoid_backward)\n"}),
                               "graded", FULL, None),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory, limits):
    root = tmp_path_factory.mktemp("malformed")
    students = {name: spec for name, (spec, *_rest) in CASES.items()}
    students["honest"] = {}
    course = make_course(root, students)
    sub_before = tree_hashes(course / "submitted")
    records = grade_all(tasks_for(course), workers=2, progress=False, limits=limits)
    sub_after = tree_hashes(course / "submitted")
    return {r.student: r for r in records}, sub_before, sub_after


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_case(graded, case):
    records = graded[0]
    _, status, expected, fragment = CASES[case]
    rec = records[case]
    assert rec.status == status, (rec.reason, rec.notes)
    assert len(rec.outcomes) == 7  # always one outcome per test
    if status == "failed":
        assert rec.reason and "\n" not in rec.reason
        assert fragment in rec.reason
        assert all(o.points == 0 for o in rec.outcomes)
    else:
        assert scores(rec) == expected, ([o.messages[:2] for o in rec.outcomes if not o.passed], rec.notes)
        if fragment:
            assert any(fragment in n for n in rec.notes), rec.notes


def test_run_not_stopped_and_honest_unaffected(graded):
    records = graded[0]
    assert set(records) == set(CASES) | {"honest"}
    assert scores(records["honest"]) == FULL and not records["honest"].notes


def test_submissions_never_modified(graded):
    records, before, after = graded
    assert before == after
    rec = records["honest"]
    assert rec.submission_files and all(len(h) == 64 for h in rec.submission_files.values())


def test_summary_lists_failures_with_reasons(graded):
    records = list(graded[0].values())
    s = summary(records)
    failed = {n for n, (_, st, *_r) in CASES.items() if st == "failed"}
    assert set(s["failures"]) == failed
    assert s["graded"] == len(records) - len(failed)
    text = format_summary(records)
    for name in failed:
        assert name in text
    assert "test_linear_backward" in text


def test_self_check_calls_are_harmless(graded):
    rec = graded[0]["self_check_in_solution"]
    assert not rec.notes  # no "top-level code raised NameError" either
