"""The grading journal: a JSON-lines file of GradeRecords, fsync'd, so a killed run resumes.

A journal record is replayed only while nothing that decided it has changed: the submitted
files (``GradeRecord.submission_files``) and everything else, summed up by :func:`fingerprint`
(the grader's code, the release notebook, the limits, the isolation level reached).
"""
from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.metadata
import json
import os
import platform
from dataclasses import asdict
from pathlib import Path
from typing import Iterable

from autograder.sandbox import Limits
from autograder.grade_one import GradeRecord, _sha256

__all__ = ["fingerprint", "verdict_modules", "read_journal", "forget"]


#: The grading modules that shape every verdict; with the assignment's check module they are the
#: roots of :func:`verdict_modules`.
_GRADING_MODULES = ("autograder.checks", "autograder.checks.base", "autograder.extract", "autograder.notebook",
                    "autograder.reference_scan", "autograder.harness",
                    "autograder.sandbox_root", "autograder.zygote",
                    "autograder.sandbox", "autograder.wire", "autograder.grade_one", "autograder.pipeline")
#: Libraries the judges compute expectations with (their versions are part of the fingerprint).
_LIBRARIES = ("numpy", "scipy", "scikit-learn")


def verdict_modules(assignment: str) -> dict[str, Path]:
    """The modules whose code can change a verdict of ``assignment`` (name -> file).

    Starts from ``autograder.checks.<assignment>`` and :data:`_GRADING_MODULES` and follows every
    ``import``/``from … import`` of an ``autograder`` or ``coursekit`` module found in their source
    (function-level imports included, read with :mod:`ast`), with the packages around them: so the
    ``coursekit`` modules a judge computes its expectations with (``functional``, ``gradcheck``,
    ``optim``, …) are in, and nothing else (not the widgets, not another assignment's checks).
    """
    todo = [f"autograder.checks.{assignment}", *_GRADING_MODULES]
    found: dict[str, Path] = {}
    while todo:
        name = todo.pop()
        if name in found:
            continue
        try:
            module = importlib.import_module(name)
        except (ImportError, ValueError):  # "from coursekit.functional import relu": a name, not a module
            continue
        found[name] = Path(module.__file__)
        if "." in name:
            todo.append(name.rpartition(".")[0])  # its package's __init__ runs first
        for node in ast.walk(ast.parse(found[name].read_bytes())):
            if isinstance(node, ast.Import):
                todo += [a.name for a in node.names if a.name.split(".")[0] in ("autograder", "coursekit")]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                    and node.module.split(".")[0] in ("autograder", "coursekit"):
                todo += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return found



def fingerprint(assignment: str, release_notebook: str | os.PathLike, limits: Limits, isolation: str) -> str:
    """What a record of ``assignment`` was graded with, besides the submission: a sha256 digest of

    * the bytes of every module in :func:`verdict_modules` (by module name, not by path, so the
      install location does not matter; file contents, never modification times) and the
      versions of Python, numpy, scipy and scikit-learn;
    * the bytes of the release notebook (the given cells that run before the student's code);
    * the :class:`~autograder.sandbox.Limits` (e.g. ``autograder grade --timeout``);
    * ``isolation``, the level the sandbox actually reached (``sandbox.isolation_level()``):
      a ``COURSEKIT_SANDBOX=none`` run and a ``full`` one never share records.

    :func:`grade_all` replays a record only if its fingerprint and submitted files are unchanged.
    """
    code = {name: _sha256(path) for name, path in sorted(verdict_modules(assignment).items())}
    versions = {lib: importlib.metadata.version(lib) for lib in _LIBRARIES}
    versions["python"] = platform.python_version()
    state = {"code": code, "versions": versions, "release": _sha256(release_notebook),
             "limits": asdict(limits), "isolation": isolation}
    return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()


def _key(assignment: str, student: str) -> str:
    return f"{assignment}/{student}"


def read_journal(path: str | os.PathLike) -> dict[str, GradeRecord]:
    """Records in a journal (last one per student wins); a torn last line is ignored."""
    out: dict[str, GradeRecord] = {}
    p = Path(path)
    if not p.exists():
        return out
    for line in p.read_bytes().split(b"\n"):
        if not line.strip():
            continue
        try:
            rec = GradeRecord.from_json(line.decode("utf-8"))
        except Exception:
            continue
        out[_key(rec.assignment, rec.student)] = rec
    return out


def _repair_journal(path: Path):
    """Cut a torn last line (the run was killed mid-write) so appends start on a fresh line."""
    if not path.exists():
        return
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        cut = data.rfind(b"\n") + 1
        with open(path, "r+b") as f:
            f.truncate(cut)
            f.flush()
            os.fsync(f.fileno())


def _append(fh, rec: GradeRecord):
    fh.write((rec.to_json() + "\n").encode("utf-8"))
    fh.flush()
    os.fsync(fh.fileno())


def forget(path: str | os.PathLike, assignment: str, students: Iterable[str] | None = None) -> None:
    """Drop the journal records of ``students`` of ``assignment`` (``None``: the whole journal).

    Every other line is kept byte for byte; the journal is replaced atomically (a torn last
    line, left by a killed run, is dropped).
    """
    p = Path(path)
    if students is None:
        p.unlink(missing_ok=True)
        return
    if not p.exists():
        return
    drop = {_key(assignment, s) for s in students}
    keep = []
    for line in p.read_bytes().split(b"\n"):
        try:
            rec = json.loads(line)
            key = _key(rec["assignment"], rec["student"])
        except Exception:
            continue
        if key not in drop:
            keep.append(line + b"\n")
    tmp = p.with_name(p.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(b"".join(keep))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, p)
