"""nbgrader's autograde step with the trusted grader: formgrader's Autograde button and
``nbgrader autograde`` grade like ``autograder grade`` (see ARCHITECTURE.md, Grading).

``nbgrader_config.py`` puts :class:`TrustedGrader` where nbgrader's ``Execute`` preprocessor was
in ``Autograde.autograde_preprocessors``. nbgrader still does everything around it — it sanitizes
the submission (restores the locked and test cells from the gradebook), and afterwards
``SaveAutoGrades`` stores the scores it reads from the test cells' outputs and flags manually
graded cells for review. But instead of executing the student's notebook in a Jupyter kernel (the
student's code in the grader's own process, with the gradebook and the reference within reach),
:class:`TrustedGrader` grades the submission with :func:`autograder.commands.grade` — the
sandboxed pipeline, its journal, its gradebook rows, its autograded notebook — and hands that
autograded notebook, whose test cells carry the grader's messages
(:func:`autograder.feedback.outputs_for`: full marks, a partial score as the result, or an error),
back to nbgrader. Both ways of grading give the same scores because they are one way.

Escape hatch, stock in-kernel execution (nbgrader's ``Execute``, unchanged, with
``Execute.timeout`` etc.): ``nbgrader autograde A --TrustedGrader.in_kernel=True``, or
``c.TrustedGrader.in_kernel = True`` in ``nbgrader_config.py`` (then the formgrader's button
executes in a kernel too). The tests use it to compare the two graders.
"""

from __future__ import annotations

import nbformat
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import Execute
from traitlets import Bool

__all__ = ["TrustedGrader"]


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

        info = resources["nbgrader"]
        assignment, student, notebook = info["assignment"], info["student"], info["notebook"]
        course = use_course(Course(CourseDirectory(config=self.config).root))
        name = course.notebook_name(assignment)
        if f"{notebook}.ipynb" != name:
            raise CourseError(f"the trusted grader grades {assignment}/{name}, the assignment's one notebook; "
                              f"got {notebook}.ipynb (grade it in a kernel with --TrustedGrader.in_kernel=True)")
        record = grade(course, assignment, students=[student], progress=False)[0]
        how = "replayed from the journal" if record.replayed else "graded in the sandbox"
        self.log.info("Trusted grader: %s/%s %s: %g/%g points%s", student, assignment, how, record.score,
                      record.max_score, f" ({record.reason})" if record.reason else "")
        graded = nbformat.read(str(course.autograded_dir(student, assignment) / name), as_version=4)
        return graded, resources
