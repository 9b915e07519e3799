"""Trusted code that runs INSIDE the sandbox child: the student's notebook code and the calls.

The sandbox child cannot import ``autograder`` or ``coursekit`` (they are not on its path and,
with isolation on, not even visible in its filesystem). So ``autograder/sandbox.py`` ships this
file, :mod:`autograder.wire`, :mod:`autograder.checks.base`, :mod:`autograder.sandbox_root` and
:mod:`autograder.zygote` into the zygote *as source text*; it executes them as the modules
``_ck_wire``, ``_ck_base``, ``_ck_harness``, ``_ck_root``, ``_ck_zygote`` before it ever forks a
child for student code (see ARCHITECTURE.md, Grading).

What :func:`run` does, in the child, for one FunctionCheck:

1. execute the notebook's code, cell by cell, in a fresh namespace (an exception ends only its
   cell and is recorded with its line: a function that is then undefined is reported with the
   exception of the cell that defines it);
2. execute the trusted ``overrides`` sources (reference versions of *other* graded functions);
3. for each call, look the function up, call it (or ``harness(fn, *args, **kwargs)`` for calls
   that name a harness defined by the ``overrides``), convert the return value and the
   arguments *after* the call to plain data (:func:`autograder.checks.base.to_plain`, the one
   conversion of the grader) and stream one result frame to the grader. Printed output is kept
   up to a cap and the rest dropped: output never ends a call.

The child is untrusted the moment student code has run: everything it sends is only the
student's answer in plain data, decoded strictly by the grader and judged there.
"""
import io
import os
import re
import struct
import sys

try:  # inside the sandbox the trusted modules are injected under these names
    import _ck_base as _base
    import _ck_wire as _wire
except ImportError:  # imported in the grader (tests)
    from autograder import wire as _wire
    from autograder.checks import base as _base

_encode = _wire.encode
_to_plain = _base.to_plain
_dtype_report = _base.dtype_report
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
    "stdout", "output_truncated", "dtypes"}. A call's ``harness`` names a function that the
    ``overrides`` define (a student's function of that name is never used as one). Printed text beyond ``output_bytes`` per call is dropped
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
    overrides = request.get("overrides") or {}
    for name, src in overrides.items():
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
                h = ns.get(hname) if hname in overrides else None
                if not callable(h):
                    raise LookupError(f"unknown harness {hname}")
                value = h(fn, *args, **kwargs)
            else:
                value = fn(*args, **kwargs)
            res["value"] = _to_plain(value)
            res["dtypes"] = _dtype_report(value)
            res["args_after"] = tuple(_to_plain(a) for a in args)
            res["kwargs_after"] = {k: _to_plain(v) for k, v in kwargs.items()}
        except MemoryError:
            res["status"] = "memory"
            res["error"] = "MemoryError: the memory limit was exceeded"
        except BaseException as exc:
            res["status"] = "error"
            res["error"] = _one_line(exc)
        res["stdout"], res["output_truncated"] = out.take()
        res["modules"] = _reference_modules()
        _frame(out_fd, res)
