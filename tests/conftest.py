"""Shared pytest configuration and fixtures of the whole suite.

The tests mirror the code (see ARCHITECTURE.md, Tests): tests/coursekit/ holds one
``test_<module>.py`` (or ``test_<module>_<aspect>.py``) per module of the library, with
tests/coursekit/widgets/ for the slider panels; tests/lectures/ checks the lecture notebooks'
content and drives them in a real browser. Fixtures used by one folder only live in that
folder's conftest.py.

Only this process uses the Agg backend. Do not export MPLBACKEND: nbval's notebook kernels would
inherit it and their figures would vanish from the compared outputs.
"""

import matplotlib
import pytest

matplotlib.use("Agg")


@pytest.fixture
def close_figures():
    """Close every pyplot figure after the test (modules that draw many figures use it)."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
