"""Checks of the ``svm`` assignment: the soft-margin objective and its training loop.

Students write::

    hinge_loss_and_grad(w, b, X, y, C)          -> (loss, dw, db)
    train_linear_svm(X, y, C, lr, epochs, seed) -> (w, b)

for the primal soft-margin objective, in scikit-learn's convention for C (see ARCHITECTURE.md, Public interfaces, "coursekit.svm")::

    J(w, b) = ½‖w‖² + C Σᵢ max(0, 1 − yᵢ (w·xᵢ + b)),   yᵢ ∈ {−1, +1}.

``hinge_loss_and_grad`` (3 points) is checked

* **away from the kink** (every margin yᵢ(w·xᵢ + b) at least 1e-3 from 1): the loss against
  the trusted formula, ``dw`` and ``db`` against central finite differences of the trusted J
  (``coursekit.gradcheck`` style, float64), on several shapes (N = 1, N ≥ 8, D = 1 … 5);
* **at the kink** (examples placed exactly on the margin, with dyadic numbers so the margin
  is exactly 1 in floating point): J is not differentiable there, so finite differences say
  nothing; instead the returned (dw, db) must be a valid **subgradient**:
  (dw, db) = (w, 0) − C Σ_{margin<1} yᵢ(xᵢ, 1) − C Σ_{margin=1} tᵢ yᵢ(xᵢ, 1) for some
  tᵢ ∈ [0, 1] (checked by bounded least squares on the tᵢ).

``train_linear_svm`` (3 points) runs with the **reference** ``hinge_loss_and_grad`` substituted
for the student's (a bug there is charged once), on the data sets of :data:`TRAIN_SETS` (each
drawn for the visible and for the hidden seed, the same for every student), and is graded on the
fitted model against the exact optimum J* (scikit-learn's SVC), by a target that the notebook
states in words and that both of its routes reach — full-batch subgradient descent with
η_t = lr/√t keeping the best iterate, and per-example stochastic subgradient descent over
``np.random.default_rng(seed)`` permutations with η_t = lr/√(epoch) keeping the best end-of-epoch
model (``benchmarks/bench_svm_target.py`` measures honest variants and typical bugs over 60
training seeds)::

    J(w, b) ≤ J* + GAP_TOL·(J(0, 0) − J*)     (J(0, 0) = C·N: the start w = 0, b = 0)
    accuracy ≥ accuracy of the optimum − ACC_TOL

The result must also be reproducible for a fixed ``seed`` (a small data set is run twice with the
same arguments; cheap, so a stochastic solution is not run for longer than needed), with shapes
w (D,) and a float b, float64, and X, y unmodified.

One module of a little over 500 lines: it holds the assignment's two checks with their cases, the optimum, the subgradient test at the kink and the training target,
which read best together (see ARCHITECTURE.md, Assignments).
"""

from __future__ import annotations

import inspect

import numpy as np

from coursekit import functional as F

from autograder.checks.reference import bundle
from autograder.checks.base import STATUS_FLAG, Call, CallResult, Flag, FunctionCheck, dtype_problem, memoized

__all__ = ["POINTS", "checks", "reference_source", "objective", "HingeCheck", "TrainCheck",
           "ref_hinge_loss_and_grad", "ref_train_linear_svm"]

#: Points of each graded function, in notebook order (the notebook's builder reads them).
POINTS = {"hinge_loss_and_grad": 3.0, "train_linear_svm": 3.0}

#: hinge_loss_and_grad: relative tolerance of the loss (against the trusted J, scale max(1, |J|)),
#: of dw and db against central finite differences, absolute tolerance of db, and of the
#: subgradient residual at the kink (scale max(1, |base|)).
LOSS_RTOL = 1e-9
GRAD_RTOL = 1e-6
DB_ATOL = 1e-7
KINK_RTOL = 1e-8


# ------------------------------------------------------------------ references
#: The trusted hinge objective and its subgradient: coursekit's one implementation
#: (:func:`coursekit.functional.svm_objective`, on :func:`coursekit.functional.hinge_loss`).
ref_hinge_loss_and_grad = F.svm_objective


