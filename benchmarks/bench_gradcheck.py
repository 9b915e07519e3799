"""Gradient-check cost per graded function of the ``backprop`` assignment.

For each of the seven checks, measures the trusted-side work of grading one
submission: ``check.calls(seed)`` + running the reference implementation on every
call (standing in for the student's code; in production that runs in the sandbox)
+ ``check.judge(calls, results)`` (finite differences of the trusted forward,
relative errors, diagnosis). Median wall time over repeats, one ``RESULT {json}``
line per function and one for the total.

Goal: < 0.1 s per function and < 0.5 s for all seven. Why: ``autograder grade`` aims at
≥ 4× stock nbgrader's throughput (see ARCHITECTURE.md, Benchmarks; stock ≈ 2.0 s per
submission here, so ≤ 0.5 s per submission all-in with 2 workers ≈ 1.0 s of CPU per
submission); the checks must leave most of that budget to process isolation.
``baseline`` is that budget share (0.1 s per function, 0.5 s total) and ``ratio`` =
value / baseline (< 1 meets the goal).

Run:  .venv/bin/python benchmarks/bench_gradcheck.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import time

from autograder.checks import checks_for
from autograder.checks.base import CallResult, to_plain
from coursekit import functional as F

GOAL_PER_FUNCTION = 0.1
GOAL_TOTAL = 0.5


def grade_once(check, seed):
    calls = check.calls(seed)
    fn = getattr(F, check.function)
    results = []
    for call in calls:
        args = copy.deepcopy(call.args)
        value = fn(*args)
        results.append(CallResult("ok", to_plain(value), args_after=to_plain(args)))
    outcome = check.judge(calls, results)
    assert outcome.passed, outcome.messages
    return outcome


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)
    checks = checks_for("backprop")
    total = []
    per = {c.function: [] for c in checks}
    for rep in range(args.repeats):
        t_all = 0.0
        for check in checks:
            t0 = time.perf_counter()
            grade_once(check, 1000 + rep)
            dt = time.perf_counter() - t0
            per[check.function].append(dt)
            t_all += dt
        total.append(t_all)
    for check in checks:
        value = statistics.median(per[check.function])
        print("RESULT " + json.dumps({
            "name": f"gradcheck_cost_{check.function}",
            "value": round(value, 5),
            "unit": "s",
            "baseline": GOAL_PER_FUNCTION,
            "ratio": round(value / GOAL_PER_FUNCTION, 3),
            "goal": f"< {GOAL_PER_FUNCTION} s per function (calls + reference + judge)",
            "met": value < GOAL_PER_FUNCTION,
            "cases": len(check.calls(0)),
        }))
    value = statistics.median(total)
    print("RESULT " + json.dumps({
        "name": "gradcheck_cost_backprop_total",
        "value": round(value, 5),
        "unit": "s",
        "baseline": GOAL_TOTAL,
        "ratio": round(value / GOAL_TOTAL, 3),
        "goal": f"< {GOAL_TOTAL} s for all seven checks of one submission",
        "met": value < GOAL_TOTAL,
    }))


if __name__ == "__main__":
    main()
