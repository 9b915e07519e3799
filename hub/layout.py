"""The class directory of a hub on one machine: what ``python hub/run.py setup`` builds (as root).

::

    <class dir>/                    root, 0755 (default /srv/coursekit, COURSEKIT_HUB_DIR)
        roster.json                 {"students": [...], "instructors": [...]}
        exchange/                   nbgrader's exchange: root-owned, 1777 (nbgrader's own model)
        course/                     the instructors' course (autograder/ + solutions/): owned by
                                    grader-coursekit, group coursekit-instructors, 2770 — no student
                                    can list or read it
        jupyter/student/            config every student server reads (JUPYTER_CONFIG_PATH): the
                                    student nbgrader config, instructor extensions off
        jupyter/instructor/         the same nbgrader config for instructors' own servers
        pack/                       the student pack, copied once into each student's ~/coursekit
        home/<user>/                homes, 0700
        env/                        the Python users' servers run (hub/userenv.py)
        state/                      the hub's database, cookie secret (root, 0700)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from hub import users

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(os.environ.get("COURSEKIT_HUB_VENV_BIN", str(REPO / ".venv" / "bin")))

#: nbgrader's instructor tools, off in students' servers (their Assignments list and Validate stay).
STUDENT_SERVER_EXTENSIONS_OFF = ("nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list")
STUDENT_LAB_PLUGINS_OFF = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                           "@jupyter/nbgrader:course-list")


def default_dir() -> Path:
    return Path(os.environ.get("COURSEKIT_HUB_DIR", "/srv/coursekit"))


class ClassDir:
    """Paths of a class directory (see the module docstring)."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root else default_dir()

    exchange = property(lambda self: self.root / "exchange")
    course = property(lambda self: self.root / "course")
    course_root = property(lambda self: self.root / "course" / "autograder")
    student_config = property(lambda self: self.root / "jupyter" / "student")
    instructor_config = property(lambda self: self.root / "jupyter" / "instructor")
    pack = property(lambda self: self.root / "pack")
    homes = property(lambda self: self.root / "home")
    state = property(lambda self: self.root / "state")
    roster_file = property(lambda self: self.root / "roster.json")
    env = property(lambda self: self.root / "env")

    def user_env(self):
        """The interpreter and environment variables of users' servers (built by ``setup``)."""
        from hub import userenv
        return userenv.build(self.env, VENV_BIN / "python")

    def home(self, user: str) -> Path:
        return self.homes / user

    def roster(self) -> dict:
        return json.loads(self.roster_file.read_text())


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    os.chmod(path, mode)


def _student_server_config() -> str:
    return json.dumps({"ServerApp": {"jpserver_extensions": {e: False for e in STUDENT_SERVER_EXTENSIONS_OFF}}},
                      indent=2)


def _student_page_config() -> str:
    return json.dumps({"disabledExtensions": {p: True for p in STUDENT_LAB_PLUGINS_OFF}}, indent=2)


def default_pack(dest: Path) -> str:
    """Build the student pack into ``dest`` with ``autograder pack`` (lectures with outputs, release
    notebooks, coursekit, the student README; nothing instructor-only). Returns what was used."""
    subprocess.run([str(VENV_BIN / "autograder"), "-q", "pack", "--out", str(dest)], check=True)
    return "autograder pack"


def setup(cd: ClassDir, students: list[str], instructors: list[str], pack: str | os.PathLike | None = None) -> str:
    """Create the users, groups and the class directory. Re-runnable; returns what the pack is."""
    for name in [*students, *instructors]:
        users.check_name(name)
    if set(students) & set(instructors):
        raise ValueError(f"students and instructors: expected disjoint lists, both contain "
                         f"{sorted(set(students) & set(instructors))}")
    cd.root.mkdir(parents=True, exist_ok=True)
    os.chmod(cd.root, 0o755)
    cd.homes.mkdir(exist_ok=True)
    os.chmod(cd.homes, 0o755)
    cd.state.mkdir(exist_ok=True)
    os.chmod(cd.state, 0o700)
    cd.exchange.mkdir(exist_ok=True)
    os.chown(cd.exchange, 0, 0)
    os.chmod(cd.exchange, 0o1777)

    users.ensure_group(users.STUDENTS)
    users.ensure_group(users.INSTRUCTORS)
    grader = users.ensure_user(users.GRADER, cd.home(users.GRADER), users.INSTRUCTORS)
    for s in students:
        users.ensure_user(s, cd.home(s), users.STUDENTS)
    for i in instructors:
        users.ensure_user(i, cd.home(i), users.INSTRUCTORS)

    if not cd.course_root.is_dir():
        from autograder.demo import make_course_copy
        make_course_copy(cd.course)
    instructors_gid = users.grp.getgrnam(users.INSTRUCTORS).gr_gid
    for folder, dirs, files in os.walk(cd.course):
        os.chown(folder, grader.pw_uid, instructors_gid)
        os.chmod(folder, 0o2770)
        for f in files:
            os.chown(os.path.join(folder, f), grader.pw_uid, instructors_gid)
            os.chmod(os.path.join(folder, f), 0o660)

    student_nbgrader = (REPO / "autograder" / "student_nbgrader_config.py").read_text()
    _write(cd.student_config / "nbgrader_config.py", student_nbgrader)
    _write(cd.student_config / "jupyter_server_config.json", _student_server_config())
    _write(cd.student_config / "labconfig" / "page_config.json", _student_page_config())
    _write(cd.instructor_config / "nbgrader_config.py", student_nbgrader)
    for d in (cd.root / "jupyter", cd.student_config, cd.student_config / "labconfig", cd.instructor_config):
        os.chmod(d, 0o755)

    if pack is not None:
        if cd.pack.exists():
            shutil.rmtree(cd.pack)
        shutil.copytree(pack, cd.pack)
        what = f"the directory {pack}"
    elif not cd.pack.is_dir():
        what = default_pack(cd.pack)
    else:
        what = f"the existing {cd.pack}"
    subprocess.run(["chmod", "-R", "a+rX,go-w", str(cd.pack)], check=True)

    cd.user_env()
    _write(cd.roster_file, json.dumps({"students": students, "instructors": instructors}, indent=2))
    return what


def copy_pack_into_home(cd: ClassDir, user: str) -> None:
    """First start of a student's server: copy the pack to ``~/coursekit`` (owned by the student).
    Later starts keep the student's copy (their work) untouched."""
    entry = users.pwd.getpwnam(user)
    dest = Path(entry.pw_dir) / "coursekit"
    if dest.exists() or not cd.pack.is_dir():
        return
    shutil.copytree(cd.pack, dest)
    for folder, _, files in os.walk(dest):
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        for f in files:
            os.chown(os.path.join(folder, f), entry.pw_uid, entry.pw_gid)


def teardown(cd: ClassDir, remove_dir: bool = True) -> None:
    """Remove the class's users and groups (and the class directory): the tests' cleanup."""
    try:
        roster = cd.roster()
    except (OSError, ValueError):
        roster = {"students": [], "instructors": []}
    for name in [*roster["students"], *roster["instructors"], users.GRADER]:
        users.remove_user(name)
    users.remove_group(users.STUDENTS)
    users.remove_group(users.INSTRUCTORS)
    if remove_dir and cd.root.exists():
        shutil.rmtree(cd.root, ignore_errors=True)
