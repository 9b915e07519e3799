"""Checks of the ``backprop`` assignment: seven backward functions (see ARCHITECTURE.md, "The backprop assignment").

How a function is graded
------------------------
For every graded function, :meth:`calls` builds several cases from a seed — random
shapes (non-square, N = 1, N ≥ 8), the function's edge cases (exact zeros in z for
ReLU; |logits| ≥ 1000, a row of all-equal logits and a spread of ~2000 inside a row —
logits like [1000, 0, −1000] with the label on a small entry, where e^z overflows and
softmax underflows to 0, so ``np.log(softmax(z))`` is −inf — for softmax and
cross-entropy, and logits spread the same way, via b2, for the network; saturated |z|
up to 800 for sigmoid/tanh, where a formula with e^(−z) overflows) and random upstream
gradients ``dout``. A graded test runs the cases of
:data:`~autograder.checks.base.VISIBLE_SEED` (the ones the notebook's self-check shows)
and then those of :data:`~autograder.checks.base.HIDDEN_SEED` — the same for every
student — so hard-coding the visible answers does not help.

:meth:`judge` then checks, per case:

1. the call returned (status "ok"): no exception, no time/memory limit hit;
2. the return type: ``(dx, dW, db)`` for ``linear_backward``, an array for the
   activations, ``(loss, dlogits)`` for ``softmax_cross_entropy``, ``(loss, grads)``
   with exactly the keys W1, b1, W2, b2 for ``mlp_loss_and_grads``;
3. the EXACT shape of every output (db is (M,), not (1, M)) and its dtype: float64
   (a float32/float16/integer output fails in every case with a message naming the output
   and the dtype, whatever its values: no tolerance a float32 answer could straddle);
4. finite values (no NaN/inf; in a "large" case the message says "unstable for large
   logits" — also when a finite loss is wrong there, e.g. log(softmax + 1e-12));
5. no input array was modified in place;
6. the loss value (loss functions) against the trusted loss, relative error ≤ 1e-8;
7. every gradient against central finite differences of the TRUSTED forward pass
   (:mod:`coursekit.functional`, never the student's forward), computed with
   :func:`coursekit.gradcheck.numerical_vjp` in float64: an entry passes when
   ``|yours − numerical| ≤ max(1e-6·(|yours| + |numerical|), noise)`` where noise is
   the estimated finite-difference noise. The closed-form reference gradient is
   compared with the same finite differences as a sanity check of the grader itself
   (a disagreement flags ``grader-sanity``). At a kink (ReLU at exactly z = 0), the
   finite difference is meaningless, so the lecture's convention (derivative 0) is
   required there instead.

Points
------
All or nothing per test: a test earns its points when every case passes every check,
otherwise 0. The messages still list every wrong output of the first failing case
(which output, the maximum relative error, the index and values, the case's shapes,
and the likely bug when recognisable) and how many other cases failed. One bug costs
the points of its own function's test only: see overrides below.

Overrides: ``mlp_loss_and_grads``
---------------------------------
Students usually build ``mlp_loss_and_grads`` from their own ``linear_backward``,
``relu_backward`` and ``softmax_cross_entropy``. While it is graded those three names
are replaced by the trusted reference implementations (:func:`reference_source` gives
the self-contained source the sandbox executes after the student's code; in-kernel,
:func:`autograder.checks.inkernel.assert_passes` swaps them into the notebook's
namespace for the duration of the check). So a bug in, say, ``relu_backward`` costs the
1 point of ``test_relu_backward`` and not also the 3 points of
``test_mlp_loss_and_grads``. The hidden layer's pre-activations z1 of every mlp case
are kept at least 1e-3 away from 0, so a different convention at the ReLU kink
cannot matter there either.

Points: linear_backward 2, sigmoid_backward 1, tanh_backward 1, relu_backward 1,
softmax_backward 2, softmax_cross_entropy 2, mlp_loss_and_grads 3 (total 12).
"""

from __future__ import annotations

import textwrap

import numpy as np

from autograder.checks.base import (STATUS_FLAG, Call, CallResult, Flag, FunctionCheck, TestOutcome, dtype_problem,
                                    memoized)
from coursekit import functional as F
from coursekit import gradcheck as gc

__all__ = [
    "POINTS",
    "FUNCTIONS",
    "TOL",
    "checks",
    "reference_source",
    "LinearBackwardCheck",
    "SigmoidBackwardCheck",
    "TanhBackwardCheck",
    "ReluBackwardCheck",
    "SoftmaxBackwardCheck",
    "SoftmaxCrossEntropyCheck",
    "MlpLossAndGradsCheck",
]

POINTS = {
    "linear_backward": 2.0,
    "sigmoid_backward": 1.0,
    "tanh_backward": 1.0,
    "relu_backward": 1.0,
    "softmax_backward": 2.0,
    "softmax_cross_entropy": 2.0,
    "mlp_loss_and_grads": 3.0,
}
FUNCTIONS = tuple(POINTS)

#: Relative tolerance on each gradient entry (see module docstring).
TOL = 1e-6
#: Relative tolerance on a loss value.
LOSS_TOL = 1e-8
#: Absolute step for shift-invariant functions (softmax, cross-entropy): the
#: curvature does not shrink with |logits|, so the step must not grow with it.
SHIFT_INVARIANT_STEP = gc.EPS ** (1.0 / 3.0)
#: Minimum distance of the mlp's hidden pre-activations from the ReLU kink.
KINK_MARGIN = 1e-3

_STATUS_TEXT = {
    "error": "raised an exception",
    "timeout": "ran out of time (wall-clock limit): an infinite loop, or a loop over entries that should be vectorised?",
    "cpu": "ran out of CPU time: an infinite loop, or a loop over entries that should be vectorised?",
    "memory": "ran out of memory: do not build N×N or C×C×N intermediate arrays",
    "crashed": "crashed the Python process",
    "output_limit": "printed too much output (remove debugging prints)",
    "missing": "is not defined: keep the function's name and signature, and run its solution cell",
    "refused": "was not graded: it uses a reference implementation (e.g. coursekit.functional) instead of your own code",
}


