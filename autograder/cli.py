"""``autograder``: the instructor's command line (console script ``autograder.cli:main``).

    autograder generate A          student version of A: release/A/A.ipynb (nbgrader generate_assignment)
    autograder release A           alias of generate (prints where the student version is)
    autograder grade A [--workers N] [--student S] [--fresh]
                                   trusted grading of submitted/*/A into the gradebook + autograded/
    autograder feedback A [--student S]
                                   HTML feedback per student: feedback/S/A/A.html (nbgrader generate_feedback)
    autograder export [--to F] [--lms canvas]
                                   grades CSV (nbgrader export), or Canvas's gradebook import layout
    autograder roster import F.csv students (id, first_name, last_name, email, lms_user_id) into the gradebook
    autograder duedate A WHEN      due date of A in the gradebook (e.g. 2026-12-01T23:59, UTC)
    autograder report A            per-test pass rates, score histogram (PNG), flagged/failed students
    autograder demo [--dir D]      a throwaway course with sample submissions, graded end to end

Every command finds the course root by walking up from the current directory (the
repository's ``autograder/`` folder), or takes ``--course PATH``; outside a course it stops
("no course here"). An assignment name must be one of the course's (``solutions/<A>/`` or
``release/<A>/``).

This module only parses the command line and calls :mod:`autograder.commands` (and
:func:`autograder.demo.run_demo`); what each command does is written there.
"""

from __future__ import annotations

import argparse
import sys
import time

from autograder.commands import duedate, export, feedback, generate, grade, roster_import, summary_lines, use_course
from autograder.course import Course, CourseError

__all__ = ["main", "grade", "generate"]


def _print_summary(course, assignment, records) -> None:
    for line in summary_lines(course, assignment, records):
        print(line)


def _course(args) -> Course:
    return use_course(Course.find(args.course))


def _cmd_generate(args):
    course = _course(args)
    for a in args.assignment:  # every name first: a typo stops before anything is generated
        course.check_assignment(a)
    for a in args.assignment:
        path = generate(course, a, quiet=args.quiet)
        print(f"student version of {a}: {path}")
    return 0


def _cmd_grade(args):
    course = _course(args)
    t0 = time.perf_counter()
    limits = None
    if args.timeout is not None:
        from autograder.sandbox import Limits

        if args.timeout <= 0:
            raise CourseError(f"--timeout: expected seconds > 0, got {args.timeout}")
        limits = Limits(cpu_seconds=args.timeout, wall_seconds=2 * args.timeout)
    records = grade(course, args.assignment, workers=args.workers, students=args.student, fresh=args.fresh,
                    progress=not args.quiet, limits=limits)
    dt = time.perf_counter() - t0
    replayed = sum(r.replayed for r in records)
    print(f"graded {len(records) - replayed}, replayed {replayed} from the journal (unchanged): "
          f"{len(records)} submission(s) of {args.assignment} in {dt:.1f} s with {args.workers} worker(s); "
          f"gradebook: {course.db_path}")
    _print_summary(course, args.assignment, records)
    print(f"autograded notebooks: {course.root / 'autograded'}; next: autograder feedback {args.assignment}")
    return 0


def _cmd_feedback(args):
    course = _course(args)
    feedback(course, args.assignment, quiet=args.quiet, student=args.student)
    who = args.student or "<student>"
    print(f"feedback HTML: {course.root / 'feedback'}/{who}/{args.assignment}/{args.assignment}.html")
    return 0


def _cmd_export(args):
    to = export(_course(args), args.to, quiet=args.quiet, lms=args.lms)
    print(f"grades CSV{' (' + args.lms + ' gradebook import)' if args.lms else ''}: {to}")
    return 0


def _cmd_roster(args):
    course = _course(args)
    n = roster_import(course, args.file)
    print(f"roster: {n} student(s) added or updated in {course.db_path}")
    return 0


def _cmd_duedate(args):
    course = _course(args)
    when = duedate(course, args.assignment, args.when)
    print(f"due date of {args.assignment}: {when} UTC")
    return 0


def _cmd_report(args):
    from autograder.report import build_report

    course = _course(args)
    rep = build_report(course, args.assignment)
    print(rep.text)
    return 0


