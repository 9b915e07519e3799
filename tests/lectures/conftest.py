"""Fixtures of the lecture notebook tests."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def lectures_dir():
    return ROOT / "lectures"
