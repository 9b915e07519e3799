"""Self-checks of the svm notebook.

``hinge_loss_and_grad``: the loss on cases whose value is known (small dyadic examples worked out by
hand, so they are exact in floating point), the (sub)gradient against central finite differences of
the student's OWN objective on random cases away from the kink (so the gradient must fit the loss,
and the loss is pinned by the known answers), and at the kink — an example exactly on the margin,
where J has no gradient — the known set of valid subgradients. ``train_linear_svm``: the fitted
model against the exact optimum J* of scikit-learn's ``SVC`` (J from :func:`coursekit.functional.svm_objective`,
the library's, which also stands in for the student's ``hinge_loss_and_grad`` while the training loop
is checked, as the grader does), reproducibly for a fixed seed.
"""

from __future__ import annotations

import numpy as np

from coursekit import functional as F
from coursekit.selfcheck.core import Case, Spec, fmt_err, fmt_num, need_array, need_scalar

__all__ = ["SPECS", "GAP_TOL", "ACC_TOL"]

LOSS_RTOL = 1e-9
GRAD_RTOL = 1e-6
DB_ATOL = 1e-7
KINK_ATOL = 1e-8
#: The training target (the notebook states it): J ≤ J* + GAP_TOL·(J(0, 0) − J*), accuracy ≥ optimum's − ACC_TOL.
GAP_TOL = 0.004
ACC_TOL = 0.10
SEED = 4242

#: (w, b, X, y, C, known J, known (dw, db) or None, the kink's (x, y) or None): worked out by hand.
KNOWN = (
    ([1.0, -0.5], 0.25, [[1.0, 1.0], [0.5, -1.0], [-1.0, 0.0], [2.0, 0.5]], [1.0, -1.0, 1.0, 1.0], 1.0,
     4.875, ([1.5, -2.5], -1.0), "N=4, D=2, C=1, a worked example"),
    ([0.5, 0.25, -1.0], -0.5, [[1.0, 2.0, 0.5]], [-1.0], 0.5,
     1.15625, ([1.0, 1.25, -0.75], 0.5), "a single example (N=1), C=0.5, a worked example"),
    # example 0 sits exactly on the margin: any (dw, db) = (−0.5 − 2t, −0.5), db = −2t with t in [0, 1]
    ([1.0, 0.5], 0.0, [[1.0, 0.0], [0.25, 1.0], [-0.5, 0.5]], [1.0, 1.0, -1.0], 2.0,
     2.625, None, "N=3, D=2, C=2, example 0 exactly on the margin (the kink)"),
)
_KINK_BASE = (np.array([-0.5, -0.5]), 0.0)       # t = 0 (the usual convention)
_KINK_DIR = (np.array([-2.0, 0.0]), -2.0)        # −C·y₀(x₀, 1): added t times


def _hinge_cases(ns):
    out = []
    for w, b, X, y, C, J, grad, label in KNOWN:
        out.append(Case(label, (np.array(w), b, np.array(X), np.array(y), C), expect=("known", J, grad)))
    rng = np.random.default_rng(SEED)
    for n, d, label in ((8, 2, "N=8, D=2"), (13, 5, "N=13, D=5"), (20, 1, "N=20, D=1")):
        C = float(rng.choice([0.1, 1.0, 3.0]))
        for _ in range(100):
            X, y = rng.normal(0, 1.5, (n, d)), rng.choice([-1.0, 1.0], size=n)
            w, b = rng.normal(0, 1, d), float(rng.normal(0, 0.5))
            m = y * (X @ w + b)
            if np.all(np.abs(m - 1.0) > 1e-3) and np.any(m < 1) and np.any(m > 1):
                break
        out.append(Case(f"{label}, C={C:g}, margins away from the kink", (w, b, X, y, C), expect=("fd", None, None)))
    return out


def _unpack(value, w):
    if not isinstance(value, (tuple, list)) or len(value) != 3:
        return None, f"hinge_loss_and_grad must return a tuple (loss, dw, db); got {type(value).__name__}"
    loss, problem = need_scalar(value[0], "loss")
    if problem:
        return None, problem
    dw, problem = need_array(value[1], "dw", w.shape)
    if problem:
        return None, problem + (" (the shape of w)" if "shape" in problem else "")
    db, problem = need_scalar(value[2], "db")
    if problem:
        return None, problem.replace("must be a float", "must be a float, like b")
    return (loss, dw, db), None


