"""``autograder report A``: how the class did, and which submissions need a human look.

Every score and total comes from nbgrader's gradebook (manual scores from formgrader, extra
credit and late penalties included: :func:`autograder.gradebook.totals`), so it agrees with the
summary of ``autograder grade`` and with ``autograder export``; the grading journal of the last
``autograder grade A`` run adds the diagnostics (mistakes, flags, reasons) when there is one.
It writes into ``reports/<A>/``:

* ``histogram.png`` — the distribution of total scores;
* ``mistakes.png``  — per test, the most common diagnosed mistakes (what to re-teach);
* ``report.json``  — per-test pass rates and mean points, the diagnosed mistakes with their counts
  (the catalogue's keys and hints, :mod:`autograder.checks.mistakes`), flagged and failed students;
* ``report.txt``   — the same, as the text the command prints.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from autograder.checks.base import Flag
from autograder.checks.mistakes import HINT_PREFIX
from autograder.course import Course, CourseError

__all__ = ["build_report", "Report"]


@dataclass
class Report:
    assignment: str
    directory: Path
    text: str
    data: dict = field(default_factory=dict)

    @property
    def histogram(self) -> Path:
        return self.directory / "histogram.png"

    @property
    def mistakes_plot(self) -> Path:
        return self.directory / "mistakes.png"


def _records(course: Course, assignment: str):
    from autograder.pipeline import read_journal

    path = course.journal_path(assignment)
    if not path.is_file():
        return None
    recs = read_journal(path)
    students = set(course.students(assignment))
    return [r for r in recs.values() if r.assignment == assignment and (not students or r.student in students)]


def build_report(course: Course, assignment: str) -> Report:
    """Compute the report of ``assignment`` and write its files; returns a :class:`Report`.

    Every score and total is the gradebook's (:func:`autograder.gradebook.totals`: manual scores,
    extra credit and the late penalty included), so the report agrees with ``autograder grade``'s
    summary and ``export``; the journal of the last ``autograder grade`` run adds the per-test
    diagnostics (mistakes, flags, reasons).
    """
    from autograder.gradebook import totals as gradebook_totals

    course.check_assignment(assignment)
    records = {r.student: r for r in (_records(course, assignment) or [])}
    students = set(course.students(assignment))
    tots = gradebook_totals(course, assignment, students=students or None)
    if not tots:
        raise CourseError(f"no grades for {assignment!r} yet: run `autograder grade {assignment}` first")
    tests: list[tuple[str, float]] = []
    for t in tots.values():
        for cell, (_, p, _) in t.cells.items():
            if cell not in dict(tests):
                tests.append((cell, p))
    rows = []  # (student, {test: points}, status, reason, flags, notes, messages)
    diagnosed: dict[str, list[tuple[str, str]]] = {}  # test -> [(mistake key, hint line)] over the class
    pending: dict[str, list[str]] = {}
    for s in sorted(tots):
        t = tots[s]
        pts = {cell: (sc or 0.0) for cell, (sc, _, _) in t.cells.items()}
        pending[s] = t.pending
        r = records.get(s)
        if r is not None:
            rows.append((s, pts, r.status, r.reason, sorted(set(r.flags)), list(r.notes),
                         {o.test_id: o.messages for o in r.outcomes if not o.passed}))
            for o in r.outcomes:
                hint = next((m for m in o.messages if m.startswith(HINT_PREFIX)), "")
                for key in o.diagnoses:
                    diagnosed.setdefault(o.test_id, []).append((key, hint.split(": ", 1)[-1]))
        else:
            rows.append((s, pts, "graded", "", [], [], {}))
    source = "gradebook " + str(course.db_path) + (
        f" (diagnostics: grading journal {course.journal_path(assignment)})" if records else "")

    possible = sum(p for _, p in tests)
    n = len(rows)
    per_test = []
    for t, p in tests:
        got = [row[1].get(t, 0.0) for row in rows]
        per_test.append({"test": t, "points": p, "pass_rate": sum(g >= p for g in got) / n if n else 0.0,
                         "mean": sum(got) / n if n else 0.0,
                         "needs_manual_grading": sum(t in pending[row[0]] for row in rows)})
    possible = max((t.max_score for t in tots.values()), default=possible)
    totals = {s: tots[s].score for s in sorted(tots)}
    penalties = {s: tots[s].penalty for s in sorted(tots) if tots[s].penalty}
    waiting = {s: cells for s, cells in pending.items() if cells}
    failed = [{"student": row[0], "reason": row[3]} for row in rows if row[2] != "graded"]
    # "error" (an exception in the student's code) is ordinary failure, not a reason for a look
    flagged = [{"student": row[0], "flags": [f for f in row[4] if f != Flag.ERROR], "notes": row[5]} for row in rows]
    flagged = [f for f in flagged if f["flags"] or f["notes"]]

    mistakes = _mistake_table(tests, diagnosed)
    out_dir = course.reports_dir(assignment)
    out_dir.mkdir(parents=True, exist_ok=True)
    _histogram(list(totals.values()), possible, assignment, out_dir / "histogram.png")
    _mistakes_plot(mistakes, assignment, out_dir / "mistakes.png")

    lines = [f"Report of {assignment}: {n} submission(s), from the {source}"]
    if n:
        mean = sum(totals.values()) / n
        lines.append(f"  mean score {mean:.2f}/{possible:g}; full marks: {sum(v >= possible for v in totals.values())}; "
                     f"zero: {sum(v == 0 for v in totals.values())}")
    lines.append("  per test (pass rate, mean points):")
    for pt in per_test:
        waits = f"  ({pt['needs_manual_grading']} need manual grading)" if pt["needs_manual_grading"] else ""
        lines.append(f"    {pt['test']:<30} {pt['pass_rate']:>6.0%}  {pt['mean']:.2f}/{pt['points']:g}{waits}")
    lines.append(f"  score histogram: {out_dir / 'histogram.png'}")
    lines.append("  most common diagnosed mistakes per test (students):")
    for t, _ in tests:
        top = mistakes.get(t, [])
        if top:
            lines.append(f"    {t}: " + "; ".join(f"{m['mistake']} ×{m['count']}" for m in top[:TOP]))
    if not any(mistakes.values()):
        lines.append("    (none diagnosed)")
    lines.append(f"  mistakes plot: {out_dir / 'mistakes.png'}")
    lines.append("  totals (score/max after any late penalty):")
    for st in sorted(totals):
        extra = (f"  late penalty -{penalties[st]:g}" if st in penalties else "") + \
            (f"  needs manual grading: {', '.join(waiting[st])}" if st in waiting else "")
        lines.append(f"    {st:<24} {totals[st]:>5g}/{possible:g}{extra}")
    if failed:
        lines.append("  could not be graded (0 points, reason):")
        lines += [f"    {f['student']}: {f['reason']}" for f in failed]
    if flagged:
        lines.append("  flagged for a look (limits hit, input mutation, reference use, extraction notes):")
        lines += [f"    {f['student']}: {', '.join(f['flags'] + f['notes'])}" for f in flagged]
    text = "\n".join(lines)
    data = {"assignment": assignment, "submissions": n, "points_possible": possible, "per_test": per_test,
            "mistakes": mistakes,
            "totals": totals, "late_penalties": penalties, "needs_manual_grading": waiting,
            "failed": failed, "flagged": flagged, "source": source}
    (out_dir / "report.json").write_text(json.dumps(data, indent=2, sort_keys=True))
    (out_dir / "report.txt").write_text(text + "\n")
    return Report(assignment, out_dir, text, data)


#: How many mistakes per test the text report lists (the json and the plot have them all).
TOP = 3


def _mistake_table(tests, diagnosed) -> dict:
    """``{test: [{"mistake", "count", "hint"}, ...]}`` most common first (ties by key), every test."""
    from collections import Counter

    table = {}
    for t, _ in tests:
        pairs = diagnosed.get(t, [])
        counts = Counter(k for k, _ in pairs)
        hints = {}
        for k, h in pairs:
            hints.setdefault(k, h)
        table[t] = [{"mistake": k, "count": c, "hint": hints[k]}
                    for k, c in sorted(counts.items(), key=lambda kc: (-kc[1], kc[0]))]
    return table


def _mistakes_plot(table, assignment, path: Path) -> None:
    """Horizontal bars: one per (test, mistake), the number of students diagnosed with it."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    from coursekit import style

    bars = [(f"{t.removeprefix('test_')}: {m['mistake']}", m["count"]) for t, ms in table.items() for m in ms]
    height = min(max(2.0, 0.3 * len(bars) + 1.2), 12.0)
    with style.context():
        fig, ax = style.subplots(figsize=(7.0, height))
        if bars:
            labels, counts = zip(*reversed(bars))
            ax.barh(range(len(bars)), counts, color=style.PALETTE["orange"])
            ax.set_yticks(range(len(bars)), labels)
            ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
        else:
            ax.text(0.5, 0.5, "no mistake diagnosed", ha="center", va="center", transform=ax.transAxes)
            ax.set_yticks([])
        ax.set_xlabel("students")
        ax.set_title(f"{assignment}: diagnosed mistakes per test")
        fig.tight_layout()
        fig.savefig(path)
    plt.close(fig)


def _histogram(totals, possible, assignment, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker
    import numpy as np

    fig, ax = plt.subplots(figsize=(6, 3.5))
    bins = np.arange(0, possible + 2) - 0.5
    ax.hist(totals, bins=bins, color="#4c72b0", edgecolor="white")
    ax.set_xlabel(f"total score (of {possible:g})")
    ax.set_ylabel("students")
    ax.set_title(f"{assignment}: {len(totals)} submission(s)")
    ax.set_xlim(-0.5, possible + 0.5)
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