# ============================================================== reference sources
_REFERENCE_SOURCES = {
    "linear_backward": '''
def linear_backward(dout, x, W):
    """Trusted reference: (dx, dW, db) of out = x @ W.T + b."""
    import numpy as _np
    dout = _np.asarray(dout, dtype=_np.float64)
    x = _np.asarray(x, dtype=_np.float64)
    W = _np.asarray(W, dtype=_np.float64)
    return dout @ W, dout.T @ x, dout.sum(axis=0)
''',
    "sigmoid_backward": '''
def sigmoid_backward(dout, z):
    """Trusted reference: dout * s * (1 - s), s = sigmoid(z) computed stably."""
    import numpy as _np
    dout = _np.asarray(dout, dtype=_np.float64)
    z = _np.asarray(z, dtype=_np.float64)
    e = _np.exp(-_np.abs(z))
    s = _np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return dout * s * (1.0 - s)
''',
    "tanh_backward": '''
def tanh_backward(dout, z):
    """Trusted reference: dout * (1 - tanh(z)**2)."""
    import numpy as _np
    t = _np.tanh(_np.asarray(z, dtype=_np.float64))
    return _np.asarray(dout, dtype=_np.float64) * (1.0 - t * t)
''',
    "relu_backward": '''
def relu_backward(dout, z):
    """Trusted reference: dout where z > 0, else 0 (0 at exactly z == 0)."""
    import numpy as _np
    z = _np.asarray(z, dtype=_np.float64)
    return _np.where(z > 0, _np.asarray(dout, dtype=_np.float64), 0.0)
''',
    "softmax_backward": '''
def softmax_backward(dout, z):
    """Trusted reference: y * (dout - <dout, y>) row-wise, y = softmax(z)."""
    import numpy as _np
    dout = _np.asarray(dout, dtype=_np.float64)
    z = _np.asarray(z, dtype=_np.float64)
    e = _np.exp(z - z.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    return y * (dout - (dout * y).sum(axis=1, keepdims=True))
''',
    "softmax_cross_entropy": '''
def softmax_cross_entropy(logits, y):
    """Trusted reference: (mean -log softmax(logits)[y], (softmax - onehot) / N)."""
    import numpy as _np
    logits = _np.asarray(logits, dtype=_np.float64)
    y = _np.asarray(y).astype(_np.int64)
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - _np.log(_np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-logp[_np.arange(n), y].sum() / n)
    dlogits = _np.exp(logp)
    dlogits[_np.arange(n), y] -= 1.0
    return loss, dlogits / n
''',
    "mlp_loss_and_grads": '''
def mlp_loss_and_grads(params, x, y):
    """Trusted reference: two-layer ReLU net with softmax cross-entropy."""
    import numpy as _np
    x = _np.asarray(x, dtype=_np.float64)
    y = _np.asarray(y).astype(_np.int64)
    W1, b1 = _np.asarray(params["W1"], dtype=_np.float64), _np.asarray(params["b1"], dtype=_np.float64)
    W2, b2 = _np.asarray(params["W2"], dtype=_np.float64), _np.asarray(params["b2"], dtype=_np.float64)
    n = x.shape[0]
    z1 = x @ W1.T + b1
    h1 = _np.maximum(z1, 0.0)
    s = h1 @ W2.T + b2
    shifted = s - s.max(axis=1, keepdims=True)
    logp = shifted - _np.log(_np.exp(shifted).sum(axis=1, keepdims=True))
    loss = float(-logp[_np.arange(n), y].sum() / n)
    d2 = _np.exp(logp)
    d2[_np.arange(n), y] -= 1.0
    d2 /= n
    dW2, db2 = d2.T @ h1, d2.sum(axis=0)
    d1 = _np.where(z1 > 0, d2 @ W2, 0.0)
    dW1, db1 = d1.T @ x, d1.sum(axis=0)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
''',
}


def reference_source(function: str) -> str:
    """Self-contained (numpy-only) source text defining the trusted ``function``.

    It never imports coursekit: it runs inside the sandbox, where only numpy is
    available. Executing it defines exactly one public name, ``function``.
    """
    if function not in _REFERENCE_SOURCES:
        raise ValueError(f"function: expected one of {FUNCTIONS}, got {function!r}")
    return textwrap.dedent(_REFERENCE_SOURCES[function]).lstrip("\n")


# ====================================================================== helpers
def _fmt_err(e: float, below: float = 1e-7) -> str:
    """A relative error for printing; below ``below`` it is rounding / finite-difference
    noise, shown as "< 1e-7" (also keeps stored notebook outputs independent of BLAS)."""
    return f"< 1e{int(round(np.log10(below)))}" if e < below else f"{e:.1e}"


def _fmt_shape(shape) -> str:
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def _num(v) -> str:
    return f"{v:.4g}"


def _as_array(v):
    """Student value -> plain float64 ndarray, or None if it is not array data."""
    if isinstance(v, np.ndarray):
        if v.dtype.kind not in "fiub":
            return None
        return np.array(np.ndarray.view(v, np.ndarray), dtype=np.float64)
    return None


def _close(a, b, tol=1e-6) -> bool:
    """Whether a and b agree (same shape, relative error ≤ tol with a small floor)."""
    if a is None or b is None or a.shape != b.shape:
        return False
    if a.size == 0:
        return True
    scale = max(float(np.abs(b).max()), float(np.abs(a).max()), 1e-300)
    return gc.max_rel_error(a, b, floor=1e-6 * scale) <= tol


def _same(before, after) -> bool:
    """Whether an argument is unchanged by the call (plain data, NaN == NaN)."""
    if isinstance(before, np.ndarray):
        if not isinstance(after, np.ndarray) or before.shape != after.shape:
            return False
        return bool(np.array_equal(before, np.asarray(after, dtype=before.dtype), equal_nan=before.dtype.kind == "f"))
    if isinstance(before, dict):
        return isinstance(after, dict) and set(before) == set(after) and all(_same(before[k], after[k]) for k in before)
    if isinstance(before, (list, tuple)):
        return (
            isinstance(after, (list, tuple))
            and len(before) == len(after)
            and all(_same(b, a) for b, a in zip(before, after))
        )
    return before == after


