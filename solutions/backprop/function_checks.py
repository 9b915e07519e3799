"""One check per graded function of ``backprop``: its cases (shapes, edge cases such as exact
zeros for ReLU and |logits| ≥ 1000 for softmax) and its trusted expectations from
:mod:`coursekit.functional`."""

from __future__ import annotations

import numpy as np

from autograder.checks.backprop import KINK_MARGIN, SHIFT_INVARIANT_STEP
from autograder.checks.backprop.diagnoses import Expected, fmt_shape
from autograder.checks.backprop.judge import BackpropCheck
from coursekit import functional as F
from coursekit import gradcheck as gc


class LinearBackwardCheck(BackpropCheck):
    """``linear_backward(dout, x, W) -> (dx, dW, db)`` for ``out = x @ W.T + b``."""

    function = "linear_backward"
    outputs = ("dx", "dW", "db")
    output_paths = {"dx": "[0]", "dW": "[1]", "db": "[2]"}

    def _cases(self, rng):
        cases = []
        for (n, d, m), label in (
            ((1, 3, 2), "single example"),
            ((8, 5, 3), "non-square"),
            ((4, 4, 4), "square"),
            ((10, 2, 6), "non-square, M > D"),
        ):
            x, W, dout = rng.standard_normal((n, d)), rng.standard_normal((m, d)), rng.standard_normal((n, m))
            cases.append((f"N={n}, D={d}, M={m} ({label})", (dout, x, W)))
        return cases

    def _unpack(self, value, call):
        if not isinstance(value, (tuple, list)) or len(value) != 3:
            got = f"a {type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__
            return None, f"linear_backward must return a tuple (dx, dW, db) of 3 arrays, got {got}"
        outs = {}
        for name, v in zip(self.outputs, value):
            arr, problem = self._need_array(v, name)
            if problem:
                return None, problem
            outs[name] = arr
        return outs, None

    def _expected(self, call):
        dout, x, W = (np.asarray(a, dtype=np.float64) for a in call.args)
        n, m = dout.shape
        b = np.zeros(W.shape[0])
        num, atol = self._fd(F.linear_forward, {"x": x, "W": W, "b": b}, dout, ["x", "W", "b"])
        dx, dW, db = F.linear_backward(dout, x, W)
        return {
            "dx": Expected("dx", num["x"], dx, atol["x"], n),
            "dW": Expected("dW", num["W"], dW, atol["W"], n),
            "db": Expected("db", num["b"], db, atol["b"], n),
        }


# ================================================================== activations
class ActivationCheck(BackpropCheck):
    outputs = ("dz",)
    output_paths = {"dz": ""}
    large_what = "|z|"
    forward = None  # trusted forward
    backward = None  # trusted closed form

    def _shape_cases(self, rng):
        return [
            ((1, 4), "N=1, 4 units (single example)", 2.0),
            ((8, 5), "N=8, 5 units", 2.0),
            ((3, 7), "N=3, 7 units (non-square)", 3.0),
            ((12,), "a 1-D z of 12 entries", 2.0),
        ]

    def _cases(self, rng):
        cases = []
        for shape, label, scale in self._shape_cases(rng):
            z = scale * rng.standard_normal(shape)
            dout = rng.standard_normal(shape)
            cases.append((f"z of shape {fmt_shape(shape)}: {label}", (dout, z)))
        return cases

    def _unpack(self, value, call):
        arr, problem = self._need_array(value, "dz")
        if problem:
            return None, f"{self.function} must return one array dz: " + problem.split("must be ", 1)[-1]
        return {"dz": arr}, None

    def _n_batch(self, call):
        return int(np.shape(call.args[1])[0]) if np.ndim(call.args[1]) else 1

    def _kinks(self, z):
        return None

    def _expected(self, call):
        dout, z = (np.asarray(a, dtype=np.float64) for a in call.args)
        fwd = type(self).forward
        bwd = type(self).backward
        num, atol = self._fd(fwd, {"z": z}, dout, ["z"])
        closed = bwd(dout, z)
        return {"dz": Expected("dz", num["z"], closed, atol["z"], self._n_batch(call), kink_mask=self._kinks(z))}


