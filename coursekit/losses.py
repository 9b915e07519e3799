"""Loss objects: ``loss(pred, target) -> (loss, dpred)``, built on :mod:`coursekit.functional`.

Each loss is a small callable object that also knows how to turn network outputs into
class labels (``predict``), so the training loop can report accuracy. A network with
one output column (N, 1) may be paired with targets of shape (N,) — the loss reshapes
the target, and ``dpred`` always has the shape of ``pred``.

===========================  =======================  ==================================
loss                         network output           target
===========================  =======================  ==================================
``MSELoss``                  any (N,) or (N, K)        same shape (or (N,) for (N, 1))
``BCELoss``                  probabilities (Sigmoid)   {0, 1}
``BCEWithLogitsLoss``        logits (no Sigmoid)       {0, 1}
``CrossEntropyLoss``         probabilities (Softmax)   integer labels 0..C−1
``SoftmaxCrossEntropyLoss``  logits (no Softmax)       integer labels 0..C−1
``HingeLoss``                scores (N,) or (N, 1)     {−1, +1}
===========================  =======================  ==================================
"""

from __future__ import annotations

import numpy as np

from coursekit import functional as F
from coursekit._validate import as_float_array, check_choice, check_same_shape

__all__ = [
    "Loss",
    "MSELoss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "SoftmaxCrossEntropyLoss",
    "HingeLoss",
    "get_loss",
    "LOSSES",
]


class Loss:
    """Base class: ``__call__(pred, target) -> (loss, dpred)`` and ``predict(out)``."""

    #: whether ``predict`` returns class labels (used for accuracy)
    is_classifier = True

    def __call__(self, pred, target):  # pragma: no cover - abstract
        raise NotImplementedError

    def predict(self, out):
        """Class labels (N,) from network outputs, or None for a regression loss."""
        return None

    def __repr__(self):
        return f"{type(self).__name__}()"


def _match_column(pred, target, pred_name="pred", target_name="target"):
    """Return (pred, target) as float arrays; a (N,) target is reshaped for a (N, 1) pred."""
    pred = as_float_array(pred, pred_name)
    target = as_float_array(target, target_name)
    if pred.ndim == 2 and pred.shape[1] == 1 and target.shape == (pred.shape[0],):
        target = target.reshape(-1, 1)
    check_same_shape(pred, pred_name, target, target_name)
    return pred, target


def _single_column(out, name="out"):
    out = np.asarray(out)
    if out.ndim == 2 and out.shape[1] == 1:
        return out[:, 0]
    if out.ndim == 1:
        return out
    raise ValueError(f"{name}: expected shape (N,) or (N, 1) for a binary output, got {out.shape}")


class MSELoss(Loss):
    """Squared error ``L = (1/N) Σᵢ ‖predᵢ − targetᵢ‖²``; ``dpred = 2 (pred − target)/N``."""

    is_classifier = False

    def __call__(self, pred, target):
        pred, target = _match_column(pred, target)
        return F.mse_loss(pred, target)


class BCELoss(Loss):
    """Binary cross-entropy on probabilities p ∈ (0, 1) (after a Sigmoid layer).

    ``L = −(1/N) Σ [y log p + (1 − y) log(1 − p)]``, ``dp = (p − y)/(p(1 − p)N)``.
    Prefer :class:`BCEWithLogitsLoss` when p may saturate to 0 or 1.
    """

    def __call__(self, p, y):
        p, y = _match_column(p, y, "p", "y")
        return F.bce_loss(p, y)

    def predict(self, out):
        return (_single_column(out) > 0.5).astype(np.int64)


class BCEWithLogitsLoss(Loss):
    """Sigmoid + binary cross-entropy fused on logits, stable (:func:`coursekit.functional.bce_with_logits`)."""

    def __call__(self, logits, y):
        z, y = _match_column(logits, y, "logits", "y")
        return F.bce_with_logits(z, y)

    def predict(self, out):
        return (_single_column(out) > 0).astype(np.int64)


class CrossEntropyLoss(Loss):
    """Cross-entropy of probabilities (N, C) after an explicit Softmax layer.

    ``L = −(1/N) Σᵢ log pᵢ[yᵢ]``; the gradient ``−1/(N pᵢ[yᵢ])`` at the true class then
    flows through the softmax Jacobian.
    """

    def __call__(self, probs, y):
        return F.cross_entropy(probs, y)

    def predict(self, out):
        return np.asarray(out).argmax(axis=1)


class SoftmaxCrossEntropyLoss(Loss):
    """Softmax + cross-entropy fused on logits (N, C): ``dlogits = (softmax − onehot)/N``.

    Stable for |logits| ≥ 1000 (log-sum-exp). The network ends in a Linear layer.
    """

    def __call__(self, logits, y):
        return F.softmax_cross_entropy(logits, y)

    def predict(self, out):
        return np.asarray(out).argmax(axis=1)


class HingeLoss(Loss):
    """Hinge loss ``L = (1/N) Σ max(0, 1 − yᵢ sᵢ)`` for scores (N,) or (N, 1), y ∈ {−1, +1}.

    Subgradient ``−yᵢ/N`` where the margin yᵢ sᵢ < 1, else 0 (also at exactly 1).
    ``predict`` returns labels in {−1, +1} (sign of the score, +1 at 0).
    """

    def __call__(self, scores, y):
        s = as_float_array(scores, "scores")
        column = s.ndim == 2 and s.shape[1] == 1
        if column:
            s = s[:, 0]
        y = as_float_array(y, "y")
        if column and y.shape == (s.shape[0], 1):
            y = y[:, 0]
        loss, ds = F.hinge_loss(s, y)
        return loss, (ds[:, None] if column else ds)

    def predict(self, out):
        return np.where(_single_column(out) >= 0, 1, -1).astype(np.int64)


LOSSES = {
    "mse": MSELoss,
    "bce": BCELoss,
    "bce_with_logits": BCEWithLogitsLoss,
    "cross_entropy": CrossEntropyLoss,
    "softmax_cross_entropy": SoftmaxCrossEntropyLoss,
    "hinge": HingeLoss,
}


def get_loss(loss, name="loss"):
    """Resolve a loss given by name (see ``LOSSES``), as a Loss object or as any callable."""
    if isinstance(loss, str):
        return LOSSES[check_choice(loss, name, LOSSES)]()
    if isinstance(loss, type) and issubclass(loss, Loss):
        return loss()
    if callable(loss):
        return loss
    raise TypeError(f"{name}: expected a loss name, a Loss or a callable (pred, target) -> (loss, dpred), "
                    f"got {type(loss).__name__}")
