"""Self-checks of the backprop notebook: finite differences of the notebook's OWN given forward functions.

Every gradient a student returns is compared, entry by entry and in float64, with central finite
differences (:func:`coursekit.gradcheck.numerical_vjp`) of the forward functions the notebook gives
(``linear_forward``, ``sigmoid_forward``, ``tanh_forward``, ``relu_forward``, ``softmax_forward``,
``log_softmax``), for random upstream gradients ``dout``: an entry passes when
``|yours − numerical| ≤ max(1e-6·(|yours| + |numerical|), noise)``, the noise estimated by
:func:`coursekit.gradcheck.fd_noise`. At a kink (ReLU at exactly z = 0) a difference means nothing and
the lecture's convention, derivative 0, is the known answer. Loss values are the given forward
functions composed (``−mean log_softmax(s)[y]``). Shapes, float64 outputs, finite values and
unmodified inputs are checked too. No reference backward pass is used: while ``mlp_loss_and_grads``
is checked its three graded helpers are the library's (:mod:`coursekit.functional`, which implements
them — the README says so), so a bug in a helper is charged to the helper only, as the grader does.
"""

from __future__ import annotations

import numpy as np

from coursekit import functional as F
from coursekit import gradcheck as gc
from coursekit.selfcheck.core import Case, NotReady, Spec, fmt_err, fmt_num, fmt_shape, need_array, need_scalar, rel_error_report

__all__ = ["SPECS", "GIVEN", "TOL", "LOSS_TOL"]

#: Relative tolerance of a gradient entry, of a loss value.
TOL = 1e-6
LOSS_TOL = 1e-8
#: Absolute step for shift-invariant functions (softmax, cross-entropy): the curvature does not
#: grow with |logits|, so the step must not either.
SHIFT_STEP = gc.EPS ** (1.0 / 3.0)
#: The self-check's own seed (the grader's cases are others).
SEED = 20240
#: The notebook's given forward functions the checks differentiate.
GIVEN = ("linear_forward", "sigmoid_forward", "tanh_forward", "relu_forward", "softmax_forward", "log_softmax")


def _given(ns, name):
    fn = ns.get(name)
    if not callable(fn):
        raise NotReady(f"the given function {name} is not defined: run the notebook's cells from the top "
                       f"(the cell of the given forward functions) before this check")
    return fn


def _fd(forward, inputs, dout, wrt, h=None):
    """Numerical gradients of ⟨forward(**inputs), dout⟩ and their noise levels, per input."""
    num = gc.numerical_vjp(forward, inputs, dout, wrt=wrt, h=h)
    atol = {}
    for n in wrt:
        hn = h.get(n) if isinstance(h, dict) else h
        steps = gc.step_size(inputs[n]) if hn is None else np.full(np.shape(inputs[n]), float(hn))
        atol[n] = gc.fd_noise(forward, inputs, dout, steps)
    return num, atol


class Grad:
    """The expected gradient of one output: finite differences, noise, and known answers at kinks."""

    def __init__(self, numerical, atol, n_batch, kink=None):
        self.expected = np.array(numerical, dtype=np.float64)
        self.floor = np.maximum(atol / TOL, 1e-300)
        if kink is not None and kink.any():
            self.expected[kink] = 0.0  # the lecture's convention at the kink
        self.n_batch = n_batch


def _grad_problem(name, yours, g: Grad, large):
    """(problem or None, printed error) of one gradient output."""
    if yours.shape != g.expected.shape:
        hint = ""
        if yours.size == g.expected.size:
            hint = " (same entries, another shape: reshape, or sum with the right axis and no keepdims)"
        elif yours.shape == g.expected.shape[::-1]:
            hint = " (transposed?)"
        elif len(g.expected.shape) == 1 and yours.shape[-1:] == g.expected.shape:
            hint = " (sum over the batch: axis=0)"
        return (f"{name} has shape {fmt_shape(yours.shape)}, expected {fmt_shape(g.expected.shape)} "
                f"(the shape of the input it is the gradient of){hint}"), f"shape {fmt_shape(yours.shape)}"
    err = gc.rel_error(yours, g.expected, floor=g.floor)
    e = float(err.max()) if err.size else 0.0
    if e <= TOL:
        return None, fmt_err(e)
    msg = rel_error_report(name, yours, g.expected, err, f", shape {fmt_shape(yours.shape)}.")
    hints = []
    scale = np.abs(g.expected).max() if g.expected.size else 0.0
    if scale > 0:
        if np.allclose(yours, -g.expected, rtol=1e-6, atol=1e-9 * scale):
            hints.append("the sign is flipped")
        elif g.n_batch > 1 and np.allclose(yours, g.n_batch * g.expected, rtol=1e-6, atol=1e-9 * scale):
            hints.append(f"off by a factor N = {g.n_batch}: the loss is the MEAN over the batch")
        elif g.n_batch > 1 and np.allclose(yours * g.n_batch, g.expected, rtol=1e-6, atol=1e-9 * scale):
            hints.append(f"divided by N = {g.n_batch} once too often")
    if not hints and large:
        hints.append("an unstable formula for large inputs (exponent overflow, log of 0)")
    if hints:
        msg += " Likely bug: " + "; or ".join(hints) + "."
    return msg, fmt_err(e)