def ref_train_linear_svm(X, y, C, lr, epochs, seed):
    rng = np.random.default_rng(seed)
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    best = (np.inf, w.copy(), b)
    for t in range(1, epochs + 1):
        loss, dw, db = hinge_loss_and_grad(w, b, X, y, C)  # noqa: F821 (defined beside it)
        if loss < best[0]:
            best = (loss, w.copy(), b)
        eta = lr / np.sqrt(t)
        w = w - eta * dw
        b = b - eta * db
    loss, _, _ = hinge_loss_and_grad(w, b, X, y, C)  # noqa: F821
    if loss < best[0]:
        best = (loss, w.copy(), b)
    _ = rng
    return best[1], float(best[2])


def reference_source(function: str) -> str:
    """Self-contained numpy source of the reference ``function``: ``hinge_loss_and_grad`` is
    :func:`coursekit.functional.svm_objective` bundled (:func:`autograder.checks.reference.bundle`);
    ``train_linear_svm`` is the notebook's full-batch route (a loop, not a formula) over it."""
    if function == "hinge_loss_and_grad":
        return bundle(F.svm_objective, name=function)
    if function == "train_linear_svm":
        src = inspect.getsource(ref_train_linear_svm).replace(f"def ref_{function}", f"def {function}", 1)
        return "import numpy as np\n\n" + src
    raise ValueError(f"function: expected one of ['hinge_loss_and_grad', 'train_linear_svm'], got {function!r}")


def objective(w, b, X, y, C) -> float:
    """J(w, b) = ½‖w‖² + C Σ max(0, 1 − yᵢ(w·xᵢ + b)) (trusted, float64; :func:`coursekit.functional.svm_objective`)."""
    return F.svm_objective(w, b, X, y, C)[0]


def optimum(X, y, C):
    """Exact minimiser of J from scikit-learn's SVC (linear kernel): (w*, b*, J*)."""
    from sklearn.svm import SVC

    clf = SVC(kernel="linear", C=C, tol=1e-8).fit(X, y)
    w = clf.coef_.ravel().astype(np.float64)
    b = float(clf.intercept_[0])
    return w, b, objective(w, b, X, y, C)


# ------------------------------------------------------------------ helpers
_STATUS = {
    "missing": "is not defined (did you rename it or leave a syntax error?)",
    "timeout": "took too long (an endless loop?)",
    "cpu": "used too much CPU time (an endless loop?)",
    "memory": "used too much memory",
    "crashed": "crashed the Python process",
    "output_limit": "printed too much output",
    "refused": "used a reference implementation instead of its own code",
}


def _status_message(function, res, where):
    if res.status == "error":
        return f"{function} raised {res.error} {where}"
    if res.status == "missing" and res.error:  # the sandbox names the exception that caused it
        return res.error
    return f"{function} {_STATUS.get(res.status, res.status + ' ' + res.error)} {where}"


def _as_scalar(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, np.ndarray) and v.size == 1 and v.ndim <= 1 and v.dtype.kind in "fi":
        return float(v.reshape(-1)[0])
    return None


def _mutated(call, res):
    if res.args_after is None:
        return None
    names = ["w", "b", "X", "y", "C"] if call.function == "hinge_loss_and_grad" else ["X", "y", "C", "lr", "epochs", "seed"]
    for i, (a, b) in enumerate(zip(call.args, res.args_after)):
        if isinstance(a, np.ndarray):
            if not isinstance(b, np.ndarray) or b.shape != a.shape or not np.array_equal(a, b):
                return names[i] if i < len(names) else f"argument {i}"
    return None


def _dyadic(rng, shape, scale=4):
    """Random numbers that are multiples of 1/8 (exact in binary floating point)."""
    return rng.integers(-scale * 8, scale * 8 + 1, size=shape).astype(np.float64) / 8.0


