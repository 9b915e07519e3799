"""Argument validation: the one module every public function checks its inputs with.

Every error names the argument, what was expected and what was received, e.g.
``ValueError: W: expected a 2-D array, got shape (3,)`` or
``TypeError: seed: expected an integer, got str``. A wrong *type* raises ``TypeError``, a
value of the right type outside the allowed set raises ``ValueError``.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_float_array", "check_same_shape", "check_labels", "check_real", "check_positive",
    "check_in_range", "check_int", "check_choice", "check_instance", "check_callable",
    "check_methods",
]


def _all_finite(arr):
    """Whether every entry of ``arr`` is finite, in one pass without a temporary array.

    A finite sum implies finite entries (NaN and ±inf propagate); only when the sum is not
    finite — a bad entry, or finite entries whose sum overflows — are the entries scanned.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(arr.sum()):
            return True
    return bool(np.all(np.isfinite(arr)))


def as_float_array(a, name, ndim=None, allow_nonfinite=False, copy=False):
    """Return ``a`` as a float64 ndarray, validating type, dimension and finiteness.

    Never returns a view that the caller could write through into the user's array
    unless ``copy`` is False *and* the input already is float64; callers in this
    package never write into their inputs.
    """
    if isinstance(a, (str, bytes)) or a is None:
        raise TypeError(f"{name}: expected an array of numbers, got {type(a).__name__}")
    if isinstance(a, np.ndarray):
        if a.dtype == np.float32 or a.dtype == np.float16:
            pass  # upcast below; gradcheck refuses float32 explicitly
        elif not (np.issubdtype(a.dtype, np.number) or a.dtype == np.bool_):
            raise TypeError(f"{name}: expected a numeric array, got dtype {a.dtype}")
        if np.iscomplexobj(a):
            raise TypeError(f"{name}: expected a real array, got dtype {a.dtype}")
        arr = np.array(a, dtype=np.float64, copy=copy or None)
    else:
        try:
            arr = np.asarray(a, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name}: expected an array of numbers, got {type(a).__name__} ({exc})") from None
    if type(arr) is not np.ndarray:
        arr = np.asarray(arr).view(np.ndarray)
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-D array, got shape {arr.shape}")
    if not allow_nonfinite and arr.size and not _all_finite(arr):
        raise ValueError(f"{name}: expected finite values, got NaN or inf")
    return arr


def check_same_shape(a, a_name, b, b_name):
    if a.shape != b.shape:
        raise ValueError(f"{b_name}: expected the shape of {a_name} {a.shape}, got {b.shape}")


def check_labels(y, name, n_classes=None, n=None):
    """Validate integer class labels of shape (n,) and return them as int64."""
    y_arr = np.asarray(y)
    if y_arr.ndim != 1:
        raise ValueError(f"{name}: expected integer labels of shape (N,), got shape {y_arr.shape}")
    if n is not None and y_arr.shape[0] != n:
        raise ValueError(f"{name}: expected {n} labels (one per row), got {y_arr.shape[0]}")
    if y_arr.size and not np.issubdtype(y_arr.dtype, np.integer):
        if np.issubdtype(y_arr.dtype, np.floating) and np.all(np.isfinite(y_arr)) and np.all(y_arr == np.round(y_arr)):
            y_arr = y_arr.astype(np.int64)
        else:
            raise TypeError(f"{name}: expected integer labels, got dtype {y_arr.dtype}")
    y_arr = y_arr.astype(np.int64, copy=False)
    if n_classes is not None and y_arr.size and (y_arr.min() < 0 or y_arr.max() >= n_classes):
        raise ValueError(
            f"{name}: expected labels in [0, {n_classes}), got values in [{y_arr.min()}, {y_arr.max()}]"
        )
    return y_arr


def _real(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a real number, got {type(value).__name__}")
    return float(value)


def check_real(value, name):
    """Validate a finite real number (bools refused) and return it as float."""
    v = _real(value, name)
    if not np.isfinite(v):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    return v


def check_positive(value, name, allow_zero=False, allow_inf=False):
    """Validate a real hyperparameter > 0 (or ≥ 0) and return it as float."""
    v = _real(value, name)
    if np.isnan(v) or (np.isinf(v) and not allow_inf):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    if v < 0 or (v == 0 and not allow_zero):
        bound = "≥ 0" if allow_zero else "> 0"
        raise ValueError(f"{name}: expected a number {bound}, got {value!r}")
    return v


def check_in_range(value, name, low, high, low_inclusive=True, high_inclusive=False):
    """Validate a real hyperparameter in an interval and return it as float."""
    v = _real(value, name)
    ok_low = v >= low if low_inclusive else v > low
    ok_high = v <= high if high_inclusive else v < high
    if np.isnan(v) or not (ok_low and ok_high):
        lb = "[" if low_inclusive else "("
        hb = "]" if high_inclusive else ")"
        raise ValueError(f"{name}: expected a number in {lb}{low}, {high}{hb}, got {value!r}")
    return v


def check_int(value, name, low=1, high=None):
    """Validate an integer in [low, high] (``low=None``: no lower bound; bools refused); return an int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an integer, got {type(value).__name__}")
    v = int(value)
    if (low is not None and v < low) or (high is not None and v > high):
        if high is None:
            rng = f"≥ {low}"
        else:
            rng = f"≤ {high}" if low is None else f"in [{low}, {high}]"
        raise ValueError(f"{name}: expected an integer {rng}, got {value!r}")
    return v


def check_choice(value, name, choices):
    """Validate that ``value`` is one of ``choices`` (e.g. the keys of a dict) and return it."""
    try:
        ok = value in choices
    except TypeError:  # an unhashable value cannot be a dict key
        ok = False
    if not ok:
        raise ValueError(f"{name}: expected one of {list(choices)}, got {value!r}")
    return value


def check_instance(value, name, types, expected):
    """Validate ``isinstance(value, types)``; ``expected`` describes it ("a dict name -> array")."""
    if not isinstance(value, types):
        raise TypeError(f"{name}: expected {expected}, got {type(value).__name__}")
    return value


def check_callable(value, name, expected):
    """Validate that ``value`` is callable; ``expected`` describes it ("a callable k -> η")."""
    if not callable(value):
        raise TypeError(f"{name}: expected {expected}, got {type(value).__name__}")
    return value


def check_methods(obj, name, methods, expected):
    """Validate that ``obj`` has every method in ``methods`` (duck typing), naming the first missing one."""
    for m in methods:
        if not callable(getattr(obj, m, None)):
            raise TypeError(f"{name}: expected {expected}, got {type(obj).__name__} (no {m})")
    return obj