class _Expected:
    """Expected gradient of one output and what is needed to diagnose it."""

    def __init__(self, name, numerical, closed, atol, n_batch, candidates=(), kink_mask=None, case_kind=""):
        self.name = name
        self.numerical = numerical
        self.closed = closed
        self.atol = atol
        self.n_batch = n_batch
        self.candidates = list(candidates)  # (label, array)
        self.kink_mask = kink_mask  # entries where the kink convention (closed form) is required

    @property
    def expected(self):
        if self.kink_mask is None or not self.kink_mask.any():
            return self.numerical
        return np.where(self.kink_mask, self.closed, self.numerical)


def _diagnose_values(student, ex: _Expected):
    """Likely-bug phrases for a wrong-valued output of the right shape."""
    ref = ex.closed
    hints = []
    if not np.any(student) and np.any(ref):
        return ["it is all zeros: is the function implemented (no `pass` / placeholder left)?"]
    for label, cand in ex.candidates:
        if cand is not None and cand.shape == student.shape and not _close(cand, ref) and _close(student, cand):
            hints.append(label)
    if hints:
        return hints
    if ex.kink_mask is not None and ex.kink_mask.any():
        off = ~ex.kink_mask
        if _close(student[off], ref[off]) and not _close(student[ex.kink_mask], ref[ex.kink_mask]):
            return [
                "wrong convention at the kink: where z == 0 exactly, the derivative of ReLU is taken as 0 "
                "(use z > 0, not z >= 0)"
            ]
    if ref.ndim == 2 and ref.shape[0] == ref.shape[1] and ref.shape[0] > 1 and _close(student, ref.T):
        return ["transposed: your result is the transpose of the expected one (check the order of the matrix product)"]
    n = ex.n_batch
    denom = float(np.sum(ref * ref))
    if denom > 0:
        c = float(np.sum(student * ref)) / denom
        if _close(student, c * ref, tol=1e-5):
            if abs(c + 1) < 1e-6:
                return ["sign flipped (yours = −expected): check the sign of the gradient"]
            if n > 1 and abs(c - n) < 1e-6 * n:
                return [f"off by a factor N = {n} (yours = N × expected): divide by the batch size N exactly once"]
            if n > 1 and abs(c - 1.0 / n) < 1e-6:
                return [f"off by a factor 1/N = 1/{n} (yours = expected / N): you divided by the batch size N once too often"]
            if n > 1 and abs(c + n) < 1e-6 * n:
                return [f"sign flipped and off by a factor N = {n}"]
            return [f"off by a constant factor ≈ {c:.4g} (yours ≈ {c:.4g} × expected)"]
    if _close(student, ref, tol=1e-4):
        return ["small numerical differences only: float32 arithmetic or a cancellation-prone formula "
                "(keep float64 and use the stable forms from the lecture)"]
    return []


def _diagnose_shape(student_shape, expected_shape, name, n_batch):
    s, e = tuple(student_shape), tuple(expected_shape)
    base = f"{name} has shape {_fmt_shape(s)}, expected {_fmt_shape(e)}"
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


