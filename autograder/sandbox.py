"""Run student code in a disposable, isolated process and get plain data back.

Design (see ARCHITECTURE.md, Grading, and the README section "grading-security")
--------------------------------------------------------------------------------
* The grader never runs student code. Each grading process owns one **zygote**: a trusted
  Python process started with ``python -I -S`` (no site hooks, so the editable ``coursekit`` /
  ``autograder`` installs are not importable), numpy pre-imported, and the source text of
  :mod:`autograder.wire`, :mod:`autograder.checks.base`, :mod:`autograder.harness`,
  :mod:`autograder.sandbox_root` and :mod:`autograder.zygote` executed in it (started by
  :mod:`autograder.sandbox_launch`). It never runs student code either: per FunctionCheck it
  ``fork()``s a **child** that isolates itself and only then executes the student's code and
  the calls.
* Isolation levels (``COURSEKIT_SANDBOX=auto|full|userns|none``, default auto = the best
  available):

  ``full`` (root; what CI uses): the zygote runs under ``unshare --pid --fork --mount --net
  --ipc --uts``: own pid namespace (children cannot see or signal other processes; the zygote,
  pid 1, kills everything left after each check), a network namespace with no interface, a
  private mount namespace in which the zygote builds a read-only root holding only the system
  libraries, the Python installation and site-packages, wherever they are installed (the root's
  tmpfs goes on a place that is neither a parent of nor inside any of them; a path that cannot
  be bound stops the sandbox with its name, never a silently emptier root). Each child then enters its own mount
  namespace, mounts a fresh size-capped tmpfs scratch at ``/tmp``, ``chroot``s, sets rlimits
  and drops to uid/gid 65534 (nobody) with ``no_new_privs``. The course tree (solutions/,
  release/, submitted/, gradebook.db), the repository and home directories do not exist there.
  ``userns`` (non-root with unprivileged user namespaces): the same, under ``unshare --user
  --map-root-user``; instead of switching uid the child drops every capability.
  ``none`` (fallback): rlimits, a private scratch cwd, a scrubbed environment and the
  ``-I -S`` interpreter only — no filesystem or network isolation (the README says so).
* At start, a probe check in a child imports what student code commonly needs (numpy.random,
  numpy.linalg, scipy, sklearn): a sandbox that cannot is refused with the module and the reason.
  sklearn (a second of CPU) is imported once per process tree and setup; forked workers of a
  process whose probe passed import the others only.
* Limits: RLIMIT_CPU (per check), wall clock (the zygote SIGKILLs the child's process group),
  RLIMIT_AS (default 2 GiB), RLIMIT_FSIZE / tmpfs size for scratch files. Output is capped, not
  limited: python-level writes beyond the cap are dropped in the child, fd-level writes beyond it
  by the zygote, the call goes on and its CallResult says ``output_truncated``.
* Everything the child sends is decoded by :func:`autograder.wire.decode` (strict, no pickle)
  in the grader process and turned into :class:`~autograder.checks.base.CallResult`.
"""
from __future__ import annotations

import atexit
import os
import signal
import struct
from dataclasses import asdict, dataclass

from autograder import sandbox_launch as _launch
from autograder import wire
from autograder.checks.base import Call, CallResult, STATUSES, to_plain
from autograder.sandbox_launch import SandboxError, _Unavailable, _Zygote

__all__ = ["Limits", "run_calls", "isolation_level", "verify", "shutdown", "SandboxError"]


@dataclass
class Limits:
    """Resource limits of one sandboxed check (all calls of one FunctionCheck).

    cpu_seconds : CPU time (RLIMIT_CPU, rounded up to whole seconds).
    wall_seconds : wall-clock time, then the process group is killed.
    memory_bytes : address-space limit (RLIMIT_AS) of the process, default 2 GiB.
    output_bytes : captured stdout/stderr kept per call (python-level) and per check (fd-level);
        more is dropped, never an error.
    scratch_bytes : size of the scratch tmpfs and largest file the code may write.
    """

    cpu_seconds: float = 10.0
    wall_seconds: float = 20.0
    memory_bytes: int = 2 * 1024 ** 3
    output_bytes: int = 64 * 1024
    scratch_bytes: int = 64 * 1024 ** 2


