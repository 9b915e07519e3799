"""KernelSVM: the soft- or hard-margin SVM with a kernel, dual solved by SMO; one-vs-one for K > 2."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.utils.validation import check_is_fitted

from coursekit._validate import check_positive
from coursekit.svm.estimator import ConvergenceWarning, _check_C, _check_max_iter, _check_separable, _Estimator
from coursekit.svm.kernels import (_check_degree, _check_kernel, _check_real, _resolve_gamma, linear_kernel,
                                   polynomial_kernel, rbf_kernel)
from coursekit.svm.multiclass import _check_shape, _ovr_from_ovo, _pairs, _per_problem, _votes
from coursekit.svm.smo import _RowCache, _smo


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
        Penalty on slack, scikit-learn's meaning (see :mod:`coursekit.svm`). Must be
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
