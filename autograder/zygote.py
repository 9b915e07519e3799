"""The zygote: a trusted, pre-started process (numpy already imported) that forks one child per
FunctionCheck; the child isolates itself, limits itself, then calls :func:`autograder.harness.run`.

Started by ``autograder/sandbox.py`` as

    [unshare --pid --fork --kill-child --mount --net --ipc --uts [--user --map-root-user]]
        python -I -S -c <boot>

so all its children share a private pid namespace (pid 1 = the zygote), a network namespace
without interfaces, and a private mount namespace in which the zygote builds a minimal root
(:mod:`autograder.sandbox_root`). Runs only there, shipped as source text (``_ck_zygote``; see
:mod:`autograder.harness` and ARCHITECTURE.md, Grading).
"""
import ctypes
import os
import select
import signal
import struct
import sys
import time

try:  # inside the sandbox the trusted modules are injected under these names
    import _ck_harness as _harness
    import _ck_root as _root
    import _ck_wire as _wire
except ImportError:  # imported in the grader (tests)
    from autograder import harness as _harness
    from autograder import sandbox_root as _root
    from autograder import wire as _wire

_c, _check, _mount = _root._c, _root._check, _root._mount
_encode = _wire.encode
_pack = struct.pack
_write_all = _harness._write_all

CLONE_NEWNS = 0x00020000
PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 4, 24, 38
NOBODY = 65534



def _work_dir(scratch: str) -> str:
    """An empty folder on the child's scratch tmpfs, its working directory and HOME.

    Not the tmpfs itself: when the Python installation lies under /tmp its re-bound path sits
    on the scratch too, and a student's ``os.listdir(".")`` must not depend on where the
    course is installed (same code, same grade)."""
    for k in range(100):
        path = os.path.join(scratch, "work" if k == 0 else f"work{k}")
        if not os.path.exists(path):
            os.mkdir(path)
            os.chmod(path, 0o1777)  # the child drops to an unprivileged uid after this
            return path
    raise RuntimeError(f"no free working directory name on {scratch}")

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
            _mount("tmpfs", root + _root.SCRATCH, "tmpfs", _root.MS_NOSUID | _root.MS_NODEV,
                   f"size={scratch},mode=1777")
            _root.apply_plan(root, setup["scratch_steps"])  # paths under /tmp, on this fresh scratch
            os.chroot(root)
            home = _work_dir(_root.SCRATCH)
        else:
            home = setup["scratch"]
        os.chdir(home)
        os.environ.clear()
        os.environ.update({"HOME": home,
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
        _harness.run(req, res_w)
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
            setup["root"], setup["scratch_steps"] = _root.build_root(setup["paths"], hide=setup.get("hide", ()))
        except _root.RootError as exc:  # the machine's paths, not the mechanism: no weaker fallback
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
