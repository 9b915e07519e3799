"""Kernels as in scikit-learn: linear ⟨x, x′⟩, rbf exp(−γ‖x − x′‖²), poly (γ⟨x, x′⟩ + coef0)^degree.

``gamma="scale"`` is 1 / (d · Var(X)), ``gamma="auto"`` is 1 / d.
"""

from __future__ import annotations

import numbers

import numpy as np

from coursekit._validate import as_float_array, check_positive


def linear_kernel(X, Z):
    """``K[i, j] = ⟨xᵢ, zⱼ⟩``.  X (n, d), Z (m, d) → K (n, m)."""
    return X @ Z.T


def rbf_kernel(X, Z, gamma):
    """``K[i, j] = exp(−γ‖xᵢ − zⱼ‖²)``.  X (n, d), Z (m, d) → K (n, m).

    Uses ‖x − z‖² = ‖x‖² + ‖z‖² − 2⟨x, z⟩ (clipped at 0 against round-off).
    """
    d2 = (X * X).sum(1)[:, None] + (Z * Z).sum(1)[None, :] - 2.0 * (X @ Z.T)
    np.maximum(d2, 0.0, out=d2)
    d2 *= -gamma
    return np.exp(d2, out=d2)


def polynomial_kernel(X, Z, gamma, degree, coef0):
    """``K[i, j] = (γ⟨xᵢ, zⱼ⟩ + coef0)^degree``.  X (n, d), Z (m, d) → K (n, m)."""
    return (gamma * (X @ Z.T) + coef0) ** degree


_KERNELS = ("linear", "rbf", "poly")


def _check_kernel(kernel):
    if not isinstance(kernel, str) or kernel not in _KERNELS:
        raise ValueError(f"kernel: expected one of {list(_KERNELS)}, got {kernel!r}")
    return kernel


def _resolve_gamma(gamma, X):
    if isinstance(gamma, str):
        if gamma == "scale":
            var = X.var()
            return 1.0 / (X.shape[1] * var) if var > 0 else 1.0
        if gamma == "auto":
            return 1.0 / X.shape[1]
        raise ValueError(f"gamma: expected 'scale', 'auto' or a number > 0, got {gamma!r}")
    return check_positive(gamma, "gamma")


def kernel_matrix(X, Z, kernel="rbf", gamma=1.0, degree=3, coef0=0.0):
    """Gram matrix ``K[i, j] = k(xᵢ, zⱼ)`` for one of the kernels above.

    Parameters
    ----------
    X : array (n, d)
    Z : array (m, d)
    kernel : {"linear", "rbf", "poly"}
    gamma : float > 0 (numbers only here; "scale"/"auto" are resolved by the estimator)

    Returns
    -------
    K : ndarray (n, m)
    """
    X = as_float_array(X, "X", ndim=2)
    Z = as_float_array(Z, "Z", ndim=2)
    if X.shape[1] != Z.shape[1]:
        raise ValueError(f"Z: expected {X.shape[1]} features like X, got shape {Z.shape}")
    kernel = _check_kernel(kernel)
    if kernel == "linear":
        return linear_kernel(X, Z)
    gamma = check_positive(gamma, "gamma")
    if kernel == "rbf":
        return rbf_kernel(X, Z, gamma)
    return polynomial_kernel(X, Z, gamma, _check_degree(degree), _check_real(coef0, "coef0"))


def _check_degree(degree):
    if isinstance(degree, bool) or not isinstance(degree, numbers.Integral) or degree < 1:
        raise ValueError(f"degree: expected an integer ≥ 1, got {degree!r}")
    return int(degree)


def _check_real(v, name):
    if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
        raise ValueError(f"{name}: expected a finite real number, got {v!r}")
    return float(v)
