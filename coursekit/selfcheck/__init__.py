"""The student's self-checks of the course notebooks: they need only ``coursekit`` (no grader, no answers).

In a notebook::

    from coursekit.selfcheck import self_check
    _ = self_check("linear_backward", globals())        # prints per-case errors, never raises

and in the visible part of a test cell::

    from coursekit.selfcheck import assert_passes
    _ = assert_passes("linear_backward", globals())     # raises AssertionError until it passes

What each check compares with (see the modules):

* ``backprop`` — finite differences of the notebook's OWN given forward functions (float64, random
  upstream gradients; the lecture's convention at the ReLU kink; loss values composed of the given
  functions);
* ``optimizers`` — reference trajectories of the library's optimizers (:mod:`coursekit.optim`);
* ``svm`` — worked examples (loss, subgradient at the kink), finite differences of the student's own
  objective, and the exact optimum of scikit-learn's ``SVC`` for the training loop.

No reference answer of a graded function is written here. Where the library itself implements a
graded function (:mod:`coursekit.functional`), it is used only to stand in for a graded helper while
another function is checked (``mlp_loss_and_grads``, ``train_linear_svm``), as the grader does. The
grader's own checks (hidden cases, diagnoses) are not part of ``coursekit``.
"""

from __future__ import annotations

from coursekit.selfcheck.core import Outcome, run
from coursekit.selfcheck.quiet import Hidden

__all__ = ["self_check", "assert_passes", "run_self_check", "ASSIGNMENTS", "spec_for"]

#: assignment -> module holding its ``SPECS``
ASSIGNMENTS = ("backprop", "optimizers", "svm")


def _specs(assignment):
    import importlib

    return importlib.import_module(f"coursekit.selfcheck.{assignment}").SPECS


def spec_for(function: str, assignment: str | None = None):
    """The self-check of ``function`` (its assignment found from the name unless given)."""
    if not isinstance(function, str):
        raise TypeError(f"function: expected the function's name (a str), got {type(function).__name__}")
    if assignment is not None and assignment not in ASSIGNMENTS:
        raise ValueError(f"assignment: expected one of {ASSIGNMENTS}, got {assignment!r}")
    for a in ((assignment,) if assignment else ASSIGNMENTS):
        specs = _specs(a)
        if function in specs:
            return specs[function]
    known = sorted(f for a in ASSIGNMENTS for f in _specs(a))
    raise ValueError(f"function: expected one of {known}, got {function!r}")


def run_self_check(function: str, namespace, assignment: str | None = None, hidden: Hidden | None = None) -> Outcome:
    """Run the self-check of ``function`` on the notebook's namespace (``globals()``) or the function.

    Returns
    -------
    Outcome (``passed``, ``messages``, ``rows`` of per-case errors); prints nothing.
    """
    return run(spec_for(function, assignment), namespace, hidden)


def self_check(function: str, namespace, assignment: str | None = None) -> Outcome:
    """Print, per case, the error of every output and what is wrong, if anything; never raises for a wrong answer.

    Parameters
    ----------
    function : str
        The function's name, e.g. ``"linear_backward"``.
    namespace : dict or callable
        The notebook's ``globals()`` (the given forward functions are found there) or the function.
    assignment : str, optional
        ``"backprop"``, ``"optimizers"`` or ``"svm"``; found from the function's name by default.
    """
    hidden = Hidden()
    spec = spec_for(function, assignment)
    outcome = run(spec, namespace, hidden)
    if outcome.rows:
        print(f"Self-check of {function} ({spec.what}):")
        for label, errors in outcome.rows:
            print(f"  {label}: " + ", ".join(f"{k}: {v}" for k, v in errors.items()))
    print("\n".join(outcome.messages))
    said = hidden.summary()
    if said:
        print(f"(while it was checked, {function} {said}: not shown here; call {function} yourself to see it)")
    print("PASSED" if outcome.passed else "NOT YET: see the messages above")
    return outcome


def assert_passes(function: str, namespace, assignment: str | None = None) -> Outcome:
    """The visible part of a test cell: raise ``AssertionError`` with the messages unless the self-check passes.

    Nothing the student's function prints or warns reaches the cell (stock nbgrader scores a cell
    with any stderr output as 0).
    """
    __tracebackhide__ = True
    outcome = run(spec_for(function, assignment), namespace, Hidden())
    print("\n".join(outcome.messages))
    if not outcome.passed:
        raise AssertionError(f"{function}: self-check failed\n" + "\n".join(outcome.messages))
    return outcome
