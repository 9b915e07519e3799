"""A throwaway class hub for the tests and the load benchmark (root only): users, hub, cleanup.

:func:`running_hub` sets up a class directory under /tmp (not under pytest's tmp, whose parents
other users cannot enter) with fresh Unix users, starts JupyterHub on free loopback ports with
the shared-password authenticator and an admin service token, and on exit stops the hub (which
stops every user server and the formgrader service), ends any process left to the class's users
by its pid, and deletes the users, groups and directory. It asserts that nothing is left.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import stat
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from hub import layout, users
from hub.client import Hub

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc's parent links)."""
    children: dict[int, list[int]] = {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(p.name))
    out, todo = [], [pid]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def pids_of(names) -> list[int]:
    """Processes owned by the Unix users ``names`` (by uid, from /proc)."""
    uids = set()
    for n in names:
        with contextlib.suppress(KeyError):
            uids.add(users.pwd.getpwnam(n).pw_uid)
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            with contextlib.suppress(OSError):
                if p.stat().st_uid in uids:
                    out.append(int(p.name))
    return out


def ensure_proxy() -> None:
    """configurable-http-proxy in hub/node_modules: installed from hub/package-lock.json if missing."""
    if (REPO / "hub" / "node_modules" / ".bin" / "configurable-http-proxy").exists():
        return
    if not shutil.which("npm"):
        raise RuntimeError("configurable-http-proxy is not installed and npm is missing: install Node.js "
                           "(Debian: apt-get install nodejs npm), then `make hub-install`")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO / "hub", check=True)


class RunningHub:
    def __init__(self, cd, url, token, password, students, instructors, proc, log):
        self.cd, self.url, self.token, self.password = cd, url, token, password
        self.students, self.instructors, self.proc, self.log = students, instructors, proc, log
        self.hub = Hub(url, token)


def _wait_up(url: str, proc, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the hub exited ({proc.returncode}):\n{log.read_text()[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{url}/hub/api/", timeout=5).status_code == 200:
                return
        time.sleep(1)
    raise RuntimeError(f"the hub did not answer within {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def _open_the_way(path: Path) -> list[tuple[Path, int]]:
    """Let every user *traverse* (o+x, not list) the folders above ``path`` that forbid it.

    The throwaway class's users run the course environment of this checkout (its ``.venv`` and,
    through the editable install, its ``coursekit``/``autograder`` sources); a checkout in a
    private folder (``mktemp -d`` makes 0700, as a CI runner may) would be out of their reach.
    Returns what was changed, for :func:`_close_the_way`. (A class server installs the course
    environment under /opt or in the image instead: README, "Running a class".)
    """
    changed = []
    for p in path.resolve().parents:
        mode = os.stat(p).st_mode
        if not mode & stat.S_IXOTH:
            os.chmod(p, stat.S_IMODE(mode) | stat.S_IXOTH)
            changed.append((p, stat.S_IMODE(mode)))
    return changed


def _close_the_way(changed: list[tuple[Path, int]]) -> None:
    for p, mode in reversed(changed):
        with contextlib.suppress(OSError):
            os.chmod(p, mode)


@contextlib.contextmanager
def running_hub(n_students: int, n_instructors: int = 1, pack: str | None = None, cull: int = 0,
                startup_timeout: float = 400):
    tag = secrets.token_hex(2)
    students = [f"ck{tag}s{i}" for i in range(1, n_students + 1)]
    instructors = [f"ck{tag}i{i}" for i in range(1, n_instructors + 1)]
    root = Path(tempfile.mkdtemp(prefix="coursekit-hub-", dir="/tmp"))
    os.chmod(root, 0o755)
    cd = layout.ClassDir(root)
    token, password = secrets.token_hex(16), secrets.token_hex(8)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "COURSEKIT_"))}
    env.update(COURSEKIT_HUB_DIR=str(root), COURSEKIT_HUB_AUTH="shared-password", COURSEKIT_HUB_PASSWORD=password,
               COURSEKIT_HUB_API_TOKEN=token, COURSEKIT_HUB_PORT=str(port),
               COURSEKIT_HUB_API_PORT=str(free_port()), COURSEKIT_HUB_PROXY_API_PORT=str(free_port()),
               COURSEKIT_HUB_FORMGRADER_PORT=str(free_port()), COURSEKIT_HUB_CULL=str(cull))
    proc = None
    log = root / "hub.log"
    ensure_proxy()
    opened = _open_the_way(REPO)
    try:
        old = dict(os.environ)
        os.environ["COURSEKIT_HUB_DIR"] = str(root)
        try:
            layout.setup(cd, students, instructors, pack)
        finally:
            os.environ.clear()
            os.environ.update(old)
        with open(log, "w") as fh:
            proc = subprocess.Popen([sys.executable, str(REPO / "hub" / "run.py"), "start"], env=env,
                                    stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        _wait_up(url, proc, log, startup_timeout)
        yield RunningHub(cd, url, token, password, students, instructors, proc, log)
    finally:
        started = []
        if proc is not None and proc.poll() is None:
            started = descendants(proc.pid)  # proxy, services, user servers, kernels
            proc.send_signal(signal.SIGTERM)  # the hub stops every server and service it started
            try:
                proc.wait(timeout=300)  # a loaded 2-core machine needs a minute or more
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        everyone = [*students, *instructors, users.GRADER]
        leftovers = sorted(set(pids_of(everyone)) | {p for p in started if alive(p)})
        for pid in leftovers:  # by pid: processes of this class's throwaway users only
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        keep = os.environ.get("COURSEKIT_KEEP_HUB_LOG")
        if keep:
            shutil.copyfile(log, keep) if log.exists() else None
        layout.teardown(cd)
        _close_the_way(opened)
        assert not leftovers, f"processes left running after the hub stopped: {leftovers}"