def _own_fd(fn, w, b, X, y, C, h=1e-5):
    """Central differences of the student's own J (piecewise quadratic: exact up to rounding)."""
    def J(w_, b_):
        loss, problem = need_scalar(fn(w_, b_, X.copy(), y.copy(), C)[0], "loss")
        if problem:
            raise ValueError(problem)
        return loss
    gw = np.zeros_like(w)
    for i in range(w.size):
        e = np.zeros_like(w)
        e[i] = h
        gw[i] = (J(w + e, b) - J(w - e, b)) / (2 * h)
    return gw, (J(w, b + h) - J(w, b - h)) / (2 * h)


def _make_hinge_judge(state):
    def judge(case, value):
        w, b, X, y, C = case.args
        outs, problem = _unpack(value, w)
        if problem:
            return [problem], {"return value": problem.split(":")[0]}
        loss, dw, db = outs
        kind, J, grad = case.expect
        problems, errors = [], {}
        if kind == "known":
            e = abs(loss - J) / max(1.0, abs(J))
            errors["loss"] = fmt_err(e, 1e-12)
            if e > LOSS_RTOL:
                problems.append(f"loss = {fmt_num(loss)}, expected J = {fmt_num(J)}")
            if grad is not None:
                ew = float(np.max(np.abs(dw - grad[0])) / max(float(np.max(np.abs(grad[0]))), 1e-8))
                errors["dw"], errors["db"] = fmt_err(ew, 1e-12), fmt_err(abs(db - grad[1]), 1e-12)
                if ew > GRAD_RTOL:
                    problems.append(f"dw = {np.round(dw, 6)}, expected {np.asarray(grad[0])}")
                if abs(db - grad[1]) > max(DB_ATOL, GRAD_RTOL * abs(grad[1])):
                    problems.append(f"db = {fmt_num(db)}, expected {fmt_num(grad[1])}")
            else:  # the kink: (dw, db) = base + t·dir for some t in [0, 1]
                (bw, bb), (dw_dir, db_dir) = _KINK_BASE, _KINK_DIR
                d = np.concatenate([dw_dir, [db_dir]])
                r = np.concatenate([dw - bw, [db - bb]])
                t = float(np.clip(r @ d / (d @ d), 0.0, 1.0))
                resid = float(np.max(np.abs(r - t * d)))
                errors["(dw, db)"] = f"distance {fmt_err(resid, 1e-12)} from the valid subgradients"
                if resid > KINK_ATOL * max(1.0, float(np.max(np.abs(bw)))):
                    problems.append("(dw, db) is not a subgradient of J at the kink: an example with margin exactly 1 "
                                    "may contribute −t·C·yᵢ(xᵢ, 1) with any t in [0, 1] (0 is the convention); here "
                                    f"that allows dw = {bw} + t·{dw_dir}, db = {bb:g} + t·({db_dir:g}); yours: "
                                    f"dw = {np.round(dw, 6)}, db = {db:.6g}")
            return problems, errors
        fw, fb = _own_fd(state.student, w, b, X, y, C)
        ew = float(np.max(np.abs(dw - fw)) / max(float(np.max(np.abs(fw))), 1e-8))
        eb = abs(db - fb) / max(abs(fb), 1e-8)
        errors["dw"], errors["db"] = fmt_err(ew), fmt_err(eb)
        if ew > GRAD_RTOL:
            problems.append(f"dw off by a relative error of {ew:.2g} (compared with central finite differences "
                            f"of your own loss: the gradient does not fit the loss you return)")
        if eb > GRAD_RTOL and abs(db - fb) > DB_ATOL:
            problems.append(f"db = {db:.6g}, expected {fb:.6g} (central finite differences of your own loss)")
        return problems, errors

    return judge


# ------------------------------------------------------------------ train_linear_svm
_TRAIN_SETS = (("well-separated blobs, a large learning rate", 4.0, 0.5, 1.0),
               ("overlapping blobs, strong regularization", 2.0, 0.1, 0.3))
#: The exact optimum (J*, training accuracy) of each data set of :data:`_TRAIN_SETS` as drawn from
#: SEED, from scikit-learn's SVC (tol 1e-8): stored, so a self-check fits nothing
#: (``tests/coursekit/test_selfcheck.py`` recomputes them).
OPTIMA = ((1.6732680712392183, 1.0), (3.5607661365262255, 0.7666666666666667))
TRAIN_N, TRAIN_EPOCHS = 60, 300


