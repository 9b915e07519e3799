"""LinearSVM: the primal soft-margin SVM in hinge form, subgradient descent, then polished by SMO."""

from __future__ import annotations

import numpy as np

from coursekit._validate import check_positive
from coursekit.functional import hinge_loss
from coursekit.svm.estimator import _check_C, _check_max_iter, _Estimator
from coursekit.svm.multiclass import _binary_problems, _per_problem
from coursekit.svm.smo import _RowCache, _smo

_POLISH_MAX_N = 20_000  # LinearSVM polishes (SMO on the dual) only up to this many samples
_PRESOLVE_MIN_N = 20_000  # ... and presolves on a subsample only above it
_PRESOLVE_M = 5_000
_PRESOLVE_ITERS = 100


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
