"""autograder.sandbox.run_calls: results as plain data, limits, isolation facts."""
import os
import textwrap

import numpy as np
import pytest

from course_factory import REPO
from autograder.checks.base import Call
from autograder.sandbox import Limits, run_calls

pytestmark = pytest.mark.timeout(300)


def test_ci_runs_with_full_isolation(isolation):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        assert isolation == "full"
    assert isolation in ("full", "userns", "none")


def test_plain_results_mutation_and_missing(limits):
    code = textwrap.dedent("""
        import numpy as np
        def f(x, scale=1.0):
            x *= 2            # mutates its input
            return x.sum() * scale, np.int32(3), [np.float32(0.5), {"k": (1, None)}]
        def g():
            return 1 / 0
    """)
    x = np.arange(4.0)
    res = run_calls(code, [Call("f", (x,), {"scale": 0.5}), Call("g"), Call("h")], limits)
    assert [r.status for r in res] == ["ok", "error", "missing"]
    value = res[0].value
    assert value[0] == 6.0 and type(value[0]) is float
    assert value[1] == 3 and type(value[1]) is int
    assert value[2] == [0.5, {"k": (1, None)}]
    assert np.array_equal(res[0].args_after[0], [0.0, 2.0, 4.0, 6.0])  # the mutation is visible
    assert np.array_equal(x, [0.0, 1.0, 2.0, 3.0])                     # ours is untouched
    assert res[0].kwargs_after == {"scale": 0.5}
    assert res[1].error.startswith("ZeroDivisionError: division by zero (line 7)")
    assert res[2].error == ""  # simply absent (no code raised): the check's own message applies


def test_top_level_error_is_not_fatal_and_cells_run_separately(limits):
    cells = ["def a():\n    return 1\nraise RuntimeError('boom')\ndef b():\n    return 2\n",
             "def c(:\n", "def d():\n    return a() + 10\n"]
    info = {}
    res = run_calls(cells, [Call("a"), Call("b"), Call("d")], limits, info=info)
    assert [(r.status, r.value) for r in res] == [("ok", 1), ("missing", None), ("ok", 11)]
    assert info["load_error"].startswith("RuntimeError: boom")
    assert info["load_errors"] == ["RuntimeError: boom (line 3)", "SyntaxError: invalid syntax (line 1)"]


def test_overrides_replace_student_definitions(limits):
    code = "def helper(x):\n    return -1\ndef f(x):\n    return helper(x) * 2\n"
    res = run_calls(code, [Call("f", (3,))], limits, overrides={"helper": "def helper(x):\n    return x + 1\n"})
    assert res[0].value == 8


def test_a_check_graded_through_the_sandbox_judges_the_students_step(limits):
    """The grading path of one FunctionCheck: its calls run in the sandbox, its judge scores them."""
    from autograder.checks import checks_for

    (check,) = [c for c in checks_for("optimizers") if c.function == "momentum_step"]
    honest = "def momentum_step(w, dw, grad, lr, beta):\n    dw = beta * dw - lr * grad\n    return w + dw, dw\n"
    wrong_sign = "def momentum_step(w, dw, grad, lr, beta):\n    dw = beta * dw + lr * grad\n    return w + dw, dw\n"
    calls = check.grading_calls()
    good = check.judge(calls, run_calls(honest, calls, limits))
    bad = check.judge(calls, run_calls(wrong_sign, calls, limits))
    assert good.points == check.points, good.messages
    assert bad.points < check.points
    assert any("sign of the gradient" in m for m in bad.messages), bad.messages


def test_a_harness_comes_from_the_overrides_never_from_the_students_code(limits):
    code = textwrap.dedent("""
        def f(x):
            return x + 1
        def twice(fn, x):
            return -1  # the student's own "harness" is not used as one
    """)
    twice = "def twice(fn, x):\n    return fn(fn(x))\n"
    res = run_calls(code, [Call("f", (1,), harness="twice")], limits, overrides={"twice": twice})
    assert (res[0].status, res[0].value) == ("ok", 3)
    res = run_calls(code, [Call("f", (1,), harness="twice")], limits)
    assert res[0].status == "error" and res[0].error == "LookupError: unknown harness twice"


