"""A class of hand-written submissions, as students really write them (issue 12, reused later).

One small Python file per submission under ``solutions/<assignment>/submissions/<name>.py``;
:mod:`autograder.submissions` (re-exported by :mod:`.loader`) reads them and builds their notebooks
from the RELEASE notebook of a course copy. See it for the format of a submission file and
``README.md`` in this folder for how to add one.
"""

from student_class.loader import (  # noqa: F401
    KINDS,
    Submission,
    build_notebook,
    functions_of,
    load,
    matches,
    points_of,
    to_markdown,
    to_raw,
    write,
)
