"""The nbgrader course on disk: where the course root is and where each folder lives.

A course root is a folder with an ``nbgrader_config.py`` (the repository's is
``autograder/``). Inside it nbgrader keeps, per assignment ``A`` and student ``S``::

    ../solutions/A/A.ipynb          source notebook (solutions + hidden tests), authored by hand
    release/A/A.ipynb               the student version (``autograder generate A``)
    submitted/S/A/A.ipynb           collected submissions (never modified by the grader)
    autograded/S/A/A.ipynb          graded copies, test cells carrying the feedback messages
    feedback/S/A/A.html             the HTML feedback students receive
    gradebook.db                    nbgrader's gradebook (sqlite)

:class:`Course` answers path questions and runs stock nbgrader commands in the root.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import nbformat

__all__ = ["Course", "find_course_root", "CourseError", "nbgrader_reason"]

CONFIG = "nbgrader_config.py"


class CourseError(RuntimeError):
    """A problem the instructor can fix (no course root, assignment not generated, ...)."""


def find_course_root(course: str | os.PathLike | None = None, start: str | os.PathLike | None = None) -> Path:
    """Locate the course root.

    ``course`` given: that folder (it must contain ``nbgrader_config.py``). Otherwise walk
    up from ``start`` (default: the current directory): the first folder that holds an
    ``nbgrader_config.py`` wins, or one that holds ``autograder/nbgrader_config.py`` (the
    repository root). Nothing found: :class:`CourseError` — never a fallback to the folder of
    the installed package (the commands write into the course root).
    """
    if course is not None:
        root = Path(course).expanduser().resolve()
        if not (root / CONFIG).is_file():
            raise CourseError(f"--course: expected a folder containing {CONFIG}, got {root}")
        return root
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG).is_file():
            return folder
        if (folder / "autograder" / CONFIG).is_file():
            return folder / "autograder"
    raise CourseError(f"no course here: run inside the course or pass --course "
                      f"(no {CONFIG} in {here} or above)")


def _copy_sqlite(src: Path, dst: Path) -> None:
    """Copy an sqlite database page by page with sqlite's backup API (safe with open readers)."""
    with contextlib.closing(sqlite3.connect(src)) as a, contextlib.closing(sqlite3.connect(dst)) as b:
        a.backup(b)


#: nbgrader's own summary lines, which only point at the real error above them
_GENERIC = re.compile(r"There was an error processing|Please see the|Traceback \(most recent call last\)")
_EXCEPTION_LINE = re.compile(r"^([\w.]+(Error|Exception|Exit)): (.+)")


def nbgrader_reason(log: str, error: str = "") -> str:
    """Why an nbgrader command failed, from its captured log: its ``[ERROR]`` messages and the
    exception lines of the tracebacks it logged (e.g. "RuntimeError: Cannot add or remove cells
    for notebook 'svm' because there are submissions associated with it"), without nbgrader's
    "Please see the above traceback"; the last lines of ``error`` (the final traceback) if the
    log says nothing else."""
    reasons: list[str] = []
    for line in log.splitlines():
        text = line.strip()
        exception = _EXCEPTION_LINE.match(text)
        if text.startswith(("[ERROR] ", "[CRITICAL] ")):
            text = text.split("] ", 1)[1]
        elif not exception:
            continue
        message = exception.group(3) if exception else text  # said twice: as a message and as an exception
        if text and not _GENERIC.search(text) and not any(message in r for r in reasons):
            reasons.append(text)
    return "\n".join(reasons or (error or log).strip().splitlines()[-3:])


