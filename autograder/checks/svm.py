"""Checks of the ``svm`` assignment: the soft-margin objective and its training loop.

Students write::

    hinge_loss_and_grad(w, b, X, y, C)          -> (loss, dw, db)
    train_linear_svm(X, y, C, lr, epochs, seed) -> (w, b)

for the primal soft-margin objective, in scikit-learn's convention for C (contract D)::

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
for the student's (a bug there is charged once), on two data sets, and is graded on the fitted
model: its objective J must come within a tolerance of what the reference training loop
reaches with the same arguments (measured against the exact optimum from scikit-learn's SVC),
its training accuracy within 3 points of the reference loop's, the result reproducible for a
fixed ``seed``, with shapes w (D,) and a float b, and X, y unmodified.
"""

from __future__ import annotations

import inspect

import numpy as np

from autograder.checks.base import Call, CallResult, FunctionCheck

__all__ = ["checks", "reference_source", "objective", "HingeCheck", "TrainCheck",
           "ref_hinge_loss_and_grad", "ref_train_linear_svm"]


# ------------------------------------------------------------------ references
def ref_hinge_loss_and_grad(w, b, X, y, C):
    margins = y * (X @ w + b)
    active = margins < 1.0
    loss = 0.5 * float(w @ w) + C * float(np.sum(1.0 - margins[active]))
    dw = w - C * (y[active] @ X[active])
    db = -C * float(np.sum(y[active]))
    return loss, dw, db


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
    """Self-contained numpy source of the reference ``function``."""
    refs = {"hinge_loss_and_grad": ref_hinge_loss_and_grad, "train_linear_svm": ref_train_linear_svm}
    if function not in refs:
        raise ValueError(f"function: expected one of {sorted(refs)}, got {function!r}")
    src = inspect.getsource(refs[function]).replace(f"def ref_{function}", f"def {function}", 1)
    return "import numpy as np\n\n" + src


def _train_reference(X, y, C, lr, epochs, seed):
    ns = {"np": np, "hinge_loss_and_grad": ref_hinge_loss_and_grad}
    exec(compile(reference_source("train_linear_svm"), "<reference>", "exec"), ns)
    return ns["train_linear_svm"](X, y, C, lr, epochs, seed)


def objective(w, b, X, y, C) -> float:
    """J(w, b) = ½‖w‖² + C Σ max(0, 1 − yᵢ(w·xᵢ + b)) (trusted, float64)."""
    w = np.asarray(w, dtype=np.float64)
    m = y * (X @ w + b)
    return 0.5 * float(w @ w) + C * float(np.maximum(0.0, 1.0 - m).sum())


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
    points = 3.0

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
            return self.outcome(0.0, problems, flags)
        return self.outcome(self.points, [f"loss and (sub)gradients correct on all {len(calls)} cases"])

    def _judge_one(self, call, res, flags):
        where = f"at {call.case}"
        if res.status != "ok":
            if res.status != "error":
                flags.append(res.status)
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
        if not (np.isfinite(loss) and np.isfinite(db) and np.all(np.isfinite(dw))):
            return f"the outputs contain NaN or inf {where}"
        name = _mutated(call, res)
        if name:
            flags.append("mutates-input")
            return f"{self.function} modified its input {name} in place {where}: compute new arrays instead"
        J = objective(w, b, X, y, C)
        if abs(loss - J) > 1e-9 * max(1.0, abs(J)):
            msg = f"loss = {loss:.6g}, expected J = {J:.6g} (relative error {abs(loss - J) / max(abs(J), 1e-12):.2g}) {where}"
            hinge = J - 0.5 * float(w @ w)
            if abs(loss - hinge) < 1e-9 * max(1, abs(J)):
                msg += " — likely bug: the regularizer ½‖w‖² is missing"
            elif abs(loss - (float(w @ w) + hinge)) < 1e-9 * max(1, abs(J)):
                msg += " — likely bug: the regularizer is ½‖w‖², not ‖w‖² (scikit-learn's C convention)"
            elif abs(loss - (0.5 * float(w @ w) + hinge / len(y))) < 1e-9 * max(1, abs(J)):
                msg += " — likely bug: the hinge terms are summed (C Σ), not averaged"
            return msg
        margins = y * (X @ w + b)
        kink = np.abs(margins - 1.0) == 0.0
        active = margins < 1.0
        base_w = w - C * (y[active] @ X[active])
        base_b = -C * float(np.sum(y[active]))
        if not np.any(kink):
            # away from the kink: finite differences of the trusted objective
            fd_w, fd_b = _fd_grad(w, b, X, y, C)
            ew = float(np.max(np.abs(dw - fd_w)) / max(np.max(np.abs(fd_w)), 1e-8))
            eb = abs(db - fd_b) / max(abs(fd_b), 1e-8)
            bad = []
            if ew > 1e-6:
                bad.append(f"dw off by a relative error of {ew:.2g}")
            if eb > 1e-6 and abs(db - fd_b) > 1e-7:
                bad.append(f"db = {db:.6g}, expected {fd_b:.6g}")
            if not bad:
                return None
            msg = f"{', '.join(bad)} {where} (compared with central finite differences of J)"
            return msg + _hinge_diagnosis(dw, db, w, b, X, y, C, active)
        # at the kink: subgradient condition
        t, resid = _subgradient_fit(dw, db, base_w, base_b, X[kink], y[kink], C)
        scale = max(1.0, float(np.max(np.abs(base_w))), abs(base_b))
        if resid <= 1e-8 * scale:
            return None
        return (f"(dw, db) is not a subgradient of J at the kink {where}: for an example with margin exactly 1, "
                f"its hinge term may contribute −t·C·yᵢ(xᵢ, 1) with any t in [0, 1] (0 is the convention), "
                f"but no such choice gives your answer (distance {resid:.2g})"
                + _hinge_diagnosis(dw, db, w, b, X, y, C, margins <= 1.0))