def _cmd_demo(args):
    from autograder.demo import run_demo

    return run_demo(directory=args.dir, workers=args.workers, keep=True)


def _cmd_pack(args):
    from autograder.pack import build_pack

    build_pack(args.out, quiet=args.quiet)
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="autograder", description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--course", help="course root (a folder with nbgrader_config.py); default: found from the cwd")
    p.add_argument("-q", "--quiet", action="store_true", help="less output (no nbgrader log, no progress bar)")
    sub = p.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)  # the same options, accepted after the command too
    common.add_argument("--course", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    common.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)

    for name, helptext in [("generate", "student version of an assignment (release/A/A.ipynb)"),
                           ("release", "alias of generate")]:
        s = sub.add_parser(name, help=helptext, parents=[common])
        s.add_argument("assignment", nargs="+")
        s.set_defaults(func=_cmd_generate)

    s = sub.add_parser("grade", help="grade submissions with the trusted, isolated grader", parents=[common])
    s.add_argument("assignment")
    s.add_argument("--workers", type=int, default=2, help="parallel grading processes (default 2)")
    s.add_argument("--student", action="append", help="grade only this student (repeatable)")
    s.add_argument("--timeout", type=float, default=None,
                   help="CPU seconds allowed per graded function (default: the sandbox's, 10 s)")
    s.add_argument("--fresh", action="store_true",
                   help="forget the journal records of the selected students (default: everyone) and re-grade "
                        "them (without it, a submission is re-graded only if it, the grader's code, the release, "
                        "the limits or the isolation changed)")
    s.set_defaults(func=_cmd_grade)

    s = sub.add_parser("feedback", help="HTML feedback for every graded student (nbgrader generate_feedback)", parents=[common])
    s.add_argument("assignment")
    s.add_argument("--student", help="regenerate this student's feedback only")
    s.set_defaults(func=_cmd_feedback)

    s = sub.add_parser("export", help="grades CSV (nbgrader export)", parents=[common])
    s.add_argument("--to", help="output CSV (default: <course>/grades.csv, with --lms <course>/grades-<lms>.csv)")
    s.add_argument("--lms", choices=["canvas"], help="write the CSV Canvas's gradebook imports (names, e-mail from the roster)")
    s.set_defaults(func=_cmd_export)

    s = sub.add_parser("roster", help="the class roster in the gradebook", parents=[common])
    rsub = s.add_subparsers(dest="roster_command", required=True)
    r = rsub.add_parser("import", help="add/update students from a CSV: id, first_name, last_name, email, lms_user_id",
                        parents=[common])
    r.add_argument("file")
    r.set_defaults(func=_cmd_roster)

    s = sub.add_parser("duedate", help="set an assignment's due date in the gradebook (for late penalties)", parents=[common])
    s.add_argument("assignment")
    s.add_argument("when", help="date and time, e.g. 2026-12-01T23:59 (UTC unless a zone is given)")
    s.set_defaults(func=_cmd_duedate)

    s = sub.add_parser("report", help="pass rates per test, score histogram, flagged students", parents=[common])
    s.add_argument("assignment")
    s.set_defaults(func=_cmd_report)

    s = sub.add_parser("pack", help="the student pack: lectures, release notebooks, coursekit; no answers", parents=[common])
    s.add_argument("--out", help="pack folder (default: dist/coursekit-student; a .zip is written beside it)")
    s.set_defaults(func=_cmd_pack)

    s = sub.add_parser("demo", help="a throwaway course with sample submissions, graded end to end", parents=[common])
    s.add_argument("--dir", help="where to build it (default: a new temporary folder)")
    s.add_argument("--workers", type=int, default=2)
    s.set_defaults(func=_cmd_demo)
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    if getattr(args, "workers", 1) is not None and getattr(args, "workers", 1) < 1:
        print("autograder: --workers: expected an integer >= 1", file=sys.stderr)
        return 2
    try:
        return int(args.func(args) or 0)
    except CourseError as exc:
        print(f"autograder: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `autograder grade A | head`: the reader left; nothing to report
        sys.stderr.close()
        return 1
    except Exception as exc:
        from autograder.sandbox import SandboxError

        if not isinstance(exc, SandboxError):
            raise
        print(f"autograder: the grading sandbox cannot run here, nothing was graded: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
