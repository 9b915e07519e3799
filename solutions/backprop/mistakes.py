"""The mistakes students make in each graded function of ``backprop``: each computes the WRONG
answer from :mod:`coursekit.functional` on the inputs of a case, next to its hint in the
notebook's notation (what to change, not the solution). The judge names one only when the
student's outputs match it on every case (:mod:`autograder.checks.mistakes`)."""

from __future__ import annotations

import numpy as np

from autograder.checks.mistakes import Mistake, dtype_detector, mutation_detector, overflow_detector, same
from coursekit import functional as F

__all__ = ["MISTAKES"]


def _f(a):
    return np.asarray(a, dtype=np.float64)


def _quiet(fn):
    """``fn`` with numpy's overflow/invalid warnings off (a naive formula overflows on purpose)."""
    def wrapped(*args):
        with np.errstate(all="ignore"):
            return fn(*args)
    return wrapped


_FLOAT32 = Mistake("float32", "float32 arithmetic: keep every array float64 (no .astype(np.float32))",
                   detect=dtype_detector())
_IN_PLACE = Mistake("in-place", "an input was modified in place (`x[...] = ...`, `x *= ...`): build a new array",
                    detect=mutation_detector())


# ------------------------------------------------------------------ linear_backward
def _lin(call):
    dout, x, W = (_f(a) for a in call.args)
    return dout, x, W, F.linear_backward(dout, x, W)


def _lin_no_upstream(call):
    dout, x, W, (dx, dW, db) = _lin(call)
    odx, odW, odb = F.linear_backward(np.ones_like(dout), x, W)
    return [{"dx": odx, "dW": dW, "db": db}, {"dx": dx, "dW": odW, "db": db}, {"dx": dx, "dW": dW, "db": odb},
            {"dx": odx, "dW": odW, "db": odb}]


def _lin_db_mean(call):
    dout, x, W, (dx, dW, db) = _lin(call)
    return {"dx": dx, "dW": dW, "db": db / dout.shape[0]}


def _lin_dW_transposed(call):
    dout, x, W, (dx, dW, db) = _lin(call)
    return {"dx": dx, "dW": dW.T, "db": db}


def _lin_dx_W_transposed(calls, answers, reference):
    """dout @ W.T: the square cases give that value, the others fail with a shape error."""
    seen_square = False
    for call, ans in zip(calls, answers):
        dout, x, W = (_f(a) for a in call.args)
        if W.shape[0] == W.shape[1]:
            if ans.outputs is None or "dx" not in ans.outputs:
                return False
            dx_ref, dW_ref, db_ref = F.linear_backward(dout, x, W)
            if not same(ans.outputs["dx"], dout @ W.T) or same(dout @ W.T, dx_ref, 1e-4):
                return False
            if not (same(ans.outputs.get("dW"), dW_ref) and same(ans.outputs.get("db"), db_ref)):
                return False  # another mistake as well
            seen_square = True
        elif ans.outputs is not None or not any(w in ans.error for w in ("shape", "matmul", "align")):
            return False  # a non-square case must fail with numpy's shape error
    return seen_square


def _lin_sum_axis1(call):
    dout, x, W, (dx, dW, db) = _lin(call)
    return {"dx": dx, "dW": dW, "db": dout.sum(axis=1)}


def _lin_db_keepdims(call):
    dout, x, W, (dx, dW, db) = _lin(call)
    return {"dx": dx, "dW": dW, "db": db[None, :]}


LINEAR = (
    Mistake("no-upstream", "missing upstream gradient: an output does not use dout — by the chain rule every "
            "gradient is built from the upstream gradient dout", _lin_no_upstream),
    Mistake("db-mean", "averaged instead of summed over the batch (off by a factor 1/N): the bias gets the SUM "
            "of dout over the examples", _lin_db_mean),
    Mistake("dW-transposed", "dW is transposed: it must have the shape of W, (M, D) — check the order of the "
            "matrix product", _lin_dW_transposed),
    Mistake("dx-W-transposed", "dx uses Wᵀ: out = x Wᵀ + b, so the gradient with respect to x multiplies dout by W "
            "itself (shapes: (N, M) times (M, D))", detect=_lin_dx_W_transposed),
    Mistake("db-wrong-axis", "db summed over the wrong axis: sum over axis 0, the batch", _lin_sum_axis1),
    Mistake("db-keepdims", "db kept as a (1, M) row: sum over the batch without keepdims (shape (M,))",
            _lin_db_keepdims),
    _FLOAT32,
    _IN_PLACE,
)


