"""What the ``autograder`` commands do, on a :class:`~autograder.course.Course`.

The orchestration lives here once: :mod:`autograder.cli` parses the command line and calls
these functions; :mod:`autograder.demo` calls them on its throwaway course (see ARCHITECTURE.md,
Grading).
"""

from __future__ import annotations

from autograder.course import Course, CourseError

__all__ = ["use_course", "generate", "grade", "feedback", "export"]


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
        )
        for s in all_students
    ]

    fb = feedback_files.Writer(course)
    with gradebook.Writer(course) as gbw:
        def on_record(record):
            gbw.write(record)
            fb.write(record)

        return grade_all(tasks, workers=workers, journal=str(journal), on_record=on_record, progress=progress,
                         limits=limits)


def feedback(course: Course, assignment: str, quiet: bool = False) -> None:
    """HTML feedback for every graded student (nbgrader generate_feedback)."""
    course.require_generated(assignment)
    log = course.run_api("generate_feedback", assignment, force=True)
    if not quiet and log:
        print(log.rstrip())


def export(course: Course, to: str | None = None, quiet: bool = False) -> str:
    """The grades CSV (nbgrader export) at ``to`` (default ``<course>/grades.csv``); returns its path."""
    to = to or str(course.root / "grades.csv")
    course.nbgrader("export", "--to", to, capture=quiet)
    return to