def _requested_mode() -> str:
    mode = os.environ.get("COURSEKIT_SANDBOX", "auto").strip().lower() or "auto"
    if mode not in ("auto", "full", "userns", "none"):
        raise SandboxError(f"COURSEKIT_SANDBOX: expected auto, full, userns or none, got {mode!r}")
    return mode



_ZYGOTE: dict = {}  # pid -> _Zygote (a forked grading worker starts its own)
_LEVEL: dict = {}  # requested mode -> level reached (inherited by forked workers)
_VERIFIED: set = set()  # setups whose full probe passed in this process tree (inherited too)


def _setup_key(mode: str) -> tuple:
    """What the probe's verdict depends on: the level and the paths the child gets."""
    return mode, tuple(_launch._ro_paths()), tuple(_launch._sys_path())


def _zygote() -> _Zygote:
    z = _ZYGOTE.get(os.getpid())
    if z is not None and z.alive():
        return z
    _ZYGOTE.pop(os.getpid(), None)
    req = _requested_mode()
    if req != "auto":
        order = [req]
    elif req in _LEVEL:  # never downgrade silently once a level worked (in this process tree)
        order = [_LEVEL[req]]
    else:
        order = (["full"] if os.geteuid() == 0 else []) + ["userns", "none"]
    errors = []
    for mode in order:
        z = None
        key = _setup_key(mode)
        try:
            z = _Zygote(mode)
            _probe(z, QUICK_PROBE_MODULES if key in _VERIFIED else PROBE_MODULES)
        except _Unavailable as exc:  # the mechanism does not work here: try the next level
            errors.append(f"{mode}: {exc}")
            if z is not None:
                z.close()
            continue
        except BaseException:  # a setup problem (paths, imports), or an interrupt: never weaken silently
            if z is not None:
                z.close()
            raise
        _ZYGOTE[os.getpid()] = z
        _LEVEL[req] = mode
        _VERIFIED.add(key)
        return z
    raise SandboxError("no sandbox could start: " + "; ".join(errors))


#: Modules every grading child must be able to import. numpy loads numpy.random lazily, so a
#: site-packages that the child cannot see goes unnoticed until a student seeds a generator.
PROBE_MODULES = ("numpy.random", "numpy.linalg", "scipy", "sklearn")
#: The probe of a worker whose process tree already passed the full probe with the same level
#: and paths (a forked grading worker): importing sklearn costs about a second of CPU per
#: process, these take a few milliseconds and still read site-packages through the sandbox.
QUICK_PROBE_MODULES = ("numpy.random", "numpy.linalg", "scipy")

_PROBE_CODE = """
import importlib

def probe(x):
    return x + 1

def can_import(name):
    try:
        importlib.import_module(name)
    except BaseException as exc:
        return f"{type(exc).__name__}: {exc}"
    return ""
"""


def _probe(z: _Zygote, modules=PROBE_MODULES):
    """Run a probe check through a new zygote, in a child isolated like every other.

    A trivial call that fails means the isolation mechanism does not work here
    (:class:`_Unavailable`); a module in ``modules`` that does not import means the sandbox's
    view of the installation is incomplete: :class:`SandboxError` naming the module and why.
    """
    calls = [Call("probe", (41,))] + [Call("can_import", (m,)) for m in modules]
    limits = Limits(cpu_seconds=60.0, wall_seconds=120.0)  # sklearn's import, on a busy machine
    req = {"code": [_PROBE_CODE], "calls": [_plain_call(c) for c in calls],
           "overrides": {}, "output_bytes": 4096,
           "limits": {k: (float(v) if isinstance(v, float) else int(v)) for k, v in asdict(limits).items()}}
    try:
        header, res, out = z.request(req, timeout=limits.wall_seconds + 30.0)
    except (SandboxError, OSError, wire.WireError) as exc:
        raise _Unavailable(f"sandbox mode {z.mode!r}: the probe check failed: {exc}") from None
    frames = _parse_frames(res)[1:]
    if not frames or not isinstance(frames[0], dict) or frames[0].get("value") != 42:
        raise _Unavailable(f"sandbox mode {z.mode!r}: the probe check failed: "
                           + out.decode("utf-8", "replace")[-300:].strip())
    answers = frames[1:]
    for i, name in enumerate(modules):
        f = answers[i] if i < len(answers) else None
        if not isinstance(f, dict):
            why = "the probe process died: " + out.decode("utf-8", "replace")[-200:].strip()
        elif f.get("status") != "ok":
            why = f.get("error") or str(f.get("status"))
        else:
            why = f.get("value")
        if why:
            raise SandboxError(f"sandbox mode {z.mode!r}: the grading child cannot import {name}: {why} "
                               f"(site-packages: {_launch._site()})")


