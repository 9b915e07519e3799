"""Trusted code that runs INSIDE the sandbox child (never in the grader's process).

The sandbox child cannot import ``autograder`` or ``coursekit`` (they are not on its path and,
with isolation on, not even visible in its filesystem). So ``autograder/sandbox.py`` ships this
file and ``autograder/wire.py`` into the child *as source text*; the zygote executes them as the
modules ``_ck_wire`` / ``_ck_harness`` before it ever forks a child for student code.

What :func:`run` does, in the child, for one FunctionCheck:

1. execute the notebook's code, cell by cell, in a fresh namespace (an exception ends only its
   cell and is recorded with its line: a function that is then undefined is reported with the
   exception of the cell that defines it);
2. execute the trusted ``overrides`` sources (reference versions of *other* graded functions);
3. for each call, look the function up, call it (or ``harness(fn, *args, **kwargs)`` for calls
   that name a harness), convert the return value and the arguments *after* the call to plain
   data (:func:`to_plain`) and stream one result frame to the grader. Printed output is kept
   up to a cap and the rest dropped: output never ends a call.

The child is untrusted the moment student code has run: everything it sends is only the
student's answer in plain data, decoded strictly by the grader and judged there.
"""
import io
import os
import re
import struct
import sys

import numpy as np

try:  # inside the sandbox the wire module is injected under this name
    import _ck_wire as _wire
except ImportError:  # pragma: no cover - used when imported in the grader (tests)
    from autograder import wire as _wire

_encode = _wire.encode

try:  # H2's to_plain (autograder/checks/base.py), shipped into the sandbox as source text
    import _ck_base
    _base_to_plain = _ck_base.to_plain
    _dtype_report = getattr(_ck_base, "dtype_report", None)
except ImportError:
    try:
        from autograder.checks.base import dtype_report as _dtype_report
        from autograder.checks.base import to_plain as _base_to_plain
    except ImportError:  # pragma: no cover
        _base_to_plain = _dtype_report = None
_pack = struct.pack
_write = os.write


class CappedWriter(io.TextIOBase):
    """A text stream that keeps the first ``cap`` characters and silently drops the rest.

    Output never costs points (only time, memory and crashes do): a student's debugging prints
    must not end the call, so text beyond the cap is discarded and :attr:`truncated` records
    that it happened (the grader then adds a note to the outcome).
    """

    def __init__(self, cap):
        self.cap = cap
        self.parts = []
        self.size = 0
        self.truncated = False

    def writable(self):
        return True

    def write(self, s):
        s = str(s)
        room = self.cap - self.size
        if len(s) > room:
            if room > 0:
                self.parts.append(s[:room])
                self.size = self.cap
            self.truncated = True
            return len(s)
        self.parts.append(s)
        self.size += len(s)
        return len(s)

    def flush(self):
        pass

    def take(self):
        """The text kept since the last call, and whether some was dropped; then start afresh."""
        out, truncated = "".join(self.parts), self.truncated
        self.parts, self.size, self.truncated = [], 0, False
        return out, truncated


# --- plain-data conversion (mirrors autograder.checks.base.to_plain) -----------------------

def _array_plain(a):
    a = np.asarray(a)
    a = np.array(a, copy=True).view(np.ndarray)  # drop subclasses, own the memory
    k = a.dtype.kind
    if k == "b":
        return a.astype(np.bool_)
    if k in "iu":
        return a.astype(np.int64)
    if k == "f":
        return a.astype(np.float64)
    if k == "c":
        raise TypeError("complex values are not accepted")
    return a.astype(np.float64)  # object arrays of numbers; raises otherwise


