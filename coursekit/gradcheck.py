"""Gradient checking: the checker tests, lectures and the grader share.

The idea (lecture 03): a backward pass is right when it agrees with the slope of the
forward pass measured numerically. A backward function ``backward(dout, ...)`` returns
the vector-Jacobian product ``Jᵀ dout``, the gradient of ⟨forward(x), dout⟩;
:func:`check_vjp` compares it entry by entry with the central differences of
:mod:`coursekit.finite_diff` (whose functions — :func:`numerical_vjp`, :func:`step_size`,
:func:`fd_noise`, ... — are importable from here too) and reports the worst
:func:`rel_error` per output.

Functions are not differentiable at kinks (ReLU at 0, the hinge at margin 1, a max with
ties); a central difference straddling a kink measures the average of the two one-sided
slopes. :func:`find_kinks` flags inputs within the step of a kink; the checks exclude
and report them (``kinks=`` option), and :func:`nudge_from_kinks` moves them away.

Examples
--------
>>> import numpy as np
>>> from coursekit import functional as F
>>> from coursekit.gradcheck import check_vjp
>>> rng = np.random.default_rng(0)
>>> x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(2, 3)), rng.normal(size=2)
>>> dout = rng.normal(size=(4, 2))
>>> dx, dW, db = F.linear_backward(dout, x, W)
>>> report = check_vjp(F.linear_forward, {"x": dx, "W": dW, "b": db},
...                    {"x": x, "W": W, "b": b}, dout)
>>> report.passed
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coursekit._validate import check_instance, check_positive
from coursekit.finite_diff import (EPS, fd_noise, numerical_grad, numerical_jacobian, numerical_vjp,
                                   require_float64, step_size, steps_for)

__all__ = [
    "EPS",
    "DEFAULT_TOL",
    "step_size",
    "numerical_grad",
    "numerical_vjp",
    "numerical_jacobian",
    "rel_error",
    "max_rel_error",
    "find_kinks",
    "nudge_from_kinks",
    "OutputCheck",
    "GradcheckReport",
    "check_vjp",
    "require_float64",
    "fd_noise",
]

#: Default tolerance on the relative error of a gradient entry.
DEFAULT_TOL = 1e-6
#: Default floor of :func:`rel_error`: entries where |a| + |b| is below it are
#: compared absolutely (error = |a − b| / floor).
DEFAULT_FLOOR = 1e-8


# ------------------------------------------------------------------ relative error
def rel_error(a, b, floor=DEFAULT_FLOOR):
    """Elementwise relative error ``|a − b| / max(|a| + |b|, floor)``.

    The sum |a| + |b| (not |b| alone) makes the metric symmetric and bounded by 1
    whenever the two have opposite signs. The ``floor`` matters where both entries
    are (nearly) zero — a ReLU gradient where z < 0, a saturated sigmoid: without it
    0/0 would be NaN and 1e-17 against 0 would count as a 100 % error. Below the
    floor the error is effectively absolute (|a − b| / floor). The default 1e-8 is
    about the absolute noise of a central difference of a unit-scale function
    (ε^(2/3) ≈ 4e-11 times a few hundred terms); the checks pass ``floor =
    atol / tol`` computed from the actual noise estimate.

    Parameters
    ----------
    a, b : array_like, broadcastable
    floor : float or ndarray > 0

    Returns
    -------
    ndarray of relative errors (NaN/inf inputs give inf).
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor)
    return np.where(np.isfinite(err), err, np.inf)


def max_rel_error(a, b, floor=DEFAULT_FLOOR):
    """``max`` of :func:`rel_error` over all entries (0.0 for empty arrays)."""
    err = rel_error(a, b, floor)
    return float(err.max()) if err.size else 0.0


# --------------------------------------------------------------------------- kinks
def find_kinks(x, kinks=(0.0,), tol=None):
    """Boolean mask of the entries of ``x`` on or within ``tol`` of a kink.

    Parameters
    ----------
    x : array_like
    kinks : sequence of float
        Where the function is not differentiable in x: (0.0,) for ReLU, (1.0,) for the
        hinge loss as a function of the margin y·s.
    tol : float or ndarray, optional
        Distance that counts as "near"; default the central-difference step
        :func:`step_size` (x) — a difference straddles the kink exactly then.

    Returns
    -------
    mask : ndarray of bool, shape of x
    """
    x = np.asarray(x, dtype=np.float64)
    tol = step_size(x) if tol is None else np.asarray(tol, dtype=np.float64)
    mask = np.zeros(x.shape, dtype=bool)
    for k in kinks:
        mask |= np.abs(x - float(k)) <= tol
    return mask


