"""Start the course as a class uses it: ``python hub/run.py setup|start|teardown`` (as root).

    setup     --students a,b,c --instructors t1 [--pack DIR]   users, groups, class directory
    start     JupyterHub on 127.0.0.1:8000 (COURSEKIT_HUB_IP/PORT) until Ctrl-C
    teardown  delete the class's users, groups and class directory

The class directory is ``$COURSEKIT_HUB_DIR`` (default /srv/coursekit); see hub/layout.py for
what is in it and hub/jupyterhub_config.py for the variables ``start`` reads. ``make hub-users``
and ``make hub`` wrap ``setup`` and ``start``.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from hub import layout  # noqa: E402


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def hub_command(cd: layout.ClassDir) -> list[str]:
    """The command that runs the hub on class directory ``cd`` (cwd: its state folder)."""
    return [str(layout.VENV_BIN / "jupyterhub"), "-f", str(HERE / "jupyterhub_config.py")]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="hub/run.py", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("setup")
    s.add_argument("--students", required=True, type=_names)
    s.add_argument("--instructors", required=True, type=_names)
    s.add_argument("--pack", default=None, help="directory copied into each student's ~/coursekit "
                   "(default: built with `autograder pack`, or lectures/ while that command does not exist)")
    sub.add_parser("start")
    sub.add_parser("teardown")
    args = p.parse_args(argv)
    if os.geteuid() != 0:
        p.error("run as root: it creates Unix users and starts servers as them")
    cd = layout.ClassDir()
    if args.cmd == "setup":
        what = layout.setup(cd, args.students, args.instructors, args.pack)
        print(f"class directory {cd.root}: {len(args.students)} students, {len(args.instructors)} "
              f"instructors; student pack: {what}")
        return 0
    if args.cmd == "teardown":
        layout.teardown(cd)
        print(f"removed the users of {cd.root} and the directory")
        return 0
    if not (HERE / "node_modules" / ".bin" / "configurable-http-proxy").exists():
        p.error("configurable-http-proxy is not installed: run `make hub-install` (npm ci in hub/)")
    if not cd.roster_file.is_file():
        p.error(f"no class in {cd.root}: run `python hub/run.py setup ...` (make hub-users) first")
    os.chdir(cd.state)
    cmd = hub_command(cd)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main())
