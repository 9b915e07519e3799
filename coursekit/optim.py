"""Optimizers and learning-rate schedules (contract C).

``opt.step(params, grads)`` updates a dict of numpy arrays in place, keeping
per-key state.
"""

from __future__ import annotations

from coursekit._validate import check_positive

__all__ = ["GD"]


class GD:
    """Plain (stochastic) gradient descent: ``W ← W − η ∇W``.

    Parameters
    ----------
    lr : float
        The learning rate η > 0.
    """

    def __init__(self, lr=0.1):
        self.lr = check_positive(lr, "lr")

    def step(self, params, grads):
        for k, g in grads.items():
            params[k] -= self.lr * g
