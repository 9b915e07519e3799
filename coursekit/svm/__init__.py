"""Support vector machines and ℓ2-regularised logistic regression (see ARCHITECTURE.md, Public interfaces, "coursekit.svm").

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

Modules: :mod:`~coursekit.svm.kernels` (kernel functions), :mod:`~coursekit.svm.estimator`
(what the three estimators share: checking X and y, labels, C), :mod:`~coursekit.svm.smo` (the
dual solver), :mod:`~coursekit.svm.multiclass` (one-vs-rest and one-vs-one plumbing),
:mod:`~coursekit.svm.kernel_svm`, :mod:`~coursekit.svm.linear`, :mod:`~coursekit.svm.logistic`.
"""

from coursekit.svm.estimator import NOT_SEPARABLE_MESSAGE, ConvergenceWarning
from coursekit.svm.kernel_svm import KernelSVM
from coursekit.svm.kernels import kernel_matrix, linear_kernel, polynomial_kernel, rbf_kernel
from coursekit.svm.linear import LinearSVM
from coursekit.svm.logistic import LogisticRegression

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
