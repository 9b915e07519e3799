"""coursekit's trusted autograder and nbgrader course root.

This folder is two things at once:

* the nbgrader **course root** (``nbgrader_config.py``; nbgrader's ``release/``,
  ``submitted/``, ``autograded/``, ``feedback/`` folders and ``gradebook.db`` appear here
  and are git-ignored; source notebooks are read from ``../solutions``);
* the Python package of the **trusted grader**: ``checks`` (what is checked and the
  student-facing messages), ``sandbox``/``extract``/``pipeline`` (isolated, parallel,
  resumable execution), ``gradebook``/``feedback``/``report`` (writing results where
  nbgrader expects them) and ``cli`` (the ``autograder`` console script).
"""

from pathlib import Path

__all__ = ["COURSE_ROOT", "ASSIGNMENTS"]

#: The course root shipped with the repository (this folder).
COURSE_ROOT = Path(__file__).resolve().parent

#: The assignments of the term, in teaching order.
ASSIGNMENTS = ("backprop", "optimizers", "svm")