def _optimum(X, y, C):
    from sklearn.svm import SVC

    clf = SVC(kernel="linear", C=C, tol=1e-8).fit(X, y)
    w, b = clf.coef_.ravel().astype(np.float64), float(clf.intercept_[0])
    return F.svm_objective(w, b, X, y, C)[0], float(np.mean(np.sign(X @ w + b) == y))


def _train_cases(ns):
    """The data sets and their optima (SVC fits: computed once per process, they depend on nothing else)."""
    if not _TRAIN_CASES:
        _TRAIN_CASES.extend(_make_train_cases())
    return list(_TRAIN_CASES)


_TRAIN_CASES: list = []


def _make_train_cases():
    rng = np.random.default_rng(SEED + 1)
    y = np.where(np.arange(TRAIN_N) % 2 == 0, 1.0, -1.0)
    out = []
    for (name, sep, C, lr), optimum in zip(_TRAIN_SETS, OPTIMA):
        a = rng.uniform(0.0, 2.0 * np.pi)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        X = rng.normal(0, 1, (TRAIN_N, 2)) + y[:, None] * (rot @ np.array([sep, 0.0])) / 2 + rot @ np.array([0.3, -0.2])
        s = int(rng.integers(0, 2**31 - 1))
        out.append(Case(f"{name} (N={TRAIN_N}, C={C:g}, lr={lr:g}, epochs={TRAIN_EPOCHS}, seed={s})",
                        (X, y.copy(), C, lr, TRAIN_EPOCHS, s), expect=optimum))
    m = 16
    ys = np.where(np.arange(m) % 2 == 0, 1.0, -1.0)
    Xs = rng.normal(0, 1, (m, 2)) + ys[:, None] * np.array([2.0, 0.0])
    args = (Xs, ys, 0.5, 0.3, 20, int(rng.integers(0, 2**31 - 1)))
    for k in (1, 2):
        out.append(Case(f"a small data set (N={m}, epochs=20, seed={args[-1]}), run {k} of 2", args, expect=None))
    return out


def _train_judge(case, value):
    X, y, C, lr, epochs, seed = case.args
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        return [f"train_linear_svm must return a tuple (w, b); got {type(value).__name__}"], {"return value": "?"}
    w, problem = need_array(value[0], "w", (X.shape[1],))
    if problem is None:
        b, problem = need_scalar(value[1], "b")
    if problem:
        return [problem], {"model": problem.split(":")[0]}
    if case.expect is None:  # the reproducibility runs: compared with each other
        return [], {"model": "ok"}
    Jopt, acc_opt = case.expect
    J = F.svm_objective(w, b, X, y, C)[0]
    J0 = C * len(y)
    gap = (J - Jopt) / (J0 - Jopt)
    acc = float(np.mean(np.sign(X @ w + b) == y))
    problems = []
    if gap > GAP_TOL:
        problems.append(
            f"the objective J = {J:.5g} of your model is too high: the target is J ≤ J* + {GAP_TOL:g}·(J(0, 0) − J*) = "
            f"{Jopt + GAP_TOL * (J0 - Jopt):.5g} (J* = {Jopt:.5g} the optimum, J(0, 0) = C·N = {J0:.5g}): training must "
            f"remove {100 * (1 - GAP_TOL):g}% of the excess, yours removes {100 * (1 - gap):.2f}%. Check the sign of "
            f"the step, the decreasing step η_t = lr/√t, that all {epochs} epochs run, and that you return the best "
            f"(w, b) seen")
    if acc < acc_opt - ACC_TOL:
        problems.append(f"training accuracy {acc:.1%}: the target is at least {acc_opt - ACC_TOL:.1%}")
    return problems, {"excess J removed": f"{100 * (1 - gap):.2f}% (target ≥ {100 * (1 - GAP_TOL):g}%)",
                      "accuracy": f"{acc:.1%}"}


def _hinge_spec():
    spec = Spec("hinge_loss_and_grad", ("w", "b", "X", "y", "C"), _hinge_cases, None,
                what="loss against worked examples, gradients against finite differences of your own loss")
    spec.judge = _make_hinge_judge(spec)  # finite differences of the student's own loss: spec.student
    return spec


SPECS = {
    "hinge_loss_and_grad": _hinge_spec(),
    "train_linear_svm": Spec("train_linear_svm", ("X", "y", "C", "lr", "epochs", "seed"), _train_cases, _train_judge,
                             overrides={"hinge_loss_and_grad": F.svm_objective}, repeat_twins=True,
                             what="the fitted model against the exact optimum (scikit-learn's SVC)"),
}
