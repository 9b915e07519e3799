"""More than two classes: one-vs-rest targets for the linear models, one-vs-one voting for KernelSVM.

One-vs-rest is scikit-learn's ``OneVsRestClassifier``; one-vs-one follows ``SVC`` (LIBSVM):
pairs in the order (0, 1), (0, 2), …, (1, 2), …, votes plus a confidence tie-breaker.
"""

from __future__ import annotations

import numpy as np


def _binary_problems(y_idx, n_classes):
    """The ±1 targets of the binary problems a linear model solves, one per row of coef_.

    Two classes: one problem, +1 for classes_[1]. More: one-vs-rest, +1 for class c and −1
    for all others, c = 0 … K−1 (as scikit-learn's ``OneVsRestClassifier``).
    """
    if n_classes == 2:
        return [np.where(y_idx == 1, 1.0, -1.0)]
    return [np.where(y_idx == c, 1.0, -1.0) for c in range(n_classes)]


def _per_problem(values):
    """A per-problem result as an attribute: the value itself for two classes, else an array
    with one entry per class (one-vs-rest) or per pair of classes (one-vs-one)."""
    return values[0] if len(values) == 1 else np.asarray(values)



def _pairs(n_classes):
    """The pairs (i, j), i < j, of one-vs-one in LIBSVM's order: (0, 1), (0, 2), …, (1, 2), …"""
    return [(i, j) for i in range(n_classes) for j in range(i + 1, n_classes)]


def _votes(ovo, n_classes):
    """(m, K): how many of its K − 1 pairs each class wins; f_ij > 0 is a vote for i, else for j."""
    votes = np.zeros((ovo.shape[0], n_classes))
    for k, (i, j) in enumerate(_pairs(n_classes)):
        votes[:, i] += ovo[:, k] > 0
        votes[:, j] += ovo[:, k] <= 0
    return votes


def _ovr_from_ovo(ovo, n_classes):
    """Per-class scores (m, K) from the pairwise decisions ovo (m, K(K−1)/2), as ``SVC`` does:
    the votes of class c plus its summed confidence s_c = Σ_j f_cj − Σ_i f_ic squashed into
    (−⅓, ⅓) by s / (3(|s| + 1)), which only orders classes with equal votes."""
    confidence = np.zeros((ovo.shape[0], n_classes))
    for k, (i, j) in enumerate(_pairs(n_classes)):
        confidence[:, i] += ovo[:, k]
        confidence[:, j] -= ovo[:, k]
    return _votes(ovo, n_classes) + confidence / (3.0 * (np.abs(confidence) + 1.0))


def _check_shape(shape):
    if not isinstance(shape, str) or shape not in ("ovr", "ovo"):
        raise ValueError(f"decision_function_shape: expected 'ovr' or 'ovo', got {shape!r}")
    return shape
