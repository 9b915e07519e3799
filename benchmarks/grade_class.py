"""The class of hand-written submissions (``tests/autograder/student_class``) graded with both graders.

Builds a throwaway copy of the course (``autograder.demo.make_course_copy``), generates the
assignments with ``autograder generate``, writes every submission of the class under its own id
(``h-…`` honest, ``b-…`` buggy, ``a-…`` accident) and, the very same notebook, under ``--ids``
more ids (``r01-…`` …), then, from the course root as the README says:

* ``autograder grade A --workers N`` (isolated) grades everything;
* stock ``nbgrader autograde A --force --student '[hba]-*'`` grades the own ids (``--force``:
  ``autograder grade`` already wrote their ``autograded/`` folders, which stock nbgrader skips).

and prints, per submission, what each grader gave against the hand-written ``EXPECT`` (with the
grader's message for each unexpected score), then:

* per-test agreement of the two graders on the honest submissions (goal 100 %);
* how many submissions get identical per-test scores under all their ids (goal: all);
* how many buggy submissions lose exactly their expected test (goal: all), and how many
  submissions of every kind match ``EXPECT`` exactly;
* the messages and notes the class asks for (``EXPECT_MESSAGES``/``EXPECT_NOTES``);
* the flags and notes ``autograder report`` raises for honest submissions (goal: none);
* wall times;

then ``RESULT {json}`` lines like the other benchmarks (name, value, unit, baseline, ratio, goal, met).

Run: ``.venv/bin/python benchmarks/grade_class.py [--assignment A ...] [--ids 20] [--skip-stock]
[--workers 2] [--dir D] [--quick]`` (``--quick``: 3 extra ids).
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

import student_class as sc  # noqa: E402
from student_class import grading  # noqa: E402

OWN_GLOB = "[hba]-*"


def _short(text: str, n: int = 220) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 3] + "..."


def _fmt(points: dict, tests: list[str]) -> str:
    return " ".join(f"{points.get(t, float('nan')):g}" for t in tests)


def _messages(rec, test) -> list[str]:
    if rec is None:
        return []
    for o in rec.outcomes:
        if o.test_id == test:
            return list(o.messages)
    return []


def analyse(subs, course, points, ag, stock, recs, report_flags, n_ids, stock_ran):
    """Print the per-submission lines and return the summary numbers."""
    out = {"honest_tests": 0, "honest_agree": 0, "invariant": 0, "subs": len(subs), "buggy": 0, "buggy_exact": 0,
           "expect_exact": 0, "messages": 0, "messages_ok": 0, "notes": 0, "notes_ok": 0, "honest_flagged": 0,
           "stock_expect_exact": 0, "stock_subs": 0, "by_kind": {}}
    for sub in subs:
        tests = list(sub.expect)
        own = sub.student()
        ids = [own] + [sub.student(k) for k in range(1, n_ids + 1)]
        possible = sum(points[sub.assignment].values())
        got = ag.get(own, {})
        rec = recs.get(own)
        lines = []
        exact = got == sub.expect
        out["expect_exact"] += exact
        kind = out["by_kind"].setdefault(sub.kind, [0, 0])
        kind[0] += exact
        kind[1] += 1
        for t in tests:
            if got.get(t) != sub.expect[t]:
                msg = _messages(rec, t)
                lines.append(f"      autograder {t}: {got.get(t, 'missing')} (expected {sub.expect[t]:g})"
                             + (f": {_short(msg[0] if msg else '')}" if msg else ""))
        if rec is not None and rec.status != "graded":
            lines.append(f"      autograder: {rec.status}: {rec.reason}")
        if sub.kind == "buggy":
            out["buggy"] += 1
            out["buggy_exact"] += exact
        # the same notebook under the other ids
        vectors = {tuple(ag.get(sub.student(k), {}).get(t) for t in tests) for k in range(1, n_ids + 1)}
        vectors.add(tuple(got.get(t) for t in tests))
        invariant = len(vectors) == 1
        out["invariant"] += invariant
        if not invariant:
            counts = {}
            for k in [None, *range(1, n_ids + 1)]:
                v = tuple(ag.get(sub.student(k), {}).get(t) for t in tests)
                counts[v] = counts.get(v, 0) + 1
            shown = "; ".join(f"{sum(x for x in v if x is not None):g} pts ({_fmt(dict(zip(tests, v)), tests)}) "
                              f"x{c}" for v, c in sorted(counts.items(), key=lambda kv: -kv[1]))
            lines.append(f"      ids: {len(vectors)} different per-test scores over {n_ids + 1} ids: {shown}")
            for k in range(1, n_ids + 1):
                other = ag.get(sub.student(k), {})
                diff = [t for t in tests if other.get(t) != got.get(t)]
                if diff:
                    m = _messages(recs.get(sub.student(k)), diff[0]) or _messages(rec, diff[0])
                    lines.append(f"      e.g. {sub.student(k)} {diff[0]}: {other.get(diff[0])} vs "
                                 f"{got.get(diff[0])}: {_short(m[0] if m else '')}")
                    break
        # stock nbgrader
        s_got = stock.get(own) if stock_ran else None
        stock_txt = "-"
        if stock_ran:
            out["stock_subs"] += 1
            if s_got is None:
                stock_txt = "not graded"
                lines.append("      stock: no grade in the gradebook")
            else:
                out["stock_expect_exact"] += s_got == sub.expect
                stock_txt = f"{sum(s_got.values()):g}"
                errs = None
                for t in tests:
                    if s_got.get(t) != got.get(t):
                        errs = errs if errs is not None else grading.stock_errors(course, own, sub.assignment)
                        lines.append(f"      stock {t}: {s_got.get(t)} vs autograder {got.get(t)}"
                                     + (f": {_short(errs.get(t, ''))}" if errs.get(t) else ""))
                if sub.kind == "honest":
                    out["honest_tests"] += len(tests)
                    out["honest_agree"] += sum(s_got.get(t) == got.get(t) for t in tests)
        # messages and notes the class asks for
        for t, pattern in sub.expect_messages.items():
            # every student with this notebook must be told, not only some ids
            out["messages"] += 1
            wrong = [(s, _messages(recs.get(s), t)) for s in ids if not sc.matches(pattern, _messages(recs.get(s), t))]
            if not wrong:
                out["messages_ok"] += 1
            else:
                s, msgs = wrong[0]
                lines.append(f"      message of {t} should match /{pattern}/ for every id; {len(wrong)}/{len(ids)} "
                             f"do not, e.g. {s}: {_short(' | '.join(msgs)) or '(none)'}")
        for pattern in sub.expect_notes:
            out["notes"] += 1
            notes = list(rec.notes) if rec else []
            if sc.matches(pattern, notes):
                out["notes_ok"] += 1
            else:
                lines.append(f"      notes should match /{pattern}/: {_short(' | '.join(notes)) or '(none)'}")
        flagged = report_flags.get(own)
        if flagged and sub.kind == "honest":
            out["honest_flagged"] += 1
            lines.append(f"      report flags an honest submission: {_short(', '.join(flagged))}")
        elif flagged:
            lines.append(f"      report: {_short(', '.join(flagged))}")
        total = sum(got.values()) if got else float("nan")
        status = "ok" if exact and invariant and (not stock_ran or sub.kind != "honest" or s_got == got) else "MISMATCH"
        print(f"  {status:<8} {sub.key:<46} {sub.kind:<8} autograder {total:>4g}/{possible:g}"
              f" (expected {sum(sub.expect.values()):g}, failing {','.join(t[5:] for t in sub.failing_tests()) or '-'})"
              f"  stock {stock_txt}  ids {'same' if invariant else 'DIFFER'}")
        for line in lines:
            print(line)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--assignment", action="append", choices=("backprop", "optimizers", "svm"),
                    help="only this assignment (repeatable; default: all three)")
    ap.add_argument("--ids", type=int, default=None, help="extra student ids per submission (default 20)")
    ap.add_argument("--skip-stock", action="store_true", help="do not run stock nbgrader autograde")
    ap.add_argument("--workers", type=int, default=2, help="autograder grade --workers (default 2)")
    ap.add_argument("--dir", help="build the course here (default: a temp dir, removed unless --keep)")
    ap.add_argument("--keep", action="store_true", help="keep the course copy")
    ap.add_argument("--quick", action="store_true", help="3 extra ids instead of 20")
    args = ap.parse_args(argv)
    n_ids = args.ids if args.ids is not None else (3 if args.quick else 20)
    if n_ids < 0:
        ap.error("--ids: expected an integer >= 0")
    assignments = args.assignment or ["backprop", "optimizers", "svm"]

    t_start = time.perf_counter()
    tmp = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="grade-class-"))
    subs = sc.load(assignments)
    course = grading.make_course(tmp, assignments)
    for sub in subs:
        sc.write(sub, course, [sub.student()] + [sub.student(k) for k in range(1, n_ids + 1)])
    t_setup = time.perf_counter() - t_start
    kinds = {k: sum(s.kind == k for s in subs) for k in sc.KINDS}
    print(f"class: {len(subs)} submissions ({kinds['honest']} honest, {kinds['buggy']} buggy, "
          f"{kinds['accident']} accidents) of {', '.join(assignments)}, each under {n_ids + 1} ids; "
          f"course {course.root} (set up in {t_setup:.0f} s)")

    from autograder.report import build_report

    ag, stock, recs, flags = {}, {}, {}, {}
    t_ag = t_stock = 0.0
    n_graded = n_stock = 0
    for a in assignments:
        proc, dt = grading.autograder_grade(course, a, workers=args.workers)
        t_ag += dt
        if proc.returncode != 0:
            print(f"autograder grade {a} failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
            return 1
        n = len(course.students(a))
        n_graded += n
        print(f"autograder grade {a} --workers {args.workers}: {n} submissions in {dt:.1f} s ({dt / n:.2f} s each)")
        ag.update({s: v for s, v in grading.scores(course, a).items()})
        recs.update(grading.records(course, a))
        rep = build_report(course, a)
        flags.update({f["student"]: f["flags"] + f["notes"] for f in rep.data["flagged"]})
        if not args.skip_stock:
            proc, dt = grading.stock_autograde(course, a, OWN_GLOB)
            t_stock += dt
            own = [s for s in course.students(a) if s[:2] in ("h-", "b-", "a-")]
            n_stock += len(own)
            print(f"stock nbgrader autograde {a} --force --student '{OWN_GLOB}': {len(own)} submissions in {dt:.1f} s "
                  f"({dt / max(len(own), 1):.2f} s each), exit {proc.returncode}")
            now = grading.scores(course, a)
            stock.update({s: now[s] for s in own if s in now})

    print("\nper submission (own id; autograder vs EXPECT, stock nbgrader, the same notebook under every id):")
    points = {a: sc.points_of(course, a) for a in assignments}
    r = analyse(subs, course, points, ag, stock, recs, flags, n_ids, not args.skip_stock)

    print("\nsummary")
    if not args.skip_stock:
        pct = 100.0 * r["honest_agree"] / r["honest_tests"] if r["honest_tests"] else 100.0
        print(f"  honest submissions, per-test agreement stock vs autograder: {r['honest_agree']}/{r['honest_tests']} "
              f"({pct:.1f} %)  goal 100 %")
        print(f"  stock nbgrader matches EXPECT exactly: {r['stock_expect_exact']}/{r['stock_subs']} submissions")
    print(f"  identical per-test scores under all {n_ids + 1} ids: {r['invariant']}/{r['subs']} submissions  goal all")
    print(f"  buggy submissions losing exactly their expected test: {r['buggy_exact']}/{r['buggy']}  goal all")
    print("  autograder matches EXPECT exactly: " + ", ".join(
        f"{k} {v[0]}/{v[1]}" for k, v in r["by_kind"].items()) + f"  (all {r['expect_exact']}/{r['subs']})")
    print(f"  messages as expected: {r['messages_ok']}/{r['messages']}; notes as expected: {r['notes_ok']}/{r['notes']}")
    print(f"  honest submissions flagged by autograder report: {r['honest_flagged']}  goal 0")
    t_total = time.perf_counter() - t_start
    print(f"  wall times: setup {t_setup:.0f} s, autograder grade {t_ag:.0f} s ({n_graded} submissions, "
          f"{t_ag / max(n_graded, 1):.2f} s each)" + (f", stock nbgrader {t_stock:.0f} s ({n_stock} submissions, "
                                                      f"{t_stock / max(n_stock, 1):.2f} s each)" if not args.skip_stock else "")
          + f", total {t_total:.0f} s")

    rows = []
    scope = f"{len(subs)} submissions of {'+'.join(assignments)}"
    if not args.skip_stock:
        pct = 100.0 * r["honest_agree"] / r["honest_tests"] if r["honest_tests"] else 100.0
        rows.append({"name": "class_honest_per_test_agreement_stock_vs_autograder", "value": round(pct, 1),
                     "unit": "%", "baseline": f"{r['honest_agree']}/{r['honest_tests']} tests", "ratio": None,
                     "goal": "100 % (same per-test scores, whichever grader)", "met": r["honest_agree"] == r["honest_tests"]})
    rows.append({"name": "class_identical_scores_across_ids", "value": r["invariant"], "unit": "submissions",
                 "baseline": f"of {r['subs']}, {n_ids + 1} ids each", "ratio": None,
                 "goal": "all (same code, same grade)", "met": r["invariant"] == r["subs"]})
    rows.append({"name": "class_buggy_lose_exactly_expected_test", "value": r["buggy_exact"], "unit": "submissions",
                 "baseline": f"of {r['buggy']}", "ratio": None, "goal": "all", "met": r["buggy_exact"] == r["buggy"]})
    rows.append({"name": "class_matches_expect_autograder", "value": r["expect_exact"], "unit": "submissions",
                 "baseline": f"of {r['subs']}", "ratio": None, "goal": "all (" + scope + ")",
                 "met": r["expect_exact"] == r["subs"]})
    rows.append({"name": "class_honest_flagged_by_report", "value": r["honest_flagged"], "unit": "submissions",
                 "baseline": None, "ratio": None, "goal": "0", "met": r["honest_flagged"] == 0})
    rows.append({"name": "class_autograder_grade_time", "value": round(t_ag / max(n_graded, 1), 3),
                 "unit": "s/submission", "baseline": round(t_stock / n_stock, 3) if n_stock else None,
                 "ratio": round((t_stock / n_stock) / (t_ag / n_graded), 2) if n_stock and n_graded and t_ag else None,
                 "goal": f"measurement (baseline: stock nbgrader s/submission; --workers {args.workers})", "met": None})
    for row in rows:
        print("RESULT " + json.dumps(row, ensure_ascii=False))
    if not args.dir and not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    elif args.keep:
        print(f"kept: {course.root}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