def isolation_level() -> str:
    """The isolation the sandbox achieves on this machine: "full", "userns" or "none".

    Starts this process's zygote and its probe: raises :class:`SandboxError` if no level works,
    or if one works but a path cannot be bound or a probed module not imported (then no weaker
    level is tried).
    """
    return _zygote().mode


def verify(keep: bool = True) -> str:
    """Make sure the sandbox works here before anything is graded; returns the level.

    Unless this process tree already probed the same level and paths, starts a zygote and
    probes it (raises :class:`SandboxError` as :func:`isolation_level` does). ``keep=False``
    stops the zygote it started: for a caller whose forked workers each start their own.
    """
    level = _LEVEL.get(_requested_mode())
    if level is not None and _setup_key(level) in _VERIFIED:
        return level
    level = isolation_level()
    if not keep:
        shutdown()
    return level


def shutdown():
    """Stop this process's zygote (a new one starts on the next :func:`run_calls`)."""
    z = _ZYGOTE.pop(os.getpid(), None)
    if z is not None:
        z.close()


atexit.register(shutdown)


def _plain_call(c: Call) -> dict:
    """The call as plain data (numpy scalars -> python numbers, int32 -> int64 arrays, ...)."""
    return {"function": str(c.function), "args": tuple(to_plain(tuple(c.args), "Call.args")),
            "kwargs": to_plain(dict(c.kwargs), "Call.kwargs"),
            "harness": None if c.harness is None else str(c.harness)}


_FATE = {"timeout": ("timeout", "wall-clock limit of {wall:g} s exceeded (the process was killed)"),
         "result_limit": ("memory", "the returned data exceeded the size limit (the process was killed)"),
         "cpu": ("cpu", "CPU-time limit of {cpu:g} s exceeded"),
         "memory": ("memory", "memory limit of {mem} MiB exceeded"),
         "crashed": ("crashed", "the process ended abnormally ({how})")}


