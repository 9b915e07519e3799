"""Starting the sandbox's zygote and talking to it (the grader's side of the pipe).

The zygote is a ``python -I -S`` process, under ``unshare`` for the isolation levels that have
namespaces; it receives, as one JSON frame on its stdin, the paths to bind read-only in its
root, the paths to hide, its ``sys.path``, and the trusted modules as source text
(:data:`_CHILD_MODULES`; what runs inside is :mod:`autograder.zygote`). Then each request is a
header (the limits, read by the zygote) and the request itself (read by the child), and three
frames come back: the child's header, its result frames, its fd-level output. Used by
:mod:`autograder.sandbox`; see ARCHITECTURE.md, Grading.
"""
from __future__ import annotations

import importlib.util
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np

from autograder import wire

_HERE = Path(__file__).resolve().parent


class SandboxError(RuntimeError):
    """The sandbox itself could not run (not the student's fault)."""


class _Unavailable(SandboxError):
    """This isolation level's mechanism (namespaces, mounts) does not work on this machine: in
    auto mode the next level is tried. Any other SandboxError (a path that cannot be bound, a
    module the child cannot import) is a setup problem that a weaker level would only hide."""


#: The trusted modules the zygote executes from source text, in this order (each imports the ones
#: before it under these names; see :mod:`autograder.harness`).
_CHILD_MODULES = (("_ck_wire", "wire.py"), ("_ck_base", "checks/base.py"), ("_ck_harness", "harness.py"),
                  ("_ck_root", "sandbox_root.py"), ("_ck_zygote", "zygote.py"))

_BOOT = r"""
import os, sys, struct, types, json
def _rd(n):
    b = b""
    while len(b) < n:
        c = os.read(0, n - len(b))
        if not c:
            raise SystemExit(0)
        b += c
    return b
(_n,) = struct.unpack("<I", _rd(4))
_setup = json.loads(_rd(_n))
sys.path[:] = _setup["sys_path"]
os.environ.update(_setup["env"])
for _name, _src in _setup["modules"]:
    _m = types.ModuleType(_name)
    _m.__file__ = "<trusted " + _name + ">"
    sys.modules[_name] = _m
    exec(compile(_src, "<trusted " + _name + ">", "exec"), _m.__dict__)
_rfd, _wfd = os.dup(0), os.dup(1)
os.dup2(2, 1)
sys.modules["_ck_zygote"].zygote_main(_setup, _rfd, _wfd)
"""



_SYSTEM_PATHS = ("/usr", "/bin", "/lib", "/lib64", "/sbin", "/etc/ld.so.cache", "/etc/ld.so.conf",
                 "/etc/ld.so.conf.d", "/etc/localtime")


def _site() -> str:
    """The site-packages folder holding numpy (the venv's, wherever it lives)."""
    return os.path.dirname(os.path.dirname(np.__file__))


def _ro_paths() -> list[str]:
    """Every path the child needs, to be bound read-only at the same place in its root.

    The system folders this machine has, then the Python installation and site-packages both
    as named on ``sys.path`` and with symlinks resolved (the child finds modules by the former,
    the dynamic loader may use the latter). The Python paths are required: the zygote refuses
    to start, naming the path, if one cannot be bound.
    """
    paths = [p for p in _SYSTEM_PATHS if os.path.lexists(p)]
    for p in (sys.base_prefix, _site()):
        for q in (os.path.normpath(p), os.path.realpath(p)):
            if q not in paths:
                paths.append(q)
    return paths


def _hidden_paths() -> list[str]:
    """Folders inside the bound paths that must stay invisible: the installed ``coursekit`` and
    ``autograder`` packages (with a non-editable install they sit in site-packages, and the
    packaged course root holds the gradebook)."""
    out = []
    for pkg in ("coursekit", "autograder"):
        try:
            spec = importlib.util.find_spec(pkg)
        except (ImportError, ValueError):
            continue
        for loc in (spec.submodule_search_locations or []) if spec else []:
            out.append(os.path.realpath(loc))
    for site in dict.fromkeys((_site(), os.path.realpath(_site()))):
        for name in os.listdir(site):
            if name.startswith(("coursekit", "__editable__")):
                out.append(os.path.join(site, name))
    return out


def _sys_path() -> list[str]:
    base = [p for p in sys.path if p and p.startswith(sys.base_prefix) and "site-packages" not in p]
    return base + [_site()]


