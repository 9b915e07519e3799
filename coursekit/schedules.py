"""Learning-rate schedules: callables ``k -> η`` for the step counter k = 0, 1, 2, …

A schedule is applied by setting ``optimizer.lr = schedule(k)`` before step k
(:func:`coursekit.train.fit` and :func:`coursekit.landscapes.run` do it when given
``schedule=``). Like the optimizers of :mod:`coursekit.optim` (which re-exports these
classes), every schedule takes the learning rate as ``lr``: here the rate η₀ at k = 0.

==================  =========================================================
class               η_k
==================  =========================================================
LinearDecay         η₀ / (k + 1)    (the lecture's "linear decay": a 1/k decay)
QuadraticDecay      η₀ / (k + 1)²
ExponentialDecay    η₀ e^(−βk)
StepDecayOnPlateau  η ← αη whenever the loss stagnates (told by ``step(loss)``)
==================  =========================================================
"""

from __future__ import annotations

import inspect
import math

from coursekit._validate import check_in_range, check_int, check_positive

__all__ = ["LinearDecay", "QuadraticDecay", "ExponentialDecay", "StepDecayOnPlateau"]


class _Decay:
    """A fixed schedule η_k = ``self._eta(k)``, k = 0, 1, 2, …

    Parameters
    ----------
    lr : float
        η₀ > 0, the learning rate at k = 0.
    """

    def __init__(self, lr):
        self.lr = check_positive(lr, "lr")

    def __call__(self, k):
        return self._eta(check_int(k, "k", low=0))

    def __repr__(self):
        names = inspect.signature(type(self)).parameters
        return f"{type(self).__name__}({', '.join(f'{k}={getattr(self, k)!r}' for k in names)})"


class LinearDecay(_Decay):
    """The lecture's "linear decay" η_k = η₀ / (k + 1) (k = 0, 1, ...): a 1/k decay; ``LinearDecay(lr=η₀)``."""

    def _eta(self, k):
        return self.lr / (k + 1)


class QuadraticDecay(_Decay):
    """The lecture's "quadratic decay" η_k = η₀ / (k + 1)²; ``QuadraticDecay(lr=η₀)``."""

    def _eta(self, k):
        return self.lr / (k + 1) ** 2


class ExponentialDecay(_Decay):
    """Exponential decay η_k = η₀ e^{−βk}, β > 0.

    Parameters
    ----------
    lr : float
        η₀ > 0, the learning rate at k = 0.
    beta : float
        The decay rate β > 0.
    """

    def __init__(self, lr, beta=0.01):
        super().__init__(lr)
        self.beta = check_positive(beta, "beta")

    def _eta(self, k):
        return self.lr * math.exp(-self.beta * k)


class StepDecayOnPlateau:
    """The lecture's recipe: train at a fixed η until the loss stagnates, then η ← αη.

    Call ``.step(loss)`` once per epoch (or evaluation); ``sched(k)`` (or ``.lr``) gives the
    current η. The loss "stagnates" when it has not improved on the best loss so far by more
    than ``rel_tol``·|best| for ``patience`` consecutive calls; then η ← αη and the count
    restarts.

    Parameters
    ----------
    lr : float
        Initial η > 0 (``.lr`` is the current η afterwards).
    alpha : float
        Factor α in (0, 1) (typically 0.1).
    patience : int
        Number of non-improving calls tolerated (≥ 1).
    rel_tol : float
        Relative improvement that counts (≥ 0).
    min_lr : float
        η never goes below this (≥ 0).
    """

    def __init__(self, lr, alpha=0.1, patience=3, rel_tol=1e-4, min_lr=0.0):
        self.lr = check_positive(lr, "lr")
        self.alpha = check_in_range(alpha, "alpha", 0.0, 1.0, low_inclusive=False)
        self.patience = check_int(patience, "patience", low=1)
        self.rel_tol = check_positive(rel_tol, "rel_tol", allow_zero=True)
        self.min_lr = check_positive(min_lr, "min_lr", allow_zero=True)
        self.best = math.inf
        self.bad = 0
        self.n_decays = 0

    def step(self, loss):
        """Record one loss value; decay η if it has stagnated. Returns the current η."""
        loss = float(loss)
        if not math.isfinite(loss):
            raise ValueError(f"loss: expected a finite number, got {loss!r}")
        improved = (not math.isfinite(self.best)) or loss < self.best - self.rel_tol * abs(self.best)
        if improved:
            self.best = loss
            self.bad = 0
        else:
            self.bad += 1
            if self.bad >= self.patience:
                self.lr = max(self.lr * self.alpha, self.min_lr)
                self.bad = 0
                self.n_decays += 1
        return self.lr

    def __call__(self, k=None):
        return self.lr