def nudge_from_kinks(x, kinks=(0.0,), margin=1e-3, rng=None):
    """Copy of ``x`` with every entry within ``margin`` of a kink moved away from it.

    An entry near kink k moves to ``k ± margin·(1 + u)``, u ~ U(0, 1), keeping its
    side of the kink (a random side for entries exactly on it).

    Parameters
    ----------
    x : ndarray
    kinks : sequence of float
    margin : float > 0
    rng : numpy.random.Generator or int, optional

    Returns
    -------
    ndarray (float64 copy)
    """
    margin = check_positive(margin, "margin")
    rng = np.random.default_rng(rng)
    out = np.array(x, dtype=np.float64, copy=True)
    for k in kinks:
        near = np.abs(out - float(k)) < margin
        if not near.any():
            continue
        side = np.sign(out[near] - float(k))
        zero = side == 0
        side[zero] = rng.choice([-1.0, 1.0], size=int(zero.sum()))
        out[near] = float(k) + side * margin * (1.0 + rng.random(int(near.sum())))
    return out


# ------------------------------------------------------------------------- reports
@dataclass
class OutputCheck:
    """The check of one gradient (one output of a backward pass)."""

    name: str
    shape: tuple
    max_rel_error: float
    worst_index: tuple | None
    passed: bool
    tol: float
    analytic: float | None = None  # value at the worst index
    numerical: float | None = None
    kink_count: int = 0  # entries skipped because they sit within a step of a kink
    kink_indices: list = field(default_factory=list)
    problem: str = ""  # e.g. "shape (1, 3), expected (3,)"

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "shape": list(self.shape),
            "max_rel_error": self.max_rel_error,
            "worst_index": None if self.worst_index is None else list(self.worst_index),
            "passed": self.passed,
            "tol": self.tol,
            "analytic": self.analytic,
            "numerical": self.numerical,
            "kink_count": self.kink_count,
            "kink_indices": [list(i) for i in self.kink_indices],
            "problem": self.problem,
        }


@dataclass
class GradcheckReport:
    """Result of :func:`check_vjp`: one row per output."""

    outputs: list[OutputCheck]

    @property
    def passed(self) -> bool:
        return all(o.passed for o in self.outputs)

    def __getitem__(self, name) -> OutputCheck:
        for o in self.outputs:
            if o.name == name:
                return o
        raise KeyError(name)

    @property
    def max_rel_error(self) -> float:
        return max((o.max_rel_error for o in self.outputs), default=0.0)

    @property
    def kinks(self) -> dict:
        """Name -> list of indices that were skipped because they sit on a kink."""
        return {o.name: o.kink_indices for o in self.outputs if o.kink_count}

    def to_dict(self) -> dict:
        return {"passed": self.passed, "outputs": [o.to_dict() for o in self.outputs]}

    def __str__(self) -> str:
        header = ("output", "shape", "max rel err", "worst index", "analytic", "numerical", "ok")
        rows = []
        for o in self.outputs:
            rows.append(
                (
                    o.name,
                    str(tuple(o.shape)),
                    "inf" if o.max_rel_error == np.inf else f"{o.max_rel_error:.2e}",
                    "-" if o.worst_index is None else str(tuple(int(i) for i in o.worst_index)),
                    "-" if o.analytic is None else f"{o.analytic:.6g}",
                    "-" if o.numerical is None else f"{o.numerical:.6g}",
                    "PASS" if o.passed else "FAIL",
                )
            )
        widths = [max(len(r[i]) for r in [header] + rows) for i in range(len(header))]
        fmt = "  ".join("{:<%d}" % w for w in widths)
        lines = [fmt.format(*header), fmt.format(*["-" * w for w in widths])]
        lines += [fmt.format(*r) for r in rows]
        notes = []
        for o in self.outputs:
            if o.problem:
                notes.append(f"{o.name}: {o.problem}")
            if o.kink_count:
                notes.append(
                    f"{o.name}: {o.kink_count} entr{'y' if o.kink_count == 1 else 'ies'} within a step of "
                    f"a kink skipped (first at {tuple(int(i) for i in o.kink_indices[0])})"
                )
        tol = self.outputs[0].tol if self.outputs else DEFAULT_TOL
        verdict = "PASSED" if self.passed else "FAILED"
        lines.append(f"gradcheck {verdict} (tol {tol:.0e})")
        lines += ["  note: " + n for n in notes]
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):  # IPython
        p.text(str(self))


