"""Fixtures of the grading-security suite (sandbox, extraction, pipeline).

Every sandboxed run here uses small limits (2 s CPU, 256 MiB memory) so a regression cannot
hurt the machine, and every test carries a pytest-timeout.

Isolation: tests that need the filesystem/network isolation run when the sandbox reaches the
"full" or "userns" level; under CI=true (root) they never skip: the fixture asserts that
"full" isolation is active instead.
"""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from autograder import sandbox  # noqa: E402
from autograder.sandbox import Limits  # noqa: E402

TEST_LIMITS = Limits(cpu_seconds=2.0, wall_seconds=12.0, memory_bytes=256 * 1024 ** 2,
                     output_bytes=16 * 1024, scratch_bytes=8 * 1024 ** 2)


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def limits():
    return TEST_LIMITS


@pytest.fixture(scope="session")
def isolation():
    """The isolation level reached; asserts "full" under CI=true."""
    level = sandbox.isolation_level()
    if _ci():
        assert level == "full", (
            f"CI=true: the sandbox must run with full isolation (root + unshare), got {level!r}")
    return level


@pytest.fixture(scope="session")
def isolated(isolation):
    """Skip (outside CI only) when filesystem/network isolation is unavailable."""
    if isolation not in ("full", "userns"):
        pytest.skip(f"sandbox isolation unavailable on this machine (level {isolation!r})")
    return isolation
