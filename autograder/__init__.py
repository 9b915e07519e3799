"""coursekit's trusted autograder and nbgrader course root.

This folder is two things at once:

* the nbgrader **course root** of the repository (``nbgrader_config.py``; nbgrader's
  ``release/``, ``submitted/``, ``autograded/``, ``feedback/`` folders and ``gradebook.db``
  appear here and are git-ignored; each assignment's folder ``../solutions/<A>/`` holds its source notebook, builder,
  checks and demo submissions, see :mod:`autograder.assignments`). The
  ``autograder`` command finds a course root from the current directory or ``--course``
  (:func:`autograder.course.find_course_root`), never from where this package is installed;
* the Python package of the **trusted grader**: ``checks`` (what is checked and the
  student-facing messages), ``sandbox``/``extract``/``pipeline`` (isolated, parallel,
  resumable execution), ``gradebook``/``feedback``/``report`` (writing results where
  nbgrader expects them) and ``cli`` (the ``autograder`` console script).
"""

__all__ = ["ASSIGNMENTS"]


def __getattr__(name):
    """``ASSIGNMENTS``: the assignments of the term, one per folder ``solutions/<A>/``
    (:func:`autograder.assignments.assignments`), sorted by name."""
    if name == "ASSIGNMENTS":
        from autograder.assignments import assignments

        return assignments()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
