"""Clear errors: an exception raised while a student's cell runs is reported as that exception
with its line (issue 12, finding 10).

The child records the exception of every code chunk (cell) that raised. A function that is then
undefined is reported as "missing" with that exception — of the cell that defines it when one
did — instead of "is not defined: keep the function's name and signature". Every check's judge
shows that text.
"""
import textwrap

import pytest

from course_factory import FULL, make_course, reference_solutions, scores, tasks_for
from autograder.checks import ASSIGNMENTS, checks_for
from autograder.checks.base import Call, CallResult
from autograder.pipeline import grade_submission
from autograder.sandbox import run_calls

pytestmark = pytest.mark.timeout(300)


def _missing(cells, name, limits):
    (res,) = run_calls(cells, [Call(name)], limits)
    assert res.status == "missing"
    return res.error


def test_the_exception_of_the_defining_cell_is_named_with_its_line(limits):
    cells = ["1 / 0\n",  # an earlier cell raised too: not the cause
             "import numpy as np\nimport numpy.randomx\n\ndef tanh_backward(dout, z):\n    return dout\n",
             "def other():\n    return 1\n"]
    assert _missing(cells, "tanh_backward", limits) == (
        "tanh_backward is not defined: the cell that defines it raised "
        "ModuleNotFoundError: No module named 'numpy.randomx' (line 2)")


def test_a_syntax_error_is_named_with_its_line(limits):
    cells = ["def g():\n    return 1\n\ndef h(:\n    pass\n"]
    error = _missing(cells, "g", limits)
    assert error.startswith("g is not defined: the cell that defines it raised SyntaxError: "), error
    assert error.endswith("(line 4)"), error


def test_otherwise_the_first_exception_is_named_with_its_cell(limits):
    cells = ["x = undefined_name + 1\n", "if False:\n    def f():\n        return 1\n", "raise KeyError('k')\n"]
    assert _missing(cells, "f", limits) == (
        "f is not defined; the notebook's code raised NameError: name 'undefined_name' is not defined "
        "(line 1) in the cell starting `x = undefined_name + 1`")


def test_a_function_simply_absent_has_no_error_text(limits):
    assert _missing(["def f():\n    return 1\n"], "g", limits) == ""


def test_the_grade_names_the_real_exception(tmp_path):
    broken = "import numpy.randomx\n" + reference_solutions()["tanh_backward"]
    course = make_course(tmp_path, {"bob": {"tanh_backward": broken}})
    (task,) = tasks_for(course)
    rec = grade_submission(task)
    assert scores(rec) == dict(FULL, tanh_backward=0.0)
    (out,) = [o for o in rec.outcomes if o.function == "tanh_backward"]
    text = " ".join(out.messages)
    assert ("tanh_backward is not defined: the cell that defines it raised "
            "ModuleNotFoundError: No module named 'numpy.randomx' (line 1)") in text, text
    assert "keep the function's name" not in text


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_judge_shows_the_missing_error(assignment):
    for check in checks_for(assignment):
        f = check.function
        why = f"{f} is not defined: the cell that defines it raised ImportError: no numpy.random (line 2)"
        calls = check.calls(7)
        out = check.judge(calls, [CallResult(status="missing", error=why) for _ in calls])
        assert out.points == 0.0
        assert any(why in m for m in out.messages), (f, out.messages)
        plain = check.judge(calls, [CallResult(status="missing") for _ in calls])
        assert plain.points == 0.0 and f in " ".join(plain.messages), (f, plain.messages)
        assert "the cell that defines it" not in " ".join(plain.messages)