def to_plain(x, depth=0):
    """Convert a student's value to plain data: float64/int64/bool ndarrays, python scalars,
    and lists/tuples/dicts of these. ndarray subclasses and objects with ``__array__`` become
    base-class ndarrays; numpy scalars become python scalars; anything else raises TypeError."""
    if depth > 20:
        raise TypeError("value nested too deeply")
    if x is None or type(x) in (bool, str):
        return x
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        v = int(x)
        return v if -(2 ** 63) <= v < 2 ** 63 else float(v)
    if isinstance(x, (float, np.floating)):
        return float(x)
    if isinstance(x, np.ndarray):
        return _array_plain(x)
    if isinstance(x, tuple):
        return tuple(to_plain(v, depth + 1) for v in x)
    if isinstance(x, list):
        return [to_plain(v, depth + 1) for v in x]
    if isinstance(x, dict):
        out = {}
        for k, v in x.items():
            if not isinstance(k, (str, int)):
                raise TypeError(f"dict key of type {type(k).__name__}")
            out[str(k) if isinstance(k, str) else int(k)] = to_plain(v, depth + 1)
        return out
    if hasattr(x, "__array__"):
        return _array_plain(x)
    raise TypeError(f"returned an object of type {type(x).__name__}, "
                    "expected arrays, numbers, or tuples/lists/dicts of them")


def _one_line(exc, filename="<student>"):
    """'ZeroDivisionError: division by zero (line 12)' — line of the student's code if any.

    A SyntaxError has no frame in the student's code: its own ``lineno`` is that line.
    """
    line = None
    if isinstance(exc, SyntaxError) and exc.filename == filename:
        line, msg = exc.lineno, str(exc.msg or "")
    else:
        tb = exc.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == filename:
                line = tb.tb_lineno
            tb = tb.tb_next
        msg = str(exc)
    msg = msg.replace("\n", " ").strip()
    if len(msg) > 200:
        msg = msg[:200] + "..."
    s = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
    return s + (f" (line {line})" if line else "")


def _defines(source, name):
    """Whether ``source`` has a ``def name(`` (or ``class name``) statement."""
    pattern = r"^[ \t]*(?:async[ \t]+def|def|class)[ \t]+" + re.escape(name) + r"\b"
    return re.search(pattern, source, re.M) is not None


def _first_line(source, n=60):
    """The first line of a cell that is code (not blank, not a comment), shortened."""
    for line in source.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            return line if len(line) <= n else line[:n] + "..."
    return ""


def missing_error(name, chunks, errors):
    """Why ``name`` is not defined after the notebook's code ran, or "" if no code raised.

    ``errors`` lists ``(chunk index, one-line exception)`` of every chunk that raised. The
    exception of the cell that defines ``name`` is the real cause (e.g. its ``import
    numpy.random`` failed before the ``def`` ran); if none of the cells that raised defines it,
    the first exception is named with the cell it came from. Without any exception the function
    is simply absent, and the check's own message (keep the name and signature) applies.
    """
    for i, text in errors:
        if _defines(chunks[i], name):
            return f"{name} is not defined: the cell that defines it raised {text}"
    if errors:
        i, text = errors[0]
        where = _first_line(chunks[i])
        return (f"{name} is not defined; the notebook's code raised {text}"
                + (f" in the cell starting `{where}`" if where else ""))
    return ""


# --- harness functions (Call.harness names one of these) -----------------------------------

def call(fn, *args, **kwargs):
    """The default: ``fn(*args, **kwargs)``."""
    return fn(*args, **kwargs)


def optimizer_trajectory(opt_cls, hyper, x0, A, c, steps):
    """Run a student's optimizer class on the quadratic f(x) = ½ (x−c)ᵀ A (x−c).

    ``opt = opt_cls(**hyper)``; params ``{"x": x0}``; each step the trusted gradient
    ``A (x − c)`` is handed to ``opt.step(params, grads)`` (which updates in place, contract C).
    Returns the trajectory, shape (steps + 1, d).
    """
    opt = opt_cls(**dict(hyper))
    x = np.array(x0, dtype=np.float64, copy=True)
    A = np.array(A, dtype=np.float64)
    c = np.array(c, dtype=np.float64)
    params = {"x": x}
    traj = [x.copy()]
    for _ in range(int(steps)):
        grads = {"x": A @ (np.asarray(params["x"], dtype=np.float64) - c)}
        opt.step(params, grads)
        traj.append(np.array(params["x"], dtype=np.float64, copy=True))
    return np.stack(traj)


