"""Grading throughput on generated ``backprop`` submissions: ``autograder grade`` vs stock nbgrader.

Builds a throwaway copy of the course, generates ``backprop``, writes ``--n`` submissions
(default 50: two in three are the solution, the others carry one of the seven typical bugs of
``autograder.demo.BUGS`` — all honest code that terminates), then, in the same run:

* ``autograder grade backprop --workers 2`` (isolated sandbox, stronger checks, gradebook and
  autograded notebooks written) — timed end to end as a command;
* stock ``nbgrader autograde backprop`` on the same submissions in a second copy of the course
  (hidden test cells run the same checks in a Jupyter kernel per submission).

Prints seconds per submission of each and the agreement of their per-test scores, then
``RESULT {json}`` lines (name, value, unit, baseline, ratio, goal, met). The goal: at least
4× stock nbgrader's throughput (stock was measured at about 2.0 s per submission here).

Run: ``.venv/bin/python benchmarks/bench_grading.py [--n 50] [--workers 2]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.demo import BUGS, make_course_copy, write_submission

A = "backprop"
GOAL_RATIO = 4.0


def _env():
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["MPLBACKEND"] = "Agg"
    return env


def _submit(course, n):
    bugs = list(BUGS[A])
    kinds = {}
    for i in range(n):
        kind = "solution" if i % 3 != 2 else f"buggy:{bugs[(i // 3) % len(bugs)]}"
        student = f"s{i:03d}"
        write_submission(course, A, student, kind=kind)
        kinds[student] = kind
    return kinds


def _scores(course):
    with Gradebook(course.db_url, course.course_id) as gb:
        return {sub.student.id: {g.name: g.score for g in gb.find_submission_notebook(A, A, sub.student.id).grades}
                for sub in gb.find_assignment(A).submissions}


def _timed(cmd, cwd):
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=str(cwd), env=_env(), text=True, capture_output=True)
    dt = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return dt


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--n", type=int, default=50, help="number of submissions (default 50)")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--skip-stock", action="store_true", help="only time autograder grade")
    args = p.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    ours = make_course_copy(tmp / "ours")
    ours.run_api("generate_assignment", A, force=True)
    kinds = _submit(ours, args.n)
    print(f"{args.n} submissions of {A} in {ours.root / 'submitted'} "
          f"({sum(k == 'solution' for k in kinds.values())} solutions, the others one bug each)")

    t_ours = _timed([sys.executable, "-m", "autograder.cli", "-q", "grade", A, "--workers", str(args.workers),
                     "--fresh"], ours.root)
    s_ours = t_ours / args.n
    print(f"autograder grade --workers {args.workers}: {t_ours:.1f} s total, {s_ours:.3f} s/submission")

    rows = []
    if not args.skip_stock:
        stock = make_course_copy(tmp / "stock")
        stock.run_api("generate_assignment", A, force=True)
        _submit(stock, args.n)
        t_stock = _timed([sys.executable, "-m", "nbgrader", "autograde", A, "--TrustedGrader.in_kernel=True"], stock.root)
        s_stock = t_stock / args.n
        print(f"stock nbgrader autograde:        {t_stock:.1f} s total, {s_stock:.3f} s/submission")
        a, b = _scores(ours), _scores(stock)
        agree = sum(a.get(s) == b.get(s) for s in kinds)
        print(f"per-test scores identical for {agree}/{args.n} submissions")
        ratio = s_stock / s_ours
        rows.append({"name": "grading_throughput_vs_stock_nbgrader", "value": round(s_ours, 4),
                     "unit": "s/submission", "baseline": round(s_stock, 4), "ratio": round(ratio, 2),
                     "goal": f">= {GOAL_RATIO:g}x stock nbgrader autograde's throughput "
                             f"(autograder grade --workers {args.workers}, {args.n} submissions)",
                     "met": ratio >= GOAL_RATIO, "scores_agree": f"{agree}/{args.n}"})
        rows.append({"name": "grading_stock_nbgrader_autograde", "value": round(s_stock, 4),
                     "unit": "s/submission", "baseline": 2.0, "ratio": round(s_stock / 2.0, 2),
                     "goal": "reference measurement (about 2.0 s/submission)", "met": True})
    else:
        rows.append({"name": "grading_autograder_grade", "value": round(s_ours, 4), "unit": "s/submission",
                     "baseline": 2.0, "ratio": round(2.0 / s_ours, 2),
                     "goal": f">= {GOAL_RATIO:g}x the ~2.0 s/submission of stock nbgrader",
                     "met": 2.0 / s_ours >= GOAL_RATIO})
    for row in rows:
        print("RESULT " + json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