# ========================================================================= base
class _BackpropCheck(FunctionCheck):
    """Shared judging logic; subclasses define cases, unpacking and references."""

    #: names of the outputs in the order returned
    outputs: tuple[str, ...] = ()
    #: where each output sits in the return value (paths of base.dtype_report)
    output_paths: dict[str, str] = {}
    #: what is large in this function's "large" cases ("logits" or "|z|")
    large_what = "logits"
    #: likely cause of a wrong or non-finite answer in a "large" case
    unstable_hint = "an unstable exponent (np.exp overflows for arguments ≥ 710)"

    def __init__(self):
        self.points = POINTS[self.function]

    # --- to implement
    def _cases(self, rng):  # -> list of (case, args tuple, extra dict)
        raise NotImplementedError

    def _unpack(self, value, call):  # -> (dict name -> value, problem str or None)
        raise NotImplementedError

    def _expected(self, call):  # -> dict name -> _Expected (gradients) and optional "loss": float
        raise NotImplementedError

    # --- FunctionCheck
    def calls(self, seed: int) -> list[Call]:
        rng = self.rng(seed)
        return [Call(self.function, args=args, case=case) for case, args in self._cases(rng)]

    def judge(self, calls: list[Call], results: list[CallResult]) -> TestOutcome:
        flags: list[str] = []
        failures: list[tuple[Call, list[str]]] = []
        results = list(results) + [
            CallResult(status="crashed", error="no result") for _ in range(len(calls) - len(results))
        ]
        for call, res in zip(calls, results):
            try:
                problems = self._judge_one(call, res, flags)
            except Exception as exc:  # never let an odd answer crash the grader
                flags.append(Flag.GRADER_ERROR)
                problems = [f"{self.function}: the answer could not be judged ({type(exc).__name__}: {exc}); "
                            f"check the types and shapes of what you return"]
            if problems:
                failures.append((call, problems))
        if not failures:
            n = len(calls)
            return self.outcome(
                self.points, [f"{self.function}: all {n} cases correct (shapes, values, no input modified)."], flags
            )
        first_call, first_problems = failures[0]
        if len(failures) == len(calls) and all(p == first_problems for _, p in failures) and len(first_problems) == 1:
            # the same problem everywhere (not defined, raises the same error, ...): say it once
            return self.outcome(0.0, [f"{first_problems[0]} (in all {len(calls)} cases)"], sorted(set(flags)))
        messages = [f"{self.function} failed for {first_call.case}:"] + ["  " + p for p in first_problems]
        if len(failures) > 1:
            others = "; ".join(c.case for c, _ in failures[1:4]) + ("; …" if len(failures) > 4 else "")
            messages.append(f"It also failed {len(failures) - 1} of the other {len(calls) - 1} cases ({others}).")
        else:
            messages.append(f"The other {len(calls) - 1} cases passed.")
        return self.outcome(0.0, messages, sorted(set(flags)))

    def _judge_one(self, call: Call, res: CallResult, flags: list[str]) -> list[str]:
        if res.status != "ok":
            flags.append(STATUS_FLAG.get(res.status, res.status))
            if res.status == "missing" and res.error:  # the sandbox names the exception that caused it
                return [res.error]
            text = _STATUS_TEXT.get(res.status, f"failed ({res.status})")
            detail = f": {res.error}" if res.error and res.status in ("error", "crashed", "refused") else ""
            return [f"{self.function} {text}{detail}"]
        problems = []
        # 1. inputs unchanged
        if res.args_after is not None:
            names = self._arg_names()
            for i, before in enumerate(call.args):
                after = res.args_after[i] if i < len(res.args_after) else None
                if not _same(before, after):
                    flags.append(Flag.MUTATES_INPUT)
                    problems.append(
                        f"modified its input `{names[i]}` in place (e.g. `{names[i]}[...] = ...` or "
                        f"`{names[i]} *= ...`): backward functions must not change their inputs — "
                        f"work on a copy or build a new array"
                    )
        # 2. type / structure
        outs, problem = self._unpack(res.value, call)
        if problem:
            return problems + [problem]
        # 3. dtype: float64 outputs only (float32 answers are named, whatever their values)
        wrong_dtype = set()
        for name in outs:
            msg = dtype_problem(res.dtypes, self.output_paths.get(name, "?"), name)
            if msg:
                flags.append(Flag.DTYPE)
                wrong_dtype.add(name)
                problems.append(msg)
        exp = self._expect(call)
        n_batch = self._n_batch(call)
        large = self._is_large(call)
        unstable = f"unstable for large {self.large_what}: likely {self.unstable_hint}"
        # 4. loss value
        if "loss" in outs and "loss" not in wrong_dtype:
            loss = outs["loss"]
            ref_loss = exp["loss"]
            if not np.isfinite(loss):
                flags.append(Flag.NONFINITE)
                problems.append(f"loss is {loss} (not finite)" + (f": {unstable}" if large else ""))
            elif gc.max_rel_error(loss, ref_loss, floor=1e-12) > LOSS_TOL:
                hint = ""
                if n_batch > 1 and abs(loss - n_batch * ref_loss) <= 1e-8 * abs(n_batch * ref_loss) + 1e-12:
                    hint = f" Likely bug: off by a factor N = {n_batch}: the loss is the MEAN over the batch."
                elif abs(loss + ref_loss) <= 1e-8 * abs(ref_loss) + 1e-12:
                    hint = " Likely bug: sign flipped: the loss is −log of the true class's probability."
                elif large:
                    hint = f" Likely bug: {unstable}."
                problems.append(
                    f"loss is {_num(loss)}, expected {_num(ref_loss)} "
                    f"(relative error {gc.max_rel_error(loss, ref_loss, floor=1e-12):.1e}).{hint}"
                )
        # 5. gradients
        for name, ex in exp.items():
            if name == "loss":
                continue
            s = outs[name]
            if s.shape != ex.closed.shape:
                problems.append(_diagnose_shape(s.shape, ex.closed.shape, name, n_batch))
                continue
            if name in wrong_dtype:
                continue
            if not np.all(np.isfinite(s)):
                flags.append(Flag.NONFINITE)
                bad = tuple(int(i) for i in np.argwhere(~np.isfinite(s))[0])
                problems.append(f"{name} contains NaN/inf (first at index {bad})" + (f": {unstable}" if large else ""))
                continue
            expected = ex.expected
            tol_floor = np.maximum(ex.atol / TOL, 1e-300)
            err = gc.rel_error(s, expected, floor=tol_floor)
            if err.size and float(err.max()) > TOL:
                idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(err)), err.shape))
                msg = (
                    f"{name} is wrong: max relative error {float(err.max()):.1e} at index {idx} "
                    f"(yours {_num(s[idx])}, expected {_num(expected[idx])}), shape {_fmt_shape(s.shape)}."
                )
                hints = _diagnose_values(s, ex)
                if not hints and large:
                    hints = [unstable]
                if hints:
                    msg += " Likely bug: " + "; or ".join(hints) + "."
                problems.append(msg)
        return problems

    def _is_large(self, call) -> bool:
        """Whether ``call`` is one of the cases with large inputs (|logits| ≥ 1000, a spread
        of 2000 inside a row, saturated |z|)."""
        return "large" in call.case

    def _expect(self, call):
        """:meth:`_expected`, memoised per process (it depends only on the call)."""
        return memoized(f"backprop.{type(self).__name__}", call, lambda: self._expected(call))

    # --- small helpers for subclasses
    def _arg_names(self):
        return {
            "linear_backward": ("dout", "x", "W"),
            "softmax_cross_entropy": ("logits", "y"),
            "mlp_loss_and_grads": ("params", "x", "y"),
        }.get(self.function, ("dout", "z"))

    def _n_batch(self, call):
        first = call.args[0] if self.function != "mlp_loss_and_grads" else call.args[1]
        return int(np.shape(first)[0]) if np.ndim(first) else 1

    def _need_array(self, v, name):
        arr = _as_array(v)
        if arr is None:
            got = type(v).__name__ if not isinstance(v, np.ndarray) else f"array of dtype {v.dtype}"
            return None, f"{name} must be a numpy array of floats, got {got}"
        return arr, None

    @staticmethod
    def _fd(forward, inputs, dout, wrt, h=None):
        """Numerical gradients and their noise levels (atol) per input."""
        num = gc.numerical_vjp(forward, inputs, dout, wrt=wrt, h=h)
        atol = {}
        for n in wrt:
            hn = h.get(n) if isinstance(h, dict) else h
            steps = gc.step_size(inputs[n]) if hn is None else np.full(np.shape(inputs[n]), float(hn))
            atol[n] = gc.fd_noise(forward, inputs, dout, steps)
        return num, atol

    def errors(self, call: Call, res: CallResult) -> dict:
        """Per output: max relative error (formatted) or a short problem, for self-checks."""
        if res.status != "ok":
            return {"status": res.status + (f" ({res.error})" if res.error else "")}
        outs, problem = self._unpack(res.value, call)
        if problem:
            return {"return value": problem}
        for name in outs:
            msg = dtype_problem(res.dtypes, self.output_paths.get(name, "?"), name)
            if msg:
                return {name: msg.split(":")[0]}
        exp = self._expect(call)
        per = {}
        for name, ex in exp.items():
            s = outs[name]
            if name == "loss":
                per[name] = _fmt_err(gc.max_rel_error(s, ex, floor=1e-12), below=1e-10)
                continue
            if s.shape != ex.closed.shape:
                per[name] = f"shape {_fmt_shape(s.shape)} ≠ {_fmt_shape(ex.closed.shape)}"
                continue
            err = gc.rel_error(s, ex.expected, floor=np.maximum(ex.atol / TOL, 1e-300))
            per[name] = _fmt_err(float(err.max()) if err.size else 0.0)
        return per

    def margin(self, call: Call, res: CallResult) -> float:
        """The worst error of one result as a fraction of the tolerance that would pass it.

        ``max`` over the outputs of (error / tolerance): ≤ 1 passes the value checks, and an
        honest float64 implementation should sit far below 1. ``inf`` when the result fails
        for another reason (status, structure, dtype, shape, NaN/inf).
        """
        if res.status != "ok":
            return float("inf")
        outs, problem = self._unpack(res.value, call)
        if problem or any(dtype_problem(res.dtypes, self.output_paths.get(n, "?"), n) for n in outs):
            return float("inf")
        worst = 0.0
        for name, ex in self._expect(call).items():
            s = outs[name]
            if name == "loss":
                worst = max(worst, gc.max_rel_error(s, ex, floor=1e-12) / LOSS_TOL)
                continue
            if s.shape != ex.closed.shape:
                return float("inf")
            err = gc.rel_error(s, ex.expected, floor=np.maximum(ex.atol / TOL, 1e-300))
            if err.size:
                worst = max(worst, float(err.max()) / TOL)
        return worst

    def sanity(self, call) -> list[str]:
        """Grader self-test: the closed form agrees with finite differences on ``call``."""
        bad = []
        for name, ex in self._expect(call).items():
            if name == "loss":
                continue
            err = gc.rel_error(ex.closed, ex.expected, floor=np.maximum(ex.atol / TOL, 1e-300))
            if err.size and float(err.max()) > TOL:
                bad.append(f"{name}: closed form vs finite differences {float(err.max()):.1e}")
        return bad


