"""The checks of every graded function, per assignment.

The shared machinery lives here (:mod:`autograder.checks.base`: cases, results, outcomes and
the flag names; :mod:`autograder.checks.inkernel`: a check run inside a notebook's kernel).
The checks of assignment ``A`` live in its folder, ``solutions/A/checks.py``, and are imported
as ``autograder.checks.A`` (:mod:`autograder.assignments` finds them; see ARCHITECTURE.md,
Assignments). Each such module defines

- ``POINTS``: ``{function: points}`` in notebook order (the notebook's builder reads it too);
- ``checks() -> list[FunctionCheck]``: one check per graded function, in notebook order;
- ``reference_source(function: str) -> str``: self-contained source text (numpy only,
  no ``import coursekit``) defining the trusted reference ``function``, derived from
  coursekit's one implementation; the sandbox executes it after the student's code when a
  check lists ``function`` in its ``overrides``.
"""

from __future__ import annotations

import importlib

from autograder import assignments as _assignments
from autograder.checks.base import Call, CallResult, FunctionCheck, TestOutcome, to_plain, VISIBLE_SEED

__all__ = [
    "ASSIGNMENTS",
    "module_for",
    "checks_for",
    "check_for",
    "reference_source",
    "Call",
    "CallResult",
    "FunctionCheck",
    "TestOutcome",
    "to_plain",
    "VISIBLE_SEED",
]

_assignments.install_finder()


def __getattr__(name):
    if name == "ASSIGNMENTS":  # derived from the folders, never written down
        return _assignments.assignments()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def module_for(assignment: str):
    """The checks module of ``assignment`` (``solutions/<assignment>/checks.py``)."""
    _assignments.check_assignment(assignment)
    return importlib.import_module(f"{__name__}.{assignment}")


def checks_for(assignment: str) -> list[FunctionCheck]:
    """The list of :class:`FunctionCheck` of ``assignment`` (fresh instances)."""
    return list(module_for(assignment).checks())


def check_for(assignment: str, function: str) -> FunctionCheck:
    """The :class:`FunctionCheck` of one graded ``function`` of ``assignment``."""
    for check in checks_for(assignment):
        if check.function == function:
            return check
    names = [c.function for c in checks_for(assignment)]
    raise ValueError(f"function: expected one of {names} for assignment {assignment!r}, got {function!r}")


def reference_source(assignment: str, function: str) -> str:
    """Trusted, self-contained source text defining the reference ``function``."""
    return module_for(assignment).reference_source(function)