# ------------------------------------------------------------------ activations
def _act(call):
    dout, z = (_f(a) for a in call.args)
    return dout, z


def _activation(forward, backward, prime_of_output, naive_forward=None, name="σ"):
    """The catalogue of an elementwise activation ``forward`` with derivative ``backward``;
    ``prime_of_output(a)`` is the derivative written in terms of the activation a = forward(z)."""
    def no_upstream(call):
        dout, z = _act(call)
        return {"dz": backward(np.ones_like(dout), z)}

    def no_derivative(call):
        dout, z = _act(call)
        return {"dz": dout}

    @_quiet
    def at_output(call):  # the derivative formula applied to z as if z were the output a
        dout, z = _act(call)
        return {"dz": dout * prime_of_output(z)}

    @_quiet
    def at_dout(call):  # σ′ applied to dout instead of z
        dout, z = _act(call)
        return {"dz": backward(np.ones_like(dout), dout)}

    @_quiet
    def at_dout_times(call):
        dout, z = _act(call)
        return {"dz": dout * backward(np.ones_like(dout), dout)}

    def sign(call):
        dout, z = _act(call)
        return {"dz": -backward(dout, z)}

    out = [
        Mistake("no-upstream", f"missing upstream gradient: you returned {name}′(z) alone — multiply it by dout",
                no_upstream),
        Mistake("no-derivative", f"missing activation derivative: you returned dout unchanged — multiply by {name}′(z)",
                no_derivative),
        Mistake("derivative-at-output", f"the derivative taken at the output: the backward gets the PRE-activation z, "
                f"so apply {name} to z first and then its derivative", at_output),
        Mistake("derivative-of-dout", f"{name}′ evaluated at dout instead of z: the derivative is taken at the "
                f"pre-activation z and multiplies dout", at_dout, family="derivative-of-dout"),
        Mistake("derivative-of-dout", f"{name}′ evaluated at dout instead of z: the derivative is taken at the "
                f"pre-activation z and multiplies dout", at_dout_times, family="derivative-of-dout"),
        Mistake("sign", "sign flipped (yours = −expected): check the sign of the derivative", sign),
    ]
    if naive_forward is not None:
        @_quiet
        def naive(call):
            dout, z = _act(call)
            a = naive_forward(z)
            return {"dz": dout * prime_of_output(a)}
        out.append(Mistake("unstable-exponent", f"unstable for large |z|: a formula with e^z overflows for |z| ≥ 710 "
                           f"— compute {name}(z) without overflow", naive, family="unstable"))
    out.append(Mistake("unstable-exponent", f"unstable for large |z|: your formula gives NaN/inf where {name}′(z) is "
                       f"finite (e^z overflows for |z| ≥ 710) — compute {name}(z) without overflow",
                       detect=overflow_detector(), family="unstable"))
    return tuple(out) + (_FLOAT32, _IN_PLACE)


SIGMOID = _activation(
    F.sigmoid_forward, F.sigmoid_backward, lambda a: a * (1.0 - a),
    naive_forward=lambda z: np.exp(z) / (1.0 + np.exp(z)), name="σ",
) + (
    Mistake("product-misplaced", "the square or the product misplaced: σ′(z) = σ(z)(1 − σ(z)), not σ(z)² or "
            "1 − σ(z)²", _quiet(lambda call: [{"dz": _f(call.args[0]) * F.sigmoid_forward(_f(call.args[1])) ** 2},
                                              {"dz": _f(call.args[0]) * (1.0 - F.sigmoid_forward(_f(call.args[1])) ** 2)}])),
    Mistake("wrong-activation", "the derivative of the wrong activation (tanh′ = 1 − tanh²): sigmoid's is "
            "σ(z)(1 − σ(z))", lambda call: {"dz": F.tanh_backward(_f(call.args[0]), _f(call.args[1]))}),
)