@pytest.mark.parametrize("body, status", [
    ("while True:\n        pass", "cpu"),
    ("import time\n    time.sleep(60)", "timeout"),
    ("return bytearray(1 << 33)", "memory"),
    ("import os\n    os._exit(3)", "crashed"),
    ("import os, signal\n    os.kill(os.getpid(), signal.SIGSEGV)", "crashed"),
    ("while True:\n        print('x' * 100000)", "cpu"),  # output is dropped, the loop is what costs
])
def test_limits_end_only_that_call_and_the_rest_of_the_check(body, status):
    # the wall clock must outlast 1 s of CPU on a busy machine, except where it is the limit tested
    lim = Limits(cpu_seconds=1.0, wall_seconds=4.0 if status == "timeout" else 20.0,
                 memory_bytes=256 << 20, output_bytes=8192)
    code = f"def ok():\n    return 1\ndef bad():\n    {body}\n"
    res = run_calls(code, [Call("ok"), Call("bad"), Call("ok")], lim)
    assert res[0].status == "ok" and res[0].value == 1
    assert res[1].status == status, res[1].error
    if status == "memory":  # caught inside the child: the next call still runs
        assert res[2].status in ("ok", status)
    else:
        assert res[2].status == status
    # the next check starts in a fresh process
    assert run_calls(code, [Call("ok")], lim)[0].value == 1


def test_each_check_gets_a_fresh_scratch_and_process(limits):
    code = textwrap.dedent("""
        import os
        def touch():
            open("mark.txt", "w").write("x")
            return sorted(os.listdir("."))
        def state():
            import numpy as np
            return hasattr(np, "_tampered")
        def tamper():
            import numpy as np
            np._tampered = True
            return True
    """)
    assert run_calls(code, [Call("touch")], limits)[0].value == ["mark.txt"]
    assert run_calls(code, [Call("touch")], limits)[0].value == ["mark.txt"]
    assert run_calls(code, [Call("tamper")], limits)[0].value is True
    assert run_calls(code, [Call("state")], limits)[0].value is False


def test_reference_packages_are_not_importable(limits):
    code = "def f(name):\n    __import__(name)\n    return True\n"
    res = run_calls(code, [Call("f", ("coursekit",)), Call("f", ("autograder",)), Call("f", ("numpy",))], limits)
    assert [r.status for r in res] == ["error", "error", "ok"]
    assert "No module named 'coursekit'" in res[0].error


def test_filesystem_network_and_user_isolation(limits, isolated, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    code = textwrap.dedent("""
        import os, socket
        def can_read(path):
            try:
                open(path).read(1)
                return True
            except OSError:
                return False
        def can_write(path):
            try:
                open(path, "w").write("x")
                return True
            except OSError:
                return False
        def exists(path):
            return os.path.exists(path)
        def net():
            try:
                socket.create_connection(("1.1.1.1", 53), timeout=1).close()
                return True
            except OSError:
                return False
        def who():
            return os.getuid(), os.getgid()
    """)
    calls = [Call("can_read", (str(secret),)), Call("exists", (str(REPO / "solutions"),)),
             Call("exists", (str(REPO / "autograder" / "checks"),)), Call("exists", ("/etc/passwd",)),
             Call("exists", ("/proc/1/environ",)), Call("can_write", ("/usr/lib/evil",)),
             Call("can_write", ("/evil",)), Call("can_write", (str(tmp_path / "evil"),)),
             Call("can_write", ("/tmp/fine",)), Call("net"), Call("who")]
    res = run_calls(code, calls, limits)
    assert all(r.status == "ok" for r in res), [r.error for r in res]
    values = [r.value for r in res]
    assert values[:10] == [False, False, False, False, False, False, False, False, True, False]
    assert not (tmp_path / "evil").exists()
    if isolated == "full":
        assert values[10] == (65534, 65534)


def test_without_isolation_the_scratch_folder_is_removed_with_its_zygote(monkeypatch):
    from autograder import sandbox

    monkeypatch.setattr(sandbox, "_ZYGOTE", {})
    monkeypatch.setattr(sandbox, "_LEVEL", {})
    monkeypatch.setenv("COURSEKIT_SANDBOX", "none")
    (res,) = run_calls("import os\ndef where():\n    return os.getcwd()\n", [Call("where")])
    scratch = res.value
    assert os.path.basename(scratch).startswith("ck_scratch_") and os.path.isdir(scratch)
    sandbox.shutdown()
    assert not os.path.exists(scratch)