def step_trajectory(step_fn, x0, A, c, steps, *hyper_args, **hyper_kwargs):
    """Run a student's functional update ``x_new, state = step_fn(x, grad, state, *hyper)`` on
    the same quadratic; ``state`` starts as None. Returns the trajectory (steps + 1, d)."""
    x = np.array(x0, dtype=np.float64, copy=True)
    A = np.array(A, dtype=np.float64)
    c = np.array(c, dtype=np.float64)
    state = None
    traj = [x.copy()]
    for _ in range(int(steps)):
        g = A @ (x - c)
        x, state = step_fn(x, g, state, *hyper_args, **hyper_kwargs)
        x = np.array(x, dtype=np.float64, copy=True)
        traj.append(x.copy())
    return np.stack(traj)


#: Harness functions available to ``Call.harness`` (a name not found here is looked up in the
#: namespace after the trusted ``overrides`` ran, so a check can ship its own harness source).
HARNESSES = {"call": call, "optimizer_trajectory": optimizer_trajectory,
             "step_trajectory": step_trajectory}


# --- the child's main ------------------------------------------------------------------------

def _frame(fd, obj):
    try:
        data = _encode(obj)
    except Exception as exc:  # the student's value could not be encoded: report that instead
        data = _encode({"i": obj.get("i", -1), "status": "error",
                        "error": f"result is not plain data: {exc}"[:300]})
    _write_all(fd, _pack("<I", len(data)) + data)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        n = _write(fd, view)
        view = view[n:]


def _reference_modules():
    """Real (file-backed) modules of the course's packages loaded in this process: with full
    isolation they cannot exist; without it, an import hidden from the static scan shows here.
    (A fake module the student builds is not file-backed and only fools the student.)"""
    out = []
    for name, mod in list(sys.modules.items()):
        if type(name) is str and name.split(".")[0] in ("coursekit", "autograder"):
            f = getattr(mod, "__file__", None)
            try:
                if type(f) is str and os.path.isfile(f):
                    out.append(name)
            except Exception:
                pass
    return sorted(out)


def _run_chunks(chunks, ns):
    """Execute the notebook's code chunks (cells) one after another in ``ns``.

    An exception ends only its own chunk: it is recorded as ``(chunk index, one-line text)``
    and the next chunk still runs, so functions defined elsewhere still count.
    """
    errors = []
    for i, chunk in enumerate(chunks):
        try:
            exec(compile(chunk, "<student>", "exec"), ns)
        except BaseException as exc:  # SystemExit, KeyboardInterrupt too: recorded, not fatal
            errors.append((i, _one_line(exc)))
    return errors


def run(request, out_fd):
    """Run one FunctionCheck's calls; stream frames to ``out_fd``.

    ``request``: {"code": str or [chunks], "calls": [{"function", "args", "kwargs", "harness"}],
    "overrides": {name: source}, "output_bytes": int}.
    Frames: first {"load": first error or "", "errors": [[chunk, error], ...], "defined": [names],
    "stdout"}, then one per call {"i", "status", "value", "args_after", "kwargs_after", "error",
    "stdout", "output_truncated", "dtypes"}. Printed text beyond ``output_bytes`` per call is dropped
    (``output_truncated``), never an error.
    """
    cap = int(request.get("output_bytes", 65536))
    out = CappedWriter(cap)
    sys.stdout = sys.stderr = out
    ns = {"__name__": "__main__", "__builtins__": __builtins__}
    chunks = request["code"]
    if isinstance(chunks, str):
        chunks = [chunks]
    errors = _run_chunks(chunks, ns)
    for name, src in (request.get("overrides") or {}).items():
        exec(compile(src, f"<reference {name}>", "exec"), ns)
    load_out, _ = out.take()
    defined = sorted(k for k, v in list(ns.items()) if callable(v) and not k.startswith("__"))
    _frame(out_fd, {"load": errors[0][1] if errors else "", "errors": [list(e) for e in errors],
                    "defined": defined, "stdout": load_out, "modules": _reference_modules()})
    for i, c in enumerate(request["calls"]):
        res = {"i": i, "status": "ok", "value": None, "args_after": None,
               "kwargs_after": None, "error": "", "stdout": "", "output_truncated": False}
        fn = ns.get(c["function"])
        if not callable(fn):
            res["status"] = "missing"
            res["error"] = missing_error(c["function"], chunks, errors)
            _frame(out_fd, res)
            continue
        args = list(c.get("args") or ())
        kwargs = dict(c.get("kwargs") or {})
        hname = c.get("harness")
        try:
            if hname:
                h = HARNESSES.get(hname) or ns.get(hname)
                if not callable(h):
                    raise LookupError(f"unknown harness {hname}")
                value = h(fn, *args, **kwargs)
            else:
                value = fn(*args, **kwargs)
            conv = _base_to_plain or to_plain
            res["value"] = conv(value)
            res["dtypes"] = _dtype_report(value) if _dtype_report else {}
            res["args_after"] = tuple(conv(a) for a in args)
            res["kwargs_after"] = {k: conv(v) for k, v in kwargs.items()}
        except MemoryError:
            res["status"] = "memory"
            res["error"] = "MemoryError: the memory limit was exceeded"
        except BaseException as exc:
            res["status"] = "error"
            res["error"] = _one_line(exc)
        res["stdout"], res["output_truncated"] = out.take()
        res["modules"] = _reference_modules()
        _frame(out_fd, res)