def _fate(header: dict, limits: Limits) -> tuple[str, str]:
    """Why the child stopped before answering every call."""
    killed = header.get("killed") or ""
    sig, code = header.get("signal"), header.get("exit")
    if killed in _FATE:
        key = killed
    elif sig in (signal.SIGXCPU,) or (sig == signal.SIGKILL and header["cpu"] >= limits.cpu_seconds - 0.05):
        key = "cpu"
    elif header.get("maxrss_kb", 0) * 1024 >= 0.8 * limits.memory_bytes:
        key = "memory"
    else:
        key = "crashed"
    how = f"killed by signal {signal.Signals(sig).name}" if sig else f"exit code {code}"
    status, text = _FATE[key]
    return status, text.format(wall=limits.wall_seconds, cpu=limits.cpu_seconds,
                               mem=limits.memory_bytes // 2 ** 20, how=how)


def _parse_frames(data: bytes):
    """Split the child's result stream into decoded frames; stop at the first bad one."""
    frames, pos = [], 0
    while pos + 4 <= len(data):
        (n,) = struct.unpack_from("<I", data, pos)
        if pos + 4 + n > len(data):
            break
        try:
            frames.append(wire.decode(data[pos + 4: pos + 4 + n]))
        except wire.WireError:
            break
        pos += 4 + n
    return frames


def _clip(s, n):
    s = s if isinstance(s, str) else ""
    return s if len(s) <= n else s[:n] + "..."


def _result_from_frame(f, i: int, cap: int, fd_truncated: bool = False) -> CallResult | None:
    if not isinstance(f, dict) or f.get("i") != i:
        return None
    status = f.get("status")
    if status not in STATUSES or status == "refused":
        return None
    args_after = f.get("args_after")
    kwargs_after = f.get("kwargs_after")
    dtypes = f.get("dtypes")
    dtypes = {str(k)[:200]: str(v)[:40] for k, v in list(dtypes.items())[:64]
              if isinstance(k, str) and isinstance(v, str)} if isinstance(dtypes, dict) else {}
    return CallResult(status=status, value=f.get("value"),
                      args_after=args_after if isinstance(args_after, tuple) else None,
                      kwargs_after=kwargs_after if isinstance(kwargs_after, dict) else None,
                      error=_clip(f.get("error"), 500), stdout=_clip(f.get("stdout"), cap),
                      output_truncated=f.get("output_truncated") is True or fd_truncated,
                      dtypes=dtypes)


def run_calls(code, calls: list[Call], limits: Limits | None = None,
              overrides: dict[str, str] | None = None, *, info: dict | None = None) -> list[CallResult]:
    """Execute ``code`` in a fresh isolated child, then perform ``calls``; one CallResult per call.

    ``code`` is the student's source: a string, or a list of strings (cells) executed one after
    another in the same namespace (an error in one is recorded and the next still runs).
    ``overrides`` maps a name to trusted source defining it, executed after the student's code.
    If the child dies (loop, memory, os._exit, signal), the calls it did not answer get the
    status of its fate ("timeout", "cpu", "memory", "crashed"). Output beyond
    ``limits.output_bytes`` is dropped and marks the results ``output_truncated`` (fd-level
    output cannot be told apart per call: it marks every call of the check).
    ``info``, if given, is filled with the child's load error, stdout and process facts.
    """
    limits = limits or Limits()
    chunks = [code] if isinstance(code, str) else [str(c) for c in code]
    req = {"code": chunks, "calls": [_plain_call(c) for c in calls],
           "overrides": {str(k): str(v) for k, v in (overrides or {}).items()},
           "output_bytes": int(limits.output_bytes),
           "limits": {k: (float(v) if isinstance(v, float) else int(v)) for k, v in asdict(limits).items()}}
    z = _zygote()
    try:
        header, res, out = z.request(req, timeout=limits.wall_seconds + 30.0)
    except (SandboxError, OSError, wire.WireError):
        shutdown()
        raise
    frames = _parse_frames(res)
    load = frames[0] if frames and isinstance(frames[0], dict) and "load" in frames[0] else None
    results: list[CallResult] = []
    fd_truncated = header.get("output_truncated") is True
    for i, _ in enumerate(calls):
        r = (_result_from_frame(frames[i + 1], i, limits.output_bytes, fd_truncated)
             if load and i + 1 < len(frames) else None)
        if r is None:
            break
        results.append(r)
    if len(results) < len(calls):
        status, text = _fate(header, limits)
        if load is None and status == "crashed" and header.get("exit") == 0:
            text = "the code ended the process before any function could be called"
        fd_out = out.decode("utf-8", "replace")
        for _ in range(len(calls) - len(results)):
            results.append(CallResult(status=status, error=text, stdout=_clip(fd_out, limits.output_bytes),
                                      output_truncated=fd_truncated))
    if info is not None:
        info.update(header=header, loaded=load is not None, load_error=_clip(load.get("load"), 300) if load else "",
                    load_errors=[_clip(e[1], 300) for e in (load.get("errors") or []) if isinstance(e, list)
                                 and len(e) == 2] if load else [],
                    load_stdout=_clip(load.get("stdout"), limits.output_bytes) if load else "",
                    defined=list(load.get("defined", [])) if load else [],
                    modules=sorted({str(m) for f in frames if isinstance(f, dict)
                                    for m in (f.get("modules") or []) if isinstance(m, str)}),
                    fd_output=out.decode("utf-8", "replace"))
    return results
