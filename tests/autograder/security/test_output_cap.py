"""Output never costs points (issue 12, finding 7).

Printed output is capped, not limited: what a call prints beyond ``Limits.output_bytes`` is
dropped (python-level writes in the child, fd-level writes by the zygote, which keeps reading),
the call goes on and is graded, and the outcome says that output was dropped. Only time, memory
and crashes zero a function.
"""
import textwrap
import time

import pytest

from course_factory import FULL, make_course, reference_solutions, scores, tasks_for
from autograder.checks.base import Call
from autograder.pipeline import grade_submission
from autograder.sandbox import Limits, run_calls

pytestmark = pytest.mark.timeout(300)

FLOOD = textwrap.dedent("""
    import os
    def loud(n_mb):
        for _ in range(n_mb * 1000):
            print("x" * 999)                 # n_mb MB through print
        block = b"y" * (1 << 20)
        for _ in range(n_mb):
            os.write(1, block)               # and n_mb MiB straight to fd 1
            os.write(2, block[:1000])
        return 42
    def quiet():
        print("hello")
        return 1
""")


def test_output_beyond_the_cap_is_dropped_and_the_call_goes_on(limits):
    res = run_calls(FLOOD, [Call("loud", (5,)), Call("quiet")], limits)
    assert [(r.status, r.value) for r in res] == [("ok", 42), ("ok", 1)], [r.error for r in res]
    loud, quiet = res
    assert loud.output_truncated
    assert loud.stdout.startswith("x" * 999 + "\n")
    assert len(loud.stdout) == limits.output_bytes  # the first output_bytes characters are kept
    assert quiet.stdout == "hello\n"


def test_a_quiet_check_is_not_marked_truncated(limits):
    res = run_calls(FLOOD, [Call("quiet"), Call("quiet")], limits)
    assert [(r.status, r.value, r.output_truncated) for r in res] == [("ok", 1, False)] * 2


def test_an_endless_flood_is_stopped_by_the_time_limit_not_by_its_output():
    lim = Limits(cpu_seconds=1.0, wall_seconds=20.0, memory_bytes=256 << 20, output_bytes=8192)
    code = "import os\ndef flood():\n    while True:\n        os.write(1, b'y' * 65536)\n"
    (res,) = run_calls(code, [Call("flood")], lim)
    assert res.status == "cpu", res.error  # not killed for its output: it ran until its CPU time was out
    assert res.output_truncated


def test_a_correct_function_that_prints_60_mb_keeps_its_points(tmp_path, isolation):
    """softmax_backward prints 60 MB (a print loop) and writes 60 MiB to fd 1 on every call,
    then returns the right answer: full marks, with a note that the output was dropped."""
    loud = textwrap.dedent("""
        import os
        def softmax_backward(dout, z):
            for _ in range(60_000):
                print("debug " * 166)            # 60 MB through print
            block = b"y" * (1 << 20)
            for _ in range(60):
                os.write(1, block)               # 60 MiB straight to fd 1
        """) + reference_solutions()["softmax_backward"].split("\n", 1)[1]
    course = make_course(tmp_path, {"loud": {"softmax_backward": loud}})
    (task,) = tasks_for(course)
    t0 = time.perf_counter()
    rec = grade_submission(task, Limits())  # the real grading limits
    seconds = time.perf_counter() - t0
    print(f"graded the 60 MB submission in {seconds:.2f} s ({isolation} isolation)")
    assert rec.status == "graded", rec.reason
    assert scores(rec) == FULL, [o.messages for o in rec.outcomes if not o.passed]
    out = {o.function: o for o in rec.outcomes}["softmax_backward"]
    assert "softmax_backward printed more than 64 KiB; the rest was dropped" in " ".join(out.messages)
    assert "output-limit" not in rec.flags and not out.flags
    others = [o for o in rec.outcomes if o.function != "softmax_backward"]
    assert not any("printed more than" in m for o in others for m in o.messages)
