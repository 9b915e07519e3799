"""Data sets for the lectures: toy 2-D classification sets, a regression set, 8×8 digits,
and the perceptron-vs-backprop "spoiler" set. Nothing is downloaded.

Every generator takes a ``seed`` (int) and is deterministic; 2-D classification sets
return ``X (n, 2)`` float64 and ``y (n,)`` int64 labels 0..K−1, shuffled.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["blobs", "xor", "circles", "moons", "spirals", "linear_regression", "digits", "spoiler"]


def blobs(n=200, centers=2, noise=1.0, seed=0, radius=3.0):
    """Gaussian blobs, one per class.

    Parameters
    ----------
    n : int ≥ 1, number of points (split as evenly as possible over the classes)
    centers : int K ≥ 1 (centers evenly spaced on a circle of ``radius``) or array (K, 2)
    noise : float ≥ 0, standard deviation of each blob
    seed : int

    Returns
    -------
    X : (n, 2) float64, y : (n,) int64 in 0..K−1
    """
    n = _check_n(n)
    noise = _check_nonneg(noise, "noise")
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        k = _check_n(centers, "centers")
        ang = 2 * np.pi * np.arange(k) / k
        C = float(radius) * np.column_stack([np.cos(ang), np.sin(ang)])
    else:
        C = np.asarray(centers, dtype=np.float64)
        if C.ndim != 2 or C.shape[1] != 2 or C.shape[0] < 1:
            raise ValueError(f"centers: expected an int or an array of shape (K, 2), got shape {C.shape}")
        k = C.shape[0]
    rng = np.random.default_rng(_check_seed(seed))
    y = _balanced_labels(n, k)
    X = C[y] + noise * rng.standard_normal((n, 2))
    return _shuffled(X, y, rng)


def xor(n=200, noise=0.25, seed=0):
    """The XOR problem: blobs at the corners (±1, ±1); label 1 where the two signs differ.

    (−1,−1) and (1,1) are class 0, (−1,1) and (1,−1) class 1 — no single line separates
    them. ``noise`` is the standard deviation around each corner.
    """
    n = _check_n(n)
    noise = _check_nonneg(noise, "noise")
    rng = np.random.default_rng(_check_seed(seed))
    corner = _balanced_labels(n, 4)
    signs = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    X = signs[corner] + noise * rng.standard_normal((n, 2))
    y = (corner >= 2).astype(np.int64)
    return _shuffled(X, y, rng)


def circles(n=200, noise=0.1, factor=0.5, seed=0):
    """Two concentric circles: radius 1 is class 0, radius ``factor`` (0 < factor < 1) class 1."""
    n = _check_n(n)
    noise = _check_nonneg(noise, "noise")
    if not (isinstance(factor, numbers.Real) and 0 < factor < 1):
        raise ValueError(f"factor: expected a number in (0, 1), got {factor!r}")
    rng = np.random.default_rng(_check_seed(seed))
    y = _balanced_labels(n, 2)
    t = rng.uniform(0, 2 * np.pi, n)
    r = np.where(y == 0, 1.0, float(factor))
    X = np.column_stack([r * np.cos(t), r * np.sin(t)]) + noise * rng.standard_normal((n, 2))
    return _shuffled(X, y, rng)


def moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles: (cos t, sin t) is class 0, (1 − cos t, ½ − sin t) class 1, t ∈ [0, π]."""
    n = _check_n(n)
    noise = _check_nonneg(noise, "noise")
    rng = np.random.default_rng(_check_seed(seed))
    y = _balanced_labels(n, 2)
    t = rng.uniform(0, np.pi, n)
    X = np.where(
        (y == 0)[:, None],
        np.column_stack([np.cos(t), np.sin(t)]),
        np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)]),
    )
    X = X + noise * rng.standard_normal((n, 2))
    return _shuffled(X, y, rng)


def spirals(n=300, noise=0.05, n_classes=2, turns=1.25, seed=0):
    """K interleaved spiral arms (cs231n's spiral set): class k at angle 2π(turns·r + k/K), radius r ∈ [0, 1].

    ``noise`` is the standard deviation of Gaussian noise added to each coordinate.
    """
    n = _check_n(n)
    noise = _check_nonneg(noise, "noise")
    k = _check_n(n_classes, "n_classes")
    if not (isinstance(turns, numbers.Real) and turns > 0):
        raise ValueError(f"turns: expected a number > 0, got {turns!r}")
    rng = np.random.default_rng(_check_seed(seed))
    y = _balanced_labels(n, k)
    r = rng.uniform(0.05, 1.0, n)
    ang = 2 * np.pi * (float(turns) * r + y / k)
    X = np.column_stack([r * np.cos(ang), r * np.sin(ang)]) + noise * rng.standard_normal((n, 2))
    return _shuffled(X, y, rng)


