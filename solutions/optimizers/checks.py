"""Checks of the ``optimizers`` assignment: one update step of four optimizers.

Students write pure step functions (state in, state out)::

    momentum_step(w, dw, grad, lr, beta)                       -> (w, dw)
    nesterov_step(w, dw, grad, lr, beta)                       -> (w, dw)
    adam_step(w, m, v, t, grad, lr, beta1, beta2, eps)         -> (w, m, v)
    rprop_step(w, prev_grad, size, grad, alpha, beta, step_min, step_max) -> (w, prev_grad, size)

How they are graded — against **reference trajectories on loss landscapes**, not finite
differences. The trusted process runs :mod:`coursekit.optim` (the course's reference
optimizers: ``Momentum``, ``Nesterov``, ``Adam``, ``Rprop``) on several landscapes — an
ill-conditioned quadratic, the Rosenbrock valley, a saddle-free "ravine", and a matrix-shaped
parameter on a random diagonal quadratic — from seeded random starts and hyperparameters.
Every step k of each trajectory becomes one call: the student's function gets the state the
reference optimizer had before step k (teacher forcing) and must return the state the
reference has after it, to a relative tolerance of 1e-9. So one wrong step is located exactly
("step 3 of Rosenbrock, w off by 12 %"), and a bug cannot hide behind a converging trajectory.

Also checked, as in the backprop checks: exact output shapes and types, float64 outputs (a
float32 answer is named as such), finite outputs, no modification of any input array. The
cases are the same for every student: those of the visible seed, then the hidden seed. When the answer matches a recognisable wrong variant
(sign error, torch's velocity convention, missing bias correction, ε inside the square root,
off-by-one t, the plain momentum step instead of Nesterov's, no return to the previous point
in Rprop, ...) the message names that bug: the catalogue of ``mistakes.py``, matched on every
step (:mod:`autograder.checks.mistakes`).

One module of a little over 500 lines: it holds the assignment's four step functions with their cases, expectations and diagnoses,
which read best together (see ARCHITECTURE.md, Assignments).
"""

from __future__ import annotations

import inspect

import numpy as np

from autograder.checks.base import STATUS_FLAG, Call, CallResult, Flag, FunctionCheck, dtype_problem, memoized
from autograder.checks.reference import bundle
from coursekit.optim import Adam, Momentum, Nesterov, Rprop

__all__ = ["POINTS", "checks", "reference_source", "LANDSCAPES", "MomentumCheck", "NesterovCheck", "AdamCheck", "RpropCheck"]

#: Points of each graded function, in notebook order (the notebook's builder reads them).
POINTS = {"momentum_step": 2.0, "nesterov_step": 2.0, "adam_step": 3.0, "rprop_step": 3.0}

RTOL = 1e-9
ATOL = 1e-12


# ------------------------------------------------------------------- landscapes
def _quadratic(w):
    """Ill-conditioned quadratic ½(w₀² + 25 w₁²) (condition number 25)."""
    return np.array([w[0], 25.0 * w[1]])


def _rosenbrock(w):
    """Gradient of (1 − x)² + 10 (y − x²)² (a softened Rosenbrock valley)."""
    x, y = w
    return np.array([-2.0 * (1.0 - x) - 40.0 * x * (y - x * x), 20.0 * (y - x * x)])


def _ravine(w):
    """Gradient of log(1 + x²) + 4 y² + 0.5 x y: curved, non-quadratic."""
    x, y = w
    return np.array([2.0 * x / (1.0 + x * x) + 0.5 * y, 8.0 * y + 0.5 * x])


def _make_diag(rng):
    a = rng.uniform(0.5, 6.0, size=(3, 4))
    return lambda w: a * w


#: name -> (shape of w, start sampler, gradient factory); learning rates are scaled by
#: LR_SCALE so that no reference trajectory diverges.
LR_SCALE = {"Rosenbrock valley": 0.1}
LANDSCAPES = {
    "quadratic (condition 25)": ((2,), lambda rng: rng.uniform(-2, 2, 2), lambda rng: _quadratic),
    "Rosenbrock valley": ((2,), lambda rng: np.array([-1.2, 1.0]) + rng.normal(0, 0.1, 2), lambda rng: _rosenbrock),
    "curved ravine": ((2,), lambda rng: rng.uniform(-2, 2, 2), lambda rng: _ravine),
    "diagonal quadratic, W of shape (3, 4)": ((3, 4), lambda rng: rng.normal(0, 1, (3, 4)), _make_diag),
}


