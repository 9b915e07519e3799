"""Course options read from the course's ``nbgrader_config.py`` (one place for every setting).

``c.CourseOptions.partial_credit = True`` turns on per-function partial credit in
``autograder grade``: a failed check earns ``points × (cases passed) / (cases)``, rounded down to
0.01 and below full marks (:func:`autograder.checks.base.partial_points`). Off by default.
The late penalty is nbgrader's own setting, ``c.AssignLatePenalties.plugin_class`` (see
:mod:`autograder.late`).
"""
from __future__ import annotations

from traitlets import Bool
from traitlets.config import Configurable

__all__ = ["CourseOptions", "course_config", "options"]


class CourseOptions(Configurable):
    """Options of ``autograder grade`` that nbgrader has no setting for."""

    partial_credit = Bool(False, help="A failed graded function earns its share of cases passed.").tag(config=True)


def course_config(course):
    """The traitlets Config of ``course`` (its ``nbgrader_config.py``)."""
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.course import CONFIG

    return PyFileConfigLoader(CONFIG, path=str(course.root)).load_config()


def options(course) -> CourseOptions:
    """The :class:`CourseOptions` of ``course``."""
    return CourseOptions(config=course_config(course))
