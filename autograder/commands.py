"""What the ``autograder`` commands do, on a :class:`~autograder.course.Course`.

The orchestration lives here once: :mod:`autograder.cli` parses the command line and calls
these functions; :mod:`autograder.demo` calls them on its throwaway course (see ARCHITECTURE.md,
Grading).
"""

from __future__ import annotations

from autograder.course import Course, CourseError

__all__ = ["use_course", "generate", "grade", "feedback", "export", "roster_import", "duedate", "summary_lines"]


def use_course(course: Course) -> Course:
    """Grade ``course`` with the assignments of its own ``solutions/`` folder (a course copy
    may hold an assignment the repository does not have); returns ``course``."""
    from autograder.assignments import use_solutions

    if course.source_root.is_dir():
        use_solutions(course.source_root)
    return course


def generate(course: Course, assignment: str, quiet: bool = False) -> str:
    """Generate the student version of ``assignment`` (and register it in the gradebook).

    If nbgrader fails, the previous ``release/<assignment>/`` and gradebook are put back and
    the CourseError carries nbgrader's reason.
    """
    course.check_assignment(assignment)
    if not course.source_notebook(assignment).is_file():
        raise CourseError(f"no source notebook {course.source_notebook(assignment)}")
    try:
        with course.restored_on_failure(assignment):
            log = course.run_api("generate_assignment", assignment, force=True)
    except CourseError as exc:
        kept = (f"release/{assignment} and the gradebook are as they were"
                if course.release_notebook(assignment).is_file() else f"release/{assignment} was not created")
        raise CourseError(f"{exc}\n({kept})") from None
    if not quiet and log:
        print(log.rstrip())
    return str(course.release_notebook(assignment))


def grade(course: Course, assignment: str, workers: int = 1, students=None, fresh: bool = False,
          progress: bool = True, limits=None):
    """Grade every (or the given) submission of ``assignment`` with the trusted pipeline.

    Each finished record is written — in this process only — into nbgrader's gradebook
    and as ``autograded/<student>/<A>/<A>.ipynb``. Returns the list of GradeRecords (those
    taken unchanged from the journal have ``replayed`` set). ``fresh`` forgets the journal
    records of ``students`` (of everyone if not given) first.
    """
    from autograder import feedback as feedback_files, gradebook
    from autograder.assignments import assignments
    from autograder.pipeline import GradeTask, forget, grade_all

    course.require_generated(assignment)
    if assignment not in assignments():
        raise CourseError(f"assignment {assignment!r} has no checks (solutions/{assignment}/checks.py): "
                          f"the graded assignments are {', '.join(assignments())}")
    all_students = course.students(assignment)
    if students:
        missing = [s for s in students if s not in all_students]
        if missing:
            raise CourseError(f"--student: no submission of {assignment} for {missing} under {course.root / 'submitted'}")
        all_students = [s for s in all_students if s in students]
    from autograder.course_options import course_config, options
    from autograder.late import late_plugin

    partial = bool(options(course).partial_credit)
    late = late_plugin(course_config(course))
    source = course.source_notebook(assignment)
    journal = course.journal_path(assignment)
    journal.parent.mkdir(parents=True, exist_ok=True)
    if fresh:
        forget(journal, assignment, all_students if students else None)
    tasks = [
        GradeTask(
            assignment=assignment,
            student=s,
            submission_dir=str(course.submitted_dir(s, assignment)),
            notebook_name=course.notebook_name(assignment),
            release_notebook=str(course.release_notebook(assignment)),
            source_notebook=str(source) if source.is_file() else "",
            partial_credit=partial,
        )
        for s in all_students
    ]

    fb = feedback_files.Writer(course)
    with gradebook.Writer(course, late=late) as gbw:
        def on_record(record):
            gbw.write(record)
            fb.write(record)

        return grade_all(tasks, workers=workers, journal=str(journal), on_record=on_record, progress=progress,
                         limits=limits)


def feedback(course: Course, assignment: str, quiet: bool = False, student: str | None = None) -> None:
    """HTML feedback for every graded student (nbgrader generate_feedback), or for ``student`` only
    (the other students' feedback files are left as they are)."""
    course.require_generated(assignment)
    if student is not None:
        if not (course.autograded_dir(student, assignment) / course.notebook_name(assignment)).is_file():
            graded = sorted(p.parent.name for p in (course.root / "autograded").glob(f"*/{assignment}")) \
                if (course.root / "autograded").is_dir() else []
            raise CourseError(f"--student: no graded submission of {assignment} for {student!r} "
                              f"(graded: {', '.join(graded) or 'none'}): run `autograder grade {assignment}` first")
        log = course.run_api("generate_feedback", assignment, student_id=student, force=True)
    else:
        log = course.run_api("generate_feedback", assignment, force=True)
    if not quiet and log:
        print(log.rstrip())


def export(course: Course, to: str | None = None, quiet: bool = False, lms: str | None = None) -> str:
    """The grades CSV at ``to``; returns its path.

    Without ``lms``: nbgrader's CSV (nbgrader export; default ``<course>/grades.csv``). With
    ``lms="canvas"``: Canvas's gradebook import layout with names and e-mails from the roster
    (:mod:`autograder.lms_export`; default ``<course>/grades-canvas.csv``).
    """
    if lms is not None:
        from autograder.lms_export import LAYOUTS, write_canvas_csv

        if lms not in LAYOUTS:
            raise CourseError(f"--lms: expected one of {', '.join(LAYOUTS)}, got {lms!r}")
        return write_canvas_csv(course, to or course.root / f"grades-{lms}.csv")
    to = to or str(course.root / "grades.csv")
    course.nbgrader("export", "--to", to, capture=quiet)
    return to


def roster_import(course: Course, path: str) -> int:
    """Add or update the students of the roster CSV ``path`` in the gradebook (:mod:`autograder.roster`)."""
    from autograder.roster import import_roster

    return import_roster(course, path)


def duedate(course: Course, assignment: str, when: str):
    """Set the due date of ``assignment`` in the gradebook; returns the stored datetime (UTC)."""
    from autograder.gradebook import set_duedate

    course.check_assignment(assignment)
    return set_duedate(course, assignment, when)


def summary_lines(course: Course, assignment: str, records) -> list[str]:
    """One line per graded student, totals read from the gradebook (:func:`autograder.gradebook.totals`):
    score/max after the late penalty, the autograded cells that failed, the cells waiting for a
    manual grade, the penalty."""
    from autograder.gradebook import totals

    tots = totals(course, assignment, students={r.student for r in records})
    lines = []
    for r in sorted(records, key=lambda r: r.student):
        t = tots.get(r.student)
        failed = [o.test_id for o in r.outcomes if not o.passed and not o.manual]
        extra = f"  ({r.status}: {r.reason})" if r.status != "graded" else ""
        if t is None:
            lines.append(f"  {r.student:<24} not in the gradebook{extra}")
            continue
        late = f"  late penalty: -{t.penalty:g}" if t.penalty else ""
        pending = f"  needs manual grading: {', '.join(t.pending)}" if t.pending else ""
        lines.append(f"  {r.student:<24} {t.score:>5g}/{t.max_score:g}  failed: {', '.join(failed) or '-'}"
                     f"{pending}{late}{extra}")
    return lines
