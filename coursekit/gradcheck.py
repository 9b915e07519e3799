"""Finite-difference gradient checking: the checker tests, lectures and autograder share.

The idea (lecture 03): a backward pass is right when it agrees with the slope of the
forward pass measured numerically. For a scalar function f and an entry xᵢ,

    ∂f/∂xᵢ ≈ (f(x + hᵢ eᵢ) − f(x − hᵢ eᵢ)) / (2 hᵢ)        (central difference)

with error O(hᵢ²) from truncation plus O(ε |f| / hᵢ) from rounding. The two balance at
hᵢ ≈ ε^(1/3) ≈ 6e-6 (ε = 2.2e-16, float64) times the scale of xᵢ — :func:`step_size`.

A backward function ``backward(dout, ...)`` returns the vector-Jacobian product
``Jᵀ dout``: the gradient of the scalar ⟨forward(x), dout⟩. :func:`numerical_vjp`
measures exactly that, so :func:`check_vjp` can check a backward pass against its
forward pass for any upstream gradient ``dout``. :func:`check_directional` checks the
same thing along random directions v with two evaluations per direction (PyTorch's
"fast gradcheck"): ⟨∇f, v⟩ ≈ (f(x + h v) − f(x − h v)) / 2h, cheap for big arrays.

Only float64 is accepted: in float32 a central difference has error ~1e-3, far above
the tolerances that separate a right gradient from a subtly wrong one.

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
    "check_directional",
    "require_float64",
    "fd_noise",
]

#: Machine epsilon of float64.
EPS = float(np.finfo(np.float64).eps)
#: Default tolerance on the relative error of a gradient entry.
DEFAULT_TOL = 1e-6
#: Default floor of :func:`rel_error`: entries where |a| + |b| is below it are
#: compared absolutely (error = |a − b| / floor).
DEFAULT_FLOOR = 1e-8

_LOW_PRECISION = (np.float16, np.float32)


# --------------------------------------------------------------------- validation
def require_float64(a, name):
    """Return ``a`` as a float64 array; refuse float16/float32 with a clear TypeError.

    Python numbers, lists and integer arrays are converted to float64 (they carry no
    precision to lose). A float16/float32 array or scalar is refused, because central
    differences in low precision cannot resolve the errors the check looks for.
    """
    dtype = getattr(a, "dtype", None)
    if dtype is not None and dtype in _LOW_PRECISION:
        raise TypeError(
            f"gradcheck needs float64: central differences in {np.dtype(dtype).name} have error "
            f"~1e-3; got {np.dtype(dtype).name} for {name!r} (use x.astype(np.float64))"
        )
    if isinstance(a, (str, bytes)) or a is None:
        raise TypeError(f"{name}: expected an array of numbers, got {type(a).__name__}")
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError) as exc:  # pragma: no cover - ragged input
        raise TypeError(f"{name}: expected an array of numbers, got {type(a).__name__} ({exc})") from None
    if arr.dtype in _LOW_PRECISION:
        raise TypeError(
            f"gradcheck needs float64: central differences in {arr.dtype.name} have error ~1e-3; "
            f"got {arr.dtype.name} for {name!r} (use x.astype(np.float64))"
        )
    if np.iscomplexobj(arr) or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{name}: expected a real numeric array, got dtype {arr.dtype}")
    return np.array(arr, dtype=np.float64).view(np.ndarray)


# -------------------------------------------------------------- finite differences
def step_size(x):
    """Central-difference step per entry: ``ε^(1/3) · max(1, |x|)``.

    ε^(1/3) ≈ 6.06e-6 balances truncation error (∝ h²) against rounding error
    (∝ ε/h); scaling by |x| keeps the step meaningful for large entries (a step of
    6e-6 added to 1e3 would lose 9 of its 16 digits to rounding).

    Parameters
    ----------
    x : array_like or float

    Returns
    -------
    h : ndarray of the shape of x (float64)
    """
    x = np.asarray(x, dtype=np.float64)
    return EPS ** (1.0 / 3.0) * np.maximum(1.0, np.abs(x))


def _steps(x, h):
    if h is None:
        return step_size(x)
    h_arr = np.broadcast_to(np.asarray(h, dtype=np.float64), x.shape)
    if np.any(~np.isfinite(h_arr)) or np.any(h_arr <= 0):
        raise ValueError(f"h: expected positive finite step(s), got {h!r}")
    return h_arr


def _scalar(value, what):
    v = np.asarray(value, dtype=np.float64)
    if v.size != 1:
        raise ValueError(f"{what}: expected f to return a scalar, got an array of shape {v.shape}")
    return float(v.reshape(()))


def numerical_grad(f, x, h=None):
    """Gradient of a scalar function by central differences, one entry at a time.

    ``gᵢ = (f(x + hᵢ eᵢ) − f(x − hᵢ eᵢ)) / (x₊ᵢ − x₋ᵢ)`` where the denominator is the
    step actually represented in floating point.

    Parameters
    ----------
    f : callable(ndarray) -> float
        Scalar function. It receives a perturbed COPY of ``x``; the caller's array is
        never written to.
    x : ndarray, float64, any shape
    h : float or ndarray, optional
        Step(s); default :func:`step_size` (x).

    Returns
    -------
    grad : ndarray, shape of x
    """
    x0 = require_float64(x, "x")
    steps = _steps(x0, h)
    xp = x0.copy()
    grad = np.zeros_like(x0)
    flat_x, flat_xp, flat_h, flat_g = x0.reshape(-1), xp.reshape(-1), steps.reshape(-1), grad.reshape(-1)
    for i in range(flat_x.size):
        xi = flat_x[i]
        hi = flat_h[i]
        plus, minus = xi + hi, xi - hi
        flat_xp[i] = plus
        fp = _scalar(f(xp), "f")
        flat_xp[i] = minus
        fm = _scalar(f(xp), "f")
        flat_xp[i] = xi
        flat_g[i] = (fp - fm) / (plus - minus)
    return grad


def _inner(out, dout):
    out = np.asarray(out, dtype=np.float64)
    if dout is None:
        return _scalar(out, "forward")
    if np.shape(dout) != out.shape and np.size(dout) != 1:
        raise ValueError(f"dout: expected the shape of the forward output {out.shape}, got {np.shape(dout)}")
    return float(np.sum(out * dout))


def numerical_vjp(f, inputs, dout, wrt=None, h=None):
    """Numerical vector-Jacobian product: the gradient of ⟨f(**inputs), dout⟩.

    This is what a backward function ``backward(dout, ...)`` must return, so the
    result can be compared with it entry by entry.

    Parameters
    ----------
    f : callable(**inputs) -> ndarray or float
        The trusted forward function.
    inputs : dict[str, array_like]
        Keyword arguments of ``f``. Non-array entries (labels, options) are passed
        through unchanged; arrays listed in ``wrt`` must be float64.
    dout : ndarray (shape of f's output) or float or None
        Upstream gradient; ``None`` or ``1.0`` for a scalar f (a loss).
    wrt : sequence of str, optional
        Inputs to differentiate; default every input that is a float array.
    h : float, ndarray or dict[str, ...], optional
        Step(s), per input if a dict; default :func:`step_size`.

    Returns
    -------
    dict[str, ndarray] — one gradient per name in ``wrt``, shaped like that input.
    """
    if not isinstance(inputs, dict):
        raise TypeError(f"inputs: expected a dict of keyword arguments, got {type(inputs).__name__}")
    names = _default_wrt(inputs) if wrt is None else list(wrt)
    base = dict(inputs)
    if dout is not None:
        dout = require_float64(dout, "dout")
    for name in names:
        if name not in inputs:
            raise ValueError(f"wrt: {name!r} is not one of the inputs {sorted(inputs)}")
        base[name] = require_float64(inputs[name], name)
    grads = {}
    for name in names:
        def g(v, _name=name):
            kw = dict(base)
            kw[_name] = v
            return _inner(f(**kw), dout)

        hn = h.get(name) if isinstance(h, dict) else h
        grads[name] = numerical_grad(g, base[name], hn)
    return grads


def numerical_jacobian(f, x, h=None):
    """Full Jacobian of ``f`` at ``x`` by central differences.

    Parameters
    ----------
    f : callable(ndarray) -> ndarray
    x : ndarray, float64

    Returns
    -------
    J : ndarray of shape ``f(x).shape + x.shape`` with ``J[..., i] = ∂f/∂xᵢ``.
    """
    x0 = require_float64(x, "x")
    steps = _steps(x0, h)
    out_shape = np.shape(f(x0.copy()))
    J = np.zeros(out_shape + (x0.size,))
    xp = x0.copy()
    flat_xp, flat_x, flat_h = xp.reshape(-1), x0.reshape(-1), steps.reshape(-1)
    for i in range(x0.size):
        xi, hi = flat_x[i], flat_h[i]
        plus, minus = xi + hi, xi - hi
        flat_xp[i] = plus
        fp = np.asarray(f(xp), dtype=np.float64)
        flat_xp[i] = minus
        fm = np.asarray(f(xp), dtype=np.float64)
        flat_xp[i] = xi
        J[..., i] = (fp - fm) / (plus - minus)
    return J.reshape(out_shape + x0.shape)


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
    if not margin > 0:
        raise ValueError(f"margin: expected a number > 0, got {margin!r}")
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
    analytic: float | None = None  # value at the worst index (or ⟨analytic, v⟩)
    numerical: float | None = None
    mode: str = "entrywise"  # or "directional"
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
            "mode": self.mode,
            "kink_count": self.kink_count,
            "kink_indices": [list(i) for i in self.kink_indices],
            "problem": self.problem,
        }


@dataclass
class GradcheckReport:
    """Result of :func:`check_vjp` / :func:`check_directional`: one row per output."""

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
                    ("PASS" if o.passed else "FAIL") + ("" if o.mode == "entrywise" else " (dir)"),
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


def _default_wrt(inputs):
    names = []
    for k, v in inputs.items():
        if isinstance(v, (np.ndarray, float)) and np.issubdtype(np.asarray(v).dtype, np.floating):
            names.append(k)
    return names


def fd_noise(forward, inputs, dout, steps):
    """Absolute noise of a central difference of ⟨forward, dout⟩, per entry.

    Rounding: each evaluation of the sum ⟨out, dout⟩ is off by about ε·Σ|outₖ doutₖ|;
    divided by 2h that gives ε·S/h. Truncation ∝ h²·|f'''| is estimated by h²·S
    (unit-scale curvature). A safety factor of 10 covers both constants.

    Parameters
    ----------
    forward : callable(**inputs) -> ndarray or float
    inputs : dict
    dout : ndarray or None (scalar forward)
    steps : ndarray, the steps hᵢ used for one input

    Returns
    -------
    atol : ndarray shaped like ``steps`` — differences below it are noise.
    """
    out = np.asarray(forward(**inputs), dtype=np.float64)
    d = 1.0 if dout is None else dout
    S = float(np.sum(np.abs(out * d))) + 1.0
    return 10.0 * (EPS * S / steps + steps**2 * S)


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
    if not isinstance(backward_outputs, dict):
        raise TypeError(
            f"backward_outputs: expected a dict name -> gradient (e.g. {{'x': dx}}), "
            f"got {type(backward_outputs).__name__}"
        )
    names = list(backward_outputs) if wrt is None else list(wrt)
    inputs, dout = _prepare_inputs(inputs, names, dout)
    analytic = {n: require_float64(backward_outputs[n], f"backward_outputs[{n!r}]") for n in names}
    kink_map = _normalize_kinks(kinks, names)
    numerical = numerical_vjp(forward, inputs, dout, wrt=names, h=h)
    rows = []
    for n in names:
        x = inputs[n]
        steps = _steps(x, h.get(n) if isinstance(h, dict) else h)
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


def check_directional(
    forward,
    backward_outputs,
    inputs,
    dout=None,
    n_directions=3,
    tol=DEFAULT_TOL,
    atol=None,
    rng=None,
    h=None,
):
    """Check gradients along random directions (PyTorch's fast-gradcheck idea).

    For each input n and each random direction v (standard normal, shape of the
    input), compare the numerical directional derivative of f = ⟨forward, dout⟩,

        (f(x + h v) − f(x − h v)) / 2h,

    with the analytic ⟨backward_outputs[n], v⟩: two forward evaluations per
    direction instead of two per entry (two more estimate the truncation error
    when ``atol`` is not given). A wrong gradient passes only if its error
    is orthogonal to every random v (probability zero).

    Parameters
    ----------
    forward, backward_outputs, inputs, dout, tol, atol
        As in :func:`check_vjp`.
    n_directions : int
        Random directions per input.
    rng : numpy.random.Generator or int, optional
    h : float, optional
        Step along v; default ε^(1/3)·max(1, max|x|) / ‖v‖∞.

    Returns
    -------
    GradcheckReport — rows with ``mode="directional"``; ``worst_index`` is None and
    analytic/numerical hold the directional derivatives of the worst direction.
    """
    rng = np.random.default_rng(rng)
    names = list(backward_outputs)
    inputs, dout = _prepare_inputs(inputs, names, dout)
    rows = []
    for n in names:
        a = require_float64(backward_outputs[n], f"backward_outputs[{n!r}]")
        x = inputs[n]
        if a.shape != x.shape:
            rows.append(
                OutputCheck(n, tuple(a.shape), np.inf, None, False, tol, mode="directional",
                            problem=f"shape {tuple(a.shape)}, expected {tuple(x.shape)} (the shape of {n})")
            )
            continue
        worst = (0.0, None, None)
        for _ in range(int(n_directions)):
            v = rng.standard_normal(x.shape)
            vmax = float(np.abs(v).max()) if v.size else 1.0
            step = (EPS ** (1.0 / 3.0) * max(1.0, float(np.abs(x).max(initial=0.0))) / vmax) if h is None else float(h)

            def f_at(t):
                kw = dict(inputs)
                kw[n] = x + t * v
                return _inner(forward(**kw), dout)

            num = (f_at(step) - f_at(-step)) / (2 * step)
            ana = float(np.sum(a * v))
            if atol is None:
                # rounding ≈ ε·S/h; truncation (∝ h²) estimated from the difference with
                # a doubled step: D(2h) − D(h) ≈ 3ch², so the error of D(h) is ≈ |D(2h) − D(h)|/3.
                num2 = (f_at(2 * step) - f_at(-2 * step)) / (4 * step)
                out = np.asarray(forward(**inputs), dtype=np.float64)
                S = float(np.sum(np.abs(out * (1.0 if dout is None else dout)))) + 1.0
                at = 10.0 * EPS * S / step + 2.0 * abs(num2 - num)
            else:
                at = float(atol)
            e = float(rel_error(ana, num, floor=max(at / tol, 1e-300)))
            if e >= worst[0] or worst[1] is None:
                worst = (e, ana, num)
        rows.append(OutputCheck(n, tuple(x.shape), worst[0], None, bool(worst[0] <= tol), tol,
                                worst[1], worst[2], mode="directional"))
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
