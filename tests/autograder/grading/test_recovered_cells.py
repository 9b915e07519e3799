"""Issue 12, finding 8: a solution cell turned into Markdown or Raw (with or without a code fence)
is graded, with a note; prose is never executed.

Unit tests of :func:`autograder.extract.extract` / :func:`~autograder.extract.recover_code` on
small hand-made notebooks, and of the stock-nbgrader side
(:class:`autograder.nbrecover.RecoverSolutionCells`). End to end with both graders:
tests/autograder/grading/test_graders_agree.py.
"""

from __future__ import annotations

import nbformat
import pytest

from autograder.extract import extract, recover_code

FUNCTIONS = ["linear_backward", "relu_backward"]
LINEAR = '''def linear_backward(dout, x, W):
    """dx, dW, db."""
    # YOUR CODE HERE: the heading a markdown cell shows for this line is not a problem
    return dout @ W, dout.T @ x, dout.sum(axis=0)'''
RELU = "def relu_backward(dout, z):\n    return np.where(z > 0, dout, 0.0)"


def _nbg(grade_id, **kw):
    meta = {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3, "solution": False,
            "task": False}
    meta.update(kw)
    return {"nbgrader": meta}


def _release(path):
    cells = [nbformat.v4.new_code_cell("import numpy as np", metadata=_nbg("setup", locked=True))]
    for f in FUNCTIONS:
        cells.append(nbformat.v4.new_code_cell(f"def {f}():\n    raise NotImplementedError()",
                                               metadata=_nbg(f, solution=True)))
        cells.append(nbformat.v4.new_code_cell(f'assert_passes("{f}", globals())',
                                               metadata=_nbg(f"test_{f}", grade=True, locked=True, points=1)))
    nb = nbformat.v4.new_notebook(cells=cells)
    nbformat.write(nb, str(path))
    return nb