# ------------------------------------------------------------------ references
# The trusted step of each graded function is one step of coursekit.optim's optimizer on one
# array (the one implementation; see ARCHITECTURE.md, Public interfaces, "coursekit.optim"):
# these adapters only translate the notebook's signature into the optimizer's state.
def _one_step(opt, w, grad, state):
    params = {"w": np.array(w, dtype=np.float64)}
    opt.state["w"] = state
    opt.step(params, {"w": np.asarray(grad, dtype=np.float64)})
    return params["w"], opt.state["w"]


def momentum_step(w, dw, grad, lr, beta):
    """(W, ΔW) after one :class:`coursekit.optim.Momentum` step."""
    return _one_step(Momentum(lr=lr, beta=beta), w, grad, np.array(dw, dtype=np.float64))


def nesterov_step(w, dw, grad, lr, beta):
    """(Ŵ, ΔW) after one :class:`coursekit.optim.Nesterov` step (Ŵ the look-ahead point)."""
    return _one_step(Nesterov(lr=lr, beta=beta), w, grad, np.array(dw, dtype=np.float64))


def adam_step(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """(W, m, v) after step number ``t`` (1 on the first call) of :class:`coursekit.optim.Adam`."""
    state = {"t": int(t) - 1, "m": np.array(m, dtype=np.float64), "v": np.array(v, dtype=np.float64)}
    w, state = _one_step(Adam(lr=lr, beta1=beta1, beta2=beta2, eps=eps), w, grad, state)
    return w, state["m"], state["v"]


def rprop_step(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    """(W, prevD, |Δw|) after one :class:`coursekit.optim.Rprop` step past the first."""
    state = {"prevD": np.array(prev_grad, dtype=np.float64), "size": np.array(size, dtype=np.float64)}
    opt = Rprop(lr=1.0, alpha=alpha, beta=beta, step_min=step_min, step_max=step_max)
    w, state = _one_step(opt, w, grad, state)
    return w, state["prevD"], state["size"]


_REFERENCES = {
    "momentum_step": momentum_step,
    "nesterov_step": nesterov_step,
    "adam_step": adam_step,
    "rprop_step": rprop_step,
}


def reference_source(function: str) -> str:
    """Self-contained source of the reference step ``function``: its adapter with the coursekit
    optimizer it runs, bundled (:func:`autograder.checks.reference.bundle`)."""
    if function not in _REFERENCES:
        raise ValueError(f"function: expected one of {sorted(_REFERENCES)}, got {function!r}")
    return bundle(_REFERENCES[function])


# ------------------------------------------------------------- trajectories
def _trajectory(opt_name, hyper, w0, gradf, steps):
    """Run coursekit.optim.<opt_name> for ``steps`` steps; return the per-step states.

    Returns a list of (state_before, grad, state_after) where a state is a dict of arrays
    named as the student function's arguments.
    """
    from coursekit import optim

    opt = getattr(optim, opt_name)(**hyper)
    params = {"w": np.array(w0, dtype=np.float64)}
    out = []
    for k in range(steps):
        g = gradf(params["w"].copy())
        before = _state(opt_name, opt, params)
        opt.step(params, {"w": g})
        after = _state(opt_name, opt, params)
        out.append((k, before, g, after))
    return out


def _state(opt_name, opt, params):
    w = params["w"].copy()
    st = opt.state.get("w")
    if opt_name in ("Momentum", "Nesterov"):
        return {"w": w, "dw": np.zeros_like(w) if st is None else np.array(st, dtype=np.float64)}
    if opt_name == "Adam":
        if st is None:
            return {"w": w, "m": np.zeros_like(w), "v": np.zeros_like(w), "t": 0}
        return {"w": w, "m": st["m"].copy(), "v": st["v"].copy(), "t": int(st["t"])}
    if opt_name == "Rprop":
        if st is None:
            return {"w": w, "prev_grad": None, "size": None}
        return {"w": w, "prev_grad": st["prevD"].copy(), "size": st["size"].copy()}
    raise ValueError(opt_name)


def _rel(a, b):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-12))


