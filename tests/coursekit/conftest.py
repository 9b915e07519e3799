"""Fixtures and helpers shared by the tests of the ``coursekit`` package (tests/coursekit/).

* ``fd``: finite differences and comparisons. ``fd.num_grad(f, x)`` differentiates a closure
  ``f()`` that reads the array ``x`` (which may be a model's live parameter array) with the
  project's shared checker, ``coursekit.gradcheck.numerical_grad`` (an implementation
  independent of the kernels under test); ``fd.local_num_grad`` is a ten-line central
  difference kept as a fallback and as an independent cross-check of the shared one
  (test_gradcheck_fd_helpers.py).
* ``central_diff``, ``assert_signature``: the interface tests' (test_*_interface.py) finite
  difference and signature pin; ``strict``: every warning an error, overflow / invalid /
  divide raise (interface and stability tests).
* ``rng`` (seed 12345) and ``interface_rng`` (seed 20261122, the interface tests'): two
  generators with their own seeds, so each test draws the values it always drew.
* ``quad3``, ``spd``: quadratics with known spectra (optimizers).
* ``moons_2000``, ``blobs_2000``, ``separable_blobs``: seeded scikit-learn data sets (SVMs).

Test modules cannot import each other or this file by name (the suite runs with
``--import-mode=importlib``): shared helpers are fixtures.
"""

from __future__ import annotations

import hashlib
import inspect
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from sklearn.datasets import make_blobs, make_moons

