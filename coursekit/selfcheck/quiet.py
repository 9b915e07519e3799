"""Keep a student's output and warnings out of a check (the self-checks and the grader's in-kernel checks).

Stock nbgrader scores a graded cell with ANY stderr output as 0 (``nbgrader.utils.determine_grade``),
and a numpy ``RuntimeWarning`` goes to stderr. So while a check calls the student's function,
everything it prints (``print``, ``sys.stderr``, output written straight to file descriptors 1 and 2)
and every warning it raises is captured instead of reaching the cell; :class:`Hidden` says how much.
The course's grader uses this very module too (one place for it).
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
import warnings
from dataclasses import dataclass, field

__all__ = ["Hidden", "quiet"]


class _Counter(io.TextIOBase):
    """A text sink that keeps only the number of characters written to it."""

    def __init__(self):
        super().__init__()
        self.chars = 0

    def writable(self):
        return True

    def write(self, s):
        self.chars += len(s)
        return len(s)


@dataclass
class Hidden:
    """What the student's code emitted while it was checked (kept out of the cell)."""

    chars: int = 0                                  # printed via sys.stdout / sys.stderr
    fd_bytes: int = 0                               # written straight to file descriptors 1, 2
    warnings: list[str] = field(default_factory=list)  # one line per distinct warning

    def summary(self) -> str:
        parts = []
        if self.chars or self.fd_bytes:
            parts.append(f"printed {self.chars + self.fd_bytes} characters")
        if self.warnings:
            shown = "; ".join(self.warnings[:3]) + ("; ..." if len(self.warnings) > 3 else "")
            parts.append(f"raised {len(self.warnings)} kind(s) of warning ({shown})")
        return " and ".join(parts)


def _flush_c_stdio():
    """Flush C-level stdio buffers (printf from an extension) into the current fds."""
    try:
        import ctypes

        ctypes.CDLL(None).fflush(None)
    except Exception:  # pragma: no cover - no libc (e.g. Windows): nothing buffered to flush
        pass


@contextlib.contextmanager
def _fds_to(path_fd):
    """Point file descriptors 1 and 2 at ``path_fd`` for the duration; always restored."""
    saved = []
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:
            pass
    try:
        for fd in (1, 2):
            try:
                saved.append((fd, os.dup(fd)))
            except OSError:  # fd not open (embedded interpreter): nothing to redirect
                continue
        for fd, _ in saved:
            os.dup2(path_fd, fd)
        yield
    finally:
        _flush_c_stdio()
        for fd, old in saved:
            os.dup2(old, fd)
            os.close(old)


@contextlib.contextmanager
def quiet(hidden: Hidden):
    """Capture the output and warnings of the code run inside; record them in ``hidden``.

    Python-level output (``sys.stdout``, ``sys.stderr``) is counted and dropped, output written
    to file descriptors 1 and 2 goes to a temporary file (its size is recorded), and warnings
    are recorded instead of shown. The student's warning filters and numpy error state are left
    as they are, so code that set ``np.seterr(all="raise")`` or
    ``warnings.simplefilter("error")`` behaves here as it does in the sandbox.
    """
    sink = _Counter()
    with tempfile.TemporaryFile() as tmp, warnings.catch_warnings(record=True) as caught:
        try:
            with _fds_to(tmp.fileno()), contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                yield hidden
        finally:
            hidden.chars += sink.chars
            hidden.fd_bytes += os.fstat(tmp.fileno()).st_size
            for w in caught:
                line = f"{w.category.__name__}: {str(w.message).splitlines()[0] if str(w.message) else ''}"
                if line not in hidden.warnings:
                    hidden.warnings.append(line)