# ================================================================ linear_backward
class LinearBackwardCheck(_BackpropCheck):
    """``linear_backward(dout, x, W) -> (dx, dW, db)`` for ``out = x @ W.T + b``."""

    function = "linear_backward"
    outputs = ("dx", "dW", "db")
    output_paths = {"dx": "[0]", "dW": "[1]", "db": "[2]"}

    def _cases(self, rng):
        cases = []
        for (n, d, m), label in (
            ((1, 3, 2), "single example"),
            ((8, 5, 3), "non-square"),
            ((4, 4, 4), "square"),
            ((10, 2, 6), "non-square, M > D"),
        ):
            x, W, dout = rng.standard_normal((n, d)), rng.standard_normal((m, d)), rng.standard_normal((n, m))
            cases.append((f"N={n}, D={d}, M={m} ({label})", (dout, x, W)))
        return cases

    def _unpack(self, value, call):
        if not isinstance(value, (tuple, list)) or len(value) != 3:
            got = f"a {type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__
            return None, f"linear_backward must return a tuple (dx, dW, db) of 3 arrays, got {got}"
        outs = {}
        for name, v in zip(self.outputs, value):
            arr, problem = self._need_array(v, name)
            if problem:
                return None, problem
            outs[name] = arr
        return outs, None

    def _expected(self, call):
        dout, x, W = (np.asarray(a, dtype=np.float64) for a in call.args)
        n, m = dout.shape
        b = np.zeros(W.shape[0])
        num, atol = self._fd(F.linear_forward, {"x": x, "W": W, "b": b}, dout, ["x", "W", "b"])
        dx, dW, db = F.linear_backward(dout, x, W)
        ones = np.ones_like(dout)
        odx, odW, odb = F.linear_backward(ones, x, W)
        return {
            "dx": _Expected("dx", num["x"], dx, atol["x"], n, [
                ("missing upstream gradient (the result does not use dout: multiply by dout)", odx),
            ]),
            "dW": _Expected("dW", num["W"], dW, atol["W"], n, [
                ("missing upstream gradient (the result does not use dout: dW = doutᵀ x)", odW),
            ]),
            "db": _Expected("db", num["b"], db, atol["b"], n, [
                ("missing upstream gradient (db = Σᵢ doutᵢ, a sum of the upstream gradient over the batch)", odb),
                (f"averaged instead of summed over the batch (off by a factor 1/N = 1/{n}): db = Σᵢ doutᵢ",
                 db / n if n > 1 else None),
            ]),
        }


