"""Issue 12, backprop: numerically unstable code fails (finding 2), stable honest variants in
any style pass with a large margin, and a wrong dtype is named (D2) instead of being reported
as "off by a constant factor ≈ 1"."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import special

from autograder.checks import check_for, checks_for
from autograder.checks.backprop import POINTS
from autograder.checks.base import VISIBLE_SEED
from autograder.checks.inkernel import run_check
from check_helpers import grade, worst_margin
from coursekit import functional as F


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# ------------------------------------------------------------ unstable code fails (finding 2)
def ce_log_of_softmax(logits, y):
    """The notebook warns against it: log of a softmax that underflowed to 0 is −inf."""
    n = logits.shape[0]
    p = _softmax(logits)  # the max shift is there; the log of the probability is the problem
    loss = float(-np.log(p[np.arange(n), y]).mean())
    d = p.copy()
    d[np.arange(n), y] -= 1.0
    return loss, d / n


def ce_log_of_softmax_clipped(logits, y):
    """The usual "fix" of the above: a finite, but wrong, loss for large logits."""
    n = logits.shape[0]
    p = _softmax(logits)
    loss = float(-np.log(p[np.arange(n), y] + 1e-12).mean())
    d = p.copy()
    d[np.arange(n), y] -= 1.0
    return loss, d / n


def ce_exp_without_shift(logits, y):
    n = logits.shape[0]
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    loss = float(-np.log(p[np.arange(n), y]).mean())
    p[np.arange(n), y] -= 1.0
    return loss, p / n


def softmax_backward_exp_without_shift(dout, z):
    e = np.exp(z)
    y = e / e.sum(axis=1, keepdims=True)
    return y * (dout - (dout * y).sum(axis=1, keepdims=True))


def mlp_inline(loss_and_dlogits):
    def mlp_loss_and_grads(params, x, y):
        z1 = x @ params["W1"].T + params["b1"]
        h1 = np.maximum(z1, 0.0)
        loss, d2 = loss_and_dlogits(h1 @ params["W2"].T + params["b2"], y)
        d1 = (d2 @ params["W2"]) * (z1 > 0)
        return loss, {"W1": d1.T @ x, "b1": d1.sum(0), "W2": d2.T @ h1, "b2": d2.sum(0)}
    return mlp_loss_and_grads


UNSTABLE = [
    ("softmax_cross_entropy", ce_log_of_softmax),
    ("softmax_cross_entropy", ce_log_of_softmax_clipped),
    ("softmax_cross_entropy", ce_exp_without_shift),
    ("softmax_backward", softmax_backward_exp_without_shift),
    ("mlp_loss_and_grads", mlp_inline(ce_log_of_softmax)),
    ("mlp_loss_and_grads", mlp_inline(ce_log_of_softmax_clipped)),
    ("mlp_loss_and_grads", mlp_inline(ce_exp_without_shift)),
]


@pytest.mark.parametrize("function,fn", UNSTABLE, ids=lambda v: getattr(v, "__name__", v))
def test_unstable_formulas_lose_their_test_saying_so(function, fn):
    out = grade(check_for("backprop", function), fn)
    text = "\n".join(out.messages)
    assert out.points == 0.0, text
    assert "unstable for large logits" in text, text


def test_the_visible_self_check_already_shows_the_large_spread_case():
    check = check_for("backprop", "softmax_cross_entropy")
    visible = check.calls(VISIBLE_SEED)
    spread = [c for c in visible if np.any(np.ptp(c.args[0], axis=1) >= 1900)]
    assert spread, "no visible case with a spread of ~2000 inside a row"
    for c in spread:  # labels on entries whose probability underflows to 0
        z, y = c.args
        assert np.all(z[np.arange(len(y)), y] <= z.max(axis=1) - 500)
    out = grade(check, ce_log_of_softmax, calls=visible)
    assert out.points == 0.0 and "unstable for large logits" in "\n".join(out.messages)


def test_mlp_spread_case_is_away_from_the_relu_kink_and_spreads_the_logits():
    check = check_for("backprop", "mlp_loss_and_grads")
    spread = 0
    for c in check.grading_calls():
        params, x, y = c.args
        z1 = x @ params["W1"].T + params["b1"]
        assert np.abs(z1).min() > 1e-3
        s = np.maximum(z1, 0) @ params["W2"].T + params["b2"]
        if np.ptp(s, axis=1).min() > 1900:
            spread += 1
            assert np.all(s[np.arange(len(y)), y] <= s.max(axis=1) - 500)
    assert spread >= 2  # one visible, one hidden


# ----------------------------------------- stable honest variants pass with a large margin
def ce_scipy_logsumexp(logits, y):
    n = logits.shape[0]
    lse = special.logsumexp(logits, axis=1)
    loss = float(np.mean(lse - logits[np.arange(n), y]))
    d = np.exp(logits - lse[:, None])
    d[np.arange(n), y] -= 1.0
    return loss, d / n


def ce_scipy_log_softmax(logits, y):
    n = logits.shape[0]
    logp = special.log_softmax(logits, axis=1)
    d = special.softmax(logits, axis=1)
    d[np.arange(n), y] -= 1.0
    return float(-logp[np.arange(n), y].sum() / n), d / n


def ce_row_loop(logits, y):
    n, c = logits.shape
    loss, d = 0.0, np.zeros((n, c))
    for i in range(n):
        m = max(logits[i])
        e = [np.exp(v - m) for v in logits[i]]
        s = sum(e)
        loss += -(logits[i, y[i]] - m - np.log(s))
        for j in range(c):
            d[i, j] = e[j] / s - (1.0 if j == y[i] else 0.0)
    return loss / n, d / n


def softmax_backward_jacobian_per_row(dout, z):
    out = np.zeros_like(z)
    for i in range(z.shape[0]):
        y = _softmax(z[i:i + 1])[0]
        J = np.diag(y) - np.outer(y, y)
        out[i] = J @ dout[i]
    return out


def softmax_backward_einsum(dout, z):
    y = special.softmax(z, axis=1)
    jac = np.einsum("ni,ij->nij", y, np.eye(z.shape[1])) - np.einsum("ni,nj->nij", y, y)
    return np.einsum("nij,nj->ni", jac, dout)


def sigmoid_naive(dout, z):
    s = 1.0 / (1.0 + np.exp(-z))  # overflows (a warning) for z < −709, but stays correct
    return dout * s * (1.0 - s)


def sigmoid_expit(dout, z):
    return dout * special.expit(z) * special.expit(-z)


def sigmoid_via_tanh(dout, z):
    s = 0.5 * (1.0 + np.tanh(0.5 * z))
    return dout * s * (1.0 - s)


def tanh_cosh(dout, z):
    out = np.empty_like(z)
    flat_z, flat_d, flat_o = z.reshape(-1), dout.reshape(-1), out.reshape(-1)
    for i in range(flat_z.size):  # loops and 1/cosh²
        flat_o[i] = flat_d[i] / np.cosh(flat_z[i]) ** 2
    return out


def tanh_factored(dout, z):
    t = np.tanh(z)
    return dout * (1.0 - t) * (1.0 + t)


def relu_mask(dout, z):
    return dout * (z > 0)


def relu_heaviside(dout, z):
    return dout * np.heaviside(z, 0.0)


def linear_einsum(dout, x, W):
    return np.einsum("nm,md->nd", dout, W), np.einsum("nm,nd->md", dout, x), np.einsum("nm->m", dout)


def linear_loops(dout, x, W):
    n, m = dout.shape
    dW = np.zeros_like(W)
    db = np.zeros(m)
    for i in range(n):
        dW += np.outer(dout[i], x[i])
        db += dout[i]
    return (W.T @ dout.T).T, dW, db


def mlp_from_helpers(params, x, y):
    z1 = F.linear_forward(x, params["W1"], params["b1"])
    h1 = F.relu_forward(z1)
    loss, d2 = ce_scipy_logsumexp(F.linear_forward(h1, params["W2"], params["b2"]), y)
    dh1, dW2, db2 = F.linear_backward(d2, h1, params["W2"])
    _, dW1, db1 = F.linear_backward(np.where(z1 > 0, dh1, 0.0), x, params["W1"])
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


HONEST = [
    ("linear_backward", F.linear_backward), ("linear_backward", linear_einsum), ("linear_backward", linear_loops),
    ("sigmoid_backward", F.sigmoid_backward), ("sigmoid_backward", sigmoid_naive),
    ("sigmoid_backward", sigmoid_expit), ("sigmoid_backward", sigmoid_via_tanh),
    ("tanh_backward", F.tanh_backward), ("tanh_backward", tanh_cosh), ("tanh_backward", tanh_factored),
    ("relu_backward", F.relu_backward), ("relu_backward", relu_mask), ("relu_backward", relu_heaviside),
    ("softmax_backward", F.softmax_backward), ("softmax_backward", softmax_backward_jacobian_per_row),
    ("softmax_backward", softmax_backward_einsum),
    ("softmax_cross_entropy", F.softmax_cross_entropy), ("softmax_cross_entropy", ce_scipy_logsumexp),
    ("softmax_cross_entropy", ce_scipy_log_softmax), ("softmax_cross_entropy", ce_row_loop),
    ("mlp_loss_and_grads", F.mlp_loss_and_grads), ("mlp_loss_and_grads", mlp_from_helpers),
    ("mlp_loss_and_grads", mlp_inline(ce_scipy_log_softmax)),
]


@pytest.mark.parametrize("function,fn", HONEST, ids=lambda v: getattr(v, "__name__", v))
def test_honest_variants_pass_far_from_the_tolerance(function, fn):
    check = check_for("backprop", function)
    out = grade(check, fn)
    assert out.points == POINTS[function], out.messages
    # every output of every graded case uses at most 5 % of its tolerance
    assert worst_margin(check, fn) <= 0.05


# ------------------------------------------------------------------ dtypes are named (D2)
def linear_float32(dout, x, W):
    dout, x, W = (a.astype(np.float32) for a in (dout, x, W))
    return dout @ W, dout.T @ x, dout.sum(axis=0)


def linear_db_int(dout, x, W):
    return dout @ W, dout.T @ x, dout.sum(axis=0).astype(np.int64)


def ce_float16_loss(logits, y):
    loss, d = F.softmax_cross_entropy(logits, y)
    return np.float16(loss), d


def mlp_float32_grads(params, x, y):
    loss, g = F.mlp_loss_and_grads(params, x, y)
    return loss, {k: v.astype(np.float32) for k, v in g.items()}


@pytest.mark.parametrize("function,fn,needle", [
    ("linear_backward", linear_float32, "dW is float32: compute in float64"),
    ("linear_backward", linear_db_int, "db is int64: compute in float64"),
    ("softmax_cross_entropy", ce_float16_loss, "loss is float16: compute in float64"),
    ("mlp_loss_and_grads", mlp_float32_grads, "grads['W1'] is float32: compute in float64"),
])
def test_a_wrong_dtype_fails_with_a_message_naming_it(function, fn, needle):
    out = grade(check_for("backprop", function), fn)
    text = "\n".join(out.messages)
    assert out.points == 0.0
    assert needle in text, text
    assert "constant factor" not in text


def test_float32_fails_in_every_case_not_by_luck():
    # the verdict does not depend on how close float32 happens to come on a case
    check = check_for("backprop", "linear_backward")
    for call in check.grading_calls():
        assert grade(check, linear_float32, calls=[call]).points == 0.0


def test_in_kernel_grading_names_the_dtype_too():
    out = run_check("linear_backward", linear_float32)[3]
    assert out.points == 0.0 and "dW is float32" in "\n".join(out.messages)


def test_float64_from_float32_inputs_is_not_flagged_but_judged_on_values():
    # float64 outputs are never flagged, whatever dtype the inputs had; values decide
    out = grade(check_for("backprop", "relu_backward"), lambda dout, z: np.where(z > 0, dout, 0.0))
    assert out.points == 1.0 and "dtype" not in out.flags


@pytest.mark.parametrize("check", checks_for("backprop"), ids=lambda c: c.function)
def test_grader_sanity_on_every_graded_case(check):
    # the closed forms agree with the finite differences on every visible + hidden case,
    # including the large-spread ones
    for call in check.grading_calls():
        assert check.sanity(call) == [], call.case


def test_the_sandbox_reports_the_dtypes_of_the_raw_return_value():
    # to_plain turns float32 into float64 on the way out; the dtype travels beside the value
    from autograder.checks.base import Call
    from autograder.sandbox import run_calls

    code = ("import numpy as np\n"
            "def f(x):\n"
            "    return x.astype(np.float32), {'W': np.ones(2, dtype=np.float16), 'b': x}, 1.0, np.int32(3)\n")
    (res,) = run_calls(code, [Call("f", (np.ones(3),))])
    assert res.status == "ok", res.error
    assert res.value[0].dtype == np.float64  # plain data
    assert res.dtypes == {"[0]": "float32", "[1]['W']": "float16", "[3]": "int32"}