def _submit(tmp_path, turn: dict, extra_cells=()):
    """The release with LINEAR/RELU filled in; ``turn``: function -> (cell type, source)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    release = tmp_path / "release.ipynb"
    nb = _release(release)
    code = {"linear_backward": LINEAR, "relu_backward": RELU}
    for i, cell in enumerate(nb.cells):
        gid = cell.metadata["nbgrader"]["grade_id"]
        if gid in code:
            kind, src = turn.get(gid, ("code", code[gid]))
            new = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell,
                   "raw": nbformat.v4.new_raw_cell}[kind](src)
            new.metadata = cell.metadata
            nb.cells[i] = new
    nb.cells.extend(extra_cells)
    folder = tmp_path / "submitted"
    folder.mkdir()
    nbformat.write(nb, str(folder / "a.ipynb"))
    return extract(folder, "a.ipynb", release, FUNCTIONS)


def _fence(code, lang="python"):
    return f"Here is my answer:\n\n```{lang}\n{code}\n```\n\nI hope it is right."


@pytest.mark.parametrize("kind", ["markdown", "raw"])
@pytest.mark.parametrize("fence", [False, True])
def test_a_turned_solution_cell_is_graded_with_a_note(tmp_path, kind, fence):
    ext = _submit(tmp_path, {"linear_backward": (kind, _fence(LINEAR) if fence else LINEAR)})
    assert ext.ok and ext.present == {"linear_backward": True, "relu_backward": True}
    assert any(LINEAR in chunk for chunk in ext.student_chunks)
    assert not any("I hope it is right" in chunk or "Here is my answer" in chunk for chunk in ext.chunks)
    assert [n for n in ext.notes if "linear_backward" in n] == [
        f"linear_backward found in a {kind} cell, not a code cell (markdown/raw cells do not run in Jupyter): graded"]
    ns = {"np": __import__("numpy")}
    for chunk in ext.student_chunks:
        exec(chunk, ns)
    assert callable(ns["linear_backward"]) and callable(ns["relu_backward"])


def test_the_recovered_code_runs_at_its_place_in_the_notebook(tmp_path):
    later = nbformat.v4.new_code_cell("def relu_backward(dout, z):\n    return 'the later definition'")
    ext = _submit(tmp_path, {"relu_backward": ("markdown", RELU)}, [later])
    # relu_backward is defined by a code cell, so the markdown copy is not needed: not run, no note
    assert not any(RELU in chunk for chunk in ext.chunks)
    ext = _submit(tmp_path / "again", {"linear_backward": ("markdown", LINEAR + "\n\n" + RELU)}, [later])
    chunks = ext.student_chunks
    first = next(i for i, c in enumerate(chunks) if "def linear_backward" in c)
    last = next(i for i, c in enumerate(chunks) if "the later definition" in c)
    assert first < last  # as in Jupyter: the later code cell's relu_backward wins


@pytest.mark.parametrize("text,looks_like_code", [
    ("I could not finish. My idea: def linear_backward(dout, x, W): return the transposed product", False),
    ("def linear_backward(dout, x, W):\n    I ran out of time here, sorry", True),
    (_fence("def linear_backward(dout, x, W):\n    return dout @ W,,"), True),
])
def test_prose_is_never_executed(tmp_path, text, looks_like_code):
    ext = _submit(tmp_path, {"linear_backward": ("markdown", text)})
    assert ext.ok and ext.present["linear_backward"] is False and ext.present["relu_backward"] is True
    assert not any("linear_backward" in chunk for chunk in ext.chunks)
    assert any(n.startswith("not found in the notebook: linear_backward") for n in ext.notes)
    if looks_like_code:  # the instructor is told why the def was not graded
        assert "not valid Python" in ext.problems["linear_backward"]
        assert any(n.startswith("linear_backward: it is in a markdown cell") for n in ext.notes)
    else:
        assert ext.problems == {}


def test_code_that_defines_no_graded_function_is_never_executed(tmp_path):
    side_effect = "import os\nos.remove('/etc/passwd')\nprint(linear_backward)"
    cells = [nbformat.v4.new_markdown_cell(_fence(side_effect)), nbformat.v4.new_raw_cell(side_effect)]
    ext = _submit(tmp_path, {}, cells)
    assert ext.present == {"linear_backward": True, "relu_backward": True}
    assert not any("os.remove" in chunk for chunk in ext.chunks)
    assert ext.notes == []


def test_recover_code():
    assert recover_code(LINEAR, FUNCTIONS) == (LINEAR, ["linear_backward"], "")
    assert recover_code("    " + RELU.replace("\n", "\n    "), FUNCTIONS)[1] == ["relu_backward"]  # indented
    code, defines, _ = recover_code(f"```\n{LINEAR}\n```\nand\n```py\n{RELU}\n```\n```python\nx = 1\n```", FUNCTIONS)
    assert defines == FUNCTIONS and "x = 1" not in code
    assert recover_code("## A heading\n\nsome *prose*", FUNCTIONS) == ("", [], "")
    # only a def at the top level counts: a graded name inside a class is not the graded function
    assert recover_code("class A:\n    def linear_backward(self):\n        pass", FUNCTIONS)[1] == []


def test_stock_nbgrader_preprocessor_keeps_only_the_code(tmp_path):
    from autograder.nbrecover import RecoverSolutionCells

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(_fence(LINEAR), metadata=_nbg("linear_backward", solution=True)),
        nbformat.v4.new_raw_cell(RELU, metadata=_nbg("relu_backward", solution=True)),
        nbformat.v4.new_markdown_cell(_fence("x = 1"), metadata=_nbg("relu_backward", solution=True)),
        nbformat.v4.new_markdown_cell(_fence(RELU)),  # not a solution cell: nbgrader ignores it
        nbformat.v4.new_markdown_cell("def linear_backward(dout, x, W): prose", metadata=_nbg("linear_backward",
                                                                                             solution=True)),
    ])
    before = [c.source for c in nb.cells]
    nb, _ = RecoverSolutionCells().preprocess(nb, {})
    assert nb.cells[0].source == LINEAR
    assert [c.source for c in nb.cells[1:]] == before[1:]  # already code, or nothing to recover
    assert [c.cell_type for c in nb.cells] == ["markdown", "raw", "markdown", "markdown", "markdown"]


def test_the_course_config_runs_it_before_overwrite_cells():
    from nbgrader.converters import Autograde
    from traitlets.config.loader import PyFileConfigLoader

    from grading_helpers import REPO

    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO / "autograder")).load_config()
    pps = list(config.Autograde.sanitize_preprocessors)
    names = [p.rsplit(".", 1)[-1] for p in pps]
    assert "autograder.nbrecover.RecoverSolutionCells" in pps
    assert names.index("RecoverSolutionCells") < names.index("OverwriteCells")
    # nbgrader's own sanitizers are all still there, in their order
    defaults = [p.__name__ for p in Autograde.class_traits()["sanitize_preprocessors"].default()]
    assert [n for n in names if n != "RecoverSolutionCells"] == defaults
