"""Fixtures and the finite-difference helper for tests/core.

``num_grad(f, x)`` differentiates a closure ``f()`` that reads the array ``x`` (which may
be a model's live parameter array). It uses the project's shared checker,
``coursekit.gradcheck.numerical_grad`` (an implementation independent of the kernels
under test); ``local_num_grad`` is a ten-line central difference kept as a fallback
and as an independent cross-check of the shared one (test_fd_helpers.py).
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "core", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
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
    return np.random.default_rng(12345)
