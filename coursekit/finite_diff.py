"""Numerical derivatives by central differences (lecture 03), in float64 only.

For a scalar function f and an entry xᵢ,

    ∂f/∂xᵢ ≈ (f(x + hᵢ eᵢ) − f(x − hᵢ eᵢ)) / (2 hᵢ)        (central difference)

with error O(hᵢ²) from truncation plus O(ε |f| / hᵢ) from rounding. The two balance at
hᵢ ≈ ε^(1/3) ≈ 6e-6 (ε = 2.2e-16, float64) times the scale of xᵢ — :func:`step_size`;
:func:`fd_noise` estimates what is left.

A backward function ``backward(dout, ...)`` returns the vector-Jacobian product
``Jᵀ dout``: the gradient of the scalar ⟨forward(x), dout⟩. :func:`numerical_vjp`
measures exactly that, so it can be compared with a backward pass entry by entry
(:func:`coursekit.gradcheck.check_vjp` does, and reports).

Only float64 is accepted: in float32 a central difference has error ~1e-3, far above
the tolerances that separate a right gradient from a subtly wrong one.
"""

from __future__ import annotations

import numpy as np

from coursekit._validate import as_float_array, check_instance

__all__ = [
    "EPS",
    "require_float64",
    "step_size",
    "steps_for",
    "numerical_grad",
    "numerical_vjp",
    "numerical_jacobian",
    "fd_noise",
]

#: Machine epsilon of float64.
EPS = float(np.finfo(np.float64).eps)

_LOW_PRECISION = (np.float16, np.float32)


def _refuse_low_precision(dtype, name):
    if dtype in _LOW_PRECISION:
        raise TypeError(
            f"gradcheck needs float64: central differences in {np.dtype(dtype).name} have error "
            f"~1e-3; got {np.dtype(dtype).name} for {name!r} (use x.astype(np.float64))"
        )


def require_float64(a, name):
    """Return ``a`` as a float64 array (a copy); refuse float16/float32 with a clear TypeError.

    Python numbers, lists and integer arrays are converted to float64 (they carry no
    precision to lose). A float16/float32 array or scalar is refused, because central
    differences in low precision cannot resolve the errors the check looks for. NaN and
    inf are allowed (a wrong gradient may contain them; the check reports them).
    """
    dtype = getattr(a, "dtype", None)
    if dtype is not None:
        _refuse_low_precision(dtype, name)
    elif not (isinstance(a, (str, bytes)) or a is None):
        try:  # a list of float32 scalars is float32 too
            _refuse_low_precision(np.asarray(a).dtype, name)
        except (TypeError, ValueError):
            pass  # ragged or odd input: as_float_array says what is wrong
    return as_float_array(a, name, allow_nonfinite=True, copy=True)


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


def steps_for(x, h=None):
    """The steps hᵢ of a central difference at ``x``: ``h`` broadcast to x's shape, or :func:`step_size` (x)."""
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
    steps = steps_for(x0, h)
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
    check_instance(inputs, "inputs", dict, "a dict of keyword arguments")
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
    steps = steps_for(x0, h)
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