def _close(a, b):
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=RTOL, atol=ATOL))


class _StepCheck(FunctionCheck):
    """Common machinery: teacher-forced steps of reference trajectories."""

    opt_name = ""
    outputs: tuple[str, ...] = ()          # names of the returned state, in order
    steps = 6                               # steps per landscape
    landscapes = tuple(LANDSCAPES)

    # subclasses: hyperparameters for one trajectory, call args from a reference step,
    # the expected outputs (the recognisable wrong variants are in mistakes.py)
    def hyper(self, rng) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def make_call(self, before, g, hyper, case) -> Call:  # pragma: no cover
        raise NotImplementedError

    def expected(self, before, after) -> tuple:  # pragma: no cover
        raise NotImplementedError

    def usable(self, before, g, after) -> bool:
        return True

    def calls(self, seed: int) -> list[Call]:
        rng = self.rng(seed)
        out = []
        for i, name in enumerate(self.landscapes):
            self._landscape_index = i
            shape, start, gradf_factory = LANDSCAPES[name]
            gradf = gradf_factory(rng)
            hyper = self.hyper(rng)
            if "lr" in hyper and self.opt_name != "Rprop":
                hyper["lr"] *= LR_SCALE.get(name, 1.0)
            w0 = start(rng)
            traj = _trajectory(self.opt_name, hyper, w0, gradf, self.steps + 2)
            hp = ", ".join(f"{k}={v:g}" for k, v in hyper.items())
            n = 0
            for k, before, g, after in traj:
                finite = all(np.all(np.isfinite(v)) for v in (*before.values(), g, *after.values())
                             if isinstance(v, np.ndarray))
                if n >= self.steps or not finite or not self.usable(before, g, after):
                    continue
                case = f"step {k + 1} on the {name} ({hp})"
                call = self.make_call(before, g, hyper, case)
                call.kwargs = dict(call.kwargs)
                out.append(call)
                out[-1]._expected = self.expected(before, after)  # kept in the trusted process only
                n += 1
        return out

    # ------------------------------------------------------------------ judge
    def _expected_for(self, call):
        exp = getattr(call, "_expected", None)
        if exp is None:  # a Call rebuilt from plain data: recompute with the reference step (memoised)
            exp = memoized(f"optimizers.{self.function}", call, lambda: tuple(_REFERENCES[self.function](
                *_args(call), **call.kwargs)))
        return exp

    def judge(self, calls: list[Call], results: list[CallResult]) -> "TestOutcome":  # noqa: F821
        problems: list[str] = []
        flags: list[str] = []
        failing = []
        for call, res in zip(calls, results):
            msg = self._judge_one(call, res, flags)
            if msg is not None:
                failing.append(call.case)
                if msg not in problems and len(problems) < 2:
                    problems.append(msg)
        if len(results) < len(calls):
            problems.append(f"only {len(results)} of {len(calls)} steps returned a result")
        if not problems:
            return self.outcome(self.points, [f"all {len(calls)} steps match the reference trajectories "
                                              f"(relative error < {RTOL:g})"])
        if len(failing) > 1:
            where = [name for name in LANDSCAPES if any(name in c for c in failing)]
            problems.append(f"{len(failing)} of {len(calls)} reference steps fail (on: {'; '.join(where)})")
        return self.diagnosed(self.outcome(0.0, problems, sorted(set(flags))), calls,
                              self.answers(calls, results), self._reference)

    @property
    def mistakes(self):
        from autograder.checks.optimizers.mistakes import MISTAKES

        return MISTAKES.get(self.function, ())

    def _reference(self, call):
        return dict(zip(self.outputs, (np.asarray(e, dtype=np.float64) for e in self._expected_for(call))))

    def answers(self, calls, results):
        """The answers the catalogue of mistakes is matched against (:mod:`autograder.checks.mistakes`)."""
        from autograder.checks.mistakes import Answer

        out = []
        for call, res in zip(calls, results):
            if res.status != "ok":
                out.append(Answer(None, error=res.error or res.status))
                continue
            value = res.value
            outs = None
            if isinstance(value, (tuple, list)) and len(value) == len(self.outputs):
                try:
                    outs = {n: np.asarray(v, dtype=np.float64) for n, v in zip(self.outputs, value)}
                except (TypeError, ValueError):
                    outs = None
            mutated = res.args_after is not None and any(
                isinstance(a, np.ndarray) and not (isinstance(b, np.ndarray) and b.shape == a.shape
                                                   and np.array_equal(a, b))
                for a, b in zip(call.args, res.args_after))
            out.append(Answer(outs, dict(res.dtypes or {}), mutated))
        return out

    def _judge_one(self, call: Call, res: CallResult, flags: list[str]) -> str | None:
        where = f"at {call.case}"
        if res.status != "ok":
            labels = {
                "error": f"raised {res.error}",
                "missing": f"{self.function} is not defined (did you rename it or leave a syntax error?)",
                "timeout": "took too long (an endless loop?)",
                "cpu": "used too much CPU time (an endless loop?)",
                "memory": "used too much memory",
                "crashed": "crashed the Python process",
                "output_limit": "printed too much output",
                "refused": "used a reference implementation instead of its own code",
            }
            flags.append(STATUS_FLAG.get(res.status, res.status))
            if res.status == "missing" and res.error:  # the sandbox names the exception that caused it
                return res.error
            return f"{self.function} {labels.get(res.status, res.status + ': ' + res.error)} {where}".strip()
        value = res.value
        if not isinstance(value, (tuple, list)) or len(value) != len(self.outputs):
            return (f"{self.function} must return a tuple ({', '.join(self.outputs)}) of "
                    f"{len(self.outputs)} arrays; got {_describe(value)} {where}")
        expected = self._expected_for(call)
        for i, name in enumerate(self.outputs):
            problem = dtype_problem(res.dtypes, f"[{i}]", name)
            if problem:
                return f"{problem} {where}"
        got = []
        for name, v, e in zip(self.outputs, value, expected):
            if not isinstance(v, np.ndarray):
                if isinstance(v, (int, float)) and not isinstance(v, bool) and np.shape(e) == ():
                    v = np.array(v, dtype=np.float64)
                else:
                    return f"{name} must be a numpy array of shape {np.shape(e)}; got {_describe(v)} {where}"
            v = np.array(v, dtype=np.float64)
            if v.shape != np.shape(e):
                return f"{name} has shape {v.shape}, expected {np.shape(e)} (the shape of w) {where}"
            if not np.all(np.isfinite(v)):
                return f"{name} contains NaN or inf {where}"
            got.append(v)
        # mutation of inputs
        if res.args_after is not None:
            for i, (a, b) in enumerate(zip(call.args, res.args_after)):
                if isinstance(a, np.ndarray):
                    if not isinstance(b, np.ndarray) or b.shape != a.shape or not np.array_equal(a, b):
                        argname = self.arg_names[i] if i < len(self.arg_names) else f"argument {i}"
                        flags.append(Flag.MUTATES_INPUT)
                        return (f"{self.function} modified its input {argname} in place {where}: "
                                f"return new arrays (e.g. `w = w - ...`, not `w -= ...`)")
        wrong = [(name, v, np.asarray(e, dtype=np.float64)) for name, v, e in zip(self.outputs, got, expected)
                 if not _close(v, np.asarray(e, dtype=np.float64))]
        if not wrong:
            return None
        parts = [f"{name} off by a relative error of {_rel(v, e):.2g}" for name, v, e in wrong]
        return f"{', '.join(parts)} {where}"

    def margin(self, call: Call, res: CallResult) -> float:
        """max over outputs and entries of |yours − expected| / (ATOL + RTOL·|expected|): the
        fraction of np.allclose's tolerance used (≤ 1 passes; ``inf`` if it fails otherwise)."""
        if self._judge_one(call, res, []) is not None and res.status != "ok":
            return float("inf")
        value = res.value
        if not isinstance(value, (tuple, list)) or len(value) != len(self.outputs):
            return float("inf")
        worst = 0.0
        for i, (v, e) in enumerate(zip(value, self._expected_for(call))):
            if dtype_problem(res.dtypes, f"[{i}]", "x"):
                return float("inf")
            v, e = np.asarray(v, dtype=np.float64), np.asarray(e, dtype=np.float64)
            if v.shape != e.shape or not np.all(np.isfinite(v)):
                return float("inf")
            if v.size:
                worst = max(worst, float(np.max(np.abs(v - e) / (ATOL + RTOL * np.abs(e)))))
        return worst

    @property
    def arg_names(self):
        return list(inspect.signature(_REFERENCES[self.function]).parameters)