# ================================================================== activations
class _ActivationCheck(_BackpropCheck):
    outputs = ("dz",)
    output_paths = {"dz": ""}
    large_what = "|z|"
    forward = None  # trusted forward
    backward = None  # trusted closed form

    def _shape_cases(self, rng):
        return [
            ((1, 4), "N=1, 4 units (single example)", 2.0),
            ((8, 5), "N=8, 5 units", 2.0),
            ((3, 7), "N=3, 7 units (non-square)", 3.0),
            ((12,), "a 1-D z of 12 entries", 2.0),
        ]

    def _cases(self, rng):
        cases = []
        for shape, label, scale in self._shape_cases(rng):
            z = scale * rng.standard_normal(shape)
            dout = rng.standard_normal(shape)
            cases.append((f"z of shape {_fmt_shape(shape)}: {label}", (dout, z)))
        return cases

    def _unpack(self, value, call):
        arr, problem = self._need_array(value, "dz")
        if problem:
            return None, f"{self.function} must return one array dz: " + problem.split("must be ", 1)[-1]
        return {"dz": arr}, None

    def _n_batch(self, call):
        return int(np.shape(call.args[1])[0]) if np.ndim(call.args[1]) else 1

    def _extra_candidates(self, dout, z):
        return []

    def _kinks(self, z):
        return None

    def _expected(self, call):
        dout, z = (np.asarray(a, dtype=np.float64) for a in call.args)
        fwd = type(self).forward
        bwd = type(self).backward
        num, atol = self._fd(fwd, {"z": z}, dout, ["z"])
        closed = bwd(dout, z)
        cands = [
            ("missing activation derivative (you returned dout unchanged: multiply by the derivative at z)", dout),
            ("missing upstream gradient (you returned the derivative alone: multiply it by dout)", bwd(np.ones_like(dout), z)),
        ] + self._extra_candidates(dout, z)
        return {"dz": _Expected("dz", num["z"], closed, atol["z"], self._n_batch(call), cands, self._kinks(z))}


class _SaturatingActivationCheck(_ActivationCheck):
    """An activation whose last case has saturated units: |z| from ``saturation_low`` up to 800,
    with a few entries beyond 711 where e^(±z) overflows float64."""

    saturation_low = 20.0

    def _shape_cases(self, rng):
        return super()._shape_cases(rng) + [((4, 6), "large |z| (saturated units, |z| up to 800)", 1.0)]

    def _cases(self, rng):
        cases = super()._cases(rng)
        case, (dout, z) = cases[-1]
        z = np.sign(rng.standard_normal(z.shape)) * rng.uniform(self.saturation_low, 800.0, size=z.shape)
        z[0, :3] = [0.5, -1.0, 2.0]
        z[1, :3] = -rng.uniform(711.0, 800.0, size=3)  # e^(±z) overflows here
        z[2, :3] = rng.uniform(711.0, 800.0, size=3)
        cases[-1] = (case, (dout, z))
        return cases


class SigmoidBackwardCheck(_SaturatingActivationCheck):
    """``sigmoid_backward(dout, z) -> dz = dout · σ(z)(1 − σ(z))``."""

    function = "sigmoid_backward"
    forward = staticmethod(F.sigmoid_forward)
    backward = staticmethod(F.sigmoid_backward)
    unstable_hint = "an unstable exponent: compute σ(z) without overflow and use σ(z)(1 − σ(z))"

    saturation_low = 20.0

    def _extra_candidates(self, dout, z):
        return [("z used as if it were σ(z): the backward gets the PRE-activation z, apply σ first",
                 dout * z * (1.0 - z))]


class TanhBackwardCheck(_SaturatingActivationCheck):
    """``tanh_backward(dout, z) -> dz = dout · (1 − tanh²(z))``."""

    function = "tanh_backward"
    forward = staticmethod(F.tanh_forward)
    backward = staticmethod(F.tanh_backward)
    unstable_hint = "an unstable exponent: use np.tanh(z) rather than a formula with e^z"

    saturation_low = 5.0

    def _extra_candidates(self, dout, z):
        return [
            ("z used as if it were tanh(z): the backward gets the PRE-activation z, apply tanh first",
             dout * (1.0 - z * z)),
            ("1 − tanh(z) instead of 1 − tanh²(z)", dout * (1.0 - np.tanh(z))),
        ]


class ReluBackwardCheck(_ActivationCheck):
    """``relu_backward(dout, z) -> dz = dout · 1[z > 0]`` (0 at exactly z = 0)."""

    function = "relu_backward"
    forward = staticmethod(F.relu_forward)
    backward = staticmethod(F.relu_backward)

    def _shape_cases(self, rng):
        return super()._shape_cases(rng) + [((6, 5), "with exact zeros in z (the kink)", 1.0)]

    def _cases(self, rng):
        cases = []
        for case, (dout, z) in super()._cases(rng):
            z = gc.nudge_from_kinks(z, (0.0,), margin=1e-3, rng=rng)
            cases.append((case, (dout, z)))
        case, (dout, z) = cases[-1]
        z = z.copy()
        z[rng.random(z.shape) < 0.3] = 0.0
        z[0, 0] = 0.0
        cases[-1] = (case, (dout, z))
        return cases

    def _kinks(self, z):
        return gc.find_kinks(z, (0.0,))

    def _extra_candidates(self, dout, z):
        return [("1[z ≥ 0] instead of 1[z > 0]: at z == 0 exactly the derivative is 0 (wrong convention at the kink)",
                 np.where(z >= 0, dout, 0.0))]


# ================================================================ softmax_backward
SPREAD_LABEL = "large spread inside a row (logits like [1000, 0, −1000])"


def _spread_logits(rng):
    """(4, 4) logits whose rows span about 2000: the largest entries near +1000 (two of them
    close, so the gradient is not trivially 0), the others near 0 and −1000, plus jitter.
    e^(±1000) over/underflows in float64, so only the stable formulas survive."""
    z = np.array([
        [1000.0, 0.0, -1000.0, 998.5],
        [-1000.0, 999.0, 0.5, 1000.0],
        [0.0, -1000.0, 1000.0, 1.0],
        [-999.0, 1000.0, 999.25, -0.5],
    ])
    z = z + rng.uniform(0.0, 0.25, size=z.shape)
    return np.ascontiguousarray(z[:, rng.permutation(4)])