def _fd_grad(w, b, X, y, C, h=1e-6):
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


def _hinge_diagnosis(dw, db, w, b, X, y, C, active):
    close = lambda a, e: np.allclose(a, e, rtol=1e-6, atol=1e-9)  # noqa: E731
    hw = -C * (y[active] @ X[active])
    hb = -C * float(np.sum(y[active]))
    if close(dw, hw) and close(db, hb):
        return " — likely bug: the gradient of the regularizer, w, is missing from dw"
    if close(dw, 2 * w + hw):
        return " — likely bug: the regularizer ½‖w‖² has gradient w, not 2w"
    if close(dw, w - hw) and close(db, -hb):
        return " — likely bug: the sign of the hinge term: ∂/∂w max(0, 1 − y(w·x + b)) = −y x where active"
    if close(dw, w + hw / len(y)):
        return " — likely bug: a factor 1/N: J sums the hinge terms (C Σᵢ), it does not average them"
    if close(dw, w + hw) and not close(db, hb):
        return " — likely bug: db = −C Σ yᵢ over the examples with margin < 1"
    return ""


# ------------------------------------------------------------------- train check
class TrainCheck(FunctionCheck):
    function = "train_linear_svm"
    points = 3.0
    overrides = ("hinge_loss_and_grad",)

    def calls(self, seed: int) -> list[Call]:
        rng = self.rng(seed)
        out = []
        for name, sep, C in [("two well-separated blobs", 2.5, 1.0), ("overlapping blobs", 1.0, 0.5)]:
            n = 60
            d = 2
            y = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
            centre = rng.normal(0, 1, d)
            centre *= sep / np.linalg.norm(centre)
            X = rng.normal(0, 1, (n, d)) + y[:, None] * centre / 2 + rng.normal(0, 0.5, d)
            s = int(rng.integers(0, 2**31 - 1))
            args = (X, y, C, 0.05, 300, s)
            out.append(Call(self.function, args, {}, f"{name} (N={n}, C={C:g}, lr=0.05, epochs=300, seed={s})"))
        # the same arguments again: the result must be reproducible for a fixed seed
        first = out[0]
        out.append(Call(self.function, first.args, {}, first.case + ", called a second time"))
        return out

    def judge(self, calls: list[Call], results: list[CallResult]):
        problems, flags, fits = [], [], []
        for call, res in zip(calls, results):
            where = f"on {call.case}"
            if res.status != "ok":
                if res.status != "error":
                    flags.append(res.status)
                problems.append(_status_message(self.function, res, where))
                fits.append(None)
                continue
            fit, msg = self._fit(call, res, where, flags)
            fits.append(fit)
            if msg:
                problems.append(msg)
        if len(results) < len(calls):
            problems.append(f"only {len(results)} of {len(calls)} runs returned a result")
        if len(fits) == len(calls) and fits[0] is not None and fits[-1] is not None:
            (w0, b0), (w1, b1) = fits[0], fits[-1]
            if not (np.array_equal(w0, w1) and b0 == b1):
                problems.append("two runs with the same arguments (and seed) gave different models: "
                                "draw all randomness from np.random.default_rng(seed)")
        problems = list(dict.fromkeys(problems))
        if problems:
            return self.outcome(0.0, problems[:4], flags)
        return self.outcome(self.points, ["the fitted models reach the reference objective and accuracy, reproducibly"])

    def _fit(self, call, res, where, flags):
        v = res.value
        X, y, C, lr, epochs, seed = call.args
        if not isinstance(v, (tuple, list)) or len(v) != 2:
            return None, f"{self.function} must return a tuple (w, b); got {type(v).__name__} {where}"
        w, b = v
        if not isinstance(w, np.ndarray) or w.dtype.kind not in "fi":
            return None, f"w must be a numpy array of shape ({X.shape[1]},); got {type(w).__name__} {where}"
        w = np.array(w, dtype=np.float64)
        if w.shape != (X.shape[1],):
            return None, f"w has shape {w.shape}, expected ({X.shape[1]},) {where}"
        b = _as_scalar(b)
        if b is None:
            return None, f"b must be a number (a float); got {type(v[1]).__name__} {where}"
        if not (np.all(np.isfinite(w)) and np.isfinite(b)):
            return None, f"the model contains NaN or inf {where} (is the step size applied correctly?)"
        name = _mutated(call, res)
        if name:
            flags.append("mutates-input")
            return None, f"{self.function} modified its input {name} in place {where}"
        J = objective(w, b, X, y, C)
        acc = float(np.mean(np.sign(X @ w + b) == y))
        wr, br = _train_reference(X, y, C, lr, epochs, seed)
        Jr = objective(wr, br, X, y, C)
        accr = float(np.mean(np.sign(X @ wr + br) == y))
        _, _, Jopt = optimum(X, y, C)
        allowed = Jr + max(0.5 * (Jr - Jopt), 0.02 * Jopt)
        msgs = []
        if J > allowed:
            msgs.append(f"the objective J = {J:.4g} of your model is too high {where}: the reference loop reaches "
                        f"{Jr:.4g} and the optimum is {Jopt:.4g} (allowed: ≤ {allowed:.4g}); check the update "
                        f"w ← w − η ∂J/∂w, the sign of the step, and that all {epochs} epochs run")
        if acc < accr - 0.03:
            msgs.append(f"training accuracy {acc:.1%} {where}, the reference loop reaches {accr:.1%}")
        return (w, b), "; ".join(msgs) or None


def checks() -> list[FunctionCheck]:
    """The two graded functions of ``svm``, in notebook order (6 points)."""
    return [HingeCheck(), TrainCheck()]
