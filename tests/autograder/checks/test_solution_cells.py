"""The solution cells of the source notebooks are written out for students to read; they must
compute what coursekit computes (the one implementation the grader's references come from)."""

from __future__ import annotations

import nbformat
import numpy as np
import pytest

from autograder import ASSIGNMENTS
from autograder.assignments import folder
from autograder.checks import checks_for
from coursekit import functional as F

from check_helpers import grade, results_for


def _namespace(assignment):
    """The notebook's given and solution cells executed (no self-checks, tests or demos)."""
    nb = nbformat.read(str(folder(assignment) / f"{assignment}.ipynb"), as_version=4)
    ns: dict = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id", "")
        if cell.cell_type != "code" or meta.get("grade") or gid.startswith(("check_", "demo_")):
            continue
        exec(compile(cell.source, f"<{assignment}:{gid}>", "exec"), ns)
    return ns


BACKPROP = [c for c in checks_for("backprop")]


@pytest.mark.parametrize("check", BACKPROP, ids=lambda c: c.function)
def test_backprop_solution_equals_coursekit_functional(check):
    solution = _namespace("backprop")[check.function]
    reference = getattr(F, check.function)
    calls = check.grading_calls()
    for call, mine, theirs in zip(calls, results_for(calls, solution), results_for(calls, reference)):
        assert mine.status == theirs.status == "ok", (call.case, mine.error, theirs.error)
        a, b = mine.value, theirs.value
        if isinstance(a, tuple) and len(a) == 2 and isinstance(a[1], dict):  # (loss, grads)
            a, b = (a[0], *[a[1][k] for k in sorted(a[1])]), (b[0], *[b[1][k] for k in sorted(b[1])])
        for x, y in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
            np.testing.assert_allclose(x, y, rtol=1e-12, atol=1e-300, err_msg=f"{check.function}: {call.case}")


@pytest.mark.parametrize("assignment", [a for a in ASSIGNMENTS if a != "backprop"])
def test_other_solutions_match_coursekit(assignment):
    """The optimizers' checks compare with coursekit.optim's trajectories, the svm's with the
    hinge objective and scikit-learn's optimum: each solution cell passes its check exactly."""
    ns = _namespace(assignment)
    for check in checks_for(assignment):
        out = grade(check, ns[check.function])
        assert out.passed and out.points == check.points, (check.function, out.messages)
