"""nbgrader configuration of the coursekit course (see ARCHITECTURE.md, Grading).

This folder, ``autograder/``, is the nbgrader course root: run stock nbgrader commands
from here (``nbgrader generate_assignment backprop``, ``nbgrader autograde backprop``,
``nbgrader generate_feedback backprop``, ``nbgrader export``). Source notebooks are
authored in ``../solutions/<assignment>/<assignment>.ipynb``; everything nbgrader
generates (release/, submitted/, autograded/, feedback/, gradebook.db) lives here and is
git-ignored. The project's trusted grader ``autograder grade <assignment>`` writes into
the same gradebook, and ``nbgrader autograde`` (formgrader's Autograde button too) runs that
grader (the block at the end). ``make instructor`` starts JupyterLab in this folder, serving
its parent, so formgrader uses this configuration and its links reach ``../solutions``.

Paths are resolved relative to this file, so a copy of the course (this file next to a
``solutions/`` folder one level up, as ``autograder demo`` makes) works unchanged.
"""

import os

try:  # executed by traitlets' config loader, which provides get_config()
    c = get_config()  # noqa: F821
except NameError:  # imported as a plain module (e.g. by tools): give a Config to inspect
    from traitlets.config import Config

    c = Config()

_ROOT = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = "coursekit"
c.CourseDirectory.root = _ROOT
# Source notebooks live in the repository's solutions/ folder, one level up.
c.CourseDirectory.source_directory = os.path.join("..", "solutions")
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(_ROOT, "gradebook.db")
# solutions/<A>/ holds everything about assignment A (see ARCHITECTURE.md, Assignments):
# nbgrader copies every file of it into release/A/ except these, so only the notebook (and any
# data file a student needs) reaches the students — never the checks, the builder or the
# demo submissions (tests/autograder/grading/test_release_contents.py generates every assignment and checks).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.py", "submissions"]

# Assignments of the term: one per folder solutions/<A>/ with a checks.py
# (autograder.assignments); nbgrader adds each to the gradebook when it is generated.

# The exchange (nbgrader release_assignment, fetch_assignment, submit, collect, release_feedback,
# fetch_feedback). nbgrader's default root, /usr/local/share/nbgrader/exchange, must exist and be
# writable by everyone, which only root can arrange: as a normal user every exchange command stops
# with "Unwritable directory". So the root is
#   - $COURSEKIT_EXCHANGE when set: on a shared machine (JupyterHub, hub/) the administrator creates
#     it once as root, world-writable with the sticky bit, exactly as nbgrader expects
#     (`install -d -m 1777 /srv/nbgrader/exchange`), and sets the variable for every user; nbgrader
#     then makes inbound/ write-only for students (0733) and outbound/, feedback/ readable only by
#     name, so a student cannot list or read another student's submission or feedback;
#   - otherwise <Jupyter data dir>/nbgrader_exchange (~/.local/share/jupyter/...), created here:
#     it is the user's own and always writable, so one person can run the whole loop on a laptop
#     (students played with `--student NAME`) without root or an extra variable.
# The student-side config (student_nbgrader_config.py) resolves the root the same way
# (tests/autograder/exchange/test_exchange_roundtrip.py checks that both agree).
from jupyter_core.paths import jupyter_data_dir

_EXCHANGE_ENV = os.environ.get("COURSEKIT_EXCHANGE", "").strip()
c.Exchange.root = _EXCHANGE_ENV or os.path.join(jupyter_data_dir(), "nbgrader_exchange")
if not _EXCHANGE_ENV:
    os.makedirs(c.Exchange.root, exist_ok=True)

# Stock autograde: a hidden test cell runs the full finite-difference check (a few seconds);
# an endless loop in a student's cell is interrupted after this many seconds.
c.Execute.timeout = 60
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# A solution cell turned into Markdown/Raw by accident (pressing M in Jupyter) is graded, as
# `autograder grade` does: nbgrader's OverwriteCells restores the code cell type; just before it,
# RecoverSolutionCells keeps only the code of a fenced answer (autograder/nbrecover.py).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "autograder.nbrecover.RecoverSolutionCells",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]

# Feedback HTML: scores and the grader's messages, without the hidden-test source lines.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]

# --- Autograde = the trusted grader (formgrader's Autograde button and `nbgrader autograde`) ---
# nbgrader's default autograde steps with its in-kernel Execute replaced by TrustedGrader, which
# grades the submission with the sandboxed pipeline of `autograder grade` and writes the grader's
# messages into the test cells; SaveAutoGrades then records the scores (autograder/nbgrader_autograde.py).
# Stock in-kernel execution, the escape hatch: `nbgrader autograde A --TrustedGrader.in_kernel=True`.
c.Autograde.autograde_preprocessors = [
    "autograder.nbgrader_autograde.TrustedGrader",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# A submitted file nbformat cannot read is autograded (0 points, with the reason), not an error that
# stops nbgrader before the grader runs.
c.Autograde.exporter_class = "autograder.nbgrader_autograde.TolerantExporter"

# --- Late work and partial credit (README, "Late work, partial credit, exports") ---
# Late penalty: points off per started day late, capped (autograder/late.py). Stock `nbgrader autograde`
# and `autograder grade` apply the same plugin; due dates: `autograder duedate A 2026-12-01T23:59`.
# points_per_day = 0 means no penalty (nbgrader's default).
c.AssignLatePenalties.plugin_class = "autograder.late.PointsOffPerDay"
c.PointsOffPerDay.points_per_day = 0.0
c.PointsOffPerDay.max_penalty = None
# nbgrader's grades CSV with proper quoting (a name with a comma keeps its columns): autograder/csv_export.py
c.ExportApp.plugin_class = "autograder.csv_export.QuotedCsvExportPlugin"
# Partial credit (autograder grade only): a failed function earns points x (cases passed / cases).
c.CourseOptions.partial_credit = False