# ------------------------------------------------------------------- hinge check
class HingeCheck(FunctionCheck):
    function = "hinge_loss_and_grad"
    points = POINTS["hinge_loss_and_grad"]

    def calls(self, seed: int) -> list[Call]:
        rng = self.rng(seed)
        out = []
        for n, d, note in [(1, 3, "a single example (N=1)"), (8, 2, "N=8, D=2"), (13, 5, "N=13, D=5"),
                           (20, 1, "N=20, D=1")]:
            C = float(rng.choice([0.1, 1.0, 3.0]))
            for _ in range(100):
                X = rng.normal(0, 1.5, (n, d))
                y = rng.choice([-1.0, 1.0], size=n)
                w = rng.normal(0, 1, d)
                b = float(rng.normal(0, 0.5))
                m = y * (X @ w + b)
                if np.all(np.abs(m - 1.0) > 1e-3) and (n == 1 or (np.any(m < 1) and np.any(m > 1))):
                    break
            out.append(Call(self.function, (w, b, X, y, C), {}, f"{note}, C={C:g}, margins away from the kink"))
        # exactly at the kink: dyadic numbers, margins exactly 1 for the first k examples
        for n, d, k in [(6, 3, 1), (9, 2, 3)]:
            C = 1.0
            w = _dyadic(rng, d, 2)
            w[0] = 1.0
            b = float(_dyadic(rng, (), 1))
            X = _dyadic(rng, (n, d))
            y = rng.choice([-1.0, 1.0], size=n)
            for i in range(k):  # solve x_i0 so that y_i (w·x_i + b) = 1 exactly (w0 = 1)
                rest = float(X[i, 1:] @ w[1:])
                X[i, 0] = y[i] * 1.0 - b - rest   # since y_i = ±1, y_i (x_i0 + rest + b) = 1
            m = y * (X @ w + b)
            assert np.all(m[:k] == 1.0)
            out.append(Call(self.function, (w, b, X, y, C), {},
                            f"N={n}, D={d}, C={C:g}, {k} example{'s' if k > 1 else ''} exactly on the margin (the kink)"))
        return out

    def judge(self, calls: list[Call], results: list[CallResult]):
        problems, flags = [], []
        for call, res in zip(calls, results):
            msg = self._judge_one(call, res, flags)
            if msg and msg not in problems:
                problems.append(msg)
            if len(problems) >= 4:
                break
        if len(results) < len(calls):
            problems.append(f"only {len(results)} of {len(calls)} cases returned a result")
        if problems:
            return self.diagnosed(self.outcome(0.0, problems, flags), calls, _answers(calls, results, _hinge_outputs),
                                  _hinge_reference)
        return self.outcome(self.points, [f"loss and (sub)gradients correct on all {len(calls)} cases"])

    @property
    def mistakes(self):
        from autograder.checks.svm.mistakes import MISTAKES

        return MISTAKES[self.function]

    def _judge_one(self, call, res, flags):
        where = f"at {call.case}"
        if res.status != "ok":
            flags.append(STATUS_FLAG.get(res.status, res.status))
            return _status_message(self.function, res, where)
        v = res.value
        if not isinstance(v, (tuple, list)) or len(v) != 3:
            return f"{self.function} must return a tuple (loss, dw, db); got {type(v).__name__} {where}"
        w, b, X, y, C = call.args
        loss = _as_scalar(v[0])
        if loss is None:
            return f"loss must be a number (a Python float); got {type(v[0]).__name__} {where}"
        dw = v[1]
        if not isinstance(dw, np.ndarray) or dw.dtype.kind not in "fi":
            return f"dw must be a numpy array of shape {w.shape}; got {type(dw).__name__} {where}"
        dw = np.array(dw, dtype=np.float64)
        if dw.shape != w.shape:
            return f"dw has shape {dw.shape}, expected {w.shape} (the shape of w) {where}"
        db = _as_scalar(v[2])
        if db is None:
            return f"db must be a number (a float, like b); got {type(v[2]).__name__} {where}"
        for i, out in enumerate(("loss", "dw", "db")):
            problem = dtype_problem(res.dtypes, f"[{i}]", out)
            if problem:
                return f"{problem} {where}"
        if not (np.isfinite(loss) and np.isfinite(db) and np.all(np.isfinite(dw))):
            return f"the outputs contain NaN or inf {where}"
        name = _mutated(call, res)
        if name:
            flags.append(Flag.MUTATES_INPUT)
            return f"{self.function} modified its input {name} in place {where}: compute new arrays instead"
        J = objective(w, b, X, y, C)
        if abs(loss - J) > LOSS_RTOL * max(1.0, abs(J)):
            return f"loss = {loss:.6g}, expected J = {J:.6g} (relative error {abs(loss - J) / max(abs(J), 1e-12):.2g}) {where}"
        margins = y * (X @ w + b)
        kink = np.abs(margins - 1.0) == 0.0
        active = margins < 1.0
        base_w = w - C * (y[active] @ X[active])
        base_b = -C * float(np.sum(y[active]))
        if not np.any(kink):
            # away from the kink: finite differences of the trusted objective
            ew, eb, fd_b = self._grad_errors(call, dw, db)
            bad = []
            if ew > GRAD_RTOL:
                bad.append(f"dw off by a relative error of {ew:.2g}")
            if eb > 1.0:
                bad.append(f"db = {db:.6g}, expected {fd_b:.6g}")
            if not bad:
                return None
            return f"{', '.join(bad)} {where} (compared with central finite differences of J)"
        # at the kink: subgradient condition
        t, resid = _subgradient_fit(dw, db, base_w, base_b, X[kink], y[kink], C)
        scale = max(1.0, float(np.max(np.abs(base_w))), abs(base_b))
        if resid <= KINK_RTOL * scale:
            return None
        return (f"(dw, db) is not a subgradient of J at the kink {where}: for an example with margin exactly 1, "
                f"its hinge term may contribute −t·C·yᵢ(xᵢ, 1) with any t in [0, 1] (0 is the convention), "
                f"but no such choice gives your answer (distance {resid:.2g})")


    def _grad_errors(self, call, dw, db):
        """(relative error of dw, error of db as a fraction of its tolerance, numerical db)
        against central finite differences of the trusted J (memoised per call)."""
        fd_w, fd_b = memoized("svm.hinge.fd", call, lambda: _fd_grad(*call.args))
        ew = float(np.max(np.abs(dw - fd_w)) / max(np.max(np.abs(fd_w)), 1e-8))
        eb = abs(db - fd_b) / max(abs(fd_b), 1e-8)
        # db passes when its relative error is ≤ GRAD_RTOL or its absolute error ≤ DB_ATOL
        return ew, min(eb / GRAD_RTOL, abs(db - fd_b) / DB_ATOL), fd_b

    def margin(self, call: Call, res: CallResult) -> float:
        """Worst error of one result as a fraction of the tolerance that passes it (≤ 1
        passes; ``inf`` for a result that fails for another reason)."""
        if self._judge_one(call, res, []) is not None:
            return float("inf")
        w, b, X, y, C = call.args
        loss, dw, db = _as_scalar(res.value[0]), np.asarray(res.value[1], dtype=np.float64), _as_scalar(res.value[2])
        J = objective(w, b, X, y, C)
        worst = abs(loss - J) / (LOSS_RTOL * max(1.0, abs(J)))
        margins = y * (X @ w + b)
        kink = margins == 1.0
        if not np.any(kink):
            ew, eb, _ = self._grad_errors(call, dw, db)
            return max(worst, ew / GRAD_RTOL, eb)
        active = margins < 1.0
        base_w = w - C * (y[active] @ X[active])
        base_b = -C * float(np.sum(y[active]))
        _, resid = _subgradient_fit(dw, db, base_w, base_b, X[kink], y[kink], C)
        scale = max(1.0, float(np.max(np.abs(base_w))), abs(base_b))
        return max(worst, resid / (KINK_RTOL * scale))


