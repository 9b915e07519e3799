"""Messages of the ``backprop`` checks: how errors, shapes and values are described, and the
exact relations of a wrong output to the expected one on a case (transposed, a factor N, the
sign). The mistakes behind a wrong answer are named by the catalogue (``mistakes.py``)."""

from __future__ import annotations

import numpy as np

from coursekit import gradcheck as gc


def fmt_err(e: float, below: float = 1e-7) -> str:
    """A relative error for printing; below ``below`` it is rounding / finite-difference
    noise, shown as "< 1e-7" (also keeps stored notebook outputs independent of BLAS)."""
    return f"< 1e{int(round(np.log10(below)))}" if e < below else f"{e:.1e}"


def fmt_shape(shape) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def fmt_num(v) -> str:
    return f"{v:.4g}"


def as_array(v):
    """Student value -> plain float64 ndarray, or None if it is not array data."""
    if isinstance(v, np.ndarray):
        if v.dtype.kind not in "fiub":
            return None
        return np.array(np.ndarray.view(v, np.ndarray), dtype=np.float64)
    return None


def is_close(a, b, tol=1e-6) -> bool:
    """Whether a and b agree (same shape, relative error ≤ tol with a small floor)."""
    if a is None or b is None or a.shape != b.shape:
        return False
    if a.size == 0:
        return True
    scale = max(float(np.abs(b).max()), float(np.abs(a).max()), 1e-300)
    return gc.max_rel_error(a, b, floor=1e-6 * scale) <= tol


def unchanged(before, after) -> bool:
    """Whether an argument is unchanged by the call (plain data, NaN == NaN)."""
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or before.shape != after.shape:
            return False
        return bool(np.array_equal(before, np.asarray(after, dtype=before.dtype), equal_nan=before.dtype.kind == "f"))
    if isinstance(before, dict):
        return isinstance(after, dict) and set(before) == set(after) and all(unchanged(before[k], after[k]) for k in before)
    if isinstance(before, (list, tuple)):
        return (
            isinstance(after, (list, tuple))
            and len(before) == len(after)
            and all(unchanged(b, a) for b, a in zip(before, after))
        )
    return before == after


class Expected:
    """Expected gradient of one output and what is needed to diagnose it."""

    def __init__(self, name, numerical, closed, atol, n_batch, kink_mask=None):
        self.name = name
        self.numerical = numerical
        self.closed = closed
        self.atol = atol
        self.n_batch = n_batch
        self.kink_mask = kink_mask  # entries where the kink convention (closed form) is required

    @property
    def expected(self):
        if self.kink_mask is None or not self.kink_mask.any():
            return self.numerical
        return np.where(self.kink_mask, self.closed, self.numerical)


def diagnose_values(student, ex: Expected):
    """Exact relations between a wrong-valued output of the right shape and the expected one on
    ONE case (all zeros, transposed, a factor −1, N or 1/N), said as facts of that case. The
    named mistakes come from the catalogue, matched on every case (:mod:`autograder.checks.mistakes`)."""
    ref = ex.closed
    if not np.any(student) and np.any(ref):
        return ["it is all zeros: is the function implemented (no `pass` / placeholder left)?"]
    if ex.kink_mask is not None and ex.kink_mask.any():
        off = ~ex.kink_mask
        if is_close(student[off], ref[off]) and not is_close(student[ex.kink_mask], ref[ex.kink_mask]):
            return [
                "wrong convention at the kink: where z == 0 exactly, the derivative of ReLU is taken as 0 "
                "(use z > 0, not z >= 0)"
            ]
    if ref.ndim == 2 and ref.shape[0] == ref.shape[1] and ref.shape[0] > 1 and is_close(student, ref.T):
        return ["transposed: your result is the transpose of the expected one (check the order of the matrix product)"]
    n = ex.n_batch
    denom = float(np.sum(ref * ref))
    if denom > 0:
        c = float(np.sum(student * ref)) / denom
        if is_close(student, c * ref, tol=1e-5):
            if abs(c + 1) < 1e-6:
                return ["sign flipped (yours = −expected): check the sign of the gradient"]
            if n > 1 and abs(c - n) < 1e-6 * n:
                return [f"off by a factor N = {n} (yours = N × expected): divide by the batch size N exactly once"]
            if n > 1 and abs(c - 1.0 / n) < 1e-6:
                return [f"off by a factor 1/N = 1/{n} (yours = expected / N): you divided by the batch size N once too often"]
            if n > 1 and abs(c + n) < 1e-6 * n:
                return [f"sign flipped and off by a factor N = {n}"]
    return []


def diagnose_shape(student_shape, expected_shape, name, n_batch):
    s, e = tuple(student_shape), tuple(expected_shape)
    base = f"{name} has shape {fmt_shape(s)}, expected {fmt_shape(e)}"
    if len(e) == 1 and s == (1, e[0]):
        return base + ": sum over the batch without keepdims (shape (M,), not (1, M))"
    if len(e) == 1 and len(s) == 1 and s[0] == n_batch and e[0] != n_batch:
        return base + ": summed over the wrong axis (sum over axis 0, the batch)"
    if len(e) == 1 and s == (e[0], 1):
        return base + ": a column instead of a vector (shape (M,), not (M, 1))"
    if len(e) == 2 and s == (e[1], e[0]):
        return base + ": transposed (check the order of the matrix product)"
    if len(s) == 0 or (len(s) == 1 and s[0] == 1 and e != (1,)):
        return base + ": did you sum (or average) over everything?"
    return base
