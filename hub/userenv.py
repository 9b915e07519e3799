"""The Python every user's server and kernel run: the course environment, reachable by all users.

On a class server the course environment is installed where every user can read it (``/opt``,
or the container image of hub/Dockerfile). On this development machine the project's ``.venv``
points at an interpreter under ``/root`` (pyenv), which no other Unix user may enter; so
``setup`` makes ``<class dir>/env``: a copy of the interpreter (its standard library, without
site-packages and tests, ~130 MB) whose site-packages holds one ``.pth`` line adding the
project's ``.venv`` site-packages (read-only, world-readable). Same packages, same versions as
the locked ``.venv``; nothing installed twice. When the interpreter is already reachable by
everyone, the project's own python is used as it is.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import sysconfig
from pathlib import Path


def _reachable_by_all(path: Path) -> bool:
    """Every ancestor of ``path`` is searchable by "others" (and ``path`` exists)."""
    path = path.resolve()
    if not path.exists():
        return False
    for p in (path, *path.parents):
        if p.is_dir() and not os.stat(p).st_mode & stat.S_IXOTH:
            return False
    return True


class UserEnv:
    """``python``: the interpreter to run; ``environment``: variables a server needs for it."""

    def __init__(self, python: Path, environment: dict[str, str]):
        self.python = python
        self.environment = environment


def build(dest: Path, venv_python: Path) -> UserEnv:
    """Make (once) the user environment in ``dest`` for the project's ``venv_python``."""
    base = Path(sys.base_prefix)
    venv_site = Path(sysconfig.get_paths(vars={"base": str(venv_python.parent.parent)})["purelib"])
    if _reachable_by_all(base / "bin") and _reachable_by_all(venv_python):
        return UserEnv(venv_python, {})
    ver = f"python{sys.version_info.major}.{sys.version_info.minor}"
    py = dest / "bin" / ver
    if not py.exists():
        tmp = dest.with_name(dest.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        (tmp / "bin").mkdir(parents=True)
        shutil.copy2(base / "bin" / ver, tmp / "bin" / ver)
        (tmp / "lib").mkdir()
        for lib in (base / "lib").glob("libpython*"):
            shutil.copy2(lib, tmp / "lib" / lib.name)
        shutil.copytree(base / "lib" / ver, tmp / "lib" / ver, symlinks=True,
                        ignore=shutil.ignore_patterns("site-packages", "test", "tests", "__pycache__", "idlelib",
                                                      "tkinter", "turtledemo", "ensurepip"))
        (tmp / "lib" / ver / "site-packages").mkdir()
        (tmp / "lib" / ver / "site-packages" / "coursekit-env.pth").write_text(
            f"import site; site.addsitedir({str(venv_site)!r})\n")
        os.symlink(ver, tmp / "bin" / "python3")
        os.symlink(ver, tmp / "bin" / "python")
        # every console script of the .venv (nbgrader, autograder, jupyter, alembic — nbgrader runs
        # it —, ...), run by this interpreter
        for script in venv_python.parent.iterdir():
            if script.is_symlink() or not script.is_file() or (tmp / "bin" / script.name).exists():
                continue
            with open(script, "rb") as fh:
                if not fh.read(64).startswith(b"#!" + str(venv_python.parent).encode()):
                    continue
            (tmp / "bin" / script.name).write_text(f'#!/bin/sh\nexec "{dest}/bin/{ver}" "{script}" "$@"\n')
            os.chmod(tmp / "bin" / script.name, 0o755)
        kernel = tmp / "share" / "jupyter" / "kernels" / "python3"
        kernel.mkdir(parents=True)
        (kernel / "kernel.json").write_text(json.dumps({
            "argv": [str(dest / "bin" / ver), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (coursekit)", "language": "python", "metadata": {"debugger": True}}))
        os.system(f"chmod -R a+rX,go-w '{tmp}'")
        shutil.rmtree(dest, ignore_errors=True)
        tmp.rename(dest)
    # the kernel spec above first, then the .venv's lab extensions (nbgrader, widgets)
    return UserEnv(py, {"LD_LIBRARY_PATH": str(dest / "lib"), "PYTHONNOUSERSITE": "1",
                        "JUPYTER_PATH": f"{dest / 'share' / 'jupyter'}:{venv_python.parent.parent / 'share' / 'jupyter'}"})
