"""``autograder demo``: a throwaway copy of the course, sample submissions, graded end to end.

The helpers here are also what the tests and ``benchmarks/bench_grading.py`` use:

* :func:`make_course_copy` copies the course (``autograder/nbgrader_config.py`` and the
  ``solutions/`` notebooks) into a fresh folder — the copy's ``nbgrader_config.py`` resolves
  its paths relative to itself, so every nbgrader command works there unchanged;
* :func:`solution_code` reads a function's reference solution out of the source notebook;
* :data:`BUGS` holds one typical bug per function, taken from the assignment's submissions;
* :func:`write_submission` writes ``submitted/<student>/<A>/<A>.ipynb`` from the released
  notebook with chosen code in each solution cell — the solution itself, a blank submission,
  one function broken (:data:`BUGS`), one that raises, one that never returns.

It runs the course with :mod:`autograder.commands`, as the command line does.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from autograder import assignments
from autograder.commands import export, feedback, generate, grade, use_course
from autograder.course import Course
from autograder.submissions import solution_code

__all__ = ["make_course_copy", "solution_code", "write_submission", "BUGS", "RAISES", "HANGS", "run_demo",
           "SAMPLE_KINDS"]

#: What of an assignment's folder a course copy leaves out.
_NOT_COPIED = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints")

class _Bugs(dict):
    """``BUGS[A][f] = (what is wrong, source)``: one typical bug per graded function, read from
    the assignment's own buggy submissions (``solutions/<A>/submissions/bug_*.py``): the one
    marked ``DEMO = True`` that changes ``f`` only and fails ``test_<f>`` only."""

    def __missing__(self, assignment):
        from autograder.submissions import load

        bugs: dict[str, tuple[str, str]] = {}
        for sub in load([assignment]):
            if not sub.demo:
                continue
            if sub.kind != "buggy" or list(sub.cells) != [t[len("test_"):] for t in sub.failing_tests()]:
                raise ValueError(f"{sub.path}: DEMO submissions change one function and fail its test only")
            function = next(iter(sub.cells))
            if function in bugs:
                raise ValueError(f"{sub.path}: a second DEMO submission for {function}")
            bugs[function] = (sub.description.split("; others")[0].strip(), sub.cells[function])
        self[assignment] = bugs
        return bugs


#: One typical bug per graded function of each assignment (see :class:`_Bugs`).
BUGS: dict[str, dict[str, tuple[str, str]]] = _Bugs()

#: A body that raises, and one that never returns (for any function).
RAISES = "raise ValueError('I am not finished')"
HANGS = "while True:\n        pass"

SAMPLE_KINDS = ("solution", "blank", "buggy:<function>", "raises:<function>", "hangs:<function>")


def make_course_copy(dest: str | Path | None = None) -> Course:
    """Copy the course (config + every assignment folder) into ``dest`` (default: a new temp dir).

    Layout of the copy: ``dest/autograder/nbgrader_config.py`` (the course root) and
    ``dest/solutions/<A>/`` (source notebook, builder, checks, submissions). Returns the
    :class:`Course` of the copy.
    """
    dest = Path(dest) if dest else Path(tempfile.mkdtemp(prefix="autograder-demo-"))
    solutions = assignments.solutions_root()
    root = dest / "autograder"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(solutions.parent / "autograder" / "nbgrader_config.py", root / "nbgrader_config.py")
    for a in assignments.assignments():
        shutil.copytree(solutions / a, dest / "solutions" / a, ignore=_NOT_COPIED, dirs_exist_ok=True)
    return Course(root)


def _with_body(course, assignment, function, body):
    """The solution cell of ``function`` with its body replaced by ``body``."""
    src = solution_code(course, assignment, function)
    m = re.search(rf"def {function}\(.*?\):\n(\s+\"\"\"[\s\S]*?\"\"\"\n)?", src)
    head = src[: m.end()]
    return head + "    " + body + "\n"


def _graded_functions(nb) -> list[str]:
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def write_submission(course: Course, assignment: str, student: str, functions: dict[str, str] | None = None,
                     kind: str = "solution", timestamp: str | None = "2026-11-20 10:00:00 UTC") -> Path:
    """Write ``submitted/<student>/<A>/<A>.ipynb`` from the released notebook.

    ``kind``: ``"solution"`` (every function solved), ``"blank"`` (nothing changed),
    ``"buggy:<f>"`` (solved, with the typical bug of ``f`` from :data:`BUGS`),
    ``"raises:<f>"`` / ``"hangs:<f>"`` (solved, ``f`` raises / never returns).
    ``functions`` overrides the code of individual solution cells afterwards.
    """
    release = nbformat.read(str(course.release_notebook(assignment)), as_version=4)
    code = {}
    if kind != "blank":
        code = {f: solution_code(course, assignment, f) for f in _graded_functions(release)}
    if kind.startswith("buggy:"):
        f = kind.split(":", 1)[1]
        code[f] = BUGS[assignment][f][1].strip("\n")
    elif kind.startswith("raises:"):
        f = kind.split(":", 1)[1]
        code[f] = _with_body(course, assignment, f, RAISES)
    elif kind.startswith("hangs:"):
        f = kind.split(":", 1)[1]
        code[f] = _with_body(course, assignment, f, HANGS)
    code.update(functions or {})
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") in code:
            cell.source = code[meta["grade_id"]]
    folder = course.submitted_dir(student, assignment)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / course.notebook_name(assignment)
    nbformat.write(release, str(path))
    if timestamp:
        (folder / "timestamp.txt").write_text(timestamp + "\n")
    return path


def _demo_submissions(course: Course) -> dict[str, str]:
    """student -> what the sample submission is."""
    A = "backprop"
    plan = {
        "alice": ("solution", "the reference solution (12/12)"),
        "bob": ("blank", "the released notebook, untouched (0/12)"),
        "carol": ("buggy:linear_backward", "dW transposed in linear_backward"),
        "dave": ("buggy:softmax_cross_entropy", "a missing 1/N in softmax_cross_entropy"),
        "erin": ("buggy:relu_backward", "relu_backward modifies dout in place"),
        "frank": ("raises:softmax_backward", "softmax_backward raises an exception"),
        "grace": ("hangs:tanh_backward", "tanh_backward never returns (endless loop)"),
    }
    for student, (kind, _) in plan.items():
        write_submission(course, A, student, kind=kind)
    # a crashing submission: the notebook file is not even valid JSON
    crash = course.submitted_dir("heidi", A)
    crash.mkdir(parents=True, exist_ok=True)
    (crash / course.notebook_name(A)).write_text('{"cells": [{"cell_type": "code", "source": "def linear_')
    out = {s: d for s, (_, d) in plan.items()}
    out["heidi"] = "a truncated, unreadable notebook file"
    return out


def run_demo(directory: str | None = None, workers: int = 2, keep: bool = True) -> int:
    """Build a throwaway course, submit samples, grade, give feedback, export, report."""
    from autograder.report import build_report

    t0 = time.perf_counter()
    course = use_course(make_course_copy(directory))
    print(f"demo course: {course.root.parent}")
    print(f"  course root (nbgrader_config.py): {course.root}")
    print(f"  source notebooks:                 {course.source_root}")
    for a in assignments.assignments():
        generate(course, a, quiet=True)
    print(f"1. generated the student versions:  {course.root / 'release'}/<assignment>/")
    plan = _demo_submissions(course)
    print(f"2. sample submissions of backprop:  {course.root / 'submitted'}/<student>/backprop/")
    for s, d in plan.items():
        print(f"     {s:<6} {d}")
    print("3. grading with the trusted grader (isolated, parallel) ...")
    records = grade(course, "backprop", workers=workers, progress=False)
    for r in sorted(records, key=lambda r: r.student):
        failed = [o.test_id for o in r.outcomes if not o.passed]
        extra = f" ({r.reason})" if r.status != "graded" else ""
        print(f"     {r.student:<6} {r.score:>4g}/{r.max_score:g}  failed: {', '.join(failed) or '-'}{extra}")
    feedback(course, "backprop", quiet=True)
    print(f"4. feedback HTML:                   {course.root / 'feedback'}/<student>/backprop/backprop.html")
    csv = export(course, quiet=True)
    print(f"5. grades CSV (nbgrader export):    {csv}")
    rep = build_report(course, "backprop")
    print(f"6. report:                          {rep.directory}")
    print("\n" + rep.text)
    example = next((r for r in records if r.student == "carol"), None)
    if example is not None:
        from autograder.feedback import render_messages

        print("What carol sees in her feedback for linear_backward:")
        for o in example.outcomes:
            if o.function == "linear_backward":
                print(render_messages(o).rstrip())
    print(f"\ndemo finished in {time.perf_counter() - t0:.0f} s; everything is under {course.root.parent}")
    if not keep:
        shutil.rmtree(course.root.parent, ignore_errors=True)
    return 0