class SaturatingActivationCheck(ActivationCheck):
    """An activation whose last case has saturated units: |z| from ``saturation_low`` up to 800,
    with a few entries beyond 711 where e^(±z) overflows float64."""

    saturation_low = 20.0

    def _shape_cases(self, rng):
        return super()._shape_cases(rng) + [((4, 6), "large |z| (saturated units, |z| up to 800)", 1.0)]

    def _cases(self, rng):
        cases = super()._cases(rng)
        case, (dout, z) = cases[-1]
        z = np.sign(rng.standard_normal(z.shape)) * rng.uniform(self.saturation_low, 800.0, size=z.shape)
        z[0, :3] = [0.5, -1.0, 2.0]
        z[1, :3] = -rng.uniform(711.0, 800.0, size=3)  # e^(±z) overflows here
        z[2, :3] = rng.uniform(711.0, 800.0, size=3)
        cases[-1] = (case, (dout, z))
        return cases


class SigmoidBackwardCheck(SaturatingActivationCheck):
    """``sigmoid_backward(dout, z) -> dz = dout · σ(z)(1 − σ(z))``."""

    function = "sigmoid_backward"
    forward = staticmethod(F.sigmoid_forward)
    backward = staticmethod(F.sigmoid_backward)
    unstable_hint = "an unstable exponent: compute σ(z) without overflow and use σ(z)(1 − σ(z))"

    saturation_low = 20.0


class TanhBackwardCheck(SaturatingActivationCheck):
    """``tanh_backward(dout, z) -> dz = dout · (1 − tanh²(z))``."""

    function = "tanh_backward"
    forward = staticmethod(F.tanh_forward)
    backward = staticmethod(F.tanh_backward)
    unstable_hint = "an unstable exponent: use np.tanh(z) rather than a formula with e^z"

    saturation_low = 5.0


class ReluBackwardCheck(ActivationCheck):
    """``relu_backward(dout, z) -> dz = dout · 1[z > 0]`` (0 at exactly z = 0)."""

    function = "relu_backward"
    forward = staticmethod(F.relu_forward)
    backward = staticmethod(F.relu_backward)

    def _shape_cases(self, rng):
        return super()._shape_cases(rng) + [((6, 5), "with exact zeros in z (the kink)", 1.0)]

    def _cases(self, rng):
        cases = []
        for case, (dout, z) in super()._cases(rng):
            z = gc.nudge_from_kinks(z, (0.0,), margin=1e-3, rng=rng)
            cases.append((case, (dout, z)))
        case, (dout, z) = cases[-1]
        z = z.copy()
        z[rng.random(z.shape) < 0.3] = 0.0
        z[0, 0] = 0.0
        cases[-1] = (case, (dout, z))
        return cases

    def _kinks(self, z):
        return gc.find_kinks(z, (0.0,))


# ================================================================ softmax_backward
SPREAD_LABEL = "large spread inside a row (logits like [1000, 0, −1000])"


def _spread_logits(rng):
    """(4, 4) logits whose rows span about 2000: the largest entries near +1000 (two of them
    close, so the gradient is not trivially 0), the others near 0 and −1000, plus jitter.
    e^(±1000) over/underflows in float64, so only the stable formulas survive."""
    z = np.array([
        [1000.0, 0.0, -1000.0, 998.5],
        [-1000.0, 999.0, 0.5, 1000.0],
        [0.0, -1000.0, 1000.0, 1.0],
        [-999.0, 1000.0, 999.25, -0.5],
    ])
    z = z + rng.uniform(0.0, 0.25, size=z.shape)
    return np.ascontiguousarray(z[:, rng.permutation(4)])


def _logit_cases(rng, with_labels):
    out = []
    specs = [
        ((1, 3), "N=1, C=3 (single example)", "normal"),
        ((8, 5), "N=8, C=5", "normal"),
        ((5, 2), "N=5, C=2", "normal"),
        ((6, 4), "large logits (|z| ≥ 1000)", "large"),
        ((4, 5), "a row of all-equal logits", "equal"),
        ((4, 4), SPREAD_LABEL, "spread"),
    ]
    for shape, label, kind in specs:
        z = 2.0 * rng.standard_normal(shape)
        if kind == "large":
            z = np.sign(rng.standard_normal((shape[0], 1))) * (1000.0 + 5.0 * np.abs(rng.standard_normal(shape)))
            z[0] = 1000.0 + rng.uniform(0, 2, size=shape[1])
            z[1] = -1000.0 - rng.uniform(0, 2, size=shape[1])
        elif kind == "equal":
            z[1, :] = 3.25
        elif kind == "spread":
            z = _spread_logits(rng)
        out.append((shape, label, z))
    return out


def _small_entry_labels(z, rng):
    """One label per row on an entry at least 500 below the row's maximum (where a
    softmax probability underflows to 0)."""
    return np.array([rng.choice(np.flatnonzero(row < row.max() - 500.0)) for row in z], dtype=np.int64)


