"""What the three estimators share: checking X, y and C, labels ↔ classes, predict, score, slack."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning as _SklearnConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from coursekit._validate import check_positive

NOT_SEPARABLE_MESSAGE = (
    "data are not linearly separable in the kernel's feature space; use a finite C"
)


class ConvergenceWarning(_SklearnConvergenceWarning):
    """An iterative solver stopped at ``max_iter`` before meeting its tolerance.

    A subclass of scikit-learn's ``ConvergenceWarning`` (itself a ``UserWarning``), so
    filters for either catch it."""



class _Estimator(ClassifierMixin, BaseEstimator):
    """What the three estimators share: checking X and y, labels ↔ classes, predict, slack.

    ``get_params`` / ``set_params`` / ``clone`` / ``repr`` are scikit-learn's (``BaseEstimator``,
    which reads the parameters off ``__init__``'s signature): each ``__init__`` only stores its
    arguments, unchanged, and ``fit`` checks them. X and y are checked by scikit-learn's
    ``validate_data`` (its messages name the argument, e.g. "X has 3 features, but
    KernelSVM is expecting 2 features as input."); the checks below add only what it
    does not say.
    """

    def __sklearn_is_fitted__(self):
        # classes_ is set last in fit: a fit that raised leaves the estimator unfitted
        return hasattr(self, "classes_")

    def _validate_fit(self, X, y):
        """X as float64 (n, d); the sorted labels ``classes`` (K ≥ 2); y as indices 0 … K−1."""
        for name in [k for k in vars(self) if k.endswith("_") and not k.startswith("__")]:
            delattr(self, name)  # a new fit starts unfitted: nothing of an earlier fit survives it
        _check_one_label_per_row(X, y)
        X, y = validate_data(self, X, y, dtype=np.float64)
        classes, y_idx = np.unique(y, return_inverse=True)
        if classes.size < 2:
            raise ValueError(f"y: expected at least two classes, got 1 class ({classes.tolist()})")
        if classes.size > 2:
            # any two values are two classes ("any two labels", 2.5 and −4.0 too); more
            # real values such as 0.3, 1.7, 2.2 … are a regression target, refused as scikit-learn does
            # ("Unknown label type: continuous")
            check_classification_targets(y)
        return X, classes, y_idx

    def _validate_predict(self, X):
        check_is_fitted(self)  # NotFittedError before fit
        return validate_data(self, X, reset=False, dtype=np.float64)

    def predict(self, X):
        """Class labels: for two classes ``classes_[1]`` where ``decision_function(X) > 0``,
        else ``classes_[0]``; for more, the class with the largest decision value."""
        return self._label(self.decision_function(X))

    def score(self, X, y, sample_weight=None):
        """Mean accuracy of ``predict(X)`` against ``y`` (weighted by ``sample_weight`` if given).

        Not scikit-learn's ``accuracy_score``, which refuses real-valued labels such as 2.5 and
        −4.0 that ``fit`` accepts.
        """
        pred = self.predict(X)
        y = np.asarray(y)
        if y.shape != pred.shape:
            raise ValueError(f"y: expected {pred.shape[0]} labels (one per row of X), got shape {y.shape}")
        return float(np.average(pred == y, weights=sample_weight))

    def _label(self, f):
        if f.ndim == 1:
            return self.classes_[(f > 0).astype(int)]
        return self.classes_[np.argmax(f, axis=1)]

    def slack(self, X, y):
        """Slack per point εᵢ = max(0, 1 − yᵢ f(xᵢ)) (y in the original labels), shape (n,).

        εᵢ = 0: outside or on the margin; 0 < εᵢ < 1: inside the margin, still
        correct; εᵢ ≥ 1: on the wrong side of the separator (misclassified or on it).
        Two classes only.
        """
        X = self._validate_predict(X)
        if len(self.classes_) != 2:
            raise ValueError(f"slack: expected a model of two classes, got {len(self.classes_)} classes")
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y: expected {X.shape[0]} labels (one per row of X), got shape {y.shape}")
        known = np.isin(y, self.classes_)
        if not np.all(known):
            raise ValueError(f"y: expected labels in {self.classes_.tolist()}, got {np.unique(y[~known])[:5].tolist()}")
        ypm = np.where(y == self.classes_[1], 1.0, -1.0)
        return np.maximum(0.0, 1.0 - ypm * self.decision_function(X))


def _check_one_label_per_row(X, y):
    """Name X and y when their lengths differ (scikit-learn's message names neither)."""
    n_X, n_y = _n_rows(X), _n_rows(y)
    if n_X is not None and n_y is not None and n_X != n_y:
        raise ValueError(f"y: expected {n_X} labels (one per row of X), got {n_y}")


def _n_rows(a):
    """Rows of an array, a sparse matrix or a list; None for anything else (validate_data explains)."""
    shape = getattr(a, "shape", None)
    if shape is not None:
        return shape[0] if len(shape) else None
    try:
        return len(a)
    except TypeError:
        return None



def _check_max_iter(max_iter):
    if isinstance(max_iter, bool) or not isinstance(max_iter, numbers.Integral) or max_iter < 1:
        raise ValueError(f"max_iter: expected an integer ≥ 1, got {max_iter!r}")
    return int(max_iter)


def _check_C(C, hard_margin, hint="pass hard_margin=True"):
    if not isinstance(hard_margin, (bool, np.bool_)):
        raise TypeError(f"hard_margin: expected True or False, got {type(hard_margin).__name__}")
    if hard_margin:
        if isinstance(C, numbers.Real) and np.isnan(C):
            raise ValueError("C: expected a number > 0 or inf, got nan")
        return np.inf
    if isinstance(C, numbers.Real) and not isinstance(C, bool) and np.isinf(C) and C > 0:
        raise ValueError(
            f"C: expected a finite number > 0, got inf; for the hard-margin SVM {hint}"
        )
    return check_positive(C, "C")


def _check_separable(X, ypm, K=None):
    """LP feasibility: is there f = ⟨x, β⟩ + β₀ (or f = K c + β₀) with yᵢ fᵢ ≥ 1 for all i?

    A hard-margin SVM exists exactly when this LP is feasible (scaling any strict
    separator by a constant makes every yᵢ fᵢ ≥ 1). In a kernel's feature space the
    representer theorem lets f range over the span of k(xⱼ, ·), i.e. f = K c + β₀.
    """
    from scipy.optimize import linprog

    F = X if K is None else K
    A = -ypm[:, None] * np.hstack([F, np.ones((F.shape[0], 1))])
    res = linprog(np.zeros(A.shape[1]), A_ub=A, b_ub=-np.ones(F.shape[0]),
                  bounds=[(None, None)] * A.shape[1], method="highs")
    if res.status == 2:  # infeasible
        raise ValueError(NOT_SEPARABLE_MESSAGE)
