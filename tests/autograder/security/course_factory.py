"""Build throwaway nbgrader-style courses with submissions for the security tests.

A submission is the RELEASE notebook of an assignment (``backprop`` unless said otherwise) with
its solution cells filled in: by default with the reference solution taken from
``solutions/<A>/<A>.ipynb`` (the honest part), and per test with the attacker's code for one or
more functions.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[3]
SOURCE_NB = REPO / "solutions" / "backprop" / "backprop.ipynb"
FUNCTIONS = ["linear_backward", "sigmoid_backward", "tanh_backward", "relu_backward",
             "softmax_backward", "softmax_cross_entropy", "mlp_loss_and_grads"]
POINTS = {"linear_backward": 2, "sigmoid_backward": 1, "tanh_backward": 1, "relu_backward": 1,
          "softmax_backward": 2, "softmax_cross_entropy": 2, "mlp_loss_and_grads": 3}


_RELEASE_CACHE: dict = {}


def source_notebook(assignment: str = "backprop") -> Path:
    return REPO / "solutions" / assignment / f"{assignment}.ipynb"


def release_notebook(assignment: str = "backprop") -> Path:
    """The student version of the source notebook, made with nbgrader's own preprocessors (what
    ``nbgrader generate_assignment`` applies), in a temporary folder: no generated state of the
    repository's course root is needed."""
    cached = _RELEASE_CACHE.get(assignment)
    if cached is not None and cached.is_file():
        return cached
    import tempfile
    from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions, ComputeChecksums, LockCells
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    resources: dict = {}
    for pre in (LockCells, ClearSolutions, ClearOutput, ClearHiddenTests, ComputeChecksums):
        nb, resources = pre().preprocess(nb, resources)
    folder = tempfile.mkdtemp(prefix="ck_release_")
    atexit.register(shutil.rmtree, folder, True)
    path = Path(folder) / f"{assignment}.ipynb"
    nbformat.write(nb, str(path))
    _RELEASE_CACHE[assignment] = path
    return path


def reference_solutions(assignment: str = "backprop") -> dict[str, str]:
    """Solution cell source per graded function, markers removed."""
    nb = nbformat.read(source_notebook(assignment), as_version=4)
    out = {}
    for c in nb.cells:
        md = c.metadata.get("nbgrader", {})
        if md.get("solution") and md.get("grade_id") and not md.get("grade"):
            src = re.sub(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", "", c.source, flags=re.M)
            out[md["grade_id"]] = src
    return out


def make_notebook(replace: dict[str, str] | None = None, extra_cells: list[str] = (),
                  assignment: str = "backprop") -> nbformat.NotebookNode:
    """The release notebook with solution cells = reference solution, except ``replace``."""
    sols = reference_solutions(assignment)
    sols.update(replace or {})
    nb = nbformat.read(release_notebook(assignment), as_version=4)
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if c.metadata.get("nbgrader", {}).get("solution") and gid in sols:
            c.source = sols[gid]
    for src in extra_cells:
        nb.cells.append(nbformat.v4.new_code_cell(src))
    return nb


def make_course(root: Path, students: dict[str, object]) -> Path:
    """Create ``root/course`` with ``submitted/<student>/backprop/backprop.ipynb`` per student.

    ``students`` maps a name to either a dict (``replace`` for :func:`make_notebook`), a
    NotebookNode, ``bytes`` (the raw notebook file) or a callable ``f(folder)`` that writes the
    submission folder itself.
    """
    course = root / "course"
    (course / "release" / "backprop").mkdir(parents=True, exist_ok=True)
    shutil.copy(release_notebook(), course / "release" / "backprop" / "backprop.ipynb")
    (course / "gradebook.db").write_bytes(b"SQLite format 3\x00 fake gradebook for tests\n")
    src = course / "source" / "backprop"
    src.mkdir(parents=True, exist_ok=True)
    shutil.copy(SOURCE_NB, src / "backprop.ipynb")
    for name, spec in students.items():
        folder = course / "submitted" / name / "backprop"
        folder.mkdir(parents=True, exist_ok=True)
        if callable(spec):
            spec(folder)
        elif isinstance(spec, bytes):
            (folder / "backprop.ipynb").write_bytes(spec)
        else:
            nb = spec if isinstance(spec, nbformat.NotebookNode) else make_notebook(spec)
            nbformat.write(nb, str(folder / "backprop.ipynb"))
    return course


def tasks_for(course: Path):
    from autograder.pipeline import GradeTask
    out = []
    for d in sorted((course / "submitted").iterdir()):
        out.append(GradeTask("backprop", d.name, str(d / "backprop"), "backprop.ipynb",
                             str(course / "release" / "backprop" / "backprop.ipynb")))
    return out


def tree_hashes(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """sha256 of every file under ``root`` (and the list of directories), to prove nothing changed."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if any(rel == s or rel.startswith(s + os.sep) for s in skip):
            continue
        out["dir:" + rel] = ",".join(sorted(dirnames + filenames))
        for f in filenames:
            p = os.path.join(dirpath, f)
            if os.path.islink(p):
                out[os.path.join(rel, f)] = "link:" + os.readlink(p)
            else:
                out[os.path.join(rel, f)] = hashlib.sha256(open(p, "rb").read()).hexdigest()
    return out


def scores(record) -> dict[str, float]:
    return {o.function: o.points for o in record.outcomes}


FULL = {f: float(p) for f, p in POINTS.items()}
