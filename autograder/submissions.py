"""Submission files: read them and build their notebooks (demo and tests).

Each assignment keeps hand-written submissions in ``solutions/<A>/submissions/<name>.py``
(see ARCHITECTURE.md, Assignments); ``autograder demo`` takes its buggy samples from them and
``tests/autograder/test_student_class.py`` grades them all. A submission file defines, at module
level:

``ASSIGNMENT``
    The assignment (the name of the folder it lives in).
``KIND``
    ``"honest"`` (correct code, in any style), ``"buggy"`` (exactly one bug, in one function) or
    ``"accident"`` (a notebook accident: a solution cell turned into Markdown/Raw, a function that
    prints a lot, a cell that fails when it runs).
``DESCRIPTION``
    One line: what the student did. A student writes every function: the functions not in
    ``CELLS`` are filled with the honest reference code of the source notebook, and the line says
    so ("others: reference code").
``CELLS``
    ``{function: source of the student's solution cell}``.
``EXPECT``
    ``{test id: points}`` for EVERY autograded test of the assignment, written by hand from what the
    code does: full points for each test the bug does not touch, 0 for the test it must fail.
    Never copied from a grader's output.

and optionally:

``EXTRA_CELLS``
    ``[(where, function, source), ...]`` with ``where`` in ``"before"``/``"after"``: extra code cells
    the student added next to the solution cell of ``function`` (helpers, imports, experiments).
``NOTEBOOK``
    ``NOTEBOOK(nb) -> None``: edits the built notebook in place (accidents: :func:`to_markdown`,
    :func:`to_raw`).
``EXPECT_MESSAGES``
    ``{test id: regex}``: what the grader's message for that test must say (case-insensitive
    ``re.search`` over its messages), e.g. ``"float32"`` or ``"unstable"``.
``DEMO``
    ``True`` for the one buggy submission per function that ``autograder demo`` and the grading
    tests use as that function's typical bug (:data:`autograder.demo.BUGS`).
``EXPECT_NOTES``
    ``[regex, ...]``: each must match one of the notes ``autograder grade`` records for the
    submission (e.g. "markdown" for a solution recovered from a Markdown cell).
``EXPECT_HINT``
    ``{test id: mistake key or None}``, written by hand from what the code does: the catalogued
    mistake (``solutions/<A>/mistakes.py``) the diagnosis must name for that failed test, or
    ``None`` when no hint is due (two bugs at once, a mistake the catalogue does not hold);
    ``benchmarks/hint_coverage.py`` measures the hints against it.

Notebooks are built from the RELEASE notebook of a course copy (``release/<A>/<A>.ipynb``, as
:func:`autograder.demo.write_submission` does): every solution cell (nbgrader ``solution``,
``grade_id`` = the function) gets the student's code; everything else stays as released, so the
class keeps working when the release's given and test cells change.
"""

from __future__ import annotations

import importlib.util
import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat
from nbformat.v4 import new_code_cell

from autograder import assignments as _assignments

__all__ = ["KINDS", "Submission", "load", "build_notebook", "write", "functions_of", "points_of",
           "to_markdown", "to_raw", "solution_code", "validate", "matches"]

KINDS = ("honest", "buggy", "accident")
_PREFIX = {"honest": "h", "buggy": "b", "accident": "a"}


def _src(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


@dataclass(frozen=True)
class Submission:
    """One submission of the class (see the module docstring for the file format)."""

    assignment: str
    name: str
    kind: str
    description: str
    cells: dict[str, str]
    expect: dict[str, float]
    extra_cells: tuple = ()
    notebook_hook: Callable | None = None
    expect_messages: dict[str, str] = field(default_factory=dict)
    expect_notes: tuple = ()
    path: Path | None = None
    demo: bool = False
    expect_hint: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.assignment}/{self.name}"

    def student(self, copy: int | None = None) -> str:
        """The student id of this submission: ``h-``/``b-``/``a-`` + name (honest/buggy/accident);
        copy ``k`` (the same notebook under another id) is ``r<k>-`` + that. Own ids match the
        glob ``[hba]-*``, copies ``r*``."""
        own = f"{_PREFIX[self.kind]}-{self.name.replace('_', '-')}"
        return own if copy is None else f"r{copy:02d}-{own}"

    def failing_tests(self) -> list[str]:
        """The tests this submission must fail (EXPECT 0)."""
        return sorted(t for t, p in self.expect.items() if p == 0)


