"""How often a wrong submission gets a hint, and how often the hint is right.

The class: every ``KIND = "buggy"`` submission of ``solutions/<A>/submissions/`` (hand-written as
students write them, each with the mistake the diagnosis must name written by hand in
``EXPECT_HINT``, or ``None`` when no hint is due). The script builds a throwaway course copy,
generates the assignments with ``autograder generate``, writes every submission under its own id,
grades them with ``autograder grade A`` (the trusted, isolated grader) and runs ``autograder report
A``, from the course root as the README says; then, from the grading journal, for each submission's
failed test:

* hinted: the outcome carries a diagnosis (``TestOutcome.diagnoses``, a "Likely bug (…)" line);
* right: the diagnosis is the ``EXPECT_HINT`` mistake; a hint where ``EXPECT_HINT`` is ``None`` is
  wrong, and no hint there is right;

and prints the share of wrong submissions that get a hint (goal ≥ 90 %), the share of hints that
are right (goal 100 %), the submissions without a hint or with a wrong one, and the report's
mistake table; then ``RESULT {json}`` lines like the other benchmarks.

Run: ``.venv/bin/python benchmarks/hint_coverage.py [--assignment A ...] [--workers 2] [--dir D]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "autograder"))

from student_class import grading  # noqa: E402

from autograder import submissions as S  # noqa: E402


def _result(name, value, unit, goal, met, baseline=None):
    print("RESULT " + json.dumps({"name": name, "value": value, "unit": unit, "baseline": baseline, "ratio": None,
                                  "goal": goal, "met": met}, ensure_ascii=False))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--assignment", action="append", default=None)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dir", default=None, help="course copy directory (kept); default: a temporary one")
    args = ap.parse_args(argv)

    from autograder import assignments

    names = args.assignment or assignments.assignments()
    subs = [s for s in S.load(names) if s.kind == "buggy"]
    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="hint_coverage_"))
    t0 = time.perf_counter()
    course = grading.make_course(work, names)
    for sub in subs:
        S.write(sub, course, sub.student())
    records, tables = {}, {}
    for a in names:
        proc, secs = grading.autograder_grade(course, a, workers=args.workers)
        if proc.returncode != 0:
            print(proc.stdout[-3000:], proc.stderr[-3000:])
            return 1
        print(f"autograder grade {a}: {secs:.1f} s")
        records.update(grading.records(course, a))
        rep, _ = grading.run([sys.executable, "-m", "autograder.cli", "report", a], course.root)
        if rep.returncode != 0:
            print(rep.stdout[-3000:], rep.stderr[-3000:])
            return 1
        tables[a] = json.loads((course.reports_dir(a) / "report.json").read_text())["mistakes"]
        print(f"  mistakes plot: {course.reports_dir(a) / 'mistakes.png'}")

    wrong, hinted, right_hints, no_hint, bad, unexpected_points = 0, 0, 0, [], [], []
    per_assignment: dict[str, list[int]] = {}
    for sub in subs:
        rec = records.get(sub.student())
        for test in sub.failing_tests():
            wrong += 1
            pa = per_assignment.setdefault(sub.assignment, [0, 0, 0])
            pa[0] += 1
            outcome = next((o for o in (rec.outcomes if rec else []) if o.test_id == test), None)
            if outcome is None or outcome.points != 0:
                unexpected_points.append(f"{sub.key} {test}: {outcome.points if outcome else 'not graded'}")
            got = list(outcome.diagnoses) if outcome else []
            want = sub.expect_hint.get(test, "(not written)")
            if got:
                hinted += 1
                pa[1] += 1
                if got == [want]:
                    right_hints += 1
                    pa[2] += 1
                else:
                    bad.append(f"{sub.key} {test}: hint {got}, expected {want}")
            else:
                no_hint.append(f"{sub.key} {test}: no hint (expected {want})"
                               + (": " + " | ".join(outcome.messages)[:200] if outcome else ""))
    # a hint where none is due counts as wrong (above); no hint where none is due is right
    due = sum(1 for s in subs for t in s.failing_tests() if s.expect_hint.get(t) is not None)
    hint_share = hinted / wrong if wrong else 0.0
    right_share = right_hints / hinted if hinted else 1.0

    print(f"\n{len(subs)} wrong submissions over {', '.join(names)} ({wrong} failed tests); "
          f"{due} with a catalogued mistake, {wrong - due} with two mistakes at once (no hint due)")
    for a, (n, h, r) in per_assignment.items():
        print(f"  {a:<11} {n:>3} wrong, {h:>3} hinted, {r:>3} right")
    print(f"share of wrong submissions with a hint: {hinted}/{wrong} = {hint_share:.1%}")
    print(f"share of due hints given (and right): {right_hints}/{due} = {right_hints / due if due else 1:.1%}")
    print(f"share of hints that are right: {right_hints}/{hinted} = {right_share:.1%}")
    for line in no_hint:
        print("  no hint:", line)
    for line in bad:
        print("  WRONG HINT:", line)
    for line in unexpected_points:
        print("  UNEXPECTED POINTS:", line)
    print("\nthe report's mistake table (autograder report A, report.json):")
    for a, table in tables.items():
        for test, rows in table.items():
            if rows:
                print(f"  {a}/{test}: " + "; ".join(f"{r['mistake']} ×{r['count']}" for r in rows))
    print(f"\nwall time {time.perf_counter() - t0:.1f} s")
    _result("hint_coverage_wrong_with_hint", round(100 * hint_share, 1), "%", "≥ 90 %", hint_share >= 0.90,
            f"{hinted}/{wrong} failed tests")
    _result("hint_coverage_hints_right", round(100 * right_share, 1), "%", "100 %", right_share == 1.0,
            f"{right_hints}/{hinted} hints")
    _result("hint_coverage_due_hints_given", round(100 * right_hints / due, 1) if due else 100.0, "%", "measurement",
            None, f"{right_hints}/{due} with a catalogued mistake")
    _result("hint_coverage_wrong_submissions", len(subs), "submissions", "≥ 40", len(subs) >= 40)
    if not args.dir:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