def _fd_grad(w, b, X, y, C, h=1e-5):
    # J is piecewise quadratic, so a central difference is exact up to rounding (≈ ε·|J|/h) as
    # long as no margin crosses 1 within the step: the cases keep every margin 1e-3 away from
    # 1, and h·|xᵢ| ≤ 1e-4 here.
    gw = np.zeros_like(w)
    for i in range(w.size):
        e = np.zeros_like(w)
        e[i] = h
        gw[i] = (objective(w + e, b, X, y, C) - objective(w - e, b, X, y, C)) / (2 * h)
    gb = (objective(w, b + h, X, y, C) - objective(w, b - h, X, y, C)) / (2 * h)
    return gw, gb


def _subgradient_fit(dw, db, base_w, base_b, Xk, yk, C):
    """Best t ∈ [0,1]^k with (dw, db) ≈ (base_w, base_b) − C Σ t_i y_i (x_i, 1); returns (t, residual)."""
    from scipy.optimize import lsq_linear

    A = -C * np.vstack([(yk[:, None] * Xk).T, yk[None, :]])      # (D+1, k)
    rhs = np.concatenate([dw - base_w, [db - base_b]])
    sol = lsq_linear(A, rhs, bounds=(0.0, 1.0), method="bvls", tol=1e-14)
    resid = float(np.max(np.abs(A @ sol.x - rhs)))
    return sol.x, resid