def _loss_problem(yours, expected, n_batch, large):
    e = gc.max_rel_error(yours, expected, floor=1e-12)
    if e <= LOSS_TOL:
        return None, fmt_err(e, below=1e-10)
    hint = ""
    if n_batch > 1 and abs(yours - n_batch * expected) <= 1e-8 * abs(n_batch * expected) + 1e-12:
        hint = f" Likely bug: off by a factor N = {n_batch}: the loss is the MEAN over the batch."
    elif abs(yours + expected) <= 1e-8 * abs(expected) + 1e-12:
        hint = " Likely bug: sign flipped: the loss is −log of the true class's probability."
    elif large:
        hint = " Likely bug: unstable for large logits: compute log softmax with log_softmax (log-sum-exp)."
    return f"loss is {fmt_num(yours)}, expected {fmt_num(expected)} (relative error {e:.1e}).{hint}", fmt_err(e, 1e-10)


def _judge_outputs(outs: dict, expected: dict, n_batch, large):
    """Problems and per-output errors: ``outs`` name -> value, ``expected`` name -> Grad or loss float."""
    problems, errors = [], {}
    for name, exp in expected.items():
        if isinstance(exp, Grad):
            arr, problem = need_array(outs[name], name)
            if problem:
                problems.append(problem + (": unstable for large inputs?" if large and "NaN" in problem else ""))
                errors[name] = problem.split(":")[0]
                continue
            problem, errors[name] = _grad_problem(name, arr, exp, large)
        else:
            loss, problem = need_scalar(outs[name], name)
            if problem:
                problems.append(problem)
                errors[name] = problem.split(":")[0]
                continue
            problem, errors[name] = _loss_problem(loss, exp, n_batch, large)
        if problem:
            problems.append(problem)
    return problems, errors


def _tuple(value, names, function):
    if not isinstance(value, (tuple, list)) or len(value) != len(names):
        got = (f"a {type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list))
               else type(value).__name__)
        return None, f"{function} must return a tuple ({', '.join(names)}), got {got}"
    return dict(zip(names, value)), None


# ==================================================================== linear_backward
def _linear_cases(ns):
    fwd = _given(ns, "linear_forward")
    rng = np.random.default_rng(SEED)
    out = []
    for (n, d, m), label in (((1, 3, 2), "single example"), ((6, 4, 3), "non-square"),
                             ((5, 2, 7), "non-square, M > D")):
        x, W, dout = rng.standard_normal((n, d)), rng.standard_normal((m, d)), rng.standard_normal((n, m))
        b = rng.standard_normal(m)
        num, atol = _fd(fwd, {"x": x, "W": W, "b": b}, dout, ["x", "W", "b"])
        exp = {k: Grad(num[v], atol[v], n) for k, v in (("dx", "x"), ("dW", "W"), ("db", "b"))}
        out.append(Case(f"N={n}, D={d}, M={m} ({label})", (dout, x, W), expect=exp))
    return out


def _linear_judge(case, value):
    outs, problem = _tuple(value, ("dx", "dW", "db"), "linear_backward")
    if problem:
        return [problem], {"return value": "not a tuple of 3"}
    return _judge_outputs(outs, case.expect, case.args[0].shape[0], False)


