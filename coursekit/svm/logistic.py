"""LogisticRegression: ℓ2-regularised, scikit-learn's scaling of C, Newton's method; one-vs-rest for K > 2."""

from __future__ import annotations

import warnings

import numpy as np

from coursekit._validate import check_positive
from coursekit.functional import sigmoid_forward
from coursekit.svm.estimator import ConvergenceWarning, _check_C, _check_max_iter, _Estimator
from coursekit.svm.multiclass import _binary_problems, _per_problem


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