def _command(mode: str) -> list[str]:
    py = [sys.executable, "-I", "-S", "-c", _BOOT]
    if mode == "none":
        return py
    unshare = shutil.which("unshare") or "/usr/bin/unshare"
    ns = [unshare, "--pid", "--fork", "--kill-child", "--mount", "--net", "--ipc", "--uts"]
    if mode == "userns":
        ns[1:1] = ["--user", "--map-root-user"]
    return ns + ["--"] + py


def _pack(data: bytes) -> bytes:
    return struct.pack("<I", len(data)) + data


def _die_with_parent():
    """In the zygote's launcher (before exec): SIGKILL it when the grading process dies, so a
    killed grader leaves no sandbox behind (``unshare --kill-child`` passes it on)."""
    try:
        import ctypes
        ctypes.CDLL(None).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class _Zygote:
    """One pre-started zygote process and the pipe protocol to it."""

    def __init__(self, mode: str):
        import json

        srcs = [(name, (_HERE / path).read_text()) for name, path in _CHILD_MODULES]
        setup = {"mode": mode, "paths": _ro_paths(), "hide": _hidden_paths(),
                 "sys_path": _sys_path(), "modules": srcs,
                 "env": {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                         "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"}}
        env = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL")}
        env.update(setup["env"])
        self.mode = mode
        self.scratch = None
        if mode == "none":  # made here, so that close() can remove it: the zygote is SIGKILLed
            import tempfile
            self.scratch = setup["scratch"] = tempfile.mkdtemp(prefix="ck_scratch_")
        try:
            self.proc = subprocess.Popen(_command(mode), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.PIPE, env=env, cwd="/",
                                         start_new_session=True, preexec_fn=_die_with_parent)
        except OSError as exc:
            self.close()
            raise _Unavailable(f"sandbox mode {mode!r} could not start: {exc}") from None
        self._stderr = []
        threading.Thread(target=self._drain, daemon=True).start()
        try:
            self.proc.stdin.write(_pack(json.dumps(setup).encode()))
            self.proc.stdin.flush()
        except OSError:
            pass  # it died at once: said below
        ready = self._read_frame(60.0)
        if ready is None:
            self.close()
            raise _Unavailable(f"sandbox mode {mode!r} could not start: "
                               + " ".join(self._stderr)[-400:].strip())
        msg = wire.decode(ready)
        if "error" in msg:
            self.close()
            text = f"sandbox mode {mode!r} could not start: {msg['error']}"
            raise (SandboxError if msg.get("cause") == "paths" else _Unavailable)(text)
        self.pidns = bool(msg.get("pidns"))

    def _drain(self):
        for line in self.proc.stderr:
            if len(self._stderr) < 50:
                self._stderr.append(line.decode("utf-8", "replace"))

    def _read_exact(self, n: int, deadline: float | None):
        import time

        fd = self.proc.stdout.fileno()
        buf = bytearray()
        while len(buf) < n:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    return None
            chunk = os.read(fd, n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return bytes(buf)

    def _read_frame(self, timeout: float | None):
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        head = self._read_exact(4, deadline)
        if head is None:
            return None
        (n,) = struct.unpack("<I", head)
        return self._read_exact(n, deadline)

    def request(self, req: dict, timeout: float):
        """Send a header (limits, read by the zygote) and the request (read by the child)."""
        self.proc.stdin.write(_pack(wire.encode({"limits": req["limits"]})))
        self.proc.stdin.flush()
        payload = _pack(wire.encode(req))
        errors = []

        def send():
            try:
                self.proc.stdin.write(payload)
                self.proc.stdin.flush()
            except (OSError, ValueError) as exc:
                errors.append(exc)

        writer = threading.Thread(target=send, daemon=True)
        writer.start()
        frames = []
        for _ in range(3):
            f = self._read_frame(timeout)
            if f is None:
                raise SandboxError("the sandbox zygote stopped answering: "
                                   + " ".join(self._stderr)[-300:].strip())
            frames.append(f)
        writer.join(5.0)
        if writer.is_alive() or errors:
            raise SandboxError("the sandbox child did not take its request")
        return wire.decode(frames[0]), frames[1], frames[2]

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
        try:
            self.proc.kill()
            self.proc.wait(5)
        except Exception:
            pass
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)