def _read(module, assignment: str, path: Path) -> Submission:
    where = f"{path}"

    def need(name, types):
        if not hasattr(module, name):
            raise ValueError(f"{where}: missing {name}")
        value = getattr(module, name)
        if not isinstance(value, types):
            raise ValueError(f"{where}: {name} must be {types}, got {type(value).__name__}")
        return value

    a = need("ASSIGNMENT", str)
    if a != assignment:
        raise ValueError(f"{where}: ASSIGNMENT = {a!r} but the file is in {assignment}/")
    kind = need("KIND", str)
    if kind not in KINDS:
        raise ValueError(f"{where}: KIND must be one of {KINDS}, got {kind!r}")
    desc = need("DESCRIPTION", str)
    if not desc.strip() or "\n" in desc.strip():
        raise ValueError(f"{where}: DESCRIPTION must be one non-empty line")
    cells = {f: _src(s) for f, s in need("CELLS", dict).items()}
    expect = {t: float(p) for t, p in need("EXPECT", dict).items()}
    extra = tuple((w, f, _src(s)) for w, f, s in getattr(module, "EXTRA_CELLS", ()))
    for w, f, _ in extra:
        if w not in ("before", "after"):
            raise ValueError(f"{where}: EXTRA_CELLS position must be 'before' or 'after', got {w!r}")
    return Submission(assignment=assignment, name=path.stem, kind=kind, description=desc.strip(), cells=cells,
                      expect=expect, extra_cells=extra, notebook_hook=getattr(module, "NOTEBOOK", None),
                      expect_messages=dict(getattr(module, "EXPECT_MESSAGES", {})),
                      expect_notes=tuple(getattr(module, "EXPECT_NOTES", ())), path=path,
                      demo=bool(getattr(module, "DEMO", False)),
                      expect_hint=dict(getattr(module, "EXPECT_HINT", {})))


def _import(assignment: str, path: Path):
    """The module of one submission file (imported by path, under a name of its own)."""
    name = f"_submission_{assignment}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load(assignments=None, names=None) -> list[Submission]:
    """Every submission of the class (or of ``assignments``; or only the ``names``, given as
    ``"<assignment>/<name>"`` or ``"<name>"``), in assignment order then by name."""
    known = _assignments.assignments()
    assignments = list(assignments or known)
    out = []
    for a in assignments:
        if a not in known:
            raise ValueError(f"assignments: expected some of {known}, got {a!r}")
        for path in _assignments.submission_files(a):
            out.append(_read(_import(a, path), a, path))
    if names:
        wanted = set(names)
        out = [s for s in out if s.key in wanted or s.name in wanted]
        unknown = wanted - {s.key for s in out} - {s.name for s in out}
        if unknown:
            raise ValueError(f"names: no such submission {sorted(unknown)}")
    return out


# ----------------------------------------------------------------------------- notebooks

def _solution_cells(nb) -> dict[str, object]:
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id"):
            out[meta["grade_id"]] = cell
    return out


def functions_of(course, assignment: str) -> list[str]:
    """The graded functions of ``assignment``: the grade ids of the release's solution cells."""
    nb = nbformat.read(str(course.release_notebook(assignment)), as_version=4)
    return list(_solution_cells(nb))


def points_of(course, assignment: str) -> dict[str, float]:
    """``{test id: points}`` of the release's autograded test cells."""
    return dict(course.grade_cells(assignment))