TANH = _activation(
    F.tanh_forward, F.tanh_backward, lambda a: 1.0 - a * a,
    naive_forward=lambda z: (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z)), name="tanh",
) + (
    Mistake("product-misplaced", "the square misplaced: tanh′(z) = 1 − tanh²(z), not 1 − tanh(z) or (1 − tanh(z))²",
            lambda call: [{"dz": _f(call.args[0]) * (1.0 - np.tanh(_f(call.args[1])))},
                          {"dz": _f(call.args[0]) * (1.0 - np.tanh(_f(call.args[1]))) ** 2}]),
    Mistake("wrong-activation", "the derivative of the wrong activation (σ′ = σ(1 − σ)): tanh's is 1 − tanh²(z)",
            lambda call: {"dz": F.sigmoid_backward(_f(call.args[0]), _f(call.args[1]))}),
)


def _relu_kink(call):
    dout, z = _act(call)
    return {"dz": np.where(z >= 0, dout, 0.0)}


RELU = (
    Mistake("no-upstream", "missing upstream gradient: you returned 1[z > 0] alone — multiply it by dout",
            lambda call: {"dz": F.relu_backward(np.ones_like(_f(call.args[0])), _f(call.args[1]))}),
    Mistake("no-derivative", "missing activation derivative: you returned dout unchanged — zero it where z ≤ 0",
            lambda call: {"dz": _f(call.args[0])}),
    Mistake("kink", "wrong convention at the kink: 1[z ≥ 0] instead of 1[z > 0] (at z == 0 exactly the "
            "derivative is 0)", _relu_kink),
    Mistake("derivative-of-dout", "the mask taken from dout instead of z: the derivative is 1[z > 0]",
            lambda call: {"dz": np.where(_f(call.args[0]) > 0, _f(call.args[0]), 0.0)}),
    _FLOAT32,
    _IN_PLACE,
)


# ------------------------------------------------------------------ softmax_backward
def _sm(call):
    dout, z = _act(call)
    return dout, z, F.softmax_forward(z)


@_quiet
def _sm_naive(call):
    dout, z = _act(call)
    e = np.exp(z)
    y = e / e.sum(axis=1, keepdims=True)
    return {"dz": y * (dout - (dout * y).sum(axis=1, keepdims=True))}


SOFTMAX = (
    Mistake("jacobian-diagonal", "only the diagonal of the Jacobian (y(1 − y) ⊙ dout): every output yⱼ depends on "
            "every zₖ, so the off-diagonal terms −yⱼyₖ count too",
            lambda call: {"dz": (lambda d, z, y: y * (1.0 - y) * d)(*_sm(call))}),
    Mistake("no-derivative", "missing activation derivative: you returned dout unchanged",
            lambda call: {"dz": _f(call.args[0])}),
    Mistake("no-upstream", "missing upstream gradient: the Jacobian applied without dout",
            lambda call: {"dz": F.softmax_backward(np.ones_like(_f(call.args[0])), _f(call.args[1]))}),
    Mistake("wrong-axis", "summed over the wrong axis: ⟨dout, y⟩ is a sum over the classes of each row (axis 1)",
            lambda call: {"dz": (lambda d, z, y: y * (d - (d * y).sum(axis=0, keepdims=True)))(*_sm(call))}),
    Mistake("unstable-exponent", "unstable for large logits: np.exp(z) overflows — subtract each row's maximum "
            "before np.exp (softmax(z) = softmax(z − max z))", _sm_naive, family="unstable"),
    Mistake("unstable-exponent", "unstable for large logits: NaN/inf where the answer is finite — subtract each "
            "row's maximum before np.exp (softmax(z) = softmax(z − max z))", detect=overflow_detector(),
            family="unstable"),
    _FLOAT32,
    _IN_PLACE,
)