class SoftmaxBackwardCheck(BackpropCheck):
    """``softmax_backward(dout, z) -> dz = y ⊙ (dout − ⟨dout, y⟩)``, y = softmax(z)."""

    function = "softmax_backward"
    outputs = ("dz",)
    output_paths = {"dz": ""}
    unstable_hint = ("an unstable exponent: subtract each row's maximum before np.exp "
                     "(softmax(z) = softmax(z − max z))")

    def _cases(self, rng):
        cases = []
        for shape, label, z in _logit_cases(rng, False):
            dout = rng.standard_normal(shape)
            cases.append((f"z of shape {fmt_shape(shape)}: {label}", (dout, z)))
        return cases

    def _unpack(self, value, call):
        arr, problem = self._need_array(value, "dz")
        if problem:
            return None, "softmax_backward must return one array dz: " + problem.split("must be ", 1)[-1]
        return {"dz": arr}, None

    def _expected(self, call):
        dout, z = (np.asarray(a, dtype=np.float64) for a in call.args)
        num, atol = self._fd(F.softmax_forward, {"z": z}, dout, ["z"], h=SHIFT_INVARIANT_STEP)
        closed = F.softmax_backward(dout, z)
        return {"dz": Expected("dz", num["z"], closed, atol["z"], z.shape[0])}


# =========================================================== softmax_cross_entropy
class SoftmaxCrossEntropyCheck(BackpropCheck):
    """``softmax_cross_entropy(logits, y) -> (loss, dlogits)``, mean over the batch."""

    function = "softmax_cross_entropy"
    outputs = ("loss", "dlogits")
    output_paths = {"loss": "[0]", "dlogits": "[1]"}
    unstable_hint = ("an unstable exponent or logarithm: compute log softmax directly with log-sum-exp, "
                     "z − max z − log Σ exp(z − max z), not np.log(softmax(z)) (it underflows to log 0) "
                     "and not np.exp(z) without the row maximum subtracted (it overflows)")

    def _cases(self, rng):
        cases = []
        for shape, label, z in _logit_cases(rng, True):
            if label == SPREAD_LABEL:  # labels on the small entries: −log p underflows to −log 0
                y = _small_entry_labels(z, rng)
            else:
                y = rng.integers(0, shape[1], size=shape[0]).astype(np.int64)
            cases.append((f"logits of shape {fmt_shape(shape)}: {label}", (z, y)))
        return cases

    def _unpack(self, value, call):
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            got = f"a {type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__
            return None, f"softmax_cross_entropy must return a tuple (loss, dlogits), got {got}"
        loss, d = value
        loss_v = _scalar_loss(loss)
        if loss_v is None:
            return None, _loss_type_problem(loss)
        arr, problem = self._need_array(d, "dlogits")
        if problem:
            return None, problem
        return {"loss": loss_v, "dlogits": arr}, None

    def _expected(self, call):
        z = np.asarray(call.args[0], dtype=np.float64)
        y = np.asarray(call.args[1], dtype=np.int64)
        n = z.shape[0]

        def loss_of(logits):
            return F.softmax_cross_entropy(logits, y)[0]

        num, atol = self._fd(loss_of, {"logits": z}, None, ["logits"], h=SHIFT_INVARIANT_STEP)
        loss, closed = F.softmax_cross_entropy(z, y)
        return {"loss": loss, "dlogits": Expected("dlogits", num["logits"], closed, atol["logits"], n)}


def _scalar_loss(v):
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return float(v)
    if isinstance(v, np.ndarray) and v.shape == () and v.dtype.kind in "fiu":
        return float(v)
    return None


def _loss_type_problem(v):
    if isinstance(v, np.ndarray):
        return f"loss must be a float (a scalar), got an array of shape {fmt_shape(v.shape)}: average it to one number"
    return f"loss must be a float, got {type(v).__name__}"


# ============================================================= mlp_loss_and_grads
_MLP_KEYS = ("W1", "b1", "W2", "b2")
MLP_SPREAD_LABEL = "logits with a large spread inside a row: b2 ≈ [1000, 999.5, 0, −1000]"


def mlp_loss(W1, b1, W2, b2, x, y):
    """The trusted forward loss of the two-layer net, without input validation.

    The same computation as ``F.mlp_forward`` + ``F.softmax_cross_entropy`` (the
    tests assert equality) minus their argument checks, which would dominate the
    cost of the ~300 forward evaluations one mlp check needs.
    """
    h1 = np.maximum(x @ W1.T + b1, 0.0)
    s = h1 @ W2.T + b2
    shifted = s - s.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-logp[np.arange(x.shape[0]), y].sum() / x.shape[0])