def validate(sub: Submission, course) -> None:
    """Check a submission against the release of ``course``: EXPECT names every test with 0 or
    its full points (honest and accidents full except where a bug must cost; buggy: exactly one
    test at 0); CELLS and EXTRA_CELLS name graded functions; DESCRIPTION says when functions are
    filled with the reference code. Raises ValueError naming the file."""
    points = points_of(course, sub.assignment)
    functions = functions_of(course, sub.assignment)
    where = str(sub.path or sub.key)
    if set(sub.expect) != set(points):
        raise ValueError(f"{where}: EXPECT must name exactly the tests {sorted(points)}, got {sorted(sub.expect)}")
    for t, p in sub.expect.items():
        if p not in (0.0, points[t]):
            raise ValueError(f"{where}: EXPECT[{t!r}] = {p:g}: expected 0 or the test's {points[t]:g} points")
    zeros = sub.failing_tests()
    if sub.kind == "honest" and zeros:
        raise ValueError(f"{where}: an honest submission must expect full points, but expects 0 for {zeros}")
    if sub.kind == "buggy" and len(zeros) != 1:
        raise ValueError(f"{where}: a buggy submission has exactly one bug, so exactly one test at 0; got {zeros}")
    unknown = [f for f in list(sub.cells) + [f for _, f, _ in sub.extra_cells] if f not in functions]
    if unknown:
        raise ValueError(f"{where}: not graded functions of {sub.assignment}: {unknown} (known: {functions})")
    if set(functions) - set(sub.cells) and "reference" not in sub.description:
        raise ValueError(f"{where}: DESCRIPTION must say that the other functions are the reference code")
    for t in sub.expect_messages:
        if t not in points:
            raise ValueError(f"{where}: EXPECT_MESSAGES names an unknown test {t!r}")
    for t, key in sub.expect_hint.items():
        if t not in zeros:
            raise ValueError(f"{where}: EXPECT_HINT names {t!r}, which the submission does not fail (EXPECT)")
        if key is not None and not isinstance(key, str):
            raise ValueError(f"{where}: EXPECT_HINT[{t!r}] must be a mistake key (str) or None, got {key!r}")


def solution_code(course, assignment: str, function: str) -> str:
    """The reference solution of ``function`` from the source notebook, markers removed."""
    nb = nbformat.read(str(course.source_notebook(assignment)), as_version=4)
    src = next(cell.source for cell in nb.cells if cell.cell_type == "code"
               and cell.metadata.get("nbgrader", {}).get("solution")
               and cell.metadata.get("nbgrader", {}).get("grade_id") == function)
    return "\n".join(line for line in src.split("\n") if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line)


def _reference_code(course, assignment: str, function: str) -> str:
    return solution_code(course, assignment, function)


def build_notebook(sub: Submission, course):
    """The submitted notebook of ``sub``: the release notebook of ``course`` with every solution
    cell holding the student's code (or the reference code for functions not in CELLS), the
    extra cells inserted, and the NOTEBOOK hook applied."""
    validate(sub, course)
    nb = nbformat.read(str(course.release_notebook(sub.assignment)), as_version=4)
    cells = _solution_cells(nb)
    for f, cell in cells.items():
        cell.source = sub.cells[f] if f in sub.cells else _reference_code(course, sub.assignment, f)
    for where, f, source in sub.extra_cells:
        new = new_code_cell(source)
        if nb.get("nbformat_minor", 5) < 5:
            new.pop("id", None)
        i = nb.cells.index(cells[f])
        nb.cells.insert(i if where == "before" else i + 1, new)
    if sub.notebook_hook is not None:
        sub.notebook_hook(nb)
    return nb


def write(sub: Submission, course, students, timestamp: str = "2026-11-20 10:00:00 UTC") -> list[Path]:
    """Write the notebook of ``sub`` as ``submitted/<student>/<A>/<A>.ipynb`` for each student id
    (the very same bytes for every id); returns the paths."""
    if isinstance(students, str):
        students = [students]
    nb = build_notebook(sub, course)
    text = nbformat.writes(nb)
    paths = []
    for student in students:
        folder = course.submitted_dir(student, sub.assignment)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / course.notebook_name(sub.assignment)
        path.write_text(text, encoding="utf-8")
        (folder / "timestamp.txt").write_text(timestamp + "\n")
        paths.append(path)
    return paths


# ----------------------------------------------------------------------------- accidents

def _cell_of(nb, function: str):
    cell = _solution_cells(nb).get(function)
    if cell is None:
        raise ValueError(f"no solution cell {function!r} in the notebook")
    return cell


def _retype(cell, cell_type: str) -> None:
    cell.cell_type = cell_type
    cell.pop("outputs", None)
    cell.pop("execution_count", None)


def to_markdown(nb, function: str, fence: bool = False) -> None:
    """The solution cell of ``function`` turned into a Markdown cell, as pressing ``M`` in
    command mode does (metadata kept); ``fence``: the student also wrapped it in ```python."""
    cell = _cell_of(nb, function)
    if fence:
        cell.source = "```python\n" + cell.source + "\n```"
    _retype(cell, "markdown")


def to_raw(nb, function: str) -> None:
    """The solution cell of ``function`` turned into a Raw cell (``R`` in command mode)."""
    _retype(_cell_of(nb, function), "raw")


def matches(pattern: str, texts) -> bool:
    """Whether the case-insensitive regex ``pattern`` matches one of ``texts``."""
    return any(re.search(pattern, t, re.I) for t in texts)