def linear_regression(n=100_000, beta0=1.0, beta1=2.0, noise=1.0, seed=0):
    """Seed 002's SGD example: ``yᵢ = β0 + β1 xᵢ + εᵢ``, xᵢ ~ N(0, 1), εᵢ ~ N(0, noise²).

    The least-squares loss ``L(β) = (1/n) Σ (yᵢ − β0 − β1 xᵢ)²`` has its minimum near
    (β0, β1); its stochastic gradient on a batch S is
    ``(2/|S|) Σ_{i∈S} [β0 + β1 xᵢ − yᵢ,  xᵢ (β0 + β1 xᵢ − yᵢ)]``.

    Returns
    -------
    X : (n, 1) float64 — the inputs as a column (``X[:, 0]`` is x)
    y : (n,) float64
    """
    n = _check_n(n)
    noise = _check_nonneg(noise, "noise")
    for v, name in ((beta0, "beta0"), (beta1, "beta1")):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
            raise ValueError(f"{name}: expected a finite number, got {v!r}")
    rng = np.random.default_rng(_check_seed(seed))
    x = rng.standard_normal(n)
    y = float(beta0) + float(beta1) * x + noise * rng.standard_normal(n)
    return x[:, None], y


def digits(test_size=0.25, seed=0):
    """scikit-learn's 8×8 handwritten digits (1797 images, bundled with scikit-learn).

    Pixels are scaled from 0..16 to [0, 1]; the split is stratified by class.

    Parameters
    ----------
    test_size : float in (0, 1), fraction of the examples held out
    seed : int, seeds the split

    Returns
    -------
    X_train (n_train, 64), X_test (n_test, 64), y_train (n_train,), y_test (n_test,) — labels 0..9
    """
    if isinstance(test_size, bool) or not isinstance(test_size, numbers.Real) or not (0 < test_size < 1):
        raise ValueError(f"test_size: expected a fraction in (0, 1), got {test_size!r}")
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    X = data.data.astype(np.float64) / 16.0
    y = data.target.astype(np.int64)
    return tuple(train_test_split(X, y, test_size=float(test_size), random_state=_check_seed(seed), stratify=y))


def spoiler(t=100.0, labels="pm1"):
    """Brady, Raghavan & Slawny (1989): where backprop fails but the perceptron succeeds (seed 001).

    Three points (1, 0), (0, 1) of class +1 and (−1, 0) of class −1, plus the "spoiler"
    (0, −t) of class +1 far away (large t). The set is linearly separable for every
    t > 0 — e.g. by the line x₁ = −½ (w = (1, 0), b = ½). The three-point L2/sigmoid
    optimum w = (u, u), b = 0 misclassifies the spoiler, yet the spoiler's
    contribution to the gradient vanishes like σ'(−w_y t) as t grows, so gradient
    descent with bounded weights stays there.

    Parameters
    ----------
    t : float > 0, distance of the spoiler
    labels : "pm1" for labels in {−1, +1} (perceptron) or "01" for {0, 1} (sigmoid/BCE)

    Returns
    -------
    X : (4, 2) float64, y : (4,) int64 — the spoiler is the last row
    """
    if isinstance(t, bool) or not isinstance(t, numbers.Real) or not (np.isfinite(t) and t > 0):
        raise ValueError(f"t: expected a finite number > 0, got {t!r}")
    if labels not in ("pm1", "01"):
        raise ValueError(f"labels: expected 'pm1' or '01', got {labels!r}")
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -float(t)]])
    y = np.array([1, 1, -1, 1], dtype=np.int64)
    if labels == "01":
        y = (y > 0).astype(np.int64)
    return X, y


# ------------------------------------------------------------------------- helpers
def _check_n(n, name="n"):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"{name}: expected an int ≥ 1, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"{name}: expected an int ≥ 1, got {n}")
    return int(n)


def _check_nonneg(v, name):
    if isinstance(v, bool) or not isinstance(v, numbers.Real):
        raise TypeError(f"{name}: expected a number ≥ 0, got {type(v).__name__}")
    if not np.isfinite(v) or v < 0:
        raise ValueError(f"{name}: expected a finite number ≥ 0, got {v!r}")
    return float(v)


def _check_seed(seed):
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed: expected an int, got {type(seed).__name__}")
    if seed < 0:
        raise ValueError(f"seed: expected an int ≥ 0, got {seed}")
    return int(seed)


def _balanced_labels(n, k):
    return (np.arange(n) % k).astype(np.int64)


def _shuffled(X, y, rng):
    p = rng.permutation(X.shape[0])
    return X[p], y[p]
