"""Contract B: the ``backprop`` nbgrader assignment — source notebook cells and grade ids,
the course root, stock ``nbgrader generate_assignment`` from a copy of the course, the
``autograder`` console script and the ``submitted/<student>/backprop/backprop.ipynb`` layout.

Everything that writes runs on a COPY of ``autograder/`` + ``solutions/`` in a temp dir.
End-to-end grading behaviour is tested in tests/autograder/grading; this module pins the surface.
"""

from __future__ import annotations

import ast
import importlib.metadata
import inspect
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import coursekit.functional as F

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "solutions" / "backprop" / "backprop.ipynb"
BIN = Path(sys.executable).parent
NAMES = ["linear_backward", "sigmoid_backward", "tanh_backward", "relu_backward",
         "softmax_backward", "softmax_cross_entropy", "mlp_loss_and_grads"]
FORWARDS = ["linear_forward", "sigmoid_forward", "tanh_forward", "relu_forward", "softmax_forward"]
GENERATED = ["gradebook.db", "release", "submitted", "autograded", "feedback", "source",
             "reports", "__pycache__", "*.csv", ".autograder-*", "*.pyc"]


def _nb(cell):
    return cell.metadata.get("nbgrader", {})


@pytest.fixture(scope="module")
def source_nb():
    assert SOURCE.is_file(), f"missing source notebook {SOURCE}"
    nb = nbformat.read(str(SOURCE), as_version=4)
    nbformat.validate(nb)
    return nb


def _env():
    env = dict(os.environ)
    env["PATH"] = str(BIN) + os.pathsep + env.get("PATH", "")
    env.setdefault("MPLBACKEND", "Agg")
    return env


def _run(cmd, cwd, timeout=240):
    return subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=timeout)


# ------------------------------------------------------------------- the notebook
def _contract_args(f):
    """Contract A's positional parameters of ``f`` (keyword-only options extend the contract)."""
    return [p.name for p in inspect.signature(f).parameters.values() if p.kind is not p.KEYWORD_ONLY]


def test_source_notebook_is_a_python3_nbgrader_notebook(source_nb):
    assert source_nb.metadata["kernelspec"]["name"] == "python3"
    ids = [_nb(c)["grade_id"] for c in source_nb.cells if _nb(c)]
    assert len(ids) == len(set(ids)), "nbgrader grade_ids must be unique"


def test_exactly_the_seven_solution_cells(source_nb):
    sol = [(_nb(c)["grade_id"], c) for c in source_nb.cells if _nb(c).get("solution")]
    assert sorted(gid for gid, _ in sol) == sorted(NAMES)
    for gid, cell in sol:
        assert cell.cell_type == "code"
        assert not _nb(cell).get("grade"), f"{gid}: a solution cell, not a manually graded answer"
        assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
        defs = {n.name: n for n in ast.parse(cell.source).body if isinstance(n, ast.FunctionDef)}
        assert gid in defs, f"solution cell {gid!r} must define {gid}()"
        args = [a.arg for a in defs[gid].args.args]
        contract = _contract_args(getattr(F, gid))
        assert args == contract, f"{gid}{tuple(args)}: coursekit.functional's signature is {tuple(contract)}"


def test_each_solution_is_followed_by_its_autograded_test_cell(source_nb):
    cells = source_nb.cells
    pos = {(_nb(c).get("grade_id")): i for i, c in enumerate(cells) if _nb(c)}
    sol_positions = sorted(pos[n] for n in NAMES)
    for name in NAMES:
        tid = f"test_{name}"
        assert tid in pos, f"no test cell {tid}"
        t = cells[pos[tid]]
        meta = _nb(t)
        assert t.cell_type == "code"
        assert meta.get("grade") is True and not meta.get("solution"), f"{tid}: must be an autograded test cell"
        assert meta.get("locked") is True, f"{tid}: autograded tests are locked"
        assert float(meta.get("points", 0)) > 0, f"{tid}: points must be > 0"
        assert pos[tid] > pos[name], f"{tid} must come after the solution cell {name}"
        nxt = [p for p in sol_positions if p > pos[name]]
        assert not nxt or pos[tid] < nxt[0], f"{tid} must come before the next solution cell"
    graded = {_nb(c)["grade_id"] for c in cells if _nb(c).get("grade")}
    assert {f"test_{n}" for n in NAMES} <= graded, f"graded cells: {sorted(graded)}"


def test_forward_functions_are_given_never_graded(source_nb):
    defined_in = {}
    imported = set()
    for c in source_nb.cells:
        if c.cell_type != "code":
            continue
        tree = ast.parse(c.source)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                defined_in.setdefault(node.name, []).append(c)
            elif isinstance(node, ast.ImportFrom):
                imported.update(a.asname or a.name for a in node.names)
    for name in FORWARDS:
        if name in imported and name not in defined_in:
            continue
        assert name in defined_in, f"{name} is neither given in a locked cell nor imported"
        for c in defined_in[name]:
            meta = _nb(c)
            assert meta.get("locked") is True and not meta.get("solution") and not meta.get("grade"), (
                f"{name} must be given in a locked, ungraded cell"
            )


