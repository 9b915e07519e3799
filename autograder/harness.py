"""Trusted code that runs INSIDE the sandbox child (never in the grader's process).

The sandbox child cannot import ``autograder`` or ``coursekit`` (they are not on its path and,
with isolation on, not even visible in its filesystem). So ``autograder/sandbox.py`` ships this
file and ``autograder/wire.py`` into the child *as source text*; the zygote executes them as the
modules ``_ck_wire`` / ``_ck_harness`` before it ever forks a child for student code.

What :func:`run` does, in the child, for one FunctionCheck:

1. execute the student's source in a fresh namespace (a top-level error is recorded, not fatal:
   functions defined before the error still count);
2. execute the trusted ``overrides`` sources (reference versions of *other* graded functions);
3. for each call, look the function up, call it (or ``harness(fn, *args, **kwargs)`` for calls
   that name a harness), convert the return value and the arguments *after* the call to plain
   data (:func:`to_plain`) and stream one result frame to the grader.

The child is untrusted the moment student code has run: everything it sends is only the
student's answer in plain data, decoded strictly by the grader and judged there.
"""
import io
import os
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


class OutputLimit(Exception):
    """Raised when a call prints more than the captured-output cap."""


class CappedWriter(io.TextIOBase):
    """A text stream that keeps at most ``cap`` characters and then raises :class:`OutputLimit`."""

    def __init__(self, cap):
        self.cap = cap
        self.parts = []
        self.size = 0
        self.overflow = False

    def writable(self):
        return True

    def write(self, s):
        s = str(s)
        room = self.cap - self.size
        if len(s) > room:
            self.parts.append(s[:max(room, 0)])
            self.size = self.cap
            self.overflow = True
            raise OutputLimit(f"printed more than {self.cap} characters")
        self.parts.append(s)
        self.size += len(s)
        return len(s)

    def flush(self):
        pass

    def take(self):
        out = "".join(self.parts)
        self.parts = []
        return out


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
    """'ZeroDivisionError: division by zero (line 12)' — line of the student's code if any."""
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    msg = str(exc).replace("\n", " ").strip()
    if len(msg) > 200:
        msg = msg[:200] + "..."
    s = f"{type(exc).__name__}: {msg}" if msg else type(exc).__name__
    return s + (f" (line {line})" if line else "")


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


def run(request, out_fd):
    """Run one FunctionCheck's calls; stream frames to ``out_fd``.

    ``request``: {"code": str, "calls": [{"function", "args", "kwargs", "harness"}],
    "overrides": {name: source}, "output_bytes": int}.
    Frames: first {"load": error-or-"", "defined": [names]}, then one per call
    {"i", "status", "value", "args_after", "kwargs_after", "error", "stdout", "dtypes"}.
    """
    cap = int(request.get("output_bytes", 65536))
    out = CappedWriter(cap)
    sys.stdout = sys.stderr = out
    ns = {"__name__": "__main__", "__builtins__": __builtins__}
    load_error = ""
    chunks = request["code"]
    if isinstance(chunks, str):
        chunks = [chunks]
    for chunk in chunks:
        try:
            exec(compile(chunk, "<student>", "exec"), ns)
        except OutputLimit as exc:
            load_error = load_error or f"OutputLimit: {exc}"
        except BaseException as exc:  # SystemExit, KeyboardInterrupt too: recorded, not fatal
            load_error = load_error or _one_line(exc)
    for name, src in (request.get("overrides") or {}).items():
        exec(compile(src, f"<reference {name}>", "exec"), ns)
    load_out = out.take()
    defined = sorted(k for k, v in list(ns.items()) if callable(v) and not k.startswith("__"))
    _frame(out_fd, {"load": load_error, "defined": defined, "stdout": load_out,
                    "modules": _reference_modules()})
    for i, c in enumerate(request["calls"]):
        res = {"i": i, "status": "ok", "value": None, "args_after": None,
               "kwargs_after": None, "error": "", "stdout": ""}
        fn = ns.get(c["function"])
        if not callable(fn):
            res["status"] = "missing"
            res["error"] = f"function {c['function']} is not defined" + (
                f" (the code stopped with {load_error})" if load_error else "")
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
        except OutputLimit as exc:
            res["status"] = "output_limit"
            res["error"] = f"output limit: {exc}"
        except MemoryError:
            res["status"] = "memory"
            res["error"] = "MemoryError: the memory limit was exceeded"
        except RecursionError as exc:
            res["status"] = "error"
            res["error"] = _one_line(exc)
        except BaseException as exc:
            res["status"] = "error"
            res["error"] = _one_line(exc)
        if out.overflow and res["status"] == "ok":
            res["status"] = "output_limit"
            res["error"] = f"output limit: printed more than {cap} characters"
        res["stdout"] = out.take()
        res["modules"] = _reference_modules()
        out.overflow = False
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


def _bind_ro(root, path):
    """Bind ``path`` read-only at the same place under ``root`` (dirs and files)."""
    real = os.path.realpath(path)
    if not os.path.exists(real):
        return
    target = root + path
    if os.path.isdir(real):
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()
    _mount(real, target, None, MS_BIND | MS_REC)
    _mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def build_root(paths, root="/tmp/ck_root", hide=()):
    """Build the sandbox's root filesystem in the zygote's private mount namespace.

    A read-only tmpfs holding only: read-only binds of ``paths`` (the system libraries, the
    Python installation and the site-packages with numpy), a few /dev nodes, ld.so's cache, and
    an empty ``/tmp`` on which each child mounts its own scratch tmpfs. No course folder,
    gradebook, home directory, /proc or /sys is visible.
    """
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=0755")
    os.makedirs(root)
    _mount("tmpfs", root, "tmpfs", MS_NOSUID | MS_NODEV, "size=8m,mode=0755")
    for p in paths:
        if os.path.islink(p) and os.path.dirname(p) == "/":  # merged-/usr symlinks: /lib -> usr/lib
            os.symlink(os.readlink(p), root + p)
        else:
            _bind_ro(root, p)
    os.makedirs(root + "/dev")
    for dev in ("null", "zero", "urandom", "random"):
        _bind_ro(root, "/dev/" + dev)
        _mount(None, root + "/dev/" + dev, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID)
    for h in hide:  # course packages that happen to lie inside a bound path
        if any(h == p or h.startswith(p.rstrip("/") + "/") for p in paths) and os.path.lexists(root + h):
            if os.path.isdir(root + h):
                _mount("tmpfs", root + h, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k,mode=0555")
            else:
                _mount("/dev/null", root + h, None, MS_BIND)
    os.makedirs(root + "/tmp")
    os.chmod(root + "/tmp", 0o1777)
    _mount(None, root, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "size=8m,mode=0755")
    return root


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
            _mount("tmpfs", root + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
                   f"size={scratch},mode=1777")
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
    enforce the wall clock."""
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
            else:
                out += chunk
                if len(out) > out_cap:
                    killed = "output_limit"
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
        "wall": wall, "killed": killed,
    }
    return header, bytes(res[:res_cap]), bytes(out[:out_cap])


def zygote_main(setup, rfd, wfd):
    """Serve requests from the grader: one frame in, three frames out, until EOF."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    mode = setup["mode"]
    if mode in ("full", "userns"):
        setup["root"] = build_root(setup["paths"], hide=setup.get("hide", ()))
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