# ========================================================================= activations
def _activation_cases(forward_name, saturate_low=None, relu=False):
    def cases(ns):
        fwd = _given(ns, forward_name)
        rng = np.random.default_rng(SEED + len(forward_name))
        specs = [((1, 4), "N=1, 4 units (single example)", 2.0), ((6, 5), "N=6, 5 units", 2.0),
                 ((9,), "a 1-D z of 9 entries", 2.0)]
        if saturate_low is not None:
            specs.append(((4, 6), "large |z| (saturated units, |z| up to 800)", None))
        if relu:
            specs.append(((5, 4), "with exact zeros in z (the kink)", 1.0))
        out = []
        for shape, label, scale in specs:
            dout = rng.standard_normal(shape)
            if scale is None:
                z = np.sign(rng.standard_normal(shape)) * rng.uniform(saturate_low, 800.0, size=shape)
                z[0, :3] = [0.5, -1.0, 2.0]
                z[1, :3] = -rng.uniform(711.0, 800.0, size=3)  # e^(±z) overflows here
                z[2, :3] = rng.uniform(711.0, 800.0, size=3)
            else:
                z = scale * rng.standard_normal(shape)
            kink = None
            if relu:
                z = gc.nudge_from_kinks(z, (0.0,), margin=1e-3, rng=rng)
                if "kink" in label:
                    z[rng.random(shape) < 0.3] = 0.0
                    z[(0,) * len(shape)] = 0.0
                    kink = z == 0.0
            num, atol = _fd(lambda z: fwd(z), {"z": z}, dout, ["z"])
            n = shape[0] if len(shape) > 1 else 1
            out.append(Case(f"z of shape {fmt_shape(shape)}: {label}", (dout, z),
                            expect={"dz": Grad(num["z"], atol["z"], n, kink)}))
        return out
    return cases


def _activation_judge(function):
    def judge(case, value):
        return _judge_outputs({"dz": value}, case.expect, 1, "large" in case.label)
    return judge


# ==================================================================== softmax / loss
def _logits(rng, shape, kind):
    z = 2.0 * rng.standard_normal(shape)
    if kind == "large":
        z = np.sign(rng.standard_normal((shape[0], 1))) * (1000.0 + 5.0 * np.abs(rng.standard_normal(shape)))
        z[0] = 1000.0 + rng.uniform(0, 2, size=shape[1])
        z[1] = -1000.0 - rng.uniform(0, 2, size=shape[1])
    elif kind == "equal":
        z[1, :] = 3.25
    elif kind == "spread":  # rows spanning ~2000: e^(±1000) over/underflows
        z = np.array([[1000.0, 0.0, -1000.0, 998.5], [-1000.0, 999.0, 0.5, 1000.0],
                      [0.0, -1000.0, 1000.0, 1.0]]) + rng.uniform(0.0, 0.25, size=(3, 4))
    return z


_LOGIT_SPECS = (((1, 3), "N=1, C=3 (single example)", "normal"), ((6, 5), "N=6, C=5", "normal"),
                ((5, 4), "large logits (|z| ≥ 1000)", "large"), ((4, 5), "a row of all-equal logits", "equal"),
                ((3, 4), "large spread inside a row (logits like [1000, 0, −1000])", "spread"))


def _softmax_cases(ns):
    fwd = _given(ns, "softmax_forward")
    rng = np.random.default_rng(SEED + 7)
    out = []
    for shape, label, kind in _LOGIT_SPECS:
        z = _logits(rng, shape, kind)
        dout = rng.standard_normal(z.shape)
        num, atol = _fd(lambda z: fwd(z), {"z": z}, dout, ["z"], h=SHIFT_STEP)
        out.append(Case(f"z of shape {fmt_shape(z.shape)}: {label}", (dout, z),
                        expect={"dz": Grad(num["z"], atol["z"], z.shape[0])}))
    return out


def _mean_nll(log_softmax):
    """The cross-entropy loss composed of the given log_softmax: −mean log softmax(s)[y]."""
    def loss(logits, y):
        return float(-np.asarray(log_softmax(logits))[np.arange(len(y)), y].mean())
    return loss


def _ce_cases(ns):
    loss_of = _mean_nll(_given(ns, "log_softmax"))
    rng = np.random.default_rng(SEED + 11)
    out = []
    for shape, label, kind in _LOGIT_SPECS:
        z = _logits(rng, shape, kind)
        if kind == "spread":  # labels where the probability underflows to 0
            y = np.array([int(rng.choice(np.flatnonzero(r < r.max() - 500.0))) for r in z], dtype=np.int64)
        else:
            y = rng.integers(0, z.shape[1], size=z.shape[0]).astype(np.int64)
        num, atol = _fd(lambda logits: loss_of(logits, y), {"logits": z}, None, ["logits"], h=SHIFT_STEP)
        out.append(Case(f"logits of shape {fmt_shape(z.shape)}: {label}", (z, y),
                        expect={"loss": loss_of(z, y), "dlogits": Grad(num["logits"], atol["logits"], z.shape[0])}))
    return out


