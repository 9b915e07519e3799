"""The class of hand-written submissions: read from ``solutions/<A>/submissions/`` by
:mod:`autograder.submissions` (the file format is described there)."""

from autograder.submissions import (  # noqa: F401
    KINDS,
    Submission,
    build_notebook,
    functions_of,
    load,
    matches,
    points_of,
    to_markdown,
    to_raw,
    validate,
    write,
)
