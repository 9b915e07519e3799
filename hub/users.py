"""Unix users and groups of a class on one machine (run as root).

Every hub user is a Unix user of the same name, so that LocalProcessSpawner starts each user's
JupyterLab as that user and the file system keeps students apart: homes are ``0700``, the course
root belongs to the grader account and the instructors' group, and nbgrader's exchange (a
root-owned ``1777`` directory) makes submissions write-only and feedback readable by name only.

Groups: ``coursekit-students``, ``coursekit-instructors``; the account that owns the course and
runs formgrader: ``grader-coursekit`` (never logs in).
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import subprocess
from pathlib import Path

STUDENTS = "coursekit-students"
INSTRUCTORS = "coursekit-instructors"
GRADER = "grader-coursekit"

_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,30}$")


def check_name(name: str) -> str:
    """A Unix user name accepted by ``useradd`` (lower case, ≤ 31 characters)."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError(f"user name: expected lower-case letters, digits, '_' or '-' "
                         f"(at most 31, not starting with a digit or '-'), got {name!r}")
    return name


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


def ensure_group(name: str) -> None:
    if not group_exists(name):
        subprocess.run(["groupadd", name], check=True)


def ensure_user(name: str, home: Path, group: str) -> pwd.struct_passwd:
    """Create ``name`` with home ``home`` (``0700``) in ``group``; an existing user is reused
    (added to ``group``), so ``setup`` can be re-run."""
    check_name(name)
    ensure_group(group)
    if not exists(name):
        subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--shell", "/bin/bash",
                        "--user-group", "--groups", group, name], check=True)
    else:
        subprocess.run(["usermod", "--append", "--groups", group, name], check=True)
    entry = pwd.getpwnam(name)
    os.chmod(entry.pw_dir, 0o700)
    return entry


def remove_user(name: str) -> None:
    """Delete ``name`` and its home (used by tests and ``run.py teardown``)."""
    if exists(name):
        subprocess.run(["userdel", "--remove", name], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def remove_group(name: str) -> None:
    if group_exists(name):
        subprocess.run(["groupdel", name], check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def members(group: str) -> list[str]:
    try:
        return list(grp.getgrnam(group).gr_mem)
    except KeyError:
        return []
