"""The mistakes students make in each step function of ``optimizers``: each computes the WRONG
new state from the state before the step (the call's arguments), next to its hint in the
notebook's notation (W, ΔW, η, β; m, v, t; prevD, Δw). The judge names one only when the
student's outputs match it on every reference step (:mod:`autograder.checks.mistakes`)."""

from __future__ import annotations

import numpy as np

from autograder.checks.mistakes import Mistake, dtype_detector, mutation_detector

__all__ = ["MISTAKES", "rprop_variant"]

_FLOAT32 = Mistake("float32", "float32 arithmetic: keep W and the state float64", detect=dtype_detector())
_IN_PLACE = Mistake("in-place", "the state was updated in place (`w -= ...`, `dw *= ...`): the step function "
                    "returns NEW arrays and leaves its arguments alone", detect=mutation_detector())


def _args(call):
    return [np.array(a, dtype=np.float64) if isinstance(a, np.ndarray) else a for a in call.args]


def _two(w, dw):
    return {"w": w, "dw": dw}


# ------------------------------------------------------------------ momentum_step
def _mom(call):
    w, dw, g, lr, beta = _args(call)
    return w, dw, g, lr, beta


MOMENTUM = (
    Mistake("gradient-sign", "the sign of the gradient term: ΔW ← βΔW − η∇ (a step goes downhill)",
            lambda c: (lambda w, dw, g, lr, b: _two(w + b * dw + lr * g, b * dw + lr * g))(*_mom(c))),
    Mistake("velocity-convention", "the other velocity convention: this assignment stores ΔW ← βΔW − η∇ and adds "
            "it, W ← W + ΔW (not b ← βb + η∇ subtracted, nor torch's b ← βb + ∇)", lambda c: (
                lambda w, dw, g, lr, b: [_two(w - (b * dw + lr * g), b * dw + lr * g),
                                         _two(w - lr * (b * dw + g), b * dw + g)])(*_mom(c))),
    Mistake("old-step", "the position moved by the old ΔW: first update ΔW, then W ← W + ΔW",
            lambda c: (lambda w, dw, g, lr, b: _two(w + dw, b * dw - lr * g))(*_mom(c))),
    Mistake("no-beta", "β is missing: ΔW ← βΔW − η∇ remembers the previous step",
            lambda c: (lambda w, dw, g, lr, b: _two(w - lr * g, -lr * g))(*_mom(c))),
    Mistake("nesterov-for-momentum", "the Nesterov update; momentum_step is plain (heavy-ball) momentum: W ← W + ΔW",
            lambda c: (lambda w, dw, g, lr, b: _two(w + b * (b * dw - lr * g) - lr * g, b * dw - lr * g))(*_mom(c))),
    _FLOAT32,
    _IN_PLACE,
)


# ------------------------------------------------------------------ nesterov_step
NESTEROV = (
    Mistake("plain-momentum", "this is the plain momentum step; Nesterov's stored point is the look-ahead "
            "Ŵ = W + βΔW, so Ŵ ← Ŵ + βΔW_new − η∇",
            lambda c: (lambda w, dw, g, lr, b: _two(w + b * dw - lr * g, b * dw - lr * g))(*_mom(c))),
    Mistake("gradient-sign", "the sign of the gradient term (a step goes downhill)",
            lambda c: (lambda w, dw, g, lr, b: _two(w + b * (b * dw + lr * g) + lr * g, b * dw + lr * g))(*_mom(c))),
    Mistake("velocity-convention", "the other velocity convention: this assignment stores ΔW ← βΔW − η∇ "
            "(not torch's b ← βb + ∇)",
            lambda c: (lambda w, dw, g, lr, b: _two(w - lr * (g + b * (b * dw + g)), b * dw + g))(*_mom(c))),
    _FLOAT32,
    _IN_PLACE,
)


# ------------------------------------------------------------------ adam_step
def _adam(call, *, correct=True, t_shift=0, eps_in_sqrt=False, square=True, sign=1.0, absolute=False):
    w, m, v, t, g, lr = _args(call)
    b1, b2, eps = call.kwargs["beta1"], call.kwargs["beta2"], call.kwargs["eps"]
    g2 = g * g if square else g
    m1 = b1 * m + (1 - b1) * g
    v1 = b2 * v + (1 - b2) * g2
    tt = max(t + t_shift, 1)
    mh, vh = (m1 / (1 - b1 ** tt), v1 / (1 - b2 ** tt)) if correct else (m1, v1)
    with np.errstate(all="ignore"):
        vh = np.abs(vh) if absolute else vh
        denom = np.sqrt(vh + eps) if eps_in_sqrt else np.sqrt(vh) + eps
        return {"w": w - sign * lr * mh / denom, "m": m1, "v": v1}


