"""Weight initializers: ``f(shape, rng) -> ndarray`` (float64).

A weight matrix ``W`` has shape ``(fan_out, fan_in)`` = ``(M, D)``
(:func:`coursekit.functional.linear_forward` computes ``out = x @ W.T + b``), so
``fan_in = shape[-1]`` and ``fan_out = shape[0]``.
Each initializer states the variance Var[Wᵢⱼ] it targets:

=====================  ==================================  ==========================
initializer            distribution                        Var[Wᵢⱼ]
=====================  ==================================  ==========================
``uniform``            U[−c, c], c = √(3/fan_in) (seeds)   1 / fan_in
``xavier_uniform``     U[−c, c], c = √(6/(fan_in+fan_out))  2 / (fan_in + fan_out)
``xavier_normal``      N(0, σ²)                             2 / (fan_in + fan_out)
``he_normal``          N(0, σ²)                             2 / fan_in
``he_uniform``         U[−c, c], c = √(6/fan_in)            2 / fan_in
``zeros``              0                                    0
=====================  ==================================  ==========================

The seeds' rule of thumb (seed 002): ``w[u → v] ~ U[−c, c]`` with
``c = √(3 / |{(u', v) ∈ E}|)``, the number of edges *into* v, i.e. fan_in. A uniform
variable on [−c, c] has variance c²/3, so this keeps Var[z] ≈ Var[input] through a
linear layer. Glorot & Bengio (2010) average fan_in and fan_out so that the backward
pass is also variance preserving; He et al. (2015) double the variance to make up
for ReLU zeroing half of its inputs.
"""

from __future__ import annotations

import numbers

import numpy as np

from coursekit._validate import check_int

__all__ = [
    "as_generator",
    "fans",
    "uniform",
    "xavier_uniform",
    "xavier_normal",
    "glorot_uniform",
    "glorot_normal",
    "he_normal",
    "he_uniform",
    "zeros",
    "get_initializer",
    "INITIALIZERS",
]


def as_generator(rng, name="rng"):
    """Return a ``numpy.random.Generator`` from ``None``, an int seed or a Generator."""
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(check_int(rng, name, low=0))
    raise TypeError(f"{name}: expected None, an int seed or a numpy Generator, got {type(rng).__name__}")


def fans(shape):
    """``(fan_in, fan_out)`` of a weight shape ``(fan_out, fan_in)``; a 1-D shape has fan_in = fan_out = n."""
    shape = _check_shape(shape)
    if len(shape) == 1:
        return shape[0], shape[0]
    return shape[-1], shape[0]


def uniform(shape, rng=None):
    """U[−c, c] with c = √(3 / fan_in): the seeds' rule of thumb; Var[W] = 1/fan_in."""
    fan_in, _ = fans(shape)
    c = np.sqrt(3.0 / fan_in)
    return as_generator(rng).uniform(-c, c, size=_check_shape(shape))


def xavier_uniform(shape, rng=None):
    """Glorot/Xavier uniform: U[−c, c], c = √(6/(fan_in + fan_out)); Var[W] = 2/(fan_in + fan_out)."""
    fan_in, fan_out = fans(shape)
    c = np.sqrt(6.0 / (fan_in + fan_out))
    return as_generator(rng).uniform(-c, c, size=_check_shape(shape))


def xavier_normal(shape, rng=None):
    """Glorot/Xavier normal: N(0, σ²), σ² = 2/(fan_in + fan_out)."""
    fan_in, fan_out = fans(shape)
    return as_generator(rng).normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=_check_shape(shape))


def he_normal(shape, rng=None):
    """He (Kaiming) normal for ReLU layers: N(0, σ²), σ² = 2/fan_in."""
    fan_in, _ = fans(shape)
    return as_generator(rng).normal(0.0, np.sqrt(2.0 / fan_in), size=_check_shape(shape))


def he_uniform(shape, rng=None):
    """He (Kaiming) uniform for ReLU layers: U[−c, c], c = √(6/fan_in); Var[W] = 2/fan_in."""
    fan_in, _ = fans(shape)
    c = np.sqrt(6.0 / fan_in)
    return as_generator(rng).uniform(-c, c, size=_check_shape(shape))


def zeros(shape, rng=None):
    """All zeros (Var[W] = 0): fine for biases; for weights every hidden unit stays identical."""
    return np.zeros(_check_shape(shape))


glorot_uniform = xavier_uniform
glorot_normal = xavier_normal

INITIALIZERS = {
    "uniform": uniform,
    "xavier": xavier_uniform,
    "xavier_uniform": xavier_uniform,
    "xavier_normal": xavier_normal,
    "glorot": xavier_uniform,
    "glorot_uniform": xavier_uniform,
    "glorot_normal": xavier_normal,
    "he": he_normal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "zeros": zeros,
}


def get_initializer(init, name="init"):
    """Resolve an initializer given by name (see ``INITIALIZERS``) or as a callable."""
    if callable(init):
        return init
    if isinstance(init, str) and init in INITIALIZERS:
        return INITIALIZERS[init]
    raise ValueError(f"{name}: expected one of {sorted(INITIALIZERS)} or a callable f(shape, rng), got {init!r}")


def _check_shape(shape):
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        shape = (shape,)
    try:
        shape = tuple(int(s) for s in shape)
    except TypeError:
        raise TypeError(f"shape: expected a tuple of positive ints, got {type(shape).__name__}") from None
    if not shape or any(s < 1 for s in shape):
        raise ValueError(f"shape: expected a non-empty tuple of positive ints, got {shape}")
    return shape
