"""The mistakes students make in ``svm``: each computes the WRONG answer from the trusted
objective J(w, b) = ½‖w‖² + C Σᵢ max(0, 1 − yᵢ(w·xᵢ + b)) (:func:`coursekit.functional.svm_objective`)
or the trusted training loop on the inputs of a case, next to its hint in the notebook's notation.
The judge names one only when the student's outputs match it on every case
(:mod:`autograder.checks.mistakes`)."""

from __future__ import annotations

import numpy as np

from autograder.checks.mistakes import Mistake, dtype_detector, mutation_detector
from coursekit import functional as F

__all__ = ["MISTAKES", "hinge_terms", "train_variant"]

_FLOAT32 = Mistake("float32", "float32 arithmetic: keep w, b and the gradients float64", detect=dtype_detector())
_IN_PLACE = Mistake("in-place", "an input was modified in place: compute new arrays instead",
                    detect=mutation_detector())


def _args(call):
    w, b, X, y, C = call.args
    return np.asarray(w, dtype=np.float64), float(b), np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64), float(C)


def hinge_terms(w, b, X, y, C, active="<"):
    """(Σ hinge, ∂/∂w, ∂/∂b) of the hinge part C Σᵢ max(0, 1 − yᵢ(w·xᵢ + b)), with the examples
    counted as active by ``margin < 1`` (the reference's convention: 0 at the kink), ``<=``
    (the other valid convention at the kink), or the wrong side ``>``/``>=``."""
    m = y * (X @ w + b)
    mask = {"<": m < 1.0, "<=": m <= 1.0, ">": m > 1.0, ">=": m >= 1.0}[active]
    return C * float(np.sum(np.maximum(0.0, 1.0 - m))), -C * (y[mask] @ X[mask]), -C * float(np.sum(y[mask]))


def _out(loss, dw, db):
    return {"loss": float(loss), "dw": dw, "db": float(db)}


def _variants(call, make, rules=("<", "<=")):
    """``make(w, b, X, y, C, hinge_terms)`` for each convention at the kink (both are this mistake)."""
    w, b, X, y, C = _args(call)
    return [_out(*make(w, b, X, y, C, hinge_terms(w, b, X, y, C, r))) for r in rules]


def _reg(w):
    return 0.5 * float(w @ w)


HINGE = (
    Mistake("hinge-averaged", "the hinge terms are averaged (C/N Σ) — this J sums them: C Σᵢ max(0, 1 − yᵢ(w·xᵢ + b))",
            lambda c: _variants(c, lambda w, b, X, y, C, h: (_reg(w) + h[0] / len(y), w + h[1] / len(y),
                                                              h[2] / len(y)))),
    Mistake("no-regularizer-grad", "the gradient of the regularizer ½‖w‖², w, is missing from dw", lambda c: [
        *_variants(c, lambda w, b, X, y, C, h: (_reg(w) + h[0], h[1], h[2])),
        *_variants(c, lambda w, b, X, y, C, h: (h[0], h[1], h[2]))], family="regularizer"),
    Mistake("no-regularizer", "the regularizer ½‖w‖² is missing from the loss J",
            lambda c: _variants(c, lambda w, b, X, y, C, h: (h[0], w + h[1], h[2])), family="regularizer"),
    Mistake("regularizer-squared", "the regularizer is ½‖w‖², not ‖w‖² (its gradient is w, not 2w)", lambda c: [
        *_variants(c, lambda w, b, X, y, C, h: (2 * _reg(w) + h[0], 2 * w + h[1], h[2])),
        *_variants(c, lambda w, b, X, y, C, h: (_reg(w) + h[0], 2 * w + h[1], h[2]))]),
    Mistake("margin-side", "the wrong side of the margin: an example contributes to the gradient where its margin "
            "yᵢ(w·xᵢ + b) is BELOW 1", lambda c: [
                *_variants(c, lambda w, b, X, y, C, h: (_reg(w) + hinge_terms(w, b, X, y, C)[0], w + h[1], h[2]),
                           rules=(">", ">="))]),
    Mistake("hinge-sign", "the sign of the hinge term: ∂/∂w max(0, 1 − y(w·x + b)) = −y x where active",
            lambda c: _variants(c, lambda w, b, X, y, C, h: (_reg(w) + h[0], w - h[1], -h[2]))),
    Mistake("db-wrong", "db = −C Σ yᵢ over the examples with margin < 1 (the bias is not regularised)", lambda c: [
        *_variants(c, lambda w, b, X, y, C, h: (_reg(w) + h[0], w + h[1], h[2] + b)),
        *_variants(c, lambda w, b, X, y, C, h: (_reg(w) + h[0], w + h[1], 0.0))]),
    _FLOAT32,
    _IN_PLACE,
)


# ------------------------------------------------------------------ train_linear_svm
def train_variant(X, y, C, lr, epochs, *, decay=True, keep_best=True, update_b=True, final=True):
    """Full-batch subgradient descent on J from w = 0, b = 0 with the trusted objective and its
    subgradient; the reference route has ``decay`` (η_t = lr/√t) and ``keep_best`` on
    (``final``: the model after the last step is a candidate for the best too)."""
    w, b = np.zeros(X.shape[1]), 0.0
    best = (np.inf, w.copy(), b)
    for t in range(1, epochs + 1):
        loss, dw, db = F.svm_objective(w, b, X, y, C)
        if loss < best[0]:
            best = (loss, w.copy(), b)
        eta = lr / np.sqrt(t) if decay else lr
        w = w - eta * dw
        if update_b:
            b = b - eta * db
    loss, _, _ = F.svm_objective(w, b, X, y, C)
    if final and loss < best[0]:
        best = (loss, w.copy(), b)
    return {"w": best[1], "b": float(best[2])} if keep_best else {"w": w, "b": float(b)}


def _train(call, **rules):
    """The outputs of the loop with ``rules``; with the best iterate kept, both ways of ending
    the loop (with or without a last look at the final model) are this mistake."""
    X, y, C, lr, epochs, seed = call.args
    args = (np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64), float(C), float(lr), int(epochs))
    with np.errstate(all="ignore"):
        if rules.get("keep_best", True):
            return [train_variant(*args, **rules, final=True), train_variant(*args, **rules, final=False)]
        return [train_variant(*args, **rules)]


def _unseeded(calls, answers, reference):
    """Two runs with the same arguments (and seed) gave different models."""
    from autograder.checks.svm import REPRO_MARK

    twins = [a for c, a in zip(calls, answers) if REPRO_MARK in c.case]
    if len(twins) < 2 or any(a.outputs is None for a in twins):
        return False
    (w0, b0), (w1, b1) = ((a.outputs["w"], a.outputs["b"]) for a in twins[:2])
    return not (np.array_equal(w0, w1) and b0 == b1)


TRAIN = (
    Mistake("constant-step", "a constant step: the notebook asks for the decreasing step η_t = lr/√t (a constant "
            "step keeps oscillating around the optimum)", lambda c: [
                *_train(c, decay=False, keep_best=False), *_train(c, decay=False, keep_best=True)], family="step"),
    Mistake("b-frozen", "b is never updated: b ← b − η_t ∂J/∂b as well as w", lambda c: [
        *_train(c, update_b=False), *_train(c, update_b=False, keep_best=False)]),
    Mistake("unseeded", "the randomness is not drawn from np.random.default_rng(seed): the same seed must give the "
            "same model", detect=_unseeded),
    _FLOAT32,
    _IN_PLACE,
)

MISTAKES = {"hinge_loss_and_grad": HINGE, "train_linear_svm": TRAIN}