ADAM = (
    Mistake("no-bias-correction", "no bias correction: divide m by (1 − β₁ᵗ) and v by (1 − β₂ᵗ)",
            lambda c: _adam(c, correct=False)),
    Mistake("t-off-by-one", "t is off by one: t is the number of this step, 1 on the first call (use t itself in "
            "1 − β₁ᵗ and 1 − β₂ᵗ)", lambda c: [_adam(c, t_shift=1), _adam(c, t_shift=-1)]),
    Mistake("eps-in-sqrt", "ε inside the square root; this assignment (like torch) uses √v̂ + ε",
            lambda c: _adam(c, eps_in_sqrt=True)),
    Mistake("v-not-squared", "v must average the SQUARED gradient ∇⊙∇", lambda c: [_adam(c, square=False),
                                                                                  _adam(c, square=False, absolute=True)]),
    Mistake("update-sign", "the sign of the update (W ← W − η m̂/(√v̂ + ε) goes downhill)",
            lambda c: _adam(c, sign=-1.0)),
    _FLOAT32,
    _IN_PLACE,
)


# ------------------------------------------------------------------ rprop_step
def rprop_variant(w, prev, size, g, alpha, beta, step_min, step_max, *, ret=True, floor_rule=True,
                  keep_prev=True, clip=True, sign_only=True, downhill=True):
    """One Rprop step after the first with the lecture's rules switchable one by one (all on:
    the reference step of :class:`coursekit.optim.Rprop`, away from a gradient exactly 0).

    ret: return to the previous location after a sign change; floor_rule: at Δmin a sign change
    reverses instead (prevD ← D); keep_prev: prevD is kept after a sign change; clip: Δmax and
    Δmin bound |Δw|; sign_only: w moves by sign(prevD)·Δw (not prevD·Δw); downhill: w ← w − ….
    """
    s_prev, s_now = np.sign(prev), np.sign(g)
    same = s_prev == s_now
    flip = ~same
    frozen = flip & (size <= step_min) if floor_rule else np.zeros_like(same)
    back = flip & ~frozen
    hi = step_max if clip else np.inf
    lo = step_min if clip else 0.0
    size1 = np.where(same, np.minimum(alpha * size, hi), np.where(back, np.maximum(beta * size, lo), size))
    w1 = w + np.where(back, s_prev * size, 0.0) if ret else w.copy()
    upd = same | frozen | (back if not keep_prev else np.zeros_like(same))
    prev1 = np.where(upd, g, prev)
    move = (np.sign(prev1) if sign_only else prev1) * size1
    return {"w": w1 - move if downhill else w1 + move, "prev_grad": prev1, "size": size1}


def _rp(call, **rules):
    w, prev, size, g = _args(call)
    kw = call.kwargs
    return rprop_variant(w, prev, size, g, kw["alpha"], kw["beta"], kw["step_min"], kw["step_max"], **rules)


def _rp_swapped(call):
    w, prev, size, g = _args(call)
    kw = call.kwargs
    return rprop_variant(w, prev, size, g, kw["beta"], kw["alpha"], kw["step_min"], kw["step_max"])


RPROP = (
    Mistake("no-return", "after a sign change, first return to the previous location (w ← w + Δw), then shrink "
            "the step", lambda c: _rp(c, ret=False)),
    Mistake("no-floor-rule", "the floor rule is missing: when Δw is already at Δmin, a sign change cannot return "
            "and shrink (the weight would stay stuck for ever) — there the direction is reversed, prevD ← D",
            lambda c: _rp(c, floor_rule=False)),
    Mistake("prev-updated-on-flip", "after a sign change prevD is KEPT (only same-sign steps and the floor rule "
            "update it)", lambda c: _rp(c, keep_prev=False)),
    Mistake("no-clip", "the step size is not bounded: |Δw| stays within [Δmin, Δmax] (min with step_max when it "
            "grows, max with step_min when it shrinks)", lambda c: _rp(c, clip=False)),
    Mistake("gradient-not-sign", "Rprop uses only the SIGN of the gradient: w ← w − sign(prevD)·Δw",
            lambda c: _rp(c, sign_only=False)),
    Mistake("step-uphill", "the step goes uphill: w ← w − sign(prevD)·Δw", lambda c: _rp(c, downhill=False)),
    Mistake("factors-swapped", "α and β swapped: grow by α = 1.2 when the sign stays, shrink by β = 0.5 when it "
            "flips", _rp_swapped),
    _FLOAT32,
    _IN_PLACE,
)

MISTAKES = {"momentum_step": MOMENTUM, "nesterov_step": NESTEROV, "adam_step": ADAM, "rprop_step": RPROP}