# ------------------------------------------------------------------ softmax_cross_entropy
def _ce(call):
    z = _f(call.args[0])
    y = np.asarray(call.args[1], dtype=np.int64)
    loss, d = F.softmax_cross_entropy(z, y)
    return z, y, loss, d


def _ce_no_onehot(call):
    z, y, loss, d = _ce(call)
    return {"loss": loss, "dlogits": F.softmax_forward(z) / z.shape[0]}


def _ce_no_mean(call):
    z, y, loss, d = _ce(call)
    n = z.shape[0]
    return [{"loss": loss, "dlogits": d * n}, {"loss": loss * n, "dlogits": d * n}]


def _ce_double_mean(call):
    z, y, loss, d = _ce(call)
    n = z.shape[0]
    return {"loss": loss, "dlogits": d / n}


def _ce_loss_sum(call):
    z, y, loss, d = _ce(call)
    return {"loss": loss * z.shape[0], "dlogits": d}


@_quiet
def _ce_log_of_softmax(call):
    z, y, loss, d = _ce(call)
    p = F.softmax_forward(z)
    return {"loss": float(-np.log(p[np.arange(z.shape[0]), y]).mean()), "dlogits": d}


@_quiet
def _ce_naive(call):
    z, y, loss, d = _ce(call)
    n = z.shape[0]
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    g = p.copy()
    g[np.arange(n), y] -= 1.0
    return {"loss": float(-np.log(p[np.arange(n), y]).mean()), "dlogits": g / n}


CROSS_ENTROPY = (
    Mistake("no-onehot", "the one-hot of the true class was not subtracted: dlogits is (softmax − onehot(y)) / N",
            _ce_no_onehot),
    Mistake("missing-1/N", "not divided by N: the loss is the MEAN over the batch, so its gradient carries 1/N "
            "too", _ce_no_mean),
    Mistake("double-1/N", "divided by N twice (off by a factor 1/N): divide by the batch size N exactly once",
            _ce_double_mean),
    Mistake("loss-sum", "loss off by a factor N: the loss is the MEAN over the batch, not the sum", _ce_loss_sum),
    Mistake("log-of-softmax", "unstable for large logits: np.log(softmax(z)) is log 0 = −inf where softmax "
            "underflows — compute log softmax with log-sum-exp, z − max z − log Σ exp(z − max z)",
            _ce_log_of_softmax, family="unstable"),
    Mistake("unstable-exponent", "unstable for large logits: np.exp(z) overflows — subtract each row's maximum "
            "first (log-sum-exp)", _ce_naive, family="unstable"),
    Mistake("unstable", "unstable for large logits: NaN/inf where the answer is finite — compute log softmax with "
            "log-sum-exp, z − max z − log Σ exp(z − max z)", detect=overflow_detector(), family="unstable"),
    _FLOAT32,
    _IN_PLACE,
)


# ------------------------------------------------------------------ mlp_loss_and_grads
_KEYS = ("W1", "b1", "W2", "b2")


def _grads(loss, g):
    return {"loss": loss, **{f"grads['{k}']": g[k] for k in _KEYS}}


def _mlp(call):
    params, x, y = call.args
    p = {k: _f(params[k]) for k in _KEYS}
    return p, _f(x), np.asarray(y, dtype=np.int64)


@_quiet
def _mlp_parts(call, softmax="stable"):
    p, x, y = _mlp(call)
    n = x.shape[0]
    z1 = x @ p["W1"].T + p["b1"]
    h1 = np.maximum(z1, 0.0)
    s = h1 @ p["W2"].T + p["b2"]
    if softmax == "stable":
        loss, ds = F.softmax_cross_entropy(s, y)
    else:
        e = np.exp(s) if softmax == "naive" else None
        prob = e / e.sum(axis=1, keepdims=True) if softmax == "naive" else F.softmax_forward(s)
        loss = float(-np.log(prob[np.arange(n), y]).mean())
        ds = prob.copy()
        ds[np.arange(n), y] -= 1.0
        ds = ds / n
    return p, x, z1, h1, loss, ds


