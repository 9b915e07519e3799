"""The checks of every graded function, per assignment.

Each assignment has a module ``autograder.checks.<assignment>`` that defines

- ``checks() -> list[FunctionCheck]``: one check per graded function, in notebook order;
- ``reference_source(function: str) -> str``: self-contained source text (numpy only,
  no ``import coursekit``) defining the trusted reference ``function``; the sandbox
  executes it after the student's code when a check lists ``function`` in its
  ``overrides``.

Assignments: ``backprop`` (this package's :mod:`autograder.checks.backprop`),
``optimizers`` and ``svm``.
"""

from __future__ import annotations

import importlib

from autograder.checks.base import Call, CallResult, FunctionCheck, TestOutcome, to_plain, VISIBLE_SEED

__all__ = [
    "ASSIGNMENTS",
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

ASSIGNMENTS = ("backprop", "optimizers", "svm")


def _module(assignment: str):
    if assignment not in ASSIGNMENTS:
        raise ValueError(f"assignment: expected one of {ASSIGNMENTS}, got {assignment!r}")
    return importlib.import_module(f"autograder.checks.{assignment}")


def checks_for(assignment: str) -> list[FunctionCheck]:
    """The list of :class:`FunctionCheck` of ``assignment`` (fresh instances)."""
    return list(_module(assignment).checks())


def check_for(assignment: str, function: str) -> FunctionCheck:
    """The :class:`FunctionCheck` of one graded ``function`` of ``assignment``."""
    for check in checks_for(assignment):
        if check.function == function:
            return check
    names = [c.function for c in checks_for(assignment)]
    raise ValueError(f"function: expected one of {names} for assignment {assignment!r}, got {function!r}")


def reference_source(assignment: str, function: str) -> str:
    """Trusted, self-contained source text defining the reference ``function``."""
    return _module(assignment).reference_source(function)
