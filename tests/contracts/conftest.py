"""Contract conformance tests (DESIGN.md part 2: A, B, C, D), written as an outside
acceptance checker would: they pin names, parameter order, defaults, shapes, dtypes and
behaviour, and compare against independent references (scikit-learn, scipy, formulas
written out in the tests, finite differences, torch.optim's documented pseudo-code).

Helpers shared by the modules of this folder are fixtures here (the suite runs with
``--import-mode=importlib``, so test modules cannot import each other).
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest


def _assert_signature(obj, expected):
    """``expected``: list of (name, default) pairs, ``inspect.Parameter.empty`` for "no default".

    The contract's parameters must come first, in this order, with these defaults and be
    passable by keyword; extra parameters (allowed: contracts may be extended) must have a
    default so the contracted call still works.
    """
    sig = inspect.signature(obj)
    params = [p for p in sig.parameters.values() if p.name != "self"]
    names = [p.name for p in params]
    want = [n for n, _ in expected]
    assert names[: len(want)] == want, f"{getattr(obj, '__qualname__', obj)}: parameters {names}, contract {want}"
    for p, (name, default) in zip(params, expected):
        assert p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY), f"{name}: must be passable by keyword, is {p.kind}"
        if default is inspect.Parameter.empty:
            continue
        assert p.default is not inspect.Parameter.empty, f"{name}: contract default {default!r}, has none"
        same = p.default == default and isinstance(p.default, bool) == isinstance(default, bool)
        assert same, (
            f"{name}: contract default {default!r}, got {p.default!r}"
        )
    for p in params[len(want):]:
        assert p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL) or p.default is not inspect.Parameter.empty, (
            f"extra parameter {p.name!r} has no default: the contracted call would break"
        )


@pytest.fixture
def assert_signature():
    return _assert_signature


class _Strict:
    """Every warning is an error; numpy overflow / invalid / divide raise.

    ``under`` is the policy for underflow (the contract checks use both "ignore", the
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
def rng():
    return np.random.default_rng(20261122)
