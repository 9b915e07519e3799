"""Support vector machines and ℓ2-regularised logistic regression (see ARCHITECTURE.md, Public interfaces).

Three scikit-learn estimators (they pass ``sklearn.utils.estimator_checks.check_estimator``,
``tests/coursekit/test_svm_sklearn_checks.py``): ``fit`` / ``predict`` / ``decision_function`` /
``score``, ``get_params`` / ``set_params`` / ``clone`` from ``BaseEstimator``, fitted
attributes with a trailing underscore, ``NotFittedError`` before ``fit``. Any two class labels
are mapped internally to y ∈ {−1, +1}; ``classes_[1]`` is the +1 class, so
``decision_function > 0`` predicts ``classes_[1]``. More than two classes are split into
binary problems: one-vs-one for :class:`KernelSVM` (as scikit-learn's ``SVC``), one-vs-rest
for the two linear models.

* :class:`KernelSVM` — the dual problem solved exactly by SMO with LIBSVM's
  second-order working-set selection (Fan, Chen & Lin 2005).
* :class:`LinearSVM` — the primal in hinge form, trained by subgradient descent,
  then (optionally) polished to the exact optimum.
* :class:`LogisticRegression` — ½‖β‖² + C Σ log(1 + e^(−yᵢ f(xᵢ))), Newton's method.

**What C means.** Exactly what it means in scikit-learn: the soft-margin problem is

    min_{β, β₀, ε}  ½‖β‖² + C Σᵢ εᵢ   s.t.  yᵢ(⟨xᵢ, β⟩ + β₀) ≥ 1 − εᵢ,  εᵢ ≥ 0.

At the optimum εᵢ = max(0, 1 − yᵢ f(xᵢ)), so it equals the unconstrained
``½‖β‖² + C Σᵢ max(0, 1 − yᵢ f(xᵢ))``; dividing by C gives the "hinge + λ" form

    Σᵢ max(0, 1 − yᵢ f(xᵢ)) + λ‖β‖²   with   λ = 1 / (2C).

The seed lecture writes ‖β‖² + C′ Σ εᵢ (no ½): its C′ = 2C, and its "λ = 1/C′" is
right in its own scaling and equals 1/(2C) in ours. The intercept β₀ is never
penalised (as in scikit-learn and LIBSVM).

Kernels are scikit-learn's: linear ⟨x, x′⟩, rbf exp(−γ‖x − x′‖²),
poly (γ⟨x, x′⟩ + coef0)^degree; ``gamma="scale"`` is 1 / (d · Var(X)),
``gamma="auto"`` is 1 / d.

(Longer than the ~500 lines the project aims for — about 580 lines of code, the rest the
derivations — because the three estimators share the kernels, the SMO solver (``KernelSVM``
and ``LinearSVM``'s polish) and the label plumbing; the SMO solver with its row cache is the
natural piece to move out first.)
"""

from __future__ import annotations

import numbers
import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning as _SklearnConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from coursekit._validate import as_float_array, check_positive
from coursekit.functional import hinge_loss, sigmoid_forward

__all__ = [
    "linear_kernel",
    "rbf_kernel",
    "polynomial_kernel",
    "kernel_matrix",
    "KernelSVM",
    "LinearSVM",
    "LogisticRegression",
    "ConvergenceWarning",
    "NOT_SEPARABLE_MESSAGE",
]

NOT_SEPARABLE_MESSAGE = (
    "data are not linearly separable in the kernel's feature space; use a finite C"
)
_TAU = 1e-12  # LIBSVM's guard for a non-positive curvature a_ij
_POLISH_MAX_N = 20_000  # LinearSVM polishes (SMO on the dual) only up to this many samples
_PRESOLVE_MIN_N = 20_000  # ... and presolves on a subsample only above it
_PRESOLVE_M = 5_000
_PRESOLVE_ITERS = 100


class ConvergenceWarning(_SklearnConvergenceWarning):
    """An iterative solver stopped at ``max_iter`` before meeting its tolerance.

    A subclass of scikit-learn's ``ConvergenceWarning`` (itself a ``UserWarning``), so
    filters for either catch it."""


# ------------------------------------------------------------------------ kernels
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


# --------------------------------------------------------------- shared plumbing
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