def _logit_cases(rng, with_labels):
    out = []
    specs = [
        ((1, 3), "N=1, C=3 (single example)", "normal"),
        ((8, 5), "N=8, C=5", "normal"),
        ((5, 2), "N=5, C=2", "normal"),
        ((6, 4), "large logits (|z| ≥ 1000)", "large"),
        ((4, 5), "a row of all-equal logits", "equal"),
        ((4, 4), SPREAD_LABEL, "spread"),
    ]
    for shape, label, kind in specs:
        z = 2.0 * rng.standard_normal(shape)
        if kind == "large":
            z = np.sign(rng.standard_normal((shape[0], 1))) * (1000.0 + 5.0 * np.abs(rng.standard_normal(shape)))
            z[0] = 1000.0 + rng.uniform(0, 2, size=shape[1])
            z[1] = -1000.0 - rng.uniform(0, 2, size=shape[1])
        elif kind == "equal":
            z[1, :] = 3.25
        elif kind == "spread":
            z = _spread_logits(rng)
        out.append((shape, label, z))
    return out


def _small_entry_labels(z, rng):
    """One label per row on an entry at least 500 below the row's maximum (where a
    softmax probability underflows to 0)."""
    return np.array([rng.choice(np.flatnonzero(row < row.max() - 500.0)) for row in z], dtype=np.int64)


class SoftmaxBackwardCheck(_BackpropCheck):
    """``softmax_backward(dout, z) -> dz = y ⊙ (dout − ⟨dout, y⟩)``, y = softmax(z)."""

    function = "softmax_backward"
    outputs = ("dz",)
    output_paths = {"dz": ""}
    unstable_hint = ("an unstable exponent: subtract each row's maximum before np.exp "
                     "(softmax(z) = softmax(z − max z))")

    def _cases(self, rng):
        cases = []
        for shape, label, z in _logit_cases(rng, False):
            dout = rng.standard_normal(shape)
            cases.append((f"z of shape {_fmt_shape(shape)}: {label}", (dout, z)))
        return cases

    def _unpack(self, value, call):
        arr, problem = self._need_array(value, "dz")
        if problem:
            return None, "softmax_backward must return one array dz: " + problem.split("must be ", 1)[-1]
        return {"dz": arr}, None

    def _expected(self, call):
        dout, z = (np.asarray(a, dtype=np.float64) for a in call.args)
        num, atol = self._fd(F.softmax_forward, {"z": z}, dout, ["z"], h=SHIFT_INVARIANT_STEP)
        closed = F.softmax_backward(dout, z)
        y = F.softmax_forward(z)
        cands = [
            ("only the diagonal of the Jacobian (y(1 − y) ⊙ dout): every output yⱼ depends on every zₖ, "
             "use dz = y ⊙ (dout − ⟨dout, y⟩)", y * (1.0 - y) * dout),
            ("missing activation derivative (you returned dout unchanged)", dout),
            ("the Jacobian applied without the upstream gradient", F.softmax_backward(np.ones_like(dout), z)),
        ]
        return {"dz": _Expected("dz", num["z"], closed, atol["z"], z.shape[0], cands)}


# =========================================================== softmax_cross_entropy
class SoftmaxCrossEntropyCheck(_BackpropCheck):
    """``softmax_cross_entropy(logits, y) -> (loss, dlogits)``, mean over the batch."""

    function = "softmax_cross_entropy"
    outputs = ("loss", "dlogits")
    output_paths = {"loss": "[0]", "dlogits": "[1]"}
    unstable_hint = ("an unstable exponent or logarithm: compute log softmax directly with log-sum-exp, "
                     "z − max z − log Σ exp(z − max z), not np.log(softmax(z)) (it underflows to log 0) "
                     "and not np.exp(z) without the row maximum subtracted (it overflows)")

    def _cases(self, rng):
        cases = []
        for shape, label, z in _logit_cases(rng, True):
            if label == SPREAD_LABEL:  # labels on the small entries: −log p underflows to −log 0
                y = _small_entry_labels(z, rng)
            else:
                y = rng.integers(0, shape[1], size=shape[0]).astype(np.int64)
            cases.append((f"logits of shape {_fmt_shape(shape)}: {label}", (z, y)))
        return cases

    def _unpack(self, value, call):
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            got = f"a {type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__
            return None, f"softmax_cross_entropy must return a tuple (loss, dlogits), got {got}"
        loss, d = value
        loss_v = _scalar_loss(loss)
        if loss_v is None:
            return None, _loss_type_problem(loss)
        arr, problem = self._need_array(d, "dlogits")
        if problem:
            return None, problem
        return {"loss": loss_v, "dlogits": arr}, None

    def _expected(self, call):
        z = np.asarray(call.args[0], dtype=np.float64)
        y = np.asarray(call.args[1], dtype=np.int64)
        n = z.shape[0]

        def loss_of(logits):
            return F.softmax_cross_entropy(logits, y)[0]

        num, atol = self._fd(loss_of, {"logits": z}, None, ["logits"], h=SHIFT_INVARIANT_STEP)
        loss, closed = F.softmax_cross_entropy(z, y)
        p = F.softmax_forward(z)
        cands = [
            ("the one-hot of the true class was not subtracted (dlogits = (softmax − onehot(y)) / N)", p / n),
            (f"not divided by N = {n}: the loss is the MEAN over the batch, so dlogits = (softmax − onehot(y)) / N",
             closed * n if n > 1 else None),
        ]
        return {"loss": loss, "dlogits": _Expected("dlogits", num["logits"], closed, atol["logits"], n, cands)}


def _scalar_loss(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, np.ndarray) and v.shape == () and v.dtype.kind in "fiu":
        return float(v)
    return None


def _loss_type_problem(v):
    if isinstance(v, np.ndarray):
        return f"loss must be a float (a scalar), got an array of shape {_fmt_shape(v.shape)}: average it to one number"
    return f"loss must be a float, got {type(v).__name__}"


# ============================================================= mlp_loss_and_grads
_MLP_KEYS = ("W1", "b1", "W2", "b2")
MLP_SPREAD_LABEL = "logits with a large spread inside a row: b2 ≈ [1000, 999.5, 0, −1000]"


def mlp_loss(W1, b1, W2, b2, x, y):
    """The trusted forward loss of the two-layer net, without input validation.

    The same computation as ``F.mlp_forward`` + ``F.softmax_cross_entropy`` (the
    tests assert equality) minus their argument checks, which would dominate the
    cost of the ~300 forward evaluations one mlp check needs.
    """
    h1 = np.maximum(x @ W1.T + b1, 0.0)
    s = h1 @ W2.T + b2
    shifted = s - s.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(x.shape[0]), y].sum() / x.shape[0])


