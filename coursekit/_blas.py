"""One fused BLAS call numpy does not expose: the gradient-descent update ``W ← W − η δᵀx``.

A plain SGD step on a Linear layer computes the weight gradient with a matrix product,
``∇W = δᵀx`` (M×N times N×D), and then reads it again to update ``W ← W − η∇W``. The BLAS
routine behind numpy's ``@`` can do both at once — ``dgemm`` computes ``C ← αAB + βC`` — with
α = −η and β = 1 and C = W: the update then costs nothing beyond the product (the product
reads and writes C anyway), instead of a second pass over two W-sized arrays that have
left the cache by then (on a 784-512-10 step that pass is ~8 % of the step).

numpy gives no access to α and β, so this module calls the *same* OpenBLAS library numpy
itself loaded (found with threadpoolctl; not scipy's copy, whose separate thread pool would
fight numpy's for the cores), through ctypes. It is an optimisation only:

* :func:`gemm_update` returns False — and does nothing — whenever it cannot be used: numpy
  linked against another BLAS, no such symbol, arrays that are not C-contiguous float64,
  the environment variable ``COURSEKIT_FUSED_GEMM=0``, or a failed self-test at first use
  (a small product compared with numpy's). Callers then do the two numpy steps.
* Rounding: OpenBLAS forms the product as numpy's ``@`` does and adds ``α·(product)`` to C,
  so the result equals ``W − η·(δᵀx)`` computed by numpy in two steps whenever the inner
  dimension N fits one of OpenBLAS's blocks (N ≤ 256 here, i.e. every batch ≤ 256); for
  larger N the partial sums are added to W block by block, which can differ in the last bit.
"""

from __future__ import annotations

import ctypes
import os

import numpy as np

__all__ = ["gemm_update", "available"]

_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
_state = {"fn": None, "checked": False}


def _find_numpy_openblas():
    """numpy's own OpenBLAS ``cblas_dgemm`` (ILP64 or LP64) as a ctypes function, or None."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # pragma: no cover - threadpoolctl is a declared dependency
        return None
    numpy_dir = os.path.dirname(os.path.dirname(os.path.abspath(np.__file__)))
    for info in threadpool_info():
        path = os.path.abspath(info.get("filepath") or "")
        # numpy's wheel keeps it in site-packages/numpy.libs (numpy/.dylibs on macOS); skip
        # others, e.g. scipy.libs/…: a second OpenBLAS with its own thread pool.
        if info.get("internal_api") != "openblas" or not os.path.relpath(path, numpy_dir).startswith("numpy"):
            continue
        try:
            lib = ctypes.CDLL(path)
        except OSError:  # pragma: no cover - it is loaded already
            return None
        for name, integer in (("scipy_cblas_dgemm64_", ctypes.c_int64), ("cblas_dgemm64_", ctypes.c_int64),
                              ("scipy_cblas_dgemm", ctypes.c_int32), ("cblas_dgemm", ctypes.c_int32)):
            fn = getattr(lib, name, None)
            if fn is not None:
                I, P = integer, ctypes.c_void_p
                fn.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, I, I, I, ctypes.c_double,
                               P, I, P, I, ctypes.c_double, P, I]
                fn.restype = None
                return fn
    return None


def _self_test(fn):
    """The fused call must agree with numpy on a small case with both transposes."""
    rng = np.random.default_rng(0)
    ok = True
    for trans in (False, True):
        A = rng.standard_normal((5, 3)) if trans else rng.standard_normal((3, 5))
        B = rng.standard_normal((5, 4))
        C = rng.standard_normal((3, 4))
        want = C - 0.25 * ((A.T if trans else A) @ B)
        got = C.copy()
        _call(fn, got, A, B, -0.25, trans)
        ok = ok and np.allclose(got, want, rtol=1e-13, atol=1e-13)
    return ok


def _call(fn, C, A, B, alpha, trans_a):
    M, D = C.shape
    K = B.shape[0]
    fn(_ROW_MAJOR, _TRANS if trans_a else _NO_TRANS, _NO_TRANS, M, D, K, alpha,
       A.ctypes.data, A.shape[1], B.ctypes.data, B.shape[1], 1.0, C.ctypes.data, D)


def available():
    """Whether :func:`gemm_update` will do the fused call (looks the library up once)."""
    if not _state["checked"]:
        _state["checked"] = True
        fn = None
        if os.environ.get("COURSEKIT_FUSED_GEMM", "1") != "0":
            try:
                fn = _find_numpy_openblas()
                if fn is not None and not _self_test(fn):
                    fn = None
            except Exception:  # pragma: no cover - any surprise: use numpy instead
                fn = None
        _state["fn"] = fn
    return _state["fn"] is not None


def _fits(a):
    return type(a) is np.ndarray and a.dtype == np.float64 and a.flags.c_contiguous and a.flags.aligned


def gemm_update(C, A, B, alpha, trans_a=False):
    """``C ← C + α·op(A)·B`` in place with one ``dgemm``; op(A) = Aᵀ if ``trans_a``.

    Shapes: C (M, D); A (M, K), or (K, M) with ``trans_a``; B (K, D). All float64,
    C-contiguous (C writeable). Returns True if done, False (C untouched) if the fused call is
    unavailable or an array does not qualify; the caller then computes it with numpy.
    """
    if not (_fits(C) and _fits(A) and _fits(B) and C.flags.writeable and C.ndim == A.ndim == B.ndim == 2):
        return False
    M, D = C.shape
    K = B.shape[0]
    if B.shape[1] != D or A.shape != ((K, M) if trans_a else (M, K)) or 0 in (M, D, K):
        return False
    if not available():
        return False
    _call(_state["fn"], C, A, B, float(alpha), trans_a)
    return True