def _normalize_kinks(kinks, names):
    if kinks is None:
        return {}
    if isinstance(kinks, dict):
        return {k: tuple(v) for k, v in kinks.items()}
    return {n: tuple(kinks) for n in names}


def check_vjp(
    forward,
    backward_outputs,
    inputs,
    dout=None,
    tol=DEFAULT_TOL,
    atol=None,
    wrt=None,
    kinks=None,
    h=None,
):
    """Check analytic gradients against central differences, entry by entry.

    An entry passes when ``|a − n| ≤ max(tol·(|a| + |n|), atol)``, i.e. when
    ``rel_error(a, n, floor=atol/tol) ≤ tol`` (a = analytic, n = numerical).

    Parameters
    ----------
    forward : callable(**inputs) -> ndarray or float
        The (trusted) forward computation.
    backward_outputs : dict[str, ndarray]
        Analytic gradient per input name, e.g. ``{"x": dx, "W": dW, "b": db}`` — the
        output of the backward pass for upstream gradient ``dout``.
    inputs : dict[str, array_like]
        Keyword arguments of ``forward`` (float64 arrays; other values pass through).
    dout : ndarray or None
        Upstream gradient, shape of forward's output; None for a scalar forward.
    tol : float
        Relative tolerance per entry (default 1e-6).
    atol : float or None
        Absolute tolerance; default an estimate of the finite-difference noise.
    wrt : sequence of str, optional
        Which outputs to check; default the keys of ``backward_outputs``.
    kinks : sequence of float or dict[str, sequence of float], optional
        Kink locations in the inputs (e.g. ``{"z": (0.0,)}`` for ReLU). Entries within
        a step of a kink are skipped and listed in the report.
    h : float, ndarray or dict, optional
        Finite-difference step(s); default :func:`step_size`.

    Returns
    -------
    GradcheckReport
    """
    check_instance(backward_outputs, "backward_outputs", dict, "a dict name -> gradient (e.g. {'x': dx})")
    names = list(backward_outputs) if wrt is None else list(wrt)
    inputs, dout = _prepare_inputs(inputs, names, dout)
    analytic = {n: require_float64(backward_outputs[n], f"backward_outputs[{n!r}]") for n in names}
    kink_map = _normalize_kinks(kinks, names)
    numerical = numerical_vjp(forward, inputs, dout, wrt=names, h=h)
    rows = []
    for n in names:
        x = inputs[n]
        steps = steps_for(x, h.get(n) if isinstance(h, dict) else h)
        a, num = analytic[n], numerical[n]
        if a.shape != x.shape:
            rows.append(
                OutputCheck(n, tuple(a.shape), np.inf, None, False, tol,
                            problem=f"shape {tuple(a.shape)}, expected {tuple(x.shape)} (the shape of {n})")
            )
            continue
        at = fd_noise(forward, inputs, dout, steps) if atol is None else np.full(x.shape, float(atol))
        err = rel_error(a, num, floor=np.maximum(at / tol, 1e-300))
        skip = np.zeros(x.shape, dtype=bool)
        if n in kink_map:
            skip = find_kinks(x, kink_map[n], tol=steps)
        checked = np.where(skip, 0.0, err)
        if checked.size and (~skip).any():
            flat = int(np.argmax(checked))
            worst = tuple(int(i) for i in np.unravel_index(flat, x.shape))
            m = float(checked.reshape(-1)[flat])
            av, nv = float(a.reshape(-1)[flat]), float(num.reshape(-1)[flat])
        else:
            worst, m, av, nv = None, 0.0, None, None
        kink_idx = [tuple(int(i) for i in ix) for ix in np.argwhere(skip)]
        rows.append(
            OutputCheck(n, tuple(x.shape), m, worst, bool(m <= tol), tol, av, nv,
                        kink_count=len(kink_idx), kink_indices=kink_idx)
        )
    return GradcheckReport(rows)


def _prepare_inputs(inputs, names, dout):
    """Copy the inputs dict, check every checked name is an input, require float64 throughout."""
    inputs = dict(inputs)
    for n in names:
        if n not in inputs:
            raise ValueError(f"backward_outputs: {n!r} is not one of the inputs {sorted(inputs)}")
        inputs[n] = require_float64(inputs[n], n)
    if dout is not None:
        dout = require_float64(dout, "dout")
    return inputs, dout
