"""The one list of assignments: every folder ``solutions/<A>/`` with a ``checks.py``.

Everything about assignment ``A`` lives in its folder (see ARCHITECTURE.md, Assignments)::

    solutions/A/A.ipynb          the nbgrader source notebook (solutions + hidden tests)
    solutions/A/build.py         writes A.ipynb; reads the points from checks.py
    solutions/A/checks.py        what is graded: functions, POINTS, cases, bug diagnoses
    solutions/A/*.py             more check modules if checks.py would grow past ~500 lines
    solutions/A/submissions/     demo and test submissions (format: autograder.submissions)

Only ``A.ipynb`` reaches the students: ``nbgrader_config.py`` ignores the rest when it
generates ``release/A/``. Adding an assignment means adding such a folder, nothing else.

Where ``solutions/`` is: the course root is the repository's ``autograder/`` folder (or a copy
of the course, as ``autograder demo`` and the tests make), and ``solutions/`` sits beside it.
The first of these that exists is used:

1. the folder given to :func:`use_solutions` (the command line passes its course's);
2. ``../solutions`` of the course root found from the current directory (a notebook kernel
   that stock ``nbgrader autograde`` runs inside a course);
3. ``solutions/`` next to this package (the repository, for an editable install).

The checks of ``A`` are imported as the package ``autograder.checks.A`` whose ``__init__`` is
``solutions/A/checks.py`` and whose other modules are the folder's other ``.py`` files
(``autograder.checks.backprop.cases`` is ``solutions/backprop/cases.py``), so the grader's
journal fingerprints them like any other grading module.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
from pathlib import Path

__all__ = ["use_solutions", "solutions_roots", "solutions_root", "assignments", "folder", "check_assignment",
           "submission_files", "RESERVED", "CHECKS_PACKAGE"]

#: The package the checks modules of the assignments are imported into.
CHECKS_PACKAGE = "autograder.checks"
#: Names that cannot be assignments: the shared modules of :data:`CHECKS_PACKAGE`.
RESERVED = frozenset({"base", "inkernel"})

_REPO_SOLUTIONS = Path(__file__).resolve().parent.parent / "solutions"
_chosen: list[Path] = []


def use_solutions(path: str | os.PathLike) -> None:
    """Grade with the assignments of ``path`` (a ``solutions/`` folder) first."""
    path = Path(path).resolve()
    if path in _chosen:
        _chosen.remove(path)
    _chosen.insert(0, path)


def solutions_roots() -> list[Path]:
    """The existing ``solutions/`` folders, in the order they are searched (module docstring)."""
    from autograder.course import CourseError, find_course_root

    found = list(_chosen)
    try:
        found.append((find_course_root() / ".." / "solutions").resolve())
    except CourseError:
        pass
    found.append(_REPO_SOLUTIONS)
    out: list[Path] = []
    for p in found:
        if p.is_dir() and p not in out:
            out.append(p)
    return out


def solutions_root() -> Path:
    """The first ``solutions/`` folder with an assignment, or a clear error."""
    for root in solutions_roots():
        if _names(root):
            return root
    raise LookupError("no solutions/ folder with an assignment (solutions/<A>/checks.py): run inside a course "
                      "(its nbgrader_config.py in autograder/, solutions/ beside it) or pass --course")


def _names(root: Path) -> list[str]:
    return sorted(p.parent.name for p in root.glob("*/checks.py")
                  if p.parent.name.isidentifier() and p.parent.name not in RESERVED)


def assignments() -> tuple[str, ...]:
    """The assignments, sorted by name: every ``solutions/<A>/`` with a ``checks.py``."""
    return tuple(_names(solutions_root()))


def folder(assignment: str) -> Path:
    """``solutions/<assignment>/`` (the first one found, see the module docstring)."""
    for root in solutions_roots():
        if assignment in _names(root):
            return root / assignment
    raise ValueError(f"assignment: expected one of {assignments()}, got {assignment!r}")


def check_assignment(assignment: str) -> str:
    """``assignment`` if it is one, else ValueError naming the known ones."""
    folder(assignment)
    return assignment


def submission_files(assignment: str) -> list[Path]:
    """The submission files ``solutions/<A>/submissions/*.py``, sorted by name."""
    return sorted(p for p in (folder(assignment) / "submissions").glob("*.py") if not p.name.startswith("_"))


class _ChecksFinder(importlib.abc.MetaPathFinder):
    """Imports ``autograder.checks.<A>`` from ``solutions/<A>/checks.py`` (a package whose
    other modules are the folder's other files)."""

    def find_spec(self, fullname, path=None, target=None):
        prefix, _, name = fullname.rpartition(".")
        if prefix != CHECKS_PACKAGE or name in RESERVED or not name.isidentifier():
            return None
        try:
            where = folder(name)
        except (ValueError, LookupError):
            return None
        return importlib.util.spec_from_file_location(fullname, where / "checks.py",
                                                      submodule_search_locations=[str(where)])


def install_finder() -> None:
    """Make ``autograder.checks.<A>`` importable (done once by ``autograder.checks``)."""
    if not any(isinstance(f, _ChecksFinder) for f in sys.meta_path):
        sys.meta_path.append(_ChecksFinder())