def _describe(v):
    if isinstance(v, np.ndarray):
        return f"an array of shape {v.shape}"
    if isinstance(v, (tuple, list)):
        return f"a {type(v).__name__} of length {len(v)}"
    return f"{type(v).__name__}"


def _args(call):
    return [np.array(a, dtype=np.float64) if isinstance(a, np.ndarray) else a for a in call.args]


# ------------------------------------------------------------------- checks
class MomentumCheck(_StepCheck):
    function = "momentum_step"
    points = POINTS["momentum_step"]
    opt_name = "Momentum"
    outputs = ("w", "dw")

    def hyper(self, rng):
        return {"lr": float(rng.choice([0.01, 0.02, 0.05])), "beta": float(rng.choice([0.5, 0.8, 0.9]))}

    def make_call(self, before, g, hyper, case):
        return Call(self.function, (before["w"], before["dw"], g, hyper["lr"], hyper["beta"]), {}, case)

    def expected(self, before, after):
        return (after["w"], after["dw"])


class NesterovCheck(MomentumCheck):
    """Same signature, state and hyperparameters as momentum_step; only the reference step differs."""

    function = "nesterov_step"
    points = POINTS["nesterov_step"]
    opt_name = "Nesterov"


class AdamCheck(_StepCheck):
    function = "adam_step"
    points = POINTS["adam_step"]
    opt_name = "Adam"
    outputs = ("w", "m", "v")

    def hyper(self, rng):
        return {"lr": float(rng.choice([0.01, 0.05, 0.1])), "beta1": float(rng.choice([0.8, 0.9])),
                "beta2": float(rng.choice([0.99, 0.999])), "eps": (1e-8, 1e-3)[getattr(self, "_landscape_index", 0) % 2]}

    def make_call(self, before, g, hyper, case):
        return Call(self.function, (before["w"], before["m"], before["v"], before["t"] + 1, g, hyper["lr"]),
                    {"beta1": hyper["beta1"], "beta2": hyper["beta2"], "eps": hyper["eps"]}, case)

    def expected(self, before, after):
        return (after["w"], after["m"], after["v"])


