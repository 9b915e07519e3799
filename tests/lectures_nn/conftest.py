"""Fixtures for the lecture 02/03 tests (neural networks, backpropagation)."""

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def lectures_dir():
    return ROOT / "lectures"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
