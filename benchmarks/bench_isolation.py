"""Grading throughput with the sandbox's isolation on, next to the same pipeline with it off.

Builds a throwaway course of backprop submissions (honest ones and typical bugs, built from the
release notebook + the reference solution as in tests/autograder/security/course_factory.py), then times
``autograder.pipeline.grade_all`` end to end — extraction, one sandboxed process per graded
function, judging — with

* isolation as available (``full`` as root: pid/net/mount namespaces, chroot, uid nobody),
* isolation off (``COURSEKIT_SANDBOX=none``: same fork-server, rlimits only),

at workers 1 and 2. Zygote start-up is included (a fresh one per measurement). Prints
``RESULT {json}`` lines (name, value, unit, baseline, ratio, goal, met):

* seconds per submission with isolation (workers 1, 2), baseline = the same without isolation;
* the overhead isolation adds per submission (ms);
* throughput against stock ``nbgrader autograde`` measured in the same run on a few of the same
  kind of submissions (course copy and submissions made with ``autograder.demo``'s helpers, as
  bench_grading.py does; ``--skip-stock`` uses the ≈ 2.0 s/submission measured earlier):
  goal ≥ 4× at workers 2.

    python benchmarks/bench_isolation.py [--quick] [--students N] [--stock-n K] [--skip-stock]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "autograder" / "security"))

from course_factory import make_course, tasks_for  # noqa: E402

from autograder import sandbox  # noqa: E402
from autograder.pipeline import grade_all  # noqa: E402

STOCK_NBGRADER_S = 2.0

BUGS = [
    {},
    {"relu_backward": "def relu_backward(dout, z):\n    return dout * (z >= 0)\n"},
    {"linear_backward": "def linear_backward(dout, x, W):\n    return dout @ W, dout.T @ x, dout.sum(axis=0, keepdims=True)\n"},
    {},
    {"sigmoid_backward": "import numpy as np\ndef sigmoid_backward(dout, z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - s)\n"},
    {"softmax_backward": "def softmax_backward(dout, z):\n    return dout\n"},
]


def measure(tasks, mode: str, workers: int) -> tuple[float, str]:
    """One timed run (a fresh zygote, its start-up included); seconds per submission."""
    os.environ["COURSEKIT_SANDBOX"] = mode
    sandbox.shutdown()
    t0 = time.perf_counter()
    grade_all(tasks, workers=workers, progress=False)
    dt = time.perf_counter() - t0
    level = sandbox.isolation_level()
    sandbox.shutdown()
    return dt / len(tasks), level


def roundtrip_ms(mode: str, n: int) -> float:
    """Median wall time of one sandboxed check of a trivial function (fork, isolate, call, reply)."""
    import statistics

    from autograder.checks.base import Call
    from autograder.sandbox import run_calls

    os.environ["COURSEKIT_SANDBOX"] = mode
    sandbox.shutdown()
    run_calls("def f():\n    return 1\n", [Call("f")])  # start the zygote (not timed)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        run_calls("def f():\n    return 1\n", [Call("f")])
        times.append(time.perf_counter() - t0)
    sandbox.shutdown()
    return 1000 * statistics.median(times)


def measure_stock(k: int) -> float | None:
    """Seconds per submission of stock ``nbgrader autograde backprop`` on ``k`` submissions."""
    import subprocess

    from autograder.demo import make_course_copy, write_submission

    with tempfile.TemporaryDirectory() as tmp:
        course = make_course_copy(Path(tmp) / "stock")
        course.run_api("generate_assignment", "backprop", force=True)
        for i in range(k):
            write_submission(course, "backprop", f"s{i:02d}", kind="solution")
        env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
                   MPLBACKEND="Agg")
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", "backprop", "--TrustedGrader.in_kernel=True"], cwd=str(course.root),
                              env=env, capture_output=True, text=True)
        dt = time.perf_counter() - t0
    if proc.returncode != 0:
        print("stock nbgrader autograde failed: " + (proc.stderr or proc.stdout)[-300:])
        return None
    return dt / k


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--students", type=int, default=None)
    ap.add_argument("--stock-n", type=int, default=None, help="submissions for the stock nbgrader run")
    ap.add_argument("--skip-stock", action="store_true")
    args = ap.parse_args()
    n = args.students or (8 if args.quick else 16)
    repeats = 1 if args.quick else 3
    with tempfile.TemporaryDirectory() as tmp:
        course = make_course(Path(tmp), {f"s{i:02d}": BUGS[i % len(BUGS)] for i in range(n)})
        tasks = tasks_for(course)
        rows = {}
        for workers in (1, 2):
            iso = off = float("inf")
            for _ in range(repeats):  # interleaved, best of: the machine is shared and noisy
                t, level = measure(tasks, "auto", workers)
                iso = min(iso, t)
                off = min(off, measure(tasks, "none", workers)[0])
            rows[workers] = (iso, off, level)
            print(f"workers={workers}: isolation {level}: {iso:.3f} s/submission; "
                  f"isolation off: {off:.3f} s/submission ({n} submissions)")
    n_rt = 20 if args.quick else 60
    rt_iso, rt_off = roundtrip_ms("auto", n_rt), roundtrip_ms("none", n_rt)
    print(f"one sandboxed check (trivial function): {rt_iso:.1f} ms isolated, {rt_off:.1f} ms not")
    print("RESULT " + json.dumps({
        "name": "one sandboxed check round trip (fork, isolate, call, reply)", "value": round(rt_iso, 2),
        "unit": "ms", "baseline": round(rt_off, 2), "ratio": round(rt_iso / rt_off, 3),
        "goal": "reported (median; baseline = same fork-server without isolation)", "met": None}))
    for workers, (iso, off, level) in rows.items():
        print("RESULT " + json.dumps({
            "name": f"grading with isolation ({level}), workers={workers}", "value": round(iso, 4),
            "unit": "s/submission", "baseline": round(off, 4), "ratio": round(iso / off, 3),
            "goal": "isolation costs < 25% over the same pipeline without it",
            "met": iso <= 1.25 * off}))
        print("RESULT " + json.dumps({
            "name": f"isolation overhead per submission, workers={workers}",
            "value": round(1000 * (iso - off), 1), "unit": "ms/submission", "baseline": 0.0,
            "ratio": None, "goal": "reported", "met": None}))
    iso2 = rows[2][0]
    stock, how = None, "earlier measurement"
    if not args.skip_stock:
        stock = measure_stock(args.stock_n or (3 if args.quick else 6))
        how = "measured in this run"
    if stock is None:
        stock, how = STOCK_NBGRADER_S, "earlier measurement"
    print(f"stock nbgrader autograde: {stock:.3f} s/submission ({how})")
    print("RESULT " + json.dumps({
        "name": "trusted grading throughput vs stock nbgrader (workers=2, isolation on)",
        "value": round(iso2, 4), "unit": "s/submission", "baseline": round(stock, 4),
        "ratio": round(stock / iso2, 2), "goal": f">= 4x stock nbgrader autograde ({how})",
        "met": stock / iso2 >= 4.0}))


if __name__ == "__main__":
    main()
