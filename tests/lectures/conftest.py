"""Fixtures of the lecture notebook tests; makes ``lecture_text`` (reading a lecture's prose) importable."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def lectures_dir():
    return ROOT / "lectures"