# ------------------------------------------------------------------- train check
#: The data sets of ``train_linear_svm``: (name, distance between the class centres, C, lr).
#: Each catches some bugs (see benchmarks/bench_svm_target.py for the measured distributions):
#: a large lr makes a constant step oscillate; a small C makes the ½‖w‖² term matter.
TRAIN_SETS = (
    ("well-separated blobs, a large learning rate", 4.0, 0.5, 1.0),
    ("well-separated blobs", 4.0, 0.5, 0.3),
    ("overlapping blobs, strong regularization", 2.0, 0.1, 0.3),
)
TRAIN_N = 60
TRAIN_EPOCHS = 300
#: The target: J(w, b) ≤ J* + GAP_TOL·(J(0, 0) − J*), i.e. the model removes at least 99.6 % of
#: the excess objective of the starting point w = 0, b = 0 (J* = the optimum, from SVC).
GAP_TOL = 0.004
#: ... and a training accuracy at most ACC_TOL below the optimum's.
ACC_TOL = 0.10


def target_text() -> str:
    """The training target in words (the notebook says the same)."""
    return (f"J(w, b) ≤ J* + {GAP_TOL:g}·(J(0, 0) − J*), i.e. training removes at least "
            f"{100 * (1 - GAP_TOL):g}% of the excess objective J(0, 0) − J* of the start w = 0, b = 0 "
            f"(J* = the optimum, J(0, 0) = C·N), and a training accuracy at most {ACC_TOL * 100:.0f} points "
            f"below the optimum's")


REPRO_MARK = "(reproducibility: the same arguments twice must give the same model)"


def _same_args(a, b) -> bool:
    return len(a) == len(b) and all(
        (isinstance(u, np.ndarray) and isinstance(v, np.ndarray) and u.shape == v.shape and np.array_equal(u, v))
        or (not isinstance(u, np.ndarray) and not isinstance(v, np.ndarray) and u == v) for u, v in zip(a, b))


def _optimum_of(call):
    X, y, C = call.args[:3]
    return memoized("svm.optimum", Call(call.function, (X, y, C)), lambda: _optimum_with_accuracy(X, y, C))


def _optimum_with_accuracy(X, y, C):
    w, b, J = optimum(X, y, C)
    return J, float(np.mean(np.sign(X @ w + b) == y))


