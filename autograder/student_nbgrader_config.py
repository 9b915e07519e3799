"""nbgrader configuration for students of the coursekit course.

The student pack ships this file as ``nbgrader_config.py``; on JupyterHub every student server
reads it. nbgrader's student commands — ``nbgrader fetch_assignment``, ``nbgrader submit``,
``nbgrader fetch_feedback``, ``nbgrader list`` and the Assignments tab of JupyterLab — pick it up
from the folder they run in or from ``~/.jupyter/``.

It names the course and the exchange and nothing else (no course root, gradebook or sources).
The exchange root is resolved as the instructor's configuration resolves it:
``$COURSEKIT_EXCHANGE`` on a shared machine, else the user's own
``<Jupyter data dir>/nbgrader_exchange``.
"""

import os

from jupyter_core.paths import jupyter_data_dir

try:  # executed by traitlets' config loader, which provides get_config()
    c = get_config()  # noqa: F821
except NameError:  # imported as a plain module: give a Config to inspect
    from traitlets.config import Config

    c = Config()

c.CourseDirectory.course_id = "coursekit"

_EXCHANGE_ENV = os.environ.get("COURSEKIT_EXCHANGE", "").strip()
c.Exchange.root = _EXCHANGE_ENV or os.path.join(jupyter_data_dir(), "nbgrader_exchange")
if not _EXCHANGE_ENV:
    os.makedirs(c.Exchange.root, exist_ok=True)
