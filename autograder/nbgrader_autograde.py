"""nbgrader's autograde step with the trusted grader: formgrader's Autograde button and
``nbgrader autograde`` grade like ``autograder grade`` (see ARCHITECTURE.md, Grading).

``nbgrader_config.py`` puts :class:`TrustedGrader` where nbgrader's ``Execute`` preprocessor was
in ``Autograde.autograde_preprocessors``. nbgrader still does everything around it — it sanitizes
the submission (restores the locked and test cells from the gradebook), and afterwards
``SaveAutoGrades`` stores the scores it reads from the test cells' outputs and flags manually
graded cells for review. But instead of executing the student's notebook in a Jupyter kernel (the
student's code in the grader's own process, with the gradebook and the reference within reach),
:class:`TrustedGrader` grades the submission with :func:`autograder.commands.grade` — the
sandboxed pipeline, its journal, its gradebook rows, its autograded notebook — and puts the
grader's verdict into the test cells of nbgrader's sanitized notebook
(:func:`autograder.feedback.fill`: the messages, then full marks, a partial score as the result, or
an error), which nbgrader saves as the autograded notebook. Both ways of grading give the same
scores because they are one way.

A notebook file nbformat cannot read (truncated JSON, invalid UTF-8, empty) would stop nbgrader
before any grading step, so autograde reads files with :class:`TolerantExporter`: an unreadable
submission enters nbgrader as the release notebook, and :class:`TrustedGrader` then grades the
submitted file itself, as ``autograder grade`` does (0 points, the reason in a note at the top of
the autograded notebook) — the run goes on with the next student.

Escape hatch, stock in-kernel execution (nbgrader's ``Execute``, unchanged, with
``Execute.timeout`` etc.): ``nbgrader autograde A --TrustedGrader.in_kernel=True``, or
``c.TrustedGrader.in_kernel = True`` in ``nbgrader_config.py`` (then the formgrader's button
executes in a kernel too). The tests use it to compare the two graders.
"""

from __future__ import annotations

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from traitlets import Bool

__all__ = ["TrustedGrader", "TolerantExporter"]


class TolerantExporter(NotebookExporter):
    """nbgrader's notebook exporter, except that a submitted file nbformat cannot read becomes the
    assignment's release notebook (nbgrader then restores and grades it like any other)."""

    def from_file(self, file_stream, resources=None, **kw):
        try:
            nb = nbformat.read(file_stream, as_version=4)
        except Exception as exc:  # JSON, encoding, nbformat errors: whatever the file holds
            from autograder.course import Course

            assignment = (resources or {}).get("nbgrader", {}).get("assignment")
            if not assignment:
                raise
            course = Course(CourseDirectory(config=self.config).root)
            self.log.warning("Unreadable notebook %s (%s: %s): autograding the release notebook in its place",
                             getattr(file_stream, "name", "?"), type(exc).__name__, str(exc)[:200])
            nb = nbformat.read(str(course.release_notebook(assignment)), as_version=4)
        return self.from_notebook_node(nb, resources=resources, **kw)


class TrustedGrader(Execute):
    """nbgrader's ``Execute`` step replaced by the trusted, sandboxed grader (module docstring)."""

    in_kernel = Bool(
        False,
        help="Execute the notebook in a Jupyter kernel as stock nbgrader does (the escape hatch) "
             "instead of grading it with the trusted, sandboxed grader.",
    ).tag(config=True)

    def preprocess(self, nb, resources, *args, **kwargs):
        if self.in_kernel:
            return super().preprocess(nb, resources, *args, **kwargs)
        from autograder.commands import grade, use_course
        from autograder.course import Course, CourseError
        from autograder.feedback import fill

        info = resources["nbgrader"]
        assignment, student, notebook = info["assignment"], info["student"], info["notebook"]
        course = use_course(Course(CourseDirectory(config=self.config).root))
        name = course.notebook_name(assignment)
        if f"{notebook}.ipynb" != name:
            raise CourseError(f"the trusted grader grades {assignment}/{name}, the assignment's one notebook; "
                              f"got {notebook}.ipynb (grade it in a kernel with --TrustedGrader.in_kernel=True)")
        record = grade(course, assignment, students=[student], progress=False)[0]
        how = ("replayed from the journal" if record.replayed else
               "graded in the sandbox" if record.status == "graded" else "could not be graded")
        self.log.info("Trusted grader: %s/%s %s: %g/%g points%s", student, assignment, how, record.score,
                      record.max_score, f" ({record.reason})" if record.reason else "")
        return fill(nb, record), resources