# ==============================================================================================
# The zygote: a trusted, pre-started process (numpy already imported) that forks one child per
# FunctionCheck. The child isolates itself, then calls :func:`run`. Started by sandbox.py as
#   [unshare --pid --fork --kill-child --mount --net --ipc --uts [--user --map-root-user]]
#       python -I -S -c <boot>
# so all its children share a private pid namespace (pid 1 = the zygote), a network namespace
# without interfaces, and a private mount namespace in which the zygote builds a minimal root.
# ==============================================================================================

import ctypes
import select
import signal
import time

CLONE_NEWNS = 0x00020000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 4, 24, 38
NOBODY = 65534

_libc = None


def _c():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _check(rc, what):
    if rc != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")


def _mount(src, target, fstype, flags, data=None):
    enc = (lambda s: s.encode() if s is not None else None)
    _check(_c().mount(enc(src), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data)),
           f"mount {target}")


MS_NOATIME, MS_NODIRATIME, MS_RELATIME, MS_STRICTATIME = 1024, 2048, 1 << 21, 1 << 24
MNT_DETACH = 2

#: Existing directories on which the zygote may mount the tmpfs that becomes the sandbox's root,
#: in order of preference. The zygote's mount namespace is private, so this hides nothing from
#: the host; but a place that is a parent of a path to bind would hide that path (a venv under
#: /tmp), and a place inside one would end up inside its own bind. :func:`root_mount_point`
#: takes the first that is neither.
ROOT_CANDIDATES = ("/tmp", "/var/tmp", "/srv", "/media", "/mnt", "/opt", "/home", "/run", "/root", "/boot")

#: Where each child gets its fresh scratch tmpfs, inside the root.
SCRATCH = "/tmp"


class RootError(RuntimeError):
    """A path the sandbox needs cannot be made visible in its root: a problem of the machine's
    setup (never of the student's code), reported with the path instead of a weaker sandbox."""


def _within(path, parent):
    """Whether ``path`` is ``parent`` or lies inside it (plain path strings, no file access)."""
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def root_mount_point(paths, candidates=ROOT_CANDIDATES):
    """The directory on which to mount the root's tmpfs: the first of ``candidates`` that
    exists, is no symlink, and is neither a parent of nor inside any of ``paths`` (as given and
    with symlinks resolved). Raises :class:`RootError` if there is none."""
    wanted = {os.path.normpath(p) for p in paths} | {os.path.realpath(p) for p in paths}
    for c in candidates:
        if os.path.realpath(c) != c or not os.path.isdir(c):
            continue
        if not any(_within(p, c) or _within(c, p) for p in wanted):
            return c
    raise RootError("no place to build the sandbox's root: each of " + ", ".join(candidates)
                    + " is missing, a symlink, or a parent of or inside a path the sandbox must bind ("
                    + ", ".join(sorted(wanted)) + ")")