def _nbgrader_env() -> dict:
    """Environment for nbgrader subprocesses: this interpreter's bin/ first on PATH
    (nbgrader shells out to ``alembic`` when it creates a gradebook)."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env.setdefault("MPLBACKEND", "Agg")
    return env


class Course:
    """Paths and nbgrader commands of one course root."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()
        if not (self.root / CONFIG).is_file():
            raise CourseError(f"course root: expected {CONFIG} in {self.root}")
        self.source_root = (self.root / ".." / "solutions").resolve()

    @classmethod
    def find(cls, course=None) -> "Course":
        return cls(find_course_root(course))

    # ------------------------------------------------------------------ settings
    @property
    def course_id(self) -> str:
        return "coursekit"

    @property
    def db_path(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def db_url(self) -> str:
        return "sqlite:///" + str(self.db_path)

    # --------------------------------------------------------------------- paths
    def source_notebook(self, assignment: str) -> Path:
        return self.source_root / assignment / f"{assignment}.ipynb"

    def release_dir(self, assignment: str) -> Path:
        return self.root / "release" / assignment

    def release_notebook(self, assignment: str) -> Path:
        return self.release_dir(assignment) / f"{assignment}.ipynb"

    def submitted_dir(self, student: str, assignment: str) -> Path:
        return self.root / "submitted" / student / assignment

    def autograded_dir(self, student: str, assignment: str) -> Path:
        return self.root / "autograded" / student / assignment

    def feedback_dir(self, student: str, assignment: str) -> Path:
        return self.root / "feedback" / student / assignment

    def journal_path(self, assignment: str) -> Path:
        return self.root / ".autograder-journal" / f"{assignment}.jsonl"

    def reports_dir(self, assignment: str) -> Path:
        return self.root / "reports" / assignment

    def notebook_name(self, assignment: str) -> str:
        return f"{assignment}.ipynb"

    def assignments(self) -> list[str]:
        """The assignments of this course, sorted: every ``A`` with a source notebook
        ``../solutions/A/A.ipynb`` or a released ``release/A/A.ipynb``."""
        found = {p.parent.name for p in self.source_root.glob("*/*.ipynb") if p.parent.name == p.stem}
        found |= {p.parent.name for p in (self.root / "release").glob("*/*.ipynb") if p.parent.name == p.stem}
        return sorted(found)

    def check_assignment(self, assignment: str) -> None:
        """Raise :class:`CourseError` "no such assignment" unless ``assignment`` is one of
        :meth:`assignments`."""
        known = self.assignments()
        if assignment not in known:
            raise CourseError(f"no such assignment {assignment!r} (known: {', '.join(known) or 'none'})")

    def students(self, assignment: str) -> list[str]:
        """Students with a submission of ``assignment`` (folders under submitted/), sorted."""
        sub = self.root / "submitted"
        if not sub.is_dir():
            return []
        return sorted(p.name for p in sub.iterdir() if (p / assignment).is_dir() and not p.name.startswith("."))

    def grade_cells(self, assignment: str) -> list[tuple[str, float]]:
        """``(grade_id, points)`` of every autograded test cell of the released notebook, in order."""
        nb = nbformat.read(str(self.release_notebook(assignment)), as_version=4)
        out = []
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                out.append((meta["grade_id"], float(meta.get("points", 0))))
        return out

    # ------------------------------------------------------------------ nbgrader
    def nbgrader(self, *args: str, check: bool = True, capture: bool = False) -> subprocess.CompletedProcess:
        """Run ``nbgrader <args>`` in the course root with this interpreter."""
        cmd = [sys.executable, "-m", "nbgrader", *args]
        proc = subprocess.run(
            cmd,
            cwd=str(self.root),
            env=_nbgrader_env(),
            text=True,
            stdout=subprocess.PIPE if capture else None,
            stderr=subprocess.STDOUT if capture else None,
        )
        if check and proc.returncode != 0:
            tail = (proc.stdout or "")[-3000:] if capture else ""
            raise CourseError(f"nbgrader {' '.join(args)} failed (exit {proc.returncode})\n{tail}")
        return proc

    def api(self):
        """nbgrader's Python API on this course (in-process: no interpreter start per command)."""
        if getattr(self, "_api", None) is None:
            from nbgrader.apps.api import NbGraderAPI
            from nbgrader.coursedir import CourseDirectory
            from traitlets.config.loader import PyFileConfigLoader

            os.environ["PATH"] = _nbgrader_env()["PATH"]  # nbgrader runs `alembic` to create the db
            cfg = PyFileConfigLoader(CONFIG, path=str(self.root)).load_config()
            self._api = NbGraderAPI(config=cfg, coursedir=CourseDirectory(config=cfg))
        return self._api

    def run_api(self, method: str, assignment: str, **kwargs) -> str:
        """Call ``NbGraderAPI.<method>(assignment, **kwargs)``; return nbgrader's log, or raise
        CourseError with nbgrader's reason (see :func:`nbgrader_reason`) if it fails."""
        from sqlalchemy.exc import SAWarning

        with warnings.catch_warnings():  # nbgrader's harmless autoflush warnings
            warnings.simplefilter("ignore", SAWarning)
            result = getattr(self.api(), method)(assignment, **kwargs)
        if not result.get("success"):
            raise CourseError(f"nbgrader {method} {assignment} failed: "
                              + nbgrader_reason(result.get("log", ""), result.get("error", "")))
        return result.get("log", "")

    @contextlib.contextmanager
    def restored_on_failure(self, assignment: str):
        """Snapshot ``release/<assignment>/`` and the gradebook; if the ``with`` body raises, put
        both back as they were (``nbgrader generate_assignment --force`` deletes the release
        before it converts the source, and a failure may leave the gradebook half-updated)."""
        release, db = self.release_dir(assignment), self.db_path
        with tempfile.TemporaryDirectory(prefix="autograder-snapshot-") as tmp:
            saved_release = Path(tmp) / "release"
            saved_db = Path(tmp) / "gradebook.db"
            if release.is_dir():
                shutil.copytree(release, saved_release, symlinks=True)
            if db.is_file():
                _copy_sqlite(db, saved_db)
            try:
                yield
            except BaseException:
                if release.exists():
                    shutil.rmtree(release)
                if saved_release.is_dir():
                    shutil.copytree(saved_release, release, symlinks=True)
                if saved_db.is_file():
                    _copy_sqlite(saved_db, db)
                raise

    def require_generated(self, assignment: str) -> None:
        self.check_assignment(assignment)
        if not self.release_notebook(assignment).is_file():
            raise CourseError(
                f"assignment {assignment!r} has no released notebook {self.release_notebook(assignment)}: "
                f"run `autograder generate {assignment}` first"
            )
