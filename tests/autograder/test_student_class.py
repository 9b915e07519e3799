"""The class of hand-written submissions (``solutions/<A>/submissions/``) graded end to end (issue 12).

One course copy; the three assignments generated; every submission of the class written under its
own id; then, from the course root, as an instructor would:

* ``autograder grade A`` (isolated) grades all of them: every submission must get exactly the
  per-test scores its file expects (``EXPECT``, written by hand from what the code does), with the
  messages and notes it asks for (``EXPECT_MESSAGES``, ``EXPECT_NOTES``) and names the mistake it
  expects (``EXPECT_HINT``);
* the submissions whose verdict used to depend on the student id (a float32 answer, the seeded
  SGD and the constant-step svm training loops) are also written under :data:`EXTRA_IDS` more ids:
  every id must get the same per-test scores;
* ``autograder report A`` flags none of the honest submissions;
* stock ``nbgrader autograde A --force --student 'h-*'`` grades the honest submissions: they must
  get the same per-test scores (full marks) there too.

Left out to keep this test near 3 minutes on 2 cores: stock nbgrader on the buggy and accident
submissions, and the 20 ids per submission of the full measurement — both are in
``benchmarks/grade_class.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import student_class as sc  # noqa: E402
from student_class import grading  # noqa: E402

pytestmark = pytest.mark.timeout(1500)

from autograder import ASSIGNMENTS  # noqa: E402  (one per folder solutions/<A>/)

SUBS = sc.load(ASSIGNMENTS)
HONEST = [s for s in SUBS if s.kind == "honest"]
CHECKED = [s for s in SUBS if s.expect_messages or s.expect_notes]
#: submissions that straddled a tolerance by student id on main before issue 12 -> extra ids
#: (on main before issue 12, with these ids: float32 passed for r05, r06 only; the seeded SGD for r01 only;
#: the constant step for all but r03)
EXTRA_IDS = {"backprop/bug_float32_linear": 8, "svm/honest_seeded_sgd": 3, "svm/bug_train_constant_step_last": 3}
STRADDLERS = [s for s in SUBS if s.key in EXTRA_IDS]


def _key(sub):
    return sub.key


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = grading.make_course(tmp_path_factory.mktemp("class"), ASSIGNMENTS)
    for sub in SUBS:
        sc.write(sub, course, [sub.student()] + [sub.student(k) for k in range(1, EXTRA_IDS.get(sub.key, 0) + 1)])
    ag, stock, recs = {}, {}, {}
    for a in ASSIGNMENTS:
        proc, _ = grading.autograder_grade(course, a, workers=2)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        ag.update(grading.scores(course, a))
        recs.update(grading.records(course, a))
        proc, _ = grading.stock_autograde(course, a, "h-*")
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        now = grading.scores(course, a)
        stock.update({s.student(): now.get(s.student()) for s in HONEST if s.assignment == a})
    return SimpleNamespace(course=course, ag=ag, stock=stock, recs=recs)


def _explain(graded, sub, student, got) -> str:
    rec = graded.recs.get(student)
    lines = [f"{sub.key} ({sub.kind}): {sub.description}", f"  expected {sub.expect}", f"  got      {got}"]
    for t in sub.expect:
        if got.get(t) != sub.expect[t] and rec is not None:
            for o in rec.outcomes:
                if o.test_id == t:
                    lines.append(f"  {t}: " + " | ".join(o.messages)[:600])
    if rec is not None and rec.notes:
        lines.append("  notes: " + " | ".join(rec.notes)[:400])
    return "\n".join(lines)


def test_the_class_is_a_class():
    kinds = {k: [s for s in SUBS if s.kind == k] for k in sc.KINDS}
    assert len(SUBS) >= 30
    for a in ASSIGNMENTS:
        assert any(s.assignment == a for s in kinds["honest"]), a
        assert any(s.assignment == a for s in kinds["buggy"]), a
    assert len({s.student() for s in SUBS}) == len(SUBS)  # one id each, no collisions


@pytest.mark.parametrize("sub", SUBS, ids=_key)
def test_autograder_grade_gives_the_expected_scores(graded, sub):
    got = graded.ag.get(sub.student())
    assert got == sub.expect, _explain(graded, sub, sub.student(), got or {})


def _ids(sub):
    return [sub.student()] + [sub.student(k) for k in range(1, EXTRA_IDS.get(sub.key, 0) + 1)]


@pytest.mark.parametrize("sub", CHECKED, ids=_key)
def test_autograder_grade_says_what_is_wrong(graded, sub):
    for student in _ids(sub):  # every student with this notebook is told
        rec = graded.recs[student]
        for t, pattern in sub.expect_messages.items():
            msgs = [m for o in rec.outcomes if o.test_id == t for m in o.messages]
            assert sc.matches(pattern, msgs), f"{sub.key} as {student}: {t} should say /{pattern}/, said: {msgs}"
        for pattern in sub.expect_notes:
            assert sc.matches(pattern, rec.notes), \
                f"{sub.key} as {student}: a note should match /{pattern}/, notes: {rec.notes}"


HINTED = [s for s in SUBS if s.expect_hint]


def test_every_buggy_submission_says_which_hint_it_expects():
    for sub in SUBS:
        if sub.kind == "buggy":
            assert set(sub.expect_hint) == set(sub.failing_tests()), sub.key


@pytest.mark.parametrize("sub", HINTED, ids=_key)
def test_autograder_grade_names_the_expected_mistake(graded, sub):
    """The diagnosis (autograder/checks/mistakes.py) names the EXPECT_HINT mistake, or nothing when
    the file expects none (two mistakes at once), under every id."""
    for student in _ids(sub):
        rec = graded.recs[student]
        for t, key in sub.expect_hint.items():
            got = [d for o in rec.outcomes if o.test_id == t for d in o.diagnoses]
            assert got == ([key] if key else []), f"{sub.key} as {student}: {t} diagnosed {got}, expected {key}"


@pytest.fixture(scope="module")
def reports(graded):
    from autograder.report import build_report

    return {a: build_report(graded.course, a).data for a in ASSIGNMENTS}


@pytest.mark.parametrize("sub", HONEST, ids=_key)
def test_autograder_report_does_not_flag_honest_code(reports, sub):
    flagged = {f["student"]: f["flags"] + f["notes"] for f in reports[sub.assignment]["flagged"]}
    assert sub.student() not in flagged, f"{sub.key}: flagged for a look: {flagged[sub.student()]}"


@pytest.mark.parametrize("sub", STRADDLERS, ids=_key)
def test_the_same_notebook_gets_the_same_grade_under_every_id(graded, sub):
    own = graded.ag.get(sub.student())
    others = {sub.student(k): graded.ag.get(sub.student(k)) for k in range(1, EXTRA_IDS[sub.key] + 1)}
    differ = {s: v for s, v in others.items() if v != own}
    assert not differ, "\n".join([f"{sub.key}: {sub.student()} got {own}"] +
                                 [_explain(graded, sub, s, v or {}) for s, v in differ.items()])


@pytest.mark.parametrize("sub", HONEST, ids=_key)
def test_stock_nbgrader_gives_honest_code_the_same_scores(graded, sub):
    got = graded.stock.get(sub.student())
    if got != sub.expect:
        errors = grading.stock_errors(graded.course, sub.student(), sub.assignment)
        pytest.fail(f"{sub.key}: stock nbgrader autograde gave {got}, expected {sub.expect} "
                    f"(autograder grade: {graded.ag.get(sub.student())})\n"
                    + "\n".join(f"  {t}: {e}" for t, e in errors.items()))