def _ce_judge(case, value):
    outs, problem = _tuple(value, ("loss", "dlogits"), "softmax_cross_entropy")
    if problem:
        return [problem], {"return value": "not a tuple of 2"}
    large = "large" in case.label
    return _judge_outputs(outs, case.expect, case.args[0].shape[0], large)


# ================================================================== mlp_loss_and_grads
_KEYS = ("W1", "b1", "W2", "b2")


def _mlp_cases(ns):
    lin, relu = _given(ns, "linear_forward"), _given(ns, "relu_forward")
    loss_of = _mean_nll(_given(ns, "log_softmax"))
    rng = np.random.default_rng(SEED + 13)
    out = []
    for (n, d, h, c), label in (((1, 3, 4, 2), "single example"), ((6, 4, 5, 3), "N=6"),
                                ((5, 3, 4, 4), "logits with a large spread: b2 ≈ [1000, 999.5, 0, −1000]")):
        for _ in range(100):  # hidden pre-activations away from the ReLU kink
            x = rng.standard_normal((n, d))
            p = {"W1": rng.standard_normal((h, d)) / np.sqrt(d), "b1": 0.1 * rng.standard_normal(h),
                 "W2": rng.standard_normal((c, h)) / np.sqrt(h), "b2": 0.1 * rng.standard_normal(c)}
            z1 = x @ p["W1"].T + p["b1"]
            if np.abs(z1).min() > 1e-3 and (z1 > 0).any():
                break
        if "spread" in label:
            p["b2"] = p["b2"] + rng.permutation(np.array([1000.0, 999.5, 0.0, -1000.0]))
            s = np.maximum(z1, 0.0) @ p["W2"].T + p["b2"]
            y = np.array([int(rng.choice(np.flatnonzero(r < r.max() - 500.0))) for r in s], dtype=np.int64)
        else:
            y = rng.integers(0, c, size=n).astype(np.int64)

        def loss(W1, b1, W2, b2, x=x, y=y):
            return loss_of(lin(relu(lin(x, W1, b1)), W2, b2), y)

        steps = {"b2": SHIFT_STEP} if np.abs(p["b2"]).max() > 100.0 else None
        num, atol = _fd(loss, dict(p), None, list(_KEYS), h=steps)
        exp = {"loss": loss(**p)}
        exp.update({f"grads['{k}']": Grad(num[k], atol[k], n) for k in _KEYS})
        out.append(Case(f"N={n}, D={d}, H={h}, C={c} ({label})", (p, x, y), expect=exp))
    return out


def _mlp_judge(case, value):
    outs, problem = _tuple(value, ("loss", "grads"), "mlp_loss_and_grads")
    if problem:
        return [problem], {"return value": "not a tuple of 2"}
    grads = outs.pop("grads")
    if not isinstance(grads, dict) or set(grads) != set(_KEYS):
        got = sorted(grads) if isinstance(grads, dict) else type(grads).__name__
        return [f"grads must be a dict with exactly the keys {list(_KEYS)}, got {got}"], {"grads": "wrong keys"}
    outs.update({f"grads['{k}']": grads[k] for k in _KEYS})
    return _judge_outputs(outs, case.expect, case.args[1].shape[0], "spread" in case.label)


_ACT = ("dout", "z")
SPECS = {
    "linear_backward": Spec("linear_backward", ("dout", "x", "W"), _linear_cases, _linear_judge),
    "sigmoid_backward": Spec("sigmoid_backward", _ACT, _activation_cases("sigmoid_forward", 20.0),
                             _activation_judge("sigmoid_backward")),
    "tanh_backward": Spec("tanh_backward", _ACT, _activation_cases("tanh_forward", 5.0),
                          _activation_judge("tanh_backward")),
    "relu_backward": Spec("relu_backward", _ACT, _activation_cases("relu_forward", relu=True),
                          _activation_judge("relu_backward")),
    "softmax_backward": Spec("softmax_backward", _ACT, _softmax_cases, _activation_judge("softmax_backward")),
    "softmax_cross_entropy": Spec("softmax_cross_entropy", ("logits", "y"), _ce_cases, _ce_judge),
    "mlp_loss_and_grads": Spec(
        "mlp_loss_and_grads", ("params", "x", "y"), _mlp_cases, _mlp_judge,
        overrides={"linear_backward": F.linear_backward, "relu_backward": F.relu_backward,
                   "softmax_cross_entropy": F.softmax_cross_entropy}),
}
for _spec in SPECS.values():
    _spec.what = ("max relative error per output against finite differences of the given forward functions; "
                  "gradients pass at ≤ 1e-6, losses at ≤ 1e-8")