class MlpLossAndGradsCheck(BackpropCheck):
    """``mlp_loss_and_grads(params, x, y) -> (loss, grads)`` of the two-layer ReLU net.

    Graded with the trusted ``linear_backward``, ``relu_backward`` and
    ``softmax_cross_entropy`` (see the module docstring: overrides).
    """

    function = "mlp_loss_and_grads"
    outputs = ("loss", "grads['W1']", "grads['b1']", "grads['W2']", "grads['b2']")
    output_paths = {"loss": "[0]", "grads['W1']": "[1]['W1']", "grads['b1']": "[1]['b1']",
                    "grads['W2']": "[1]['W2']", "grads['b2']": "[1]['b2']"}
    overrides = ("linear_backward", "relu_backward", "softmax_cross_entropy")
    unstable_hint = ("an unstable softmax / log: use log-sum-exp with each row's maximum subtracted "
                     "(or call your softmax_cross_entropy), not np.exp(s) unshifted or np.log(softmax(s))")

    def _cases(self, rng):
        cases = []
        for (n, d, h, c), label in (
            ((1, 3, 4, 2), "single example"),
            ((8, 5, 7, 3), "N=8"),
            ((12, 4, 6, 5), "N=12, more classes"),
            ((6, 4, 5, 4), MLP_SPREAD_LABEL),
        ):
            for _ in range(100):
                x = rng.standard_normal((n, d))
                params = {
                    "W1": rng.standard_normal((h, d)) / np.sqrt(d),
                    "b1": 0.1 * rng.standard_normal(h),
                    "W2": rng.standard_normal((c, h)) / np.sqrt(h),
                    "b2": 0.1 * rng.standard_normal(c),
                }
                z1 = x @ params["W1"].T + params["b1"]
                if np.abs(z1).min() > KINK_MARGIN and (z1 > 0).any():
                    break
            if label == MLP_SPREAD_LABEL:
                # logits s = h1 W2ᵀ + b2 spread over ~2000 in every row; labels on the small entries
                params["b2"] = params["b2"] + rng.permutation(np.array([1000.0, 999.5, 0.0, -1000.0]))
                s = np.maximum(z1, 0.0) @ params["W2"].T + params["b2"]
                y = _small_entry_labels(s, rng)
            else:
                y = rng.integers(0, c, size=n).astype(np.int64)
            cases.append((f"N={n}, D={d}, H={h}, C={c} ({label})", (params, x, y)))
        return cases

    def _unpack(self, value, call):
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            got = f"a {type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list)) else type(value).__name__
            return None, f"mlp_loss_and_grads must return a tuple (loss, grads), got {got}"
        loss, grads = value
        loss_v = _scalar_loss(loss)
        if loss_v is None:
            return None, _loss_type_problem(loss)
        if not isinstance(grads, dict):
            return None, f"grads must be a dict with keys {list(_MLP_KEYS)}, got {type(grads).__name__}"
        if set(grads) != set(_MLP_KEYS):
            missing = [k for k in _MLP_KEYS if k not in grads]
            extra = [k for k in grads if k not in _MLP_KEYS]
            return None, (f"grads must have exactly the keys {list(_MLP_KEYS)}"
                          + (f"; missing {missing}" if missing else "") + (f"; unexpected {extra}" if extra else ""))
        outs = {"loss": loss_v}
        for k in _MLP_KEYS:
            arr, problem = self._need_array(grads[k], f"grads['{k}']")
            if problem:
                return None, problem
            outs[f"grads['{k}']"] = arr
        return outs, None

    def _expected(self, call):
        params, x, y = call.args
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.int64)
        p = {k: np.asarray(params[k], dtype=np.float64) for k in _MLP_KEYS}
        n = x.shape[0]

        def loss_of(W1, b1, W2, b2):
            return mlp_loss(W1, b1, W2, b2, x, y)

        # b2 ≈ ±1000 in the spread case: the curvature in the logits does not grow with them,
        # so b2 gets the absolute step of the shift-invariant checks (a relative one would be 6e-3)
        h = {"b2": SHIFT_INVARIANT_STEP} if np.abs(p["b2"]).max() > 100.0 else None
        num, atol = self._fd(loss_of, dict(p), None, list(_MLP_KEYS), h=h)
        loss, closed = F.mlp_loss_and_grads(p, x, y)
        out = {"loss": loss}
        for k in _MLP_KEYS:
            name = f"grads['{k}']"
            out[name] = Expected(name, num[k], closed[k], atol[k], n)
        return out
