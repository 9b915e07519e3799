"""The judging shared by every ``backprop`` check (:class:`BackpropCheck`): return types,
exact shapes, float64, finite values, inputs left unmodified, loss values and gradients against
finite differences of the trusted forward pass (see :mod:`autograder.checks.backprop`)."""

from __future__ import annotations

import numpy as np

from autograder.checks.base import STATUS_FLAG, Call, CallResult, Flag, FunctionCheck, TestOutcome, dtype_problem, memoized
from autograder.checks.backprop import LOSS_TOL, OPTIONAL_POINTS, POINTS, TOL
from autograder.checks.backprop.diagnoses import (as_array, diagnose_shape, diagnose_values, fmt_err, fmt_num, fmt_shape,
                                                  unchanged)
from coursekit import gradcheck as gc


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


# ========================================================================= base
class BackpropCheck(FunctionCheck):
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
        self.points = POINTS[self.function] if self.function in POINTS else OPTIONAL_POINTS[self.function]

    # --- to implement
    def _cases(self, rng):  # -> list of (case, args tuple, extra dict)
        raise NotImplementedError

    def _unpack(self, value, call):  # -> (dict name -> value, problem str or None)
        raise NotImplementedError

    def _expected(self, call):  # -> dict name -> Expected (gradients) and optional "loss": float
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
        return self.diagnosed(self._failed(calls, failures, flags), calls, self.answers(calls, results),
                              self._reference)

    @property
    def mistakes(self):
        from autograder.checks.backprop.mistakes import MISTAKES

        return MISTAKES.get(self.function, ())

    def answers(self, calls, results):
        """The answers the catalogue of mistakes is matched against (:mod:`autograder.checks.mistakes`)."""
        from autograder.checks.mistakes import Answer

        out = []
        for call, res in zip(calls, results):
            if res.status != "ok":
                out.append(Answer(None, error=res.error or res.status))
                continue
            try:
                outs, problem = self._unpack(res.value, call)
            except Exception:
                outs, problem = None, "unreadable"
            mutated = res.args_after is not None and any(
                not unchanged(before, res.args_after[i] if i < len(res.args_after) else None)
                for i, before in enumerate(call.args))
            out.append(Answer(None if problem else outs, dict(res.dtypes or {}), mutated))
        return out

    def _reference(self, call):
        return {name: (ex if name == "loss" else ex.closed) for name, ex in self._expect(call).items()}

    def _failed(self, calls, failures, flags):
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
                if not unchanged(before, after):
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
                    f"loss is {fmt_num(loss)}, expected {fmt_num(ref_loss)} "
                    f"(relative error {gc.max_rel_error(loss, ref_loss, floor=1e-12):.1e}).{hint}"
                )
        # 5. gradients
        for name, ex in exp.items():
            if name == "loss":
                continue
            s = outs[name]
            if s.shape != ex.closed.shape:
                problems.append(diagnose_shape(s.shape, ex.closed.shape, name, n_batch))
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
                    f"(yours {fmt_num(s[idx])}, expected {fmt_num(expected[idx])}), shape {fmt_shape(s.shape)}."
                )
                hints = diagnose_values(s, ex)
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
        arr = as_array(v)
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
                per[name] = fmt_err(gc.max_rel_error(s, ex, floor=1e-12), below=1e-10)
                continue
            if s.shape != ex.closed.shape:
                per[name] = f"shape {fmt_shape(s.shape)} ≠ {fmt_shape(ex.closed.shape)}"
                continue
            err = gc.rel_error(s, ex.expected, floor=np.maximum(ex.atol / TOL, 1e-300))
            per[name] = fmt_err(float(err.max()) if err.size else 0.0)
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