def mount_plan(paths, hide=()):
    """The steps that fill the root, parents before what lies inside them.

    ``("link", path, target)`` recreates a top-level symlink (merged /usr: /lib -> usr/lib);
    ``("bind", path, source)`` binds ``source`` (``path`` with symlinks resolved) read-only at
    ``path``; ``("hide", path, "")`` covers a course package that lies inside a bound path.
    """
    steps = []
    for p in sorted({os.path.normpath(p) for p in paths}, key=lambda p: (p.count("/"), p)):
        if p == "/" or _within(SCRATCH, p):
            raise RootError(f"cannot bind {p} into the sandbox: {SCRATCH} is its scratch area "
                            "(install Python and the venv elsewhere, or in a folder below it)")
        if os.path.islink(p) and os.path.dirname(p) == "/":
            steps.append(("link", p, os.readlink(p)))
        else:
            steps.append(("bind", p, os.path.realpath(p)))
    bound = [path for kind, path, _ in steps if kind == "bind"]
    steps += [("hide", h, "") for h in hide if any(_within(h, b) for b in bound)]
    return steps


def _remount_flags(source):
    """Flags of the read-only remount of a bind of ``source``: read-only, nosuid, nodev, plus
    the source mount's noexec and atime settings (a user namespace may not clear those)."""
    f = os.statvfs(source).f_flag
    flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV
    flags |= MS_NOEXEC if f & os.ST_NOEXEC else 0
    flags |= MS_NODIRATIME if f & os.ST_NODIRATIME else 0
    if f & os.ST_NOATIME:
        return flags | MS_NOATIME
    return flags | (MS_RELATIME if f & os.ST_RELATIME else MS_STRICTATIME)


def _bind_ro(root, path, source):
    """Bind ``source`` read-only at ``root + path`` (a directory or a file).

    Nothing is skipped silently: if ``source`` is missing or the bind fails, :class:`RootError`
    names the path. A path already visible through a bind of its parent is left as it is.
    """
    target = root + path
    try:
        if not os.path.exists(source):
            raise RootError(f"cannot bind {path} into the sandbox: {source} does not exist")
        if os.path.lexists(target):
            if not _within(os.path.realpath(target), root):
                raise RootError(f"cannot bind {path} into the sandbox: a symlink in a path bound "
                                "before it leads out of the sandbox")
            if os.path.samefile(target, source):
                return
        elif os.path.isdir(source):
            os.makedirs(target)
        else:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            open(target, "a").close()
        _mount(source, target, None, MS_BIND | MS_REC)
        _mount(None, target, None, _remount_flags(source))
    except OSError as exc:
        raise RootError(f"cannot bind {path} into the sandbox: {exc}") from None