def _mlp_backward(p, x, z1, h1, loss, ds, mask=True, w2_input=None):
    dh1 = ds @ p["W2"]
    dz1 = dh1 * (z1 > 0) if mask else dh1
    hin = h1 if w2_input is None else w2_input
    return _grads(loss, {"W1": dz1.T @ x, "b1": dz1.sum(axis=0), "W2": ds.T @ hin, "b2": ds.sum(axis=0)})


MLP = (
    Mistake("no-relu-derivative", "missing activation derivative: the ReLU derivative 1[z1 > 0] was not applied "
            "to the hidden layer's gradient", lambda call: _mlp_backward(*_mlp_parts(call), mask=False)),
    Mistake("z-for-h", "used the pre-activation z1 instead of the hidden activation h1 = relu(z1) in dW2",
            lambda call: (lambda p, x, z1, h1, loss, ds: _mlp_backward(p, x, z1, h1, loss, ds, w2_input=z1))(
                *_mlp_parts(call))),
    Mistake("log-of-softmax", "unstable for large logits: the loss is inf where the true class's probability "
            "underflows to 0 (log 0 = −inf, e.g. np.log(softmax(s))) — compute log softmax with log-sum-exp, "
            "each row's maximum subtracted (or call your softmax_cross_entropy)",
            lambda call: _mlp_backward(*_mlp_parts(call, "log")), family="unstable"),
    Mistake("unstable-exponent", "unstable for large logits: np.exp(s) overflows — subtract each row's maximum "
            "first (or call your softmax_cross_entropy)", lambda call: _mlp_backward(*_mlp_parts(call, "naive")),
            family="unstable"),
    Mistake("unstable", "unstable for large logits: NaN/inf where the answer is finite — use log-sum-exp with each "
            "row's maximum subtracted (or call your softmax_cross_entropy)", detect=overflow_detector(),
            family="unstable"),
    Mistake("missing-1/N", "not divided by N: the loss is the MEAN over the batch, so every gradient carries 1/N",
            lambda call: (lambda p, x, z1, h1, loss, ds: _mlp_backward(p, x, z1, h1, loss, ds * x.shape[0]))(
                *_mlp_parts(call))),
    Mistake("regularisation-left-in", "a regularisation term left in: the graded loss is the plain mean "
            "cross-entropy, without ½λ‖W‖²", lambda call: [
                (lambda g: {**g, "grads['W1']": g["grads['W1']"] + lam * _mlp(call)[0]["W1"],
                            "grads['W2']": g["grads['W2']"] + lam * _mlp(call)[0]["W2"],
                            "loss": g["loss"] + 0.5 * lam * sum(float((_mlp(call)[0][k] ** 2).sum())
                                                                 for k in ("W1", "W2"))})(
                    _mlp_backward(*_mlp_parts(call))) for lam in (1e-3, 1e-4, 1e-2, 1e-1)]),
    _FLOAT32,
    _IN_PLACE,
)

def _gelu_cdf_only(call):
    dout, z = _act(call)
    return {"dz": dout * F.gelu_forward(z) / np.where(z == 0.0, 1.0, z)}


GELU = (
    Mistake("no-upstream", "missing upstream gradient: you returned GELU′(z) alone — multiply it by dout",
            lambda call: {"dz": F.gelu_backward(np.ones_like(_f(call.args[0])), _f(call.args[1]))}),
    Mistake("no-derivative", "missing activation derivative: you returned dout unchanged",
            lambda call: {"dz": _f(call.args[0])}),
    Mistake("product-rule", "Φ(z) alone: the product rule's z φ(z) term is missing", _gelu_cdf_only),
    _FLOAT32,
    _IN_PLACE,
)

#: The catalogue of every graded function (and of the optional gelu_backward).
MISTAKES = {
    "linear_backward": LINEAR,
    "sigmoid_backward": SIGMOID,
    "tanh_backward": TANH,
    "relu_backward": RELU,
    "softmax_backward": SOFTMAX,
    "softmax_cross_entropy": CROSS_ENTROPY,
    "mlp_loss_and_grads": MLP,
    "gelu_backward": GELU,
}
