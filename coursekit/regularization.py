"""Regularisation (lecture 06): weight decay for any optimizer, and ridge regression on
polynomial features — the seeds' ``λ R(f)`` that shrinks the hypothesis class.

The penalty's formula lives in :func:`coursekit.functional.l2_penalty`; this module applies it.

Seed 002 writes regularised empirical risk minimisation as

    f̂* = argmin_{f ∈ H} (1/n) Σᵢ ℓ(yᵢ, f(xᵢ)) + λ R(f),

with ridge ``R = ‖β‖²``: a larger λ allows only smaller weights (``H_λ₂ ⊂ H_λ₁`` for λ₂ > λ₁).
"""

from __future__ import annotations

import numpy as np

from coursekit import functional as F
from coursekit._validate import as_float_array, check_int, check_methods, check_positive

__all__ = ["WeightDecay", "polynomial_features", "ridge_fit", "ridge_predict"]


class WeightDecay:
    """Wrap an optimizer so that it minimises ``loss + (λ/2) Σ ‖W‖²`` over the weight matrices.

    ``step(params, grads)`` adds ``λ W`` (:func:`coursekit.functional.l2_penalty`) to the gradient
    of every parameter whose key names a weight (``"W"``, ``"0.W"``, ``"W1"``, …; biases are not
    decayed) and calls the wrapped optimizer. For plain gradient descent the update becomes
    ``W ← (1 − ηλ) W − η ∇L``: each step first shrinks the weights by the factor ``1 − ηλ``.

    Parameters
    ----------
    optimizer : an object with ``step(params, grads)`` (a :mod:`coursekit.optim` optimizer)
    lam : float ≥ 0 — the regularisation strength λ
    """

    def __init__(self, optimizer, lam):
        check_methods(optimizer, "optimizer", ("step",), "an object with step(params, grads)")
        self.optimizer = optimizer
        self.lam = check_positive(lam, "lam", allow_zero=True)

    @staticmethod
    def is_weight(key):
        """True for a weight matrix's key (its last dotted part starts with ``W``)."""
        return str(key).split(".")[-1].startswith("W")

    @property
    def lr(self):
        return self.optimizer.lr

    @lr.setter
    def lr(self, value):
        self.optimizer.lr = value

    def penalty(self, params):
        """The current penalty ``(λ/2) Σ ‖W‖²`` over the weight matrices of ``params``."""
        return sum(F.l2_penalty(v, self.lam)[0] for k, v in params.items() if self.is_weight(k))

    def step(self, params, grads):
        decayed = {k: (g + F.l2_penalty(params[k], self.lam)[1] if self.is_weight(k) else g)
                   for k, g in grads.items()}
        self.optimizer.step(params, decayed)

    def __repr__(self):
        return f"WeightDecay({self.optimizer!r}, lam={self.lam:g})"


def polynomial_features(x, degree):
    """Legendre polynomials ``P₀(x), …, P_degree(x)`` of ``x`` in [−1, 1], one column each.

    The same span as ``1, x, …, x^degree`` (so the same fitted curves), but far better conditioned
    than raw powers, so a degree-15 least-squares fit is solved accurately.

    x (N,) → Φ (N, degree + 1)
    """
    x = as_float_array(x, "x", ndim=1)
    degree = check_int(degree, "degree", low=0)
    if np.any(np.abs(x) > 1.0):
        raise ValueError(f"x: expected values in [-1, 1] (scale the inputs first), got range "
                         f"[{x.min():.3g}, {x.max():.3g}]")
    return np.polynomial.legendre.legvander(x, degree)


def ridge_fit(Phi, y, lam):
    """Ridge regression: ``β = argmin (1/n) ‖Φβ − y‖² + λ ‖β‖²``.

    Solved as the least-squares problem ``[Φ; √(nλ) I] β ≈ [y; 0]`` (the normal equations
    ``(ΦᵀΦ + nλ I) β = Φᵀ y`` without forming ΦᵀΦ), which stays accurate for λ = 0.

    Phi (N, P), y (N,), lam ≥ 0 → β (P,)
    """
    Phi = as_float_array(Phi, "Phi", ndim=2)
    y = as_float_array(y, "y", ndim=1)
    if y.shape[0] != Phi.shape[0]:
        raise ValueError(f"y: expected {Phi.shape[0]} targets (one per row of Phi), got {y.shape[0]}")
    lam = check_positive(lam, "lam", allow_zero=True)
    n, p = Phi.shape
    A = np.vstack([Phi, np.sqrt(n * lam) * np.eye(p)])
    rhs = np.concatenate([y, np.zeros(p)])
    return np.linalg.lstsq(A, rhs, rcond=None)[0]


def ridge_predict(Phi, beta):
    """Predictions ``Φ β``: Phi (N, P), beta (P,) → (N,)."""
    return as_float_array(Phi, "Phi", ndim=2) @ as_float_array(beta, "beta", ndim=1)