# --------------------------------------------------------------------- SMO solver
class _RowCache:
    """Kernel rows K[i, :] against the training set, computed on demand and kept.

    For n ≤ ``full_limit`` a lazily filled (n, n) array (untouched rows cost no
    memory); above that, a bounded dict (oldest row evicted first).
    """

    def __init__(self, X, kernel, gamma, degree, coef0, full_limit=5000, cache_bytes=200e6):
        self.X, self.kernel, self.gamma, self.degree, self.coef0 = X, kernel, gamma, degree, coef0
        self.sq = (X * X).sum(1)
        n = X.shape[0]
        self.full = n <= full_limit
        if self.full:
            self.K = np.empty((n, n))
            self.have = np.zeros(n, dtype=bool)
        else:
            self.rows: dict[int, np.ndarray] = {}
            self.max_rows = max(2, int(cache_bytes // (8 * n)))
        self.n_computed = 0

    def diag(self):
        if self.kernel == "linear":
            return self.sq.copy()
        if self.kernel == "rbf":
            return np.ones(self.X.shape[0])
        return (self.gamma * self.sq + self.coef0) ** self.degree

    def _compute(self, i):
        self.n_computed += 1
        dot = self.X @ self.X[i]
        if self.kernel == "linear":
            return dot
        if self.kernel == "rbf":
            d2 = self.sq - 2.0 * dot
            d2 += self.sq[i]
            np.maximum(d2, 0.0, out=d2)
            d2 *= -self.gamma
            return np.exp(d2, out=d2)
        return (self.gamma * dot + self.coef0) ** self.degree

    def row(self, i):
        if self.full:
            if not self.have[i]:
                self.K[i] = self._compute(i)
                self.have[i] = True
            return self.K[i]
        r = self.rows.get(i)
        if r is None:
            if len(self.rows) >= self.max_rows:
                self.rows.pop(next(iter(self.rows)))
            r = self.rows[i] = self._compute(i)
        return r


def _smo(cache, y, C, tol, max_iter, alpha_limit=None, alpha0=None, G0=None):
    """Minimise the SVM dual  D(α) = ½ αᵀQα − eᵀα,  Q = (y yᵀ) ⊙ K,
    subject to yᵀα = 0 and 0 ≤ αᵢ ≤ C (C may be inf: the hard margin).

    SMO: each iteration moves two multipliers (i, j) along the constraint yᵀα = 0.
    Working set (LIBSVM / Fan, Chen & Lin 2005, second order): with G = ∇D = Qα − e,
    i = argmax_{t ∈ I_up} −y_t G_t and j = argmin over t ∈ I_low with −y_t G_t < −y_i G_i
    of −b_t²/a_t, where b_t = −y_i G_i + y_t G_t and a_t = K_ii + K_tt − 2K_it.
    Stop when m(α) − M(α) = max_{I_up} −yG − min_{I_low} −yG ≤ tol.

    A warm start ``alpha0`` (feasible: yᵀα₀ = 0, 0 ≤ α₀ ≤ C) needs its gradient ``G0``.
    Returns α (n,), ρ (the decision is Σ yᵢαᵢ k(xᵢ, x) − ρ), iterations, final gap.
    """
    n = y.shape[0]
    QD = cache.diag()
    pos = y > 0
    neg = ~pos
    finite_C = np.isfinite(C)
    if alpha0 is None:
        alpha = np.zeros(n)
        G = -np.ones(n)  # gradient at α = 0
    else:
        alpha = alpha0.astype(float).copy()
        G = G0.astype(float).copy()
    # I_up: y=+1 & α<C, or y=−1 & α>0.  I_low: y=+1 & α>0, or y=−1 & α<C.
    up = (pos & (alpha < C)) | (neg & (alpha > 0))
    low = (pos & (alpha > 0)) | (neg & (alpha < C))
    minus_inf = -np.inf
    it = 0
    gap = np.inf
    yG = np.empty(n)
    buf = np.empty(n)
    while it < max_iter:
        np.multiply(y, G, out=yG)  # y_t G_t; note −y_t G_t = −yG
        # i: argmax over I_up of −y G  == argmin over I_up of yG
        np.copyto(buf, yG)
        buf[~up] = np.inf
        i = int(np.argmin(buf))
        Gmax = -buf[i]
        # Gmax2 = max over I_low of y G
        np.copyto(buf, yG)
        buf[~low] = minus_inf
        Gmax2 = buf.max()
        gap = Gmax + Gmax2
        if gap <= tol or not np.isfinite(Gmax):
            break
        Ki = cache.row(i)
        # candidates: t in I_low with b_t = Gmax + y_t G_t > 0
        b = buf  # holds yG on I_low, −inf elsewhere
        b += Gmax
        a = QD[i] + QD - 2.0 * Ki
        np.maximum(a, _TAU, out=a)
        score = np.where(b > 0, -(b * b) / a, np.inf)
        j = int(np.argmin(score))
        if not np.isfinite(score[j]):
            break
        Kj = cache.row(j)
        yi, yj = y[i], y[j]
        ai_old, aj_old = alpha[i], alpha[j]
        Kij = Ki[j]
        quad = max(QD[i] + QD[j] - 2.0 * Kij, _TAU)
        if yi != yj:
            delta = (-G[i] - G[j]) / quad
            diff = ai_old - aj_old
            ai, aj = ai_old + delta, aj_old + delta
            if diff > 0:
                if aj < 0:
                    aj, ai = 0.0, diff
            elif ai < 0:
                ai, aj = 0.0, -diff
            if finite_C:
                if diff > 0:
                    if ai > C:
                        ai, aj = C, C - diff
                elif aj > C:
                    aj, ai = C, C + diff
        else:
            delta = (G[i] - G[j]) / quad
            s = ai_old + aj_old
            ai, aj = ai_old - delta, aj_old + delta
            if finite_C and s > C:
                if ai > C:
                    ai, aj = C, s - C
            elif aj < 0:
                aj, ai = 0.0, s
            if finite_C and s > C:
                if aj > C:
                    aj, ai = C, s - C
            elif ai < 0:
                ai, aj = 0.0, s
        dai, daj = ai - ai_old, aj - aj_old
        alpha[i], alpha[j] = ai, aj
        # G += Q_i Δα_i + Q_j Δα_j with Q_t = y_t y ⊙ K_t
        G += y * (Ki * (yi * dai) + Kj * (yj * daj))
        for t, at in ((i, ai), (j, aj)):
            if y[t] > 0:
                up[t] = at < C
                low[t] = at > 0
            else:
                up[t] = at > 0
                low[t] = at < C
        if alpha_limit is not None and max(ai, aj) > alpha_limit:
            raise ValueError(NOT_SEPARABLE_MESSAGE)
        it += 1
    # ρ as in LIBSVM: the mean of y_t G_t over free multipliers, else the middle of the bounds
    yG = y * G
    at_upper = alpha >= C if finite_C else np.zeros(n, dtype=bool)
    at_lower = alpha <= 0
    free = ~(at_upper | at_lower)
    if free.any():
        rho = float(yG[free].mean())
    else:
        ub_mask = (at_upper & neg) | (at_lower & pos)
        lb_mask = (at_upper & pos) | (at_lower & neg)
        ub = yG[ub_mask].min() if ub_mask.any() else np.inf
        lb = yG[lb_mask].max() if lb_mask.any() else -np.inf
        rho = float((ub + lb) / 2)
    return alpha, rho, it, float(gap)


# ----------------------------------------------------------------------- KernelSVM
class KernelSVM(_Estimator):
    """Soft-margin (or hard-margin) kernel SVM, dual solved by SMO; one-vs-one for K > 2 classes.

    Solves  min_α ½ Σᵢⱼ αᵢαⱼ yᵢyⱼ k(xᵢ, xⱼ) − Σᵢ αᵢ  s.t.  Σᵢ yᵢαᵢ = 0,  0 ≤ αᵢ ≤ C,
    the dual of  min ½‖β‖² + C Σᵢ εᵢ  s.t. yᵢ(⟨φ(xᵢ), β⟩ + β₀) ≥ 1 − εᵢ, εᵢ ≥ 0.
    The decision function is f(x) = Σ_{i ∈ SV} yᵢαᵢ k(xᵢ, x) + β₀: only the support
    vectors (αᵢ > 0) enter it.

    Solver: SMO with LIBSVM's second-order working-set selection and stopping rule
    m(α) − M(α) ≤ tol; kernel rows are computed on demand and cached (for n ≤ 5000 in a
    lazily filled n × n array), so only the rows SMO visits are ever evaluated. No
    shrinking.

    **More than two classes** (as scikit-learn's ``SVC``, i.e. LIBSVM): one-vs-one. For each
    of the K(K−1)/2 pairs of classes i < j the dual above is solved on the points of those
    two classes, with yᵢ = +1 for class i and −1 for class j, giving f_ij(x); f_ij > 0 is a
    vote for class i, otherwise for class j. ``predict`` returns the class with the most
    votes (ties: see ``break_ties``). ``decision_function`` returns per-class scores (m, K),
    the votes plus a tie-breaker in (−⅓, ⅓) (``decision_function_shape="ovr"``, see
    :func:`_ovr_from_ovo`), or the pairwise f_ij (m, K(K−1)/2) (``"ovo"``), pairs in the
    order (0, 1), (0, 2), …, (0, K−1), (1, 2), …. For two classes the sign convention is
    scikit-learn's binary one, f > 0 ↔ classes_[1].

    Parameters
    ----------
    C : float > 0
        Penalty on slack, scikit-learn's meaning (see the module docstring). Must be
        finite unless ``hard_margin=True``.
    kernel : {"rbf", "linear", "poly"}
    gamma : float > 0, "scale" (1/(d·Var X)) or "auto" (1/d)
    degree : int ≥ 1 (poly)
    coef0 : float (poly)
    tol : float > 0
        Stopping tolerance on the KKT gap m(α) − M(α) (LIBSVM's ``eps``, sklearn's ``tol``).
    max_iter : int
        SMO iterations (per pair of classes) before giving up with a :class:`ConvergenceWarning`.
    hard_margin : bool
        If True, solve with C = ∞ (C is ignored). Before solving, an LP checks that the
        data are separable in the kernel's feature space; if not, ``fit`` raises
        ``ValueError("data are not linearly separable in the kernel's feature space;
        use a finite C")``.
    decision_function_shape : {"ovr", "ovo"}
        For K > 2 classes, the shape of ``decision_function`` (as in ``SVC``); ignored for two.
    break_ties : bool
        For K > 2 classes, whether ``predict`` breaks equal vote counts by the
        ``decision_function`` values (as in ``SVC``) rather than by class order.

    Attributes
    ----------
    classes_ : (K,) the sorted labels; for two classes classes_[1] ↔ y = +1
    support_ : (n_SV,) indices of the support vectors in the training set, grouped by class
    support_vectors_ : (n_SV, d)
    n_support_ : (K,) number of support vectors per class
    dual_coef_ : (K−1, n_SV) yᵢαᵢ. Two classes: one row. K > 2: LIBSVM's layout — the
        coefficient of a support vector of class i in the problem (i, j) is in row j − 1, one of
        class j in row i (0 where the point is not a support vector of that problem)
    intercept_ : (K(K−1)/2,) β₀ (= −ρ) per pair; (1,) for two classes
    coef_ : (K(K−1)/2, d) β = Σ yᵢαᵢ xᵢ per pair (linear kernel only)
    gamma_ : the γ used (resolved from "scale"/"auto"; 0 for the linear kernel)

    Per binary problem (a number for two classes, an array over the pairs for K > 2):
    margin_ 1/‖β‖ (in feature space, ‖β‖² = Σᵢⱼ yᵢαᵢ yⱼαⱼ k(xᵢ, xⱼ)), dual_objective_ the
    minimised D(α) = ½ αᵀQα − Σ αᵢ, n_iter_ SMO iterations, gap_ final m(α) − M(α),
    n_kernel_rows_ kernel rows computed. Two classes only: alpha_ (n,) all multipliers αᵢ.
    """

    def __init__(self, C=1.0, kernel="rbf", gamma="scale", degree=3, coef0=0.0, tol=1e-3,
                 max_iter=1_000_000, hard_margin=False, decision_function_shape="ovr", break_ties=False):
        self.C = C
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0
        self.tol = tol
        self.max_iter = max_iter
        self.hard_margin = hard_margin
        self.decision_function_shape = decision_function_shape
        self.break_ties = break_ties

    def _kernel(self, A, B):
        if self.kernel == "linear":
            return linear_kernel(A, B)
        if self.kernel == "rbf":
            return rbf_kernel(A, B, self._gamma)
        return polynomial_kernel(A, B, self._gamma, self._degree, self._coef0)

    def fit(self, X, y):
        """Solve the dual on X (n, d), y (n,) (one problem per pair of classes); returns self."""
        C = _check_C(self.C, self.hard_margin)
        kernel = _check_kernel(self.kernel)
        tol = check_positive(self.tol, "tol")
        max_iter = _check_max_iter(self.max_iter)
        self._degree = _check_degree(self.degree)
        self._coef0 = _check_real(self.coef0, "coef0")
        _check_shape(self.decision_function_shape)
        X, classes, y_idx = self._validate_fit(X, y)
        self._gamma = _resolve_gamma(self.gamma, X) if kernel != "linear" else 0.0
        self.gamma_ = self._gamma
        if classes.size == 2:
            self._fit_two_classes(X, np.where(y_idx == 1, 1.0, -1.0), C, tol, max_iter)
        else:
            self._fit_one_vs_one(X, y_idx, classes.size, C, tol, max_iter)
        self.support_vectors_ = X[self.support_].copy()
        if kernel == "linear":  # β = Σ yᵢαᵢ xᵢ for each pair
            self.coef_ = np.array([Ks @ self.support_vectors_ for Ks in self._pair_coefs()])
        self.classes_ = classes
        return self

    def _solve(self, X, ypm, C, tol, max_iter):
        """One binary dual on X (n, d), ypm (n,) in {−1, +1}: α, ρ and what the solver reports."""
        if not np.isfinite(C):
            _check_separable(X, ypm, None if self.kernel == "linear" else self._kernel(X, X))
        cache = _RowCache(X, self.kernel, self._gamma, self._degree, self._coef0)
        alpha, rho, it, gap = _smo(cache, ypm, C, tol, max_iter)
        if it >= max_iter:
            warnings.warn(f"KernelSVM: SMO stopped at max_iter={max_iter} with gap {gap:.3g} > tol={tol}",
                          ConvergenceWarning, stacklevel=3)
        sv = alpha > 0
        c = ypm[sv] * alpha[sv]
        w2 = float(c @ self._kernel(X[sv], X[sv]) @ c)  # ‖β‖² in feature space
        return dict(alpha=alpha, rho=rho, n_iter=it, gap=gap, n_kernel_rows=cache.n_computed,
                    dual_objective=0.5 * w2 - float(alpha.sum()), margin=1.0 / np.sqrt(w2) if w2 > 0 else np.inf)

    def _fit_two_classes(self, X, ypm, C, tol, max_iter):
        r = self._solve(X, ypm, C, tol, max_iter)
        alpha = r["alpha"]
        sv = np.flatnonzero(alpha > 0)
        # scikit-learn's order: support vectors of classes_[0] first, then classes_[1]
        sv = np.concatenate([sv[ypm[sv] < 0], sv[ypm[sv] > 0]])
        self.alpha_ = alpha
        self.support_ = sv
        self.dual_coef_ = (ypm[sv] * alpha[sv])[None, :]
        self.n_support_ = np.array([np.sum(ypm[sv] < 0), np.sum(ypm[sv] > 0)])
        self.intercept_ = np.array([-r["rho"]])
        self._set_per_problem([r])

    def _fit_one_vs_one(self, X, y_idx, n_classes, C, tol, max_iter):
        n = X.shape[0]
        coef = np.zeros((n_classes - 1, n))  # dual_coef_ over all rows, kept at the support vectors below
        is_sv = np.zeros(n, dtype=bool)
        results = []
        for i, j in _pairs(n_classes):
            rows = np.flatnonzero((y_idx == i) | (y_idx == j))
            ypm = np.where(y_idx[rows] == i, 1.0, -1.0)  # LIBSVM: f_ij > 0 votes for class i
            r = self._solve(X[rows], ypm, C, tol, max_iter)
            sv = r["alpha"] > 0
            is_sv[rows[sv]] = True
            # LIBSVM's layout: yα of a class-i support vector goes to row j − 1, of a class-j one to row i
            coef[np.where(ypm[sv] > 0, j - 1, i), rows[sv]] = ypm[sv] * r["alpha"][sv]
            results.append(r)
        support = np.flatnonzero(is_sv)
        self.support_ = support[np.argsort(y_idx[support], kind="stable")]  # grouped by class
        self.dual_coef_ = coef[:, self.support_]
        self.n_support_ = np.bincount(y_idx[self.support_], minlength=n_classes)
        self.intercept_ = np.array([-r["rho"] for r in results])
        self._set_per_problem(results)

    def _set_per_problem(self, results):
        self.n_iter_ = _per_problem([r["n_iter"] for r in results])
        self.gap_ = _per_problem([r["gap"] for r in results])
        self.n_kernel_rows_ = _per_problem([r["n_kernel_rows"] for r in results])
        self.dual_objective_ = _per_problem([r["dual_objective"] for r in results])
        self.margin_ = _per_problem([r["margin"] for r in results])

    def _pair_coefs(self):
        """For each pair (i, j), its yα over all support vectors (0 outside classes i and j), (n_pairs, n_SV)."""
        K = self.n_support_.size
        if K == 2:
            return self.dual_coef_.copy()
        start = np.concatenate([[0], np.cumsum(self.n_support_)])
        out = np.zeros((K * (K - 1) // 2, self.dual_coef_.shape[1]))
        for k, (i, j) in enumerate(_pairs(K)):
            of_i, of_j = slice(start[i], start[i + 1]), slice(start[j], start[j + 1])
            out[k, of_i] = self.dual_coef_[j - 1, of_i]
            out[k, of_j] = self.dual_coef_[i, of_j]
        return out

    def decision_function(self, X):
        """f(x) = Σ_{i ∈ SV} yᵢαᵢ k(xᵢ, x) + β₀ for each row of X (m, d) → (m,).

        Only the support vectors are used: cost O(m · n_SV · d). For K > 2 classes the same
        for every pair, turned into per-class scores (m, K) (see :func:`_ovr_from_ovo`), or
        kept pairwise (m, K(K−1)/2) if ``decision_function_shape="ovo"``.
        """
        return self._decision(X, self.decision_function_shape)

    def predict(self, X):
        """Class labels: the sign of f for two classes; for more, the class with the most pairwise
        votes — a tie goes to the first of the tied classes (LIBSVM), or with ``break_ties=True``
        to the largest ``decision_function`` (its argmax)."""
        check_is_fitted(self)
        if self.classes_.size == 2 or self.break_ties:
            return self._label(self._decision(X, "ovr"))
        ovo = self._decision(X, "ovo")
        return self.classes_[np.argmax(_votes(ovo, self.classes_.size), axis=1)]

    def _decision(self, X, shape):
        X = self._validate_predict(X)
        Kx = self._kernel(X, self.support_vectors_)
        if self.classes_.size == 2:
            return Kx @ self.dual_coef_[0] + self.intercept_[0]
        ovo = Kx @ self._pair_coefs().T + self.intercept_
        return ovo if shape == "ovo" else _ovr_from_ovo(ovo, self.classes_.size)


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


# ----------------------------------------------------------------------- LinearSVM
class LinearSVM(_Estimator):
    """Linear soft-margin SVM, trained in the primal by subgradient descent on the hinge loss.

    Minimises the "hinge + λ" form (seed 000, eq. (1), plus an unpenalised intercept)

        L(β, β₀) = Σᵢ max(0, 1 − yᵢ(⟨xᵢ, β⟩ + β₀)) + λ‖β‖²,   λ = 1/(2C),

    whose minimiser is that of scikit-learn's ½‖β‖² + C Σᵢ εᵢ (``SVC(kernel="linear", C)``).

    Training, in up to three stages (each reported by an attribute):

    0. **Presolve** (``presolve=True``, only when n > 20 000; ``presolved_``): the descent
       of stage 1, 100 iterations on a random subsample of 5 000 rows with λ scaled by
       5 000/n (so the per-sample balance of hinge and penalty is unchanged). Its answer
       starts stage 1, whose step-size schedule continues from there. On n = 100 000,
       d = 20 this start is already within ~0.5% of the optimal objective
       (``benchmarks/bench_svm.py``).
    1. **Subgradient descent** on L/n (full batch). With δᵢ = ∂(mean hinge)/∂fᵢ from
       :func:`coursekit.functional.hinge_loss` (−yᵢ/n where yᵢfᵢ < 1, else 0):
       ``g_β = Xᵀδ + (2λ/n) β``, ``g₀ = Σ δᵢ``, with Nesterov momentum μ = 0.9:
       ``v ← μv − η_t g`` (g taken at the look-ahead point θ + μv), ``θ ← θ + v``, where
       η_t = η / (s √(1 + t/100)) and s = mean ‖xᵢ‖² + 1 makes η unit-free.
       ``loss_history_[t]`` is L(β, β₀) (not divided by n) at the point where the t-th
       full-batch subgradient was taken; the best such point is kept. From β = 0 this
       stage reaches about 1% of the optimal objective within a few dozen iterations, but
       β only to a few digits (a subgradient method converges slowly near the kink).
    2. **Polish** (``polish=True``, only when n ≤ 20 000; ``polished_``): the exact
       optimum, by the dual. The descent's margins mᵢ = yᵢfᵢ say which multipliers are at
       C (mᵢ < 1), at 0 (mᵢ > 1) or in between (mᵢ ≈ 1); that nearly optimal dual point
       warm-starts the SMO solver of :class:`KernelSVM` with the linear kernel (tolerance
       1e-6 on the KKT gap), which then only moves the multipliers near the margin;
       β = Σ αᵢyᵢxᵢ. The polished point replaces the descent's only if SMO converged
       (≤ 20 000 SMO steps) and L did not rise. Above n = 20 000 the SMO steps (O(n) each)
       cost more than they are worth and the descent's answer stands. So for small n the
       *answer* is exact while the *training* is subgradient descent; the lecture shows both.

    Parameters
    ----------
    C : float > 0 (finite)
    lr : float > 0       step size η on L/n
    max_iter : int       descent iterations
    tol : float          stop the descent when the best L improved by less than tol·L in 50 iterations
    polish : bool
    presolve : bool
    random_state : int or None   seed of the presolve subsample
    fit_intercept : bool

    **More than two classes**: one-vs-rest — for each class c the problem above with yᵢ = +1
    for class c and −1 for the rest (``OneVsRestClassifier(SVC(kernel="linear", C))`` in
    scikit-learn; ``LinearSVC`` penalises the intercept, a different problem).
    ``decision_function`` (m, K) holds the K scores f_c(x), ``predict`` takes the largest.

    Attributes
    ----------
    coef_ (1, d), intercept_ (1,) — (K, d), (K,) for K > 2 classes; classes_; lambda_ (= 1/(2C));
    per binary problem (a number for two classes, one entry per class for more): loss_history_
    (list of float), n_iter_, objective_ (L at the solution), margin_ (= 1/‖β‖), polished_ (bool),
    presolved_ (bool), support_ (indices with yᵢfᵢ ≤ 1 + 1e-8: on or inside the margin)
    """

    def __init__(self, C=1.0, lr=3.0, max_iter=300, tol=1e-6, polish=True, presolve=True, random_state=0,
                 fit_intercept=True):
        self.C = C
        self.presolve = presolve
        self.random_state = random_state
        self.lr = lr
        self.max_iter = max_iter
        self.tol = tol
        self.polish = polish
        self.fit_intercept = fit_intercept

    @staticmethod
    def objective(X, ypm, beta, beta0, lam):
        """L(β, β₀) = Σ max(0, 1 − yᵢ(⟨xᵢ, β⟩ + β₀)) + λ‖β‖² for y in {−1, +1}."""
        m = ypm * (X @ beta + beta0)
        return float(np.maximum(0.0, 1.0 - m).sum() + lam * beta @ beta)

    def fit(self, X, y):
        """Subgradient descent (+ polish) on X (n, d), y (n,); one-vs-rest for K > 2 classes; returns self."""
        C = _check_C(self.C, False, hint="use KernelSVM(kernel='linear', hard_margin=True)")
        lr = check_positive(self.lr, "lr")
        max_iter = _check_max_iter(self.max_iter)
        tol = check_positive(self.tol, "tol", allow_zero=True)
        X, classes, y_idx = self._validate_fit(X, y)
        results = [self._fit_binary(X, ypm, C, lr, max_iter, tol) for ypm in _binary_problems(y_idx, classes.size)]
        self.lambda_ = 1.0 / (2.0 * C)
        self.coef_ = np.array([r["beta"] for r in results])
        self.intercept_ = np.array([r["beta0"] for r in results])
        self.n_iter_ = _per_problem([r["n_iter"] for r in results])
        self.objective_ = _per_problem([r["L"] for r in results])
        self.margin_ = _per_problem([r["margin"] for r in results])
        self.polished_ = _per_problem([r["polished"] for r in results])
        self.presolved_ = _per_problem([r["presolved"] for r in results])
        self.loss_history_ = results[0]["history"] if classes.size == 2 else [r["history"] for r in results]
        self.support_ = results[0]["support"] if classes.size == 2 else [r["support"] for r in results]
        self.classes_ = classes
        return self

    def _fit_binary(self, X, ypm, C, lr, max_iter, tol):
        """Stages 0–2 above for one binary problem, ypm (n,) in {−1, +1}."""
        n, d = X.shape
        lam = 1.0 / (2.0 * C)
        # step scale: a step of η/s·g moves typical scores f(x) by O(η), whatever the units of X
        s = float(np.mean((X * X).sum(1))) + (1.0 if self.fit_intercept else 0.0)
        beta, beta0, t_start = np.zeros(d), 0.0, 0
        presolved = False
        if self.presolve and n > _PRESOLVE_MIN_N:
            # a cheap start: the same problem on a random subsample of m rows, with λ scaled by
            # m/n so the per-sample balance (mean hinge + (λ/n)‖β‖²) is unchanged
            m = _PRESOLVE_M
            rng = np.random.default_rng(self.random_state)
            sub = rng.choice(n, size=m, replace=False)
            (_, beta, beta0), _, t_sub = _hinge_descent(
                X[sub], ypm[sub], lam * m / n, lr, s, _PRESOLVE_ITERS, tol, self.fit_intercept,
                beta, beta0, 0)
            t_start = t_sub  # continue the step-size schedule where the subsample left it
            presolved = True
        best, history, iters = _hinge_descent(X, ypm, lam, lr, s, max_iter, tol, self.fit_intercept,
                                              beta, beta0, t_start)
        L, beta, beta0 = best
        polished = False
        if self.polish and n <= _POLISH_MAX_N:
            res = _polish_linear(X, ypm, beta, beta0, C, self.fit_intercept)
            if res is not None:
                b_new, b0_new = res
                L_new = self.objective(X, ypm, b_new, b0_new, lam)
                if L_new <= L * (1 + 1e-12):
                    beta, beta0, L = b_new, b0_new, L_new
                    polished = True
        nb = np.linalg.norm(beta)
        return dict(beta=np.array(beta, dtype=float), beta0=float(beta0), L=L, history=history, n_iter=iters,
                    presolved=presolved, polished=polished, margin=1.0 / nb if nb > 0 else np.inf,
                    support=np.flatnonzero(ypm * (X @ beta + beta0) <= 1 + 1e-8))

    def decision_function(self, X):
        """f(x) = ⟨x, β⟩ + β₀ for each row of X (m, d) → (m,); (m, K) for K > 2 classes (one column per class)."""
        X = self._validate_predict(X)
        if self.classes_.size == 2:
            return X @ self.coef_[0] + self.intercept_[0]
        return X @ self.coef_.T + self.intercept_


def _hinge_descent(X, ypm, lam, lr, s, max_iter, tol, fit_intercept, beta, beta0, t_start):
    """Nesterov-accelerated subgradient descent on L(β, β₀) = Σ hinge + λ‖β‖² (see LinearSVM).

    Returns ((L_best, β_best, β₀_best), history of L, iterations run).
    """
    n = X.shape[0]
    beta = np.array(beta, dtype=float)
    vb = np.zeros_like(beta)
    v0 = 0.0
    mom = 0.9
    history = []
    best = (np.inf, beta.copy(), beta0)
    it = 0
    for it in range(max_iter):
        # Nesterov: the subgradient is taken at the look-ahead point (β + μv, β₀ + μv₀);
        # L is recorded there too (the scores are already computed), and the best such
        # point is what fit keeps.
        la_b = beta + mom * vb
        la_0 = beta0 + mom * v0
        scores = X @ la_b + la_0
        mean_hinge, dscores = hinge_loss(scores, ypm)
        L = n * mean_hinge + lam * float(la_b @ la_b)
        history.append(L)
        if L < best[0]:
            best = (L, la_b, la_0)
        if it >= 50 and min(history[-50:]) > (1.0 - tol) * min(history[:-50]):
            break  # no relative progress > tol in 50 iterations
        g_b = X.T @ dscores + (2.0 * lam / n) * la_b
        g_0 = dscores.sum() if fit_intercept else 0.0
        eta = lr / (s * np.sqrt(1.0 + (t_start + it) / 100.0))
        vb = mom * vb - eta * g_b
        v0 = mom * v0 - eta * g_0
        beta = beta + vb
        beta0 = beta0 + v0
    return best, history, it + 1


def _polish_linear(X, ypm, beta, beta0, C, fit_intercept, tol=1e-6, max_iter=20_000):
    """Exact optimum by SMO on the dual (linear kernel), warm-started from the descent.

    The descent's margins mᵢ = yᵢfᵢ give a nearly optimal dual point: αᵢ = C where
    mᵢ < 1 − δ, 0 where mᵢ > 1 + δ, and a linear ramp in between (δ = 0.05); the few
    multipliers on one class are then shifted so that yᵀα = 0. From there SMO (the
    same solver as :class:`KernelSVM`, LIBSVM's stopping rule with tol) only has to fix
    the points near the margin. Returns (β, β₀) with β = Σ αᵢyᵢxᵢ, or None.
    Without an intercept the dual has no yᵀα = 0 constraint, which this SMO assumes:
    then no polish (None).
    """
    if not fit_intercept:
        return None
    n, d = X.shape
    m = ypm * (X @ beta + beta0)
    delta = 0.05
    alpha = C * np.clip((1.0 + delta - m) / (2 * delta), 0.0, 1.0)
    # restore yᵀα = 0 by lowering multipliers of the class with the larger total
    excess = float(ypm @ alpha)
    cls = ypm > 0 if excess > 0 else ypm < 0
    amount = abs(excess)
    idx = np.flatnonzero(cls & (alpha > 0))
    idx = idx[np.argsort(m[idx])[::-1]]  # take from the points closest to the margin first
    take = np.minimum(alpha[idx], np.maximum(amount - np.concatenate([[0.0], np.cumsum(alpha[idx])[:-1]]), 0.0))
    alpha[idx] -= take
    if abs(float(ypm @ alpha)) > 1e-8 * max(1.0, C * n):
        return None
    G = ypm * (X @ (X.T @ (ypm * alpha))) - 1.0
    cache = _RowCache(X, "linear", 0.0, 1, 0.0)
    alpha, rho, it, gap = _smo(cache, ypm, C, tol, max_iter, alpha0=alpha, G0=G)
    if gap > tol:
        return None
    return X.T @ (ypm * alpha), -rho


# -------------------------------------------------------------- LogisticRegression
class LogisticRegression(_Estimator):
    """ℓ2-regularised logistic regression with scikit-learn's scaling of C.

    Minimises  J(β, β₀) = ½‖β‖² + C Σᵢ log(1 + e^(−yᵢ(⟨xᵢ, β⟩ + β₀))),  y ∈ {−1, +1},
    the intercept unpenalised (as sklearn's ``LogisticRegression(C=C)``). Compare the
    soft-margin SVM: ½‖β‖² + C Σᵢ max(0, 1 − yᵢfᵢ) — the same form with the hinge in
    place of the logistic loss.

    Solver: Newton's method with a backtracking line search on θ = (β, β₀):
    gradient ∇J = (β, 0) − C Xᵀ(y ⊙ σ(−y f)), Hessian H = diag(1, …, 1, 0) + C Xᵀ S X with
    S = diag(σ(f)σ(−f)) (X augmented by a column of ones). Stops when ‖∇J‖∞ ≤ tol.

    **More than two classes**: one-vs-rest, as scikit-learn's ``OneVsRestClassifier``: for each
    class c the problem above with yᵢ = +1 for class c and −1 for the rest; ``decision_function``
    (m, K) holds the K log-odds, ``predict`` takes the largest, ``predict_proba`` normalises
    σ(f_c) over the classes. (scikit-learn's ``LogisticRegression`` alone is multinomial.)

    Attributes
    ----------
    coef_ (1, d), intercept_ (1,) — (K, d), (K,) for K > 2 classes; classes_;
    per binary problem (a number for two classes, one entry per class for more): n_iter_,
    objective_ (J at the solution), loss_history_ (J per iteration)
    """

    def __init__(self, C=1.0, tol=1e-8, max_iter=100, fit_intercept=True):
        self.C = C
        self.tol = tol
        self.max_iter = max_iter
        self.fit_intercept = fit_intercept

    @staticmethod
    def _J(Xa, ypm, theta, C, reg):
        f = Xa @ theta
        z = -ypm * f
        logloss = np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))
        return 0.5 * float(reg @ (theta * theta)) + C * float(logloss.sum())

    def fit(self, X, y):
        """Newton's method on X (n, d), y (n,); one-vs-rest for K > 2 classes; returns self."""
        C = _check_C(self.C, False, hint="use coursekit.svm.KernelSVM(hard_margin=True)")
        tol = check_positive(self.tol, "tol")
        max_iter = _check_max_iter(self.max_iter)
        X, classes, y_idx = self._validate_fit(X, y)
        n, d = X.shape
        Xa = np.hstack([X, np.ones((n, 1))]) if self.fit_intercept else X
        results = [self._newton(Xa, ypm, C, tol, max_iter) for ypm in _binary_problems(y_idx, classes.size)]
        theta = np.array([r[0] for r in results])
        self.coef_ = theta[:, :d].copy()
        self.intercept_ = theta[:, d].copy() if self.fit_intercept else np.zeros(len(results))
        self.objective_ = _per_problem([r[1] for r in results])
        self.loss_history_ = results[0][2] if classes.size == 2 else [r[2] for r in results]
        self.n_iter_ = _per_problem([r[3] for r in results])
        self.classes_ = classes
        return self

    def _newton(self, Xa, ypm, C, tol, max_iter):
        """Minimise J for one binary problem, ypm (n,) in {−1, +1}: θ, J(θ), J per iteration, iterations."""
        p = Xa.shape[1]
        reg = np.ones(p)
        if self.fit_intercept:
            reg[-1] = 0.0
        theta = np.zeros(p)
        J = self._J(Xa, ypm, theta, C, reg)
        history = [J]
        it = 0
        for it in range(1, max_iter + 1):
            f = Xa @ theta
            s_neg = sigmoid_forward(-ypm * f)  # σ(−y f)
            grad = reg * theta - C * (Xa.T @ (ypm * s_neg))
            if np.abs(grad).max() <= tol:
                break
            w = s_neg * (1.0 - s_neg)
            H = (Xa * (C * w)[:, None]).T @ Xa + np.diag(reg)
            H[np.diag_indices(p)] += 1e-12
            step = np.linalg.solve(H, grad)
            # backtracking (Armijo) line search; the slack 1e-12·|J| is J's round-off: near the
            # optimum the predicted decrease is below it and the full Newton step is taken
            t = 1.0
            while True:
                cand = theta - t * step
                Jc = self._J(Xa, ypm, cand, C, reg)
                if Jc <= J - 1e-4 * t * float(grad @ step) + 1e-12 * abs(J) or t < 1e-10:
                    break
                t *= 0.5
            theta, J = cand, Jc
            history.append(J)
        else:
            warnings.warn(f"LogisticRegression: Newton stopped at max_iter={max_iter}",
                          ConvergenceWarning, stacklevel=3)
        return theta, J, history, it

    def decision_function(self, X):
        """f(x) = ⟨x, β⟩ + β₀, the log-odds of classes_[1], for each row of X (m, d) → (m,);
        for K > 2 classes (m, K), column c the log-odds of class c against the rest."""
        X = self._validate_predict(X)
        if self.classes_.size == 2:
            return X @ self.coef_[0] + self.intercept_[0]
        return X @ self.coef_.T + self.intercept_

    def predict_proba(self, X):
        """(m, 2): columns P(classes_[0] | x), P(classes_[1] | x) = σ(f(x)).

        For K > 2 classes (m, K): the one-vs-rest probabilities σ(f_c(x)) normalised to sum
        to 1 over the classes (as scikit-learn's ``OneVsRestClassifier``).
        """
        f = self.decision_function(X)
        if f.ndim == 1:
            p1 = sigmoid_forward(f)
            return np.column_stack([1.0 - p1, p1])
        p = sigmoid_forward(f)
        return p / p.sum(axis=1, keepdims=True)