settings.register_profile(
    "coursekit", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


def num_grad(f, x, h=None):
    """∂f/∂x of a scalar closure ``f()`` that reads ``x``; ``x`` is restored afterwards.

    Central differences via ``coursekit.gradcheck.numerical_grad`` (step ≈ ε^(1/3)·max(1, |x|)
    unless ``h`` is given); falls back to :func:`local_num_grad` if that module is missing.
    """
    try:
        from coursekit.gradcheck import numerical_grad
    except ImportError:  # pragma: no cover - only before gradcheck existed
        return local_num_grad(f, x, 1e-6 if h is None else h)
    saved = x.copy()

    def g(v):
        x[...] = v
        return f()

    try:
        return numerical_grad(g, saved, h)
    finally:
        x[...] = saved


def local_num_grad(f, x, h=1e-6):
    """Central differences ∂f/∂xᵢ ≈ (f(x + h eᵢ) − f(x − h eᵢ)) / 2h of a scalar f, entry by entry.

    ``x`` is perturbed in place and restored, so pass the array that ``f`` reads.
    """
    g = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        fp = float(f())
        x[i] = old - h
        fm = float(f())
        x[i] = old
        g[i] = (fp - fm) / (2 * h)
    return g


def rel_err(a, b):
    """max |a − b| / max(1e-8, |a| + |b|) entrywise."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))) if a.size else 0.0


def digest(*arrays):
    """SHA-1 of the bytes, shape and dtype of arrays (to detect input mutation)."""
    h = hashlib.sha1()
    for a in arrays:
        a = np.asarray(a)
        h.update(a.tobytes())
        h.update(str((a.shape, a.dtype)).encode())
    return h.hexdigest()


def away_from(z, points=(0.0,), margin=1e-3):
    """Move entries of z within ``margin`` of a kink away from it (in place copy)."""
    z = np.array(z, dtype=np.float64)
    for p in points:
        close = np.abs(z - p) < margin
        z[close] = p + np.where(z[close] >= p, 1, -1) * 2 * margin
    return z


@pytest.fixture(scope="session")
def fd():
    """The helpers above as a namespace (test modules cannot import conftest by name)."""
    from types import SimpleNamespace

    return SimpleNamespace(num_grad=num_grad, local_num_grad=local_num_grad, rel_err=rel_err, digest=digest, away_from=away_from)


@pytest.fixture
def rng():
    """The generator of the kernel, layer and reference tests, seed 12345."""
    return np.random.default_rng(12345)


# ------------------------------------------------------------------ interface tests
def _assert_signature(obj, expected):
    """``expected``: list of (name, default) pairs, ``inspect.Parameter.empty`` for "no default".

    The interface's parameters must come first, in this order, with these defaults and be
    passable by keyword; extra parameters (allowed: an interface may be extended) must have a
    default so the documented call still works (see ARCHITECTURE.md, Public interfaces).
    """
    sig = inspect.signature(obj)
    params = [p for p in sig.parameters.values() if p.name != "self"]
    names = [p.name for p in params]
    want = [n for n, _ in expected]
    assert names[: len(want)] == want, f"{getattr(obj, '__qualname__', obj)}: parameters {names}, interface {want}"
    for p, (name, default) in zip(params, expected):
        assert p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY), f"{name}: must be passable by keyword, is {p.kind}"
        if default is inspect.Parameter.empty:
            continue
        assert p.default is not inspect.Parameter.empty, f"{name}: interface default {default!r}, has none"
        same = p.default == default and isinstance(p.default, bool) == isinstance(default, bool)
        assert same, (
            f"{name}: interface default {default!r}, got {p.default!r}"
        )
    for p in params[len(want):]:
        assert p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) or p.default is not inspect.Parameter.empty, (
            f"extra parameter {p.name!r} has no default: the documented call would break"
        )


@pytest.fixture
def assert_signature():
    return _assert_signature


class _Strict:
    """Every warning is an error; numpy overflow / invalid / divide raise.

    ``under`` is the policy for underflow (the interface tests use both "ignore", the
    default, and "raise", the literal ``np.errstate(all="raise")``).
    """

    def __init__(self, under="ignore"):
        self.under = under

    def __enter__(self):
        self._err = np.seterr(all="raise", under=self.under)
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("error")
        return self

    def __exit__(self, *exc):
        self._w.__exit__(*exc)
        np.seterr(**self._err)
        return False


@pytest.fixture
def strict():
    return _Strict


def _central_diff(f, x, h=1e-6):
    """∂f/∂x of the scalar function ``f(x)`` by central differences (x float64, not modified)."""
    x = np.array(x, dtype=np.float64)
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        xp = x.copy()
        xm = x.copy()
        xp[idx] += h
        xm[idx] -= h
        g[idx] = (f(xp) - f(xm)) / (2 * h)
    return g


@pytest.fixture
def central_diff():
    return _central_diff


@pytest.fixture
def interface_rng():
    """The generator of the interface tests (test_*_interface.py), seed 20261122."""
    return np.random.default_rng(20261122)


# ------------------------------------------------------------------ optimizers
def rotated_spd(eigenvalues, seed):
    """A = Q diag(λ) Qᵀ with a random orthogonal Q (built here, independently of the library)."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((len(eigenvalues), len(eigenvalues))))
    return Q @ np.diag(eigenvalues) @ Q.T


@pytest.fixture
def quad3():
    """E = ½wᵀAw + bᵀw in 3-D with eigenvalues (5, 2, 0.5); returns (A, b, w0)."""
    A = rotated_spd([5.0, 2.0, 0.5], seed=1)
    b = np.array([1.0, -2.0, 0.5])
    w0 = np.array([2.0, -1.0, 3.0])
    return A, b, w0


@pytest.fixture
def spd():
    """The function rotated_spd(eigenvalues, seed) (test modules can't import conftest under importlib)."""
    return rotated_spd


# ------------------------------------------------------------------ SVMs
def _split(X, y, n_train):
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


@pytest.fixture(scope="session")
def moons_2000():
    X, y = make_moons(4000, noise=0.2, random_state=0)
    return _split(X, y, 2000)


@pytest.fixture(scope="session")
def blobs_2000():
    # two overlapping blobs: a soft margin is needed
    X, y = make_blobs(4000, centers=[[-1.0, -0.5], [1.0, 0.5]], cluster_std=1.0, random_state=0)
    return _split(X, y, 2000)


@pytest.fixture(scope="session")
def separable_blobs():
    X, y = make_blobs(300, centers=[[-2.0, -1.0], [2.0, 1.0]], cluster_std=0.5, random_state=3)
    assert np.all(np.sign(X @ np.array([2.0, 1.0])) == np.where(y == 1, 1, -1))  # truly separable
    return X, y
