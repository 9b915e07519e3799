"""The sandbox's root filesystem, built by the zygote in its private mount namespace.

A read-only tmpfs holding only read-only binds of the system libraries, the Python installation
and the site-packages with numpy, a few /dev nodes and an empty ``/tmp`` on which each child
mounts its own scratch tmpfs; the course packages are covered where they lie inside a bound path.
Runs in the zygote (shipped as source text, as ``_ck_root``; see :mod:`autograder.harness`);
:func:`root_mount_point` and :func:`mount_plan` are pure path logic, also used by the tests.
"""
import ctypes
import os

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MS_NOATIME, MS_NODIRATIME, MS_RELATIME, MS_STRICTATIME = 1024, 2048, 1 << 21, 1 << 24
MNT_DETACH = 2

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