class TrainCheck(FunctionCheck):
    function = "train_linear_svm"
    points = POINTS["train_linear_svm"]
    overrides = ("hinge_loss_and_grad",)

    def calls(self, seed: int) -> list[Call]:
        rng = self.rng(seed)
        out = []
        n, d = TRAIN_N, 2
        y = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
        for name, sep, C, lr in TRAIN_SETS:
            angle = rng.uniform(0.0, 2.0 * np.pi)
            rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
            centre = rot @ np.array([sep, 0.0])
            offset = rot @ np.array([0.3, -0.2])  # so the optimal b is not 0
            X = rng.normal(0, 1, (n, d)) + y[:, None] * centre / 2 + offset
            s = int(rng.integers(0, 2**31 - 1))
            args = (X, y.copy(), C, lr, TRAIN_EPOCHS, s)
            out.append(Call(self.function, args, {},
                            f"{name} (N={n}, C={C:g}, lr={lr:g}, epochs={TRAIN_EPOCHS}, seed={s})"))
        # reproducibility: a small data set, run twice with the same arguments (and seed)
        m = 16
        ys = np.where(np.arange(m) % 2 == 0, 1.0, -1.0)
        Xs = rng.normal(0, 1, (m, d)) + ys[:, None] * np.array([2.0, 0.0])
        args = (Xs, ys, 0.5, 0.3, 20, int(rng.integers(0, 2**31 - 1)))
        for k in (1, 2):
            out.append(Call(self.function, args, {}, f"a small data set (N={m}, C=0.5, lr=0.3, epochs=20, "
                                                      f"seed={args[-1]}), run {k} of 2 {REPRO_MARK}"))
        return out

    def judge(self, calls: list[Call], results: list[CallResult]):
        problems, flags, fits = [], [], []
        for call, res in zip(calls, results):
            where = f"on {call.case}"
            if res.status != "ok":
                flags.append(STATUS_FLAG.get(res.status, res.status))
                problems.append(_status_message(self.function, res, where))
                fits.append(None)
                continue
            fit, msg = self._fit(call, res, where, flags)
            fits.append(fit)
            if msg:
                problems.append(msg)
        if len(results) < len(calls):
            problems.append(f"only {len(results)} of {len(calls)} runs returned a result")
        for i, call in enumerate(calls):  # a repeated call must give the same model
            j = next((k for k in range(i) if _same_args(calls[k].args, call.args)), None)
            if j is not None and i < len(fits) and fits[i] is not None and fits[j] is not None:
                (w0, b0), (w1, b1) = fits[j], fits[i]
                if not (np.array_equal(w0, w1) and b0 == b1):
                    problems.append("two runs with the same arguments (and seed) gave different models: "
                                    "draw all randomness from np.random.default_rng(seed)")
        problems = list(dict.fromkeys(problems))
        if problems:
            out = self.diagnosed(self.outcome(0.0, problems[:4], flags), calls, _answers(calls, results, _model_outputs),
                                 _train_reference)
            if out.diagnoses:  # the mistake is named: the list of things to check would only distract
                epochs = calls[0].args[4]
                out.messages = [m.replace(_checklist(epochs), "") for m in out.messages]
            return out
        return self.outcome(self.points, [f"the fitted models reach the target ({target_text()}) on every "
                                          f"data set, reproducibly"])

    @property
    def mistakes(self):
        from autograder.checks.svm.mistakes import MISTAKES

        return MISTAKES[self.function]

    def _measure(self, call, w, b):
        """(gap, accuracy, J, J*, accuracy of the optimum) of the model (w, b)."""
        X, y, C = call.args[:3]
        J = objective(w, b, X, y, C)
        Jopt, acc_opt = _optimum_of(call)
        J0 = C * len(y)  # J(0, 0): every margin is 0
        gap = (J - Jopt) / (J0 - Jopt)
        acc = float(np.mean(np.sign(X @ w + b) == y))
        return gap, acc, J, Jopt, acc_opt

    def _model(self, call, res, where):
        """((w, b) as float64, None) or (None, problem)."""
        v = res.value
        X = call.args[0]
        if not isinstance(v, (tuple, list)) or len(v) != 2:
            return None, f"{self.function} must return a tuple (w, b); got {type(v).__name__} {where}"
        w, b = v
        if not isinstance(w, np.ndarray) or w.dtype.kind not in "fi":
            return None, f"w must be a numpy array of shape ({X.shape[1]},); got {type(w).__name__} {where}"
        for i, out in enumerate(("w", "b")):
            problem = dtype_problem(res.dtypes, f"[{i}]", out)
            if problem:
                return None, f"{problem} {where}"
        w = np.array(w, dtype=np.float64)
        if w.shape != (X.shape[1],):
            return None, f"w has shape {w.shape}, expected ({X.shape[1]},) {where}"
        b = _as_scalar(b)
        if b is None:
            return None, f"b must be a number (a float); got {type(v[1]).__name__} {where}"
        if not (np.all(np.isfinite(w)) and np.isfinite(b)):
            return None, f"the model contains NaN or inf {where} (is the step size applied correctly?)"
        return (w, b), None

    def _fit(self, call, res, where, flags):
        model, problem = self._model(call, res, where)
        if problem:
            return None, problem
        w, b = model
        name = _mutated(call, res)
        if name:
            flags.append(Flag.MUTATES_INPUT)
            return None, f"{self.function} modified its input {name} in place {where}"
        if REPRO_MARK in call.case:  # only compared with its twin (see judge)
            return (w, b), None
        X, y, C, lr, epochs, seed = call.args
        gap, acc, J, Jopt, acc_opt = self._measure(call, w, b)
        J0 = C * len(y)
        msgs = []
        if gap > GAP_TOL:
            msgs.append(
                f"the objective J = {J:.5g} of your model is too high {where}: the target is "
                f"J ≤ J* + {GAP_TOL:g}·(J(0, 0) − J*) = {Jopt + GAP_TOL * (J0 - Jopt):.5g}, where J* = {Jopt:.5g} "
                f"is the optimum (scikit-learn's SVC) and J(0, 0) = C·N = {J0:.5g} the start: training must remove "
                f"{100 * (1 - GAP_TOL):g}% of the excess J(0, 0) − J*, yours removes {100 * (1 - gap):.2f}%."
                + _checklist(epochs))
        if acc < acc_opt - ACC_TOL:
            msgs.append(f"training accuracy {acc:.1%} {where}: the target is at least {acc_opt - ACC_TOL:.1%} "
                        f"(the optimum's {acc_opt:.1%} minus {ACC_TOL * 100:.0f} points)")
        return (w, b), "; ".join(msgs) or None

    def margin(self, call: Call, res: CallResult) -> float:
        """max(gap / GAP_TOL, accuracy shortfall / ACC_TOL): ≤ 1 passes the target (``inf``
        for a result that fails otherwise)."""
        if res.status != "ok":
            return float("inf")
        model, problem = self._model(call, res, "")
        if problem:
            return float("inf")
        if REPRO_MARK in call.case:
            return 0.0
        gap, acc, _, _, acc_opt = self._measure(call, *model)
        return max(gap / GAP_TOL, (acc_opt - acc) / ACC_TOL)