# ----------------------------------------------------------------- course surface
def test_course_root_config_exists():
    cfg = REPO / "autograder" / "nbgrader_config.py"
    assert cfg.is_file()
    from traitlets.config.loader import PyFileConfigLoader

    c = PyFileConfigLoader(cfg.name, path=str(cfg.parent)).load_config()
    src = Path(c.CourseDirectory.root, c.CourseDirectory.source_directory).resolve() \
        if "source_directory" in c.CourseDirectory else None
    assert src == (REPO / "solutions").resolve(), f"source_directory resolves to {src}"


def test_autograder_console_script_with_grade_and_workers(capsys):
    eps = {ep.name: ep for ep in importlib.metadata.entry_points(group="console_scripts")}
    assert "autograder" in eps, "no console script 'autograder' installed"
    assert shutil.which("autograder", path=str(BIN)), "the autograder executable is not in the venv's bin/"
    main = eps["autograder"].load()  # (the executable itself runs in the grading test below)
    with pytest.raises(SystemExit) as exc:
        main(["grade", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--workers" in out and "assignment" in out


# ------------------------------------------------------ a copy of the course, used
def _copy_course(dest: Path) -> Path:
    shutil.copytree(REPO / "autograder", dest / "autograder", ignore=shutil.ignore_patterns(*GENERATED))
    shutil.copytree(REPO / "solutions", dest / "solutions", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return dest / "autograder"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = _copy_course(tmp_path_factory.mktemp("contract_b"))
    proc = _run([str(BIN / "nbgrader"), "generate_assignment", "backprop"], cwd=root)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return root


def test_stock_nbgrader_generate_assignment(generated, source_nb):
    release = generated / "release" / "backprop" / "backprop.ipynb"
    assert release.is_file(), "nbgrader generate_assignment did not write release/backprop/backprop.ipynb"
    nb = nbformat.read(str(release), as_version=4)
    src = "\n".join(c.source for c in nb.cells)
    assert "### BEGIN SOLUTION" not in src and "BEGIN HIDDEN TESTS" not in src
    ids = {_nb(c).get("grade_id") for c in nb.cells if _nb(c)}
    assert set(NAMES) | {f"test_{n}" for n in NAMES} <= ids
    for c in nb.cells:
        if _nb(c).get("solution"):
            gid = _nb(c)["grade_id"]
            assert "raise NotImplementedError" in c.source, f"{gid}: solution not cleared"
            # the student's stub keeps coursekit.functional's signature
            defs = {n.name: n for n in ast.parse(c.source).body if isinstance(n, ast.FunctionDef)}
            assert [a.arg for a in defs[gid].args.args] == _contract_args(getattr(F, gid))
    # the gradebook knows the assignment and its graded cells
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + str(generated / "gradebook.db")) as gb:
        nbk = gb.find_notebook("backprop", "backprop")
        cells = {g.name: g.max_score for g in nbk.grade_cells}
    assert set(cells) >= {f"test_{n}" for n in NAMES}
    assert all(v > 0 for v in cells.values())


def _submission(generated: Path, source_nb, broken: dict | None = None):
    """The released notebook with the source's solutions filled in (``broken``: grade_id → code)."""
    release = nbformat.read(str(generated / "release" / "backprop" / "backprop.ipynb"), as_version=4)
    solutions = {_nb(c)["grade_id"]: c.source for c in source_nb.cells if _nb(c).get("solution")}
    for c in release.cells:
        gid = _nb(c).get("grade_id")
        if _nb(c).get("solution"):
            c.source = (broken or {}).get(gid, solutions[gid])
    return release


def test_autograder_grade_uses_the_submitted_layout_and_gradebook(generated, source_nb):
    wrong_relu = ("import numpy as np\n\ndef relu_backward(dout, z):\n"
                  "    return dout * (z >= 0)  # derivative 1 at z == 0: wrong convention\n")
    for student, broken in [("alice", None), ("bob", {"relu_backward": wrong_relu})]:
        d = generated / "submitted" / student / "backprop"
        d.mkdir(parents=True)
        nbformat.write(_submission(generated, source_nb, broken), str(d / "backprop.ipynb"))
    # "run from anywhere in the repo": here from a sub-folder of the course copy
    cwd = generated.parent / "solutions" / "backprop"
    proc = _run([str(BIN / "autograder"), "grade", "backprop", "--workers", "2"], cwd=cwd)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + str(generated / "gradebook.db")) as gb:
        a = gb.find_submission("backprop", "alice")
        assert a.max_score > 0 and a.score == a.max_score
        b = {n: gb.find_grade(f"test_{n}", "backprop", "backprop", "bob") for n in NAMES}
        for n, g in b.items():
            if n == "relu_backward":
                assert g.score == 0
            else:
                assert g.score == g.max_score > 0, n
    assert (generated / "autograded" / "alice" / "backprop" / "backprop.ipynb").is_file()
    # stock nbgrader export reads the same gradebook
    import csv

    from nbgrader.plugins import CsvExportPlugin

    out = generated / "grades.csv"
    with Gradebook("sqlite:///" + str(generated / "gradebook.db")) as gb:
        CsvExportPlugin(to=str(out)).export(gb)
    rows = {r["student_id"]: r for r in csv.DictReader(out.open()) if r["assignment"] == "backprop"}
    assert set(rows) == {"alice", "bob"}
    assert float(rows["alice"]["score"]) == float(rows["alice"]["max_score"]) > float(rows["bob"]["score"])