def _hide(root, path):
    """Cover ``root + path`` with an empty read-only tmpfs (a folder) or /dev/null (a file)."""
    target = root + path
    if not os.path.lexists(target):
        return
    try:
        if os.path.isdir(target):
            _mount("tmpfs", target, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=0555")
        else:
            _mount("/dev/null", target, None, MS_BIND)
    except OSError as exc:
        raise RootError(f"cannot hide {path} in the sandbox: {exc}") from None


def apply_plan(root, steps):
    """Carry out the steps of :func:`mount_plan` under ``root``."""
    for kind, path, arg in steps:
        if kind == "link":
            os.symlink(arg, root + path)
        elif kind == "bind":
            _bind_ro(root, path, arg)
        else:
            _hide(root, path)


def build_root(paths, hide=()):
    """Build the sandbox's root filesystem in the zygote's private mount namespace.

    A read-only tmpfs holding only: read-only binds of ``paths`` (the system libraries, the
    Python installation and the site-packages with numpy), a few /dev nodes, ld.so's cache, and
    an empty ``/tmp`` on which each child mounts its own scratch tmpfs. No course folder,
    gradebook, home directory, /proc or /sys is visible.

    The tmpfs is mounted on a place chosen from the paths (:func:`root_mount_point`), so every
    path is bound before anything covers it. The steps for paths inside ``/tmp`` (a venv under
    /tmp) are returned: each child carries them out on its own fresh scratch tmpfs; they are
    tried once here so that a failure is reported now, naming the path.

    Returns ``(root, scratch_steps)``. Raises :class:`RootError` for a path that cannot be bound.
    """
    steps = mount_plan(paths, hide)
    root = root_mount_point([path for kind, path, _ in steps if kind != "hide"])
    in_scratch = [s for s in steps if _within(s[1], SCRATCH)]
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=8m,mode=0755")
    apply_plan(root, [s for s in steps if s not in in_scratch])
    os.makedirs(root + "/dev")
    for dev in ("null", "zero", "urandom", "random"):
        _bind_ro(root, "/dev/" + dev, "/dev/" + dev)
        _mount(None, root + "/dev/" + dev, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID)
    os.makedirs(root + SCRATCH)
    os.chmod(root + SCRATCH, 0o1777)
    if in_scratch:
        _mount("tmpfs", root + SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=1777")
        apply_plan(root, in_scratch)
        _check(_c().umount2((root + SCRATCH).encode(), MNT_DETACH), f"umount {root + SCRATCH}")
    _mount(None, root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "size=8m,mode=0755")
    return root, in_scratch


def _drop_caps():
    libc = _c()
    for cap in range(64):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)

    class Hdr(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    hdr = Hdr(0x20080522, 0)
    data = (Data * 2)()
    _check(libc.capset(ctypes.byref(hdr), ctypes.byref(data)), "capset")


def _set_limits(lim):
    import resource
    cpu = max(1, int(-(-float(lim["cpu_seconds"]) // 1)))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    mem = int(lim["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    fsize = int(lim.get("scratch_bytes", 64 << 20))
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))


def _child(setup, rfd, ack_w, res_w, out_w):
    """In the forked child: read the request, isolate, limit, then run the student's code.

    The request is read HERE, straight from the grader's pipe, never by the zygote: so the
    zygote's memory (which every later child inherits) never holds a request, in particular not
    the trusted reference sources of another check's ``overrides``.
    """
    code = 0
    ready = False
    try:
        data = _read_frame(rfd)
        if data is None:
            os._exit(4)
        req = _wire.decode(data)
        del data
        os.write(ack_w, b"A")
        os.close(ack_w)
        _c().prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG: die with the zygote
        os.setsid()
        os.dup2(out_w, 1)
        os.dup2(out_w, 2)
        devnull = os.open("/dev/null", os.O_RDONLY)
        os.dup2(devnull, 0)
        os.closerange(3, res_w)
        os.closerange(res_w + 1, 1024)
        mode = setup["mode"]
        if mode in ("full", "userns"):
            _check(_c().unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
            root = setup["root"]
            scratch = int(req["limits"].get("scratch_bytes", 64 << 20))
            _mount("tmpfs", root + SCRATCH, "tmpfs", MS_NOSUID | MS_NODEV,
                   f"size={scratch},mode=1777")
            apply_plan(root, setup["scratch_steps"])  # paths under /tmp, on this fresh scratch
            os.chroot(root)
            os.chdir("/tmp")
        else:
            os.chdir(setup["scratch"])
        os.environ.clear()
        os.environ.update({"HOME": "/tmp" if mode != "none" else setup["scratch"],
                           "PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "1",
                           "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"})
        _set_limits(req["limits"])
        if mode == "full":
            import resource
            resource.setrlimit(resource.RLIMIT_NPROC, (64, 64))
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
        elif mode == "userns":
            _drop_caps()
        _c().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        _c().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
        ready = True
        run(req, res_w)
        sys.stdout = sys.__stdout__
    except BaseException as exc:
        code = 3
        if not ready:  # the sandbox itself failed (not the student's code): say why
            try:
                os.write(2, f"sandbox setup failed: {type(exc).__name__}: {exc}".encode()[:500])
            except Exception:
                pass
    os._exit(code)


def _read_frame(fd):
    head = _read_exact(fd, 4)
    if head is None:
        return None
    (n,) = struct.unpack("<I", head)
    return _read_exact(fd, n)


def _read_exact(fd, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def _supervise(setup, lim, rfd):
    """Fork one child (it reads its request from ``rfd``), collect its frames and output,
    enforce the wall clock.

    What the child writes to its fd 1/2 beyond ``output_bytes`` is read and dropped (the header
    says ``output_truncated``): a flood of output is never a reason to kill it, only time,
    memory and the size of its result frames are.
    """
    res_r, res_w = os.pipe()
    out_r, out_w = os.pipe()
    ack_r, ack_w = os.pipe()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(res_r)
        os.close(out_r)
        os.close(ack_r)
        _child(setup, rfd, ack_w, res_w, out_w)
    os.close(res_w)
    os.close(out_w)
    os.close(ack_w)
    deadline = t0 + float(lim["wall_seconds"])
    res_cap = int(lim.get("result_bytes", 32 << 20))
    out_cap = int(lim["output_bytes"])
    res, out = bytearray(), bytearray()
    killed = ""
    truncated = False
    open_fds = {res_r, out_r}
    status = rusage = None
    exited_at = 0.0
    while True:
        now = time.monotonic()
        if status is None:
            wpid, st, ru = os.wait4(pid, os.WNOHANG)
            if wpid == pid:
                status, rusage, exited_at = st, ru, now
        if not open_fds:
            if status is not None:
                break
            if now >= deadline:
                killed = "timeout"
                break
            time.sleep(0.001)
            continue
        if status is not None and now - exited_at > 0.25:
            break  # the child is gone; a process it left behind holds the pipes open
        left = deadline - now
        if left <= 0:
            killed = "timeout"
            break
        ready, _, _ = select.select(list(open_fds), [], [], min(left, 0.05))
        for fd in ready:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                open_fds.discard(fd)
                continue
            if fd == res_r:
                res += chunk
                if len(res) > res_cap:
                    killed = "result_limit"
            else:  # fd-level output: keep the first out_cap bytes, drop the rest, keep reading
                room = out_cap - len(out)
                if room > 0:
                    out += chunk[:room]
                if len(chunk) > room:
                    truncated = True
        if killed:
            break
    if status is None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        _, status, rusage = os.wait4(pid, 0)
    wall = time.monotonic() - t0
    if setup["pidns"]:
        try:  # pid 1 of a private pid namespace: this kills every process the child left behind
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
    else:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    try:
        while True:
            wpid, _ = os.waitpid(-1, os.WNOHANG)
            if wpid == 0:
                break
    except ChildProcessError:
        pass
    got_request = os.read(ack_r, 1) == b"A"
    for fd in (res_r, out_r, ack_r):
        os.close(fd)
    header = {
        "got_request": got_request,
        "exit": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "cpu": rusage.ru_utime + rusage.ru_stime, "maxrss_kb": rusage.ru_maxrss,
        "wall": wall, "killed": killed, "output_truncated": truncated,
    }
    return header, bytes(res[:res_cap]), bytes(out)


def zygote_main(setup, rfd, wfd):
    """Serve requests from the grader: one frame in, three frames out, until EOF."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    mode = setup["mode"]
    if mode in ("full", "userns"):
        try:
            setup["root"], setup["scratch_steps"] = build_root(setup["paths"], hide=setup.get("hide", ()))
        except RootError as exc:  # the machine's paths, not the mechanism: no weaker fallback
            _write_all(wfd, _frame_bytes(_encode({"error": str(exc), "cause": "paths"})))
            return
        except OSError as exc:  # mounts refused: this isolation level is not available here
            _write_all(wfd, _frame_bytes(_encode({"error": str(exc), "cause": "mechanism"})))
            return
    elif not setup.get("scratch"):
        import tempfile
        setup["scratch"] = tempfile.mkdtemp(prefix="ck_scratch_")
    setup["pidns"] = os.getpid() == 1
    _write_all(wfd, _frame_bytes(_encode({"ready": mode, "pidns": setup["pidns"]})))
    while True:
        data = _read_frame(rfd)
        if data is None:
            return
        lim = _wire.decode(data)["limits"]  # the request itself is read by the child
        if mode == "none":  # fresh scratch dir per child
            import shutil
            shutil.rmtree(setup["scratch"], ignore_errors=True)
            os.makedirs(setup["scratch"], exist_ok=True)
        header, res, out = _supervise(setup, lim, rfd)
        _write_all(wfd, _frame_bytes(_encode(header)) + _frame_bytes(res) + _frame_bytes(out))
        if not header["got_request"]:
            return  # the child died before reading its whole request: the stream is out of step


def _frame_bytes(data):
    return _pack("<I", len(data)) + data