def _checklist(epochs) -> str:
    """What to check when the objective is too high and no catalogued mistake explains it."""
    return (f" Check the sign of the step (w ← w − η ∂J/∂w), the gradient of ½‖w‖², the decreasing step "
            f"η_t = lr/√t, that all {epochs} epochs run, and that you return the best (w, b) seen")


# ------------------------------------------------------------------- diagnoses
def _answers(calls, results, outputs):
    """The answers the catalogue of mistakes is matched against (:mod:`autograder.checks.mistakes`)."""
    from autograder.checks.mistakes import Answer

    out = []
    for call, res in zip(calls, results):
        if res.status != "ok":
            out.append(Answer(None, error=res.error or res.status))
            continue
        try:
            outs = outputs(res.value)
        except (TypeError, ValueError, IndexError):
            outs = None
        out.append(Answer(outs, dict(res.dtypes or {}), _mutated(call, res) is not None))
    return out


def _hinge_outputs(v):
    if not isinstance(v, (tuple, list)) or len(v) != 3 or _as_scalar(v[0]) is None or _as_scalar(v[2]) is None:
        return None
    return {"loss": _as_scalar(v[0]), "dw": np.asarray(v[1], dtype=np.float64), "db": _as_scalar(v[2])}


def _model_outputs(v):
    if not isinstance(v, (tuple, list)) or len(v) != 2 or _as_scalar(v[1]) is None:
        return None
    return {"w": np.asarray(v[0], dtype=np.float64), "b": _as_scalar(v[1])}


def _hinge_reference(call):
    loss, dw, db = F.svm_objective(*call.args)
    return {"loss": float(loss), "dw": dw, "db": float(db)}


def _train_reference(call):
    from autograder.checks.svm.mistakes import train_variant

    X, y, C, lr, epochs, _ = call.args
    return memoized("svm.train.reference", call, lambda: train_variant(X, y, C, lr, epochs))


def checks() -> list[FunctionCheck]:
    """The two graded functions of ``svm``, in notebook order (6 points)."""
    return [HingeCheck(), TrainCheck()]