class RpropCheck(_StepCheck):
    function = "rprop_step"
    points = POINTS["rprop_step"]
    opt_name = "Rprop"
    outputs = ("w", "prev_grad", "size")
    steps = 12

    def hyper(self, rng):
        # every other landscape uses a high floor step_min, so the "stuck at the floor" rule is tested
        i = getattr(self, "_landscape_index", 0)
        return {"lr": float(rng.choice([0.05, 0.1, 0.2])), "alpha": 1.2, "beta": 0.5,
                "step_min": (1e-6, 0.02)[i % 2], "step_max": (50.0, 0.3)[i % 2]}

    def usable(self, before, g, after):
        # steps after the first, away from the corner case the notebook sets aside (a gradient
        # exactly 0, which has no sign)
        if before["prev_grad"] is None:
            return False
        return not (np.any(before["prev_grad"] == 0) or np.any(g == 0))

    def make_call(self, before, g, hyper, case):
        return Call(self.function, (before["w"], before["prev_grad"], before["size"], g),
                    {"alpha": hyper["alpha"], "beta": hyper["beta"], "step_min": hyper["step_min"],
                     "step_max": hyper["step_max"]}, case)

    def expected(self, before, after):
        return (after["w"], after["prev_grad"], after["size"])


def checks() -> list[FunctionCheck]:
    """The four graded functions of ``optimizers``, in notebook order (10 points)."""
    return [MomentumCheck(), NesterovCheck(), AdamCheck(), RpropCheck()]
