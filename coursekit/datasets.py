"""Data sets for the lectures: toy 2-D classification sets, a regression set, 8×8 digits,
and the perceptron-vs-backprop "spoiler" set. Nothing is downloaded.

Every generator takes a ``seed`` (int) and is deterministic; 2-D classification sets
return ``X (n, 2)`` float64 and ``y (n,)`` int64 labels 0..K−1, shuffled.
"""

from __future__ import annotations

import numbers

import numpy as np

from coursekit._validate import check_choice, check_in_range, check_int, check_positive, check_real

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
    n = check_int(n, "n", low=1)
    noise = check_positive(noise, "noise", allow_zero=True)
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        k = check_int(centers, "centers", low=1)
        ang = 2 * np.pi * np.arange(k) / k
        C = float(radius) * np.column_stack([np.cos(ang), np.sin(ang)])
    else:
        C = np.asarray(centers, dtype=np.float64)
        if C.ndim != 2 or C.shape[1] != 2 or C.shape[0] < 1:
            raise ValueError(f"centers: expected an int or an array of shape (K, 2), got shape {C.shape}")
        k = C.shape[0]
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    y = _balanced_labels(n, k)
    X = C[y] + noise * rng.standard_normal((n, 2))
    return _shuffled(X, y, rng)


def xor(n=200, noise=0.25, seed=0):
    """The XOR problem: blobs at the corners (±1, ±1); label 1 where the two signs differ.

    (−1,−1) and (1,1) are class 0, (−1,1) and (1,−1) class 1 — no single line separates
    them. ``noise`` is the standard deviation around each corner.
    """
    n = check_int(n, "n", low=1)
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    corner = _balanced_labels(n, 4)
    signs = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
    X = signs[corner] + noise * rng.standard_normal((n, 2))
    y = (corner >= 2).astype(np.int64)
    return _shuffled(X, y, rng)


def circles(n=200, noise=0.1, factor=0.5, seed=0):
    """Two concentric circles: radius 1 is class 0, radius ``factor`` (0 < factor < 1) class 1."""
    n = check_int(n, "n", low=1)
    noise = check_positive(noise, "noise", allow_zero=True)
    factor = check_in_range(factor, "factor", 0.0, 1.0, low_inclusive=False)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    y = _balanced_labels(n, 2)
    t = rng.uniform(0, 2 * np.pi, n)
    r = np.where(y == 0, 1.0, factor)
    X = np.column_stack([r * np.cos(t), r * np.sin(t)]) + noise * rng.standard_normal((n, 2))
    return _shuffled(X, y, rng)


def moons(n=200, noise=0.1, seed=0):
    """Two interleaving half circles: (cos t, sin t) is class 0, (1 − cos t, ½ − sin t) class 1, t ∈ [0, π]."""
    n = check_int(n, "n", low=1)
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
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
    n = check_int(n, "n", low=1)
    noise = check_positive(noise, "noise", allow_zero=True)
    k = check_int(n_classes, "n_classes", low=1)
    turns = check_positive(turns, "turns")
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    y = _balanced_labels(n, k)
    r = rng.uniform(0.05, 1.0, n)
    ang = 2 * np.pi * (turns * r + y / k)
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
    n = check_int(n, "n", low=1)
    noise = check_positive(noise, "noise", allow_zero=True)
    beta0, beta1 = check_real(beta0, "beta0"), check_real(beta1, "beta1")
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    x = rng.standard_normal(n)
    y = beta0 + beta1 * x + noise * rng.standard_normal(n)
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
    test_size = check_in_range(test_size, "test_size", 0.0, 1.0, low_inclusive=False)
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    data = load_digits()
    X = data.data.astype(np.float64) / 16.0
    y = data.target.astype(np.int64)
    return tuple(train_test_split(X, y, test_size=test_size, random_state=check_int(seed, "seed", low=0), stratify=y))


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
    t = check_positive(t, "t")
    check_choice(labels, "labels", ("pm1", "01"))
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -t]])
    y = np.array([1, 1, -1, 1], dtype=np.int64)
    if labels == "01":
        y = (y > 0).astype(np.int64)
    return X, y


# ------------------------------------------------------------------------- helpers
def _balanced_labels(n, k):
    return (np.arange(n) % k).astype(np.int64)


def _shuffled(X, y, rng):
    p = rng.permutation(X.shape[0])
    return X[p], y[p]