class MlpLossAndGradsCheck(_BackpropCheck):
    """``mlp_loss_and_grads(params, x, y) -> (loss, grads)`` of the two-layer ReLU net.

    Graded with the trusted ``linear_backward``, ``relu_backward`` and
    ``softmax_cross_entropy`` (see the module docstring: overrides).
    """

    function = "mlp_loss_and_grads"
    outputs = ("loss", "grads['W1']", "grads['b1']", "grads['W2']", "grads['b2']")
    output_paths = {"loss": "[0]", "grads['W1']": "[1]['W1']", "grads['b1']": "[1]['b1']",
                    "grads['W2']": "[1]['W2']", "grads['b2']": "[1]['b2']"}
    overrides = ("linear_backward", "relu_backward", "softmax_cross_entropy")
    unstable_hint = ("an unstable softmax / log: use log-sum-exp with each row's maximum subtracted "
                     "(or call your softmax_cross_entropy), not np.exp(s) unshifted or np.log(softmax(s))")

    def _cases(self, rng):
        cases = []
        for (n, d, h, c), label in (
            ((1, 3, 4, 2), "single example"),
            ((8, 5, 7, 3), "N=8"),
            ((12, 4, 6, 5), "N=12, more classes"),
            ((6, 4, 5, 4), MLP_SPREAD_LABEL),
        ):
            for _ in range(100):
                x = rng.standard_normal((n, d))
                params = {
                    "W1": rng.standard_normal((h, d)) / np.sqrt(d),
                    "b1": 0.1 * rng.standard_normal(h),
                    "W2": rng.standard_normal((c, h)) / np.sqrt(h),
                    "b2": 0.1 * rng.standard_normal(c),
                }
                z1 = x @ params["W1"].T + params["b1"]
                if np.abs(z1).min() > KINK_MARGIN and (z1 > 0).any():
                    break
            if label == MLP_SPREAD_LABEL:
                # logits s = h1 W2ᵀ + b2 spread over ~2000 in every row; labels on the small entries
                params["b2"] = params["b2"] + rng.permutation(np.array([1000.0, 999.5, 0.0, -1000.0]))
                s = np.maximum(z1, 0.0) @ params["W2"].T + params["b2"]
                y = _small_entry_labels(s, rng)
            else:
                y = rng.integers(0, c, size=n).astype(np.int64)
            cases.append((f"N={n}, D={d}, H={h}, C={c} ({label})", (params, x, y)))
        return cases

    def _unpack(self, value, call):
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            got = f"a {type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__
            return None, f"mlp_loss_and_grads must return a tuple (loss, grads), got {got}"
        loss, grads = value
        loss_v = _scalar_loss(loss)
        if loss_v is None:
            return None, _loss_type_problem(loss)
        if not isinstance(grads, dict):
            return None, f"grads must be a dict with keys {list(_MLP_KEYS)}, got {type(grads).__name__}"
        if set(grads) != set(_MLP_KEYS):
            missing = [k for k in _MLP_KEYS if k not in grads]
            extra = [k for k in grads if k not in _MLP_KEYS]
            return None, (f"grads must have exactly the keys {list(_MLP_KEYS)}"
                          + (f"; missing {missing}" if missing else "") + (f"; unexpected {extra}" if extra else ""))
        outs = {"loss": loss_v}
        for k in _MLP_KEYS:
            arr, problem = self._need_array(grads[k], f"grads['{k}']")
            if problem:
                return None, problem
            outs[f"grads['{k}']"] = arr
        return outs, None

    def _expected(self, call):
        params, x, y = call.args
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.int64)
        p = {k: np.asarray(params[k], dtype=np.float64) for k in _MLP_KEYS}
        n = x.shape[0]

        def loss_of(W1, b1, W2, b2):
            return mlp_loss(W1, b1, W2, b2, x, y)

        # b2 ≈ ±1000 in the spread case: the curvature in the logits does not grow with them,
        # so b2 gets the absolute step of the shift-invariant checks (a relative one would be 6e-3)
        h = {"b2": SHIFT_INVARIANT_STEP} if np.abs(p["b2"]).max() > 100.0 else None
        num, atol = self._fd(loss_of, dict(p), None, list(_MLP_KEYS), h=h)
        loss, closed = F.mlp_loss_and_grads(p, x, y)
        # candidate bugs computed from the same closed forms
        z1 = x @ p["W1"].T + p["b1"]
        h1 = np.maximum(z1, 0.0)
        _, d2 = F.softmax_cross_entropy(h1 @ p["W2"].T + p["b2"], y)
        d1_nomask = d2 @ p["W2"]
        no_relu = {"W1": d1_nomask.T @ x, "b1": d1_nomask.sum(axis=0)}
        z_instead = {"W2": d2.T @ z1}
        out = {"loss": loss}
        for k in _MLP_KEYS:
            cands = []
            if k in no_relu:
                cands.append(("missing activation derivative: the ReLU derivative 1[z1 > 0] was not applied to "
                              "the hidden layer's gradient", no_relu[k]))
            if k in z_instead:
                cands.append(("used the pre-activation z1 instead of the hidden activation h1 = relu(z1) in dW2",
                              z_instead[k]))
            name = f"grads['{k}']"
            out[name] = _Expected(name, num[k], closed[k], atol[k], n, cands)
        return out


# ======================================================================= registry
_CLASSES = (
    LinearBackwardCheck,
    SigmoidBackwardCheck,
    TanhBackwardCheck,
    ReluBackwardCheck,
    SoftmaxBackwardCheck,
    SoftmaxCrossEntropyCheck,
    MlpLossAndGradsCheck,
)


def checks() -> list[FunctionCheck]:
    """The seven checks of ``backprop``, in notebook order (fresh instances)."""
    return [cls() for cls in _CLASSES]
