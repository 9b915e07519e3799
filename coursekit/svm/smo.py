"""The SVM dual solved by SMO with LIBSVM's second-order working-set selection (Fan, Chen & Lin 2005).

Used by :class:`~coursekit.svm.KernelSVM` and by :class:`~coursekit.svm.LinearSVM`'s polish.
"""

from __future__ import annotations

import numpy as np

from coursekit.svm.estimator import NOT_SEPARABLE_MESSAGE

_TAU = 1e-12  # LIBSVM's guard for a non-positive curvature a_ij


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
