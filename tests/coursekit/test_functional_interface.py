"""The public interface of ``coursekit.functional`` (see ARCHITECTURE.md, Public interfaces):
names, parameter order, shapes, float64, purity, stability, conventions, and values against
scipy / scikit-learn / written-out formulas and finite differences."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import expit, logsumexp
from scipy.special import softmax as sp_softmax
from sklearn.metrics import hinge_loss as sk_hinge_loss
from sklearn.metrics import log_loss, mean_squared_error

import coursekit.functional as F

E = inspect.Parameter.empty

SIGNATURES = {
    "linear_forward": ["x", "W", "b"],
    "linear_backward": ["dout", "x", "W"],
    "sigmoid_forward": ["z"],
    "tanh_forward": ["z"],
    "relu_forward": ["z"],
    "softplus_forward": ["z"],
    "sigmoid_backward": ["dout", "z"],
    "tanh_backward": ["dout", "z"],
    "relu_backward": ["dout", "z"],
    "softplus_backward": ["dout", "z"],
    "softmax_forward": ["z"],
    "softmax_backward": ["dout", "z"],
    "mse_loss": ["pred", "target"],
    "bce_loss": ["p", "y"],
    "softmax_cross_entropy": ["logits", "y"],
    "hinge_loss": ["scores", "y"],
    "mlp_loss_and_grads": ["params", "x", "y"],
}

ELEMENTWISE = {  # name -> (forward reference, derivative reference)
    "sigmoid": (expit, lambda z: expit(z) * (1 - expit(z))),
    "tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2),
    "relu": (lambda z: np.where(z > 0, z, 0.0), lambda z: (z > 0).astype(float)),
    "softplus": (lambda z: np.logaddexp(0.0, z), expit),
}

SIZES = [(1, 3, 5), (4, 3, 5), (7, 6, 2)]  # (N, D, M): N = 1 and N > 1, non-square


def _pure_call(f, *args):
    """Call f and assert that none of the array arguments (nested in dicts too) changed."""
    def arrays(a):
        if isinstance(a, dict):
            return [v for v in a.values() if isinstance(v, np.ndarray)]
        return [a] if isinstance(a, np.ndarray) else []

    before = [(arr, arr.copy()) for a in args for arr in arrays(a)]
    dict_keys = [(a, list(a)) for a in args if isinstance(a, dict)]
    out = f(*args)
    for arr, copy in before:
        assert arr.dtype == copy.dtype and np.array_equal(arr, copy), f"{f.__name__} modified an input"
    for d, keys in dict_keys:
        assert list(d) == keys, f"{f.__name__} changed the keys of a dict input"
    outs = out if isinstance(out, tuple) else (out,)
    flat = []
    for o in outs:
        flat += list(o.values()) if isinstance(o, dict) else [o]
    for o in flat:
        if isinstance(o, np.ndarray):
            for arr, _ in before:
                assert not np.shares_memory(o, arr), f"{f.__name__} returned a view of an input"
    return out


def _is_f64(a):
    return isinstance(a, np.ndarray) and a.dtype == np.float64


def _is_scalar_float(v):
    return isinstance(v, (float, np.floating)) and np.ndim(v) == 0 and np.isfinite(v)


# ------------------------------------------------------------------------ names, order
@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_function_exists_with_its_parameters(name, assert_signature):
    f = getattr(F, name)
    assert callable(f)
    assert_signature(f, [(p, E) for p in SIGNATURES[name]])


# ----------------------------------------------------------------------------- linear
@pytest.mark.parametrize("N,D,M", SIZES)
def test_linear_forward_backward_shapes_values(N, D, M, interface_rng, central_diff):
    x, W, b = interface_rng.normal(size=(N, D)), interface_rng.normal(size=(M, D)), interface_rng.normal(size=M)
    out = _pure_call(F.linear_forward, x, W, b)
    assert _is_f64(out) and out.shape == (N, M)
    ref = np.array([[sum(x[i, d] * W[m, d] for d in range(D)) + b[m] for m in range(M)] for i in range(N)])
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-12)

    dout = interface_rng.normal(size=(N, M))
    res = _pure_call(F.linear_backward, dout, x, W)
    assert isinstance(res, tuple) and len(res) == 3
    dx, dW, db = res
    assert _is_f64(dx) and dx.shape == (N, D)
    assert _is_f64(dW) and dW.shape == (M, D)
    assert _is_f64(db) and db.shape == (M,)
    L = lambda x_, W_, b_: float(np.sum(dout * (x_ @ W_.T + b_)))  # noqa: E731
    np.testing.assert_allclose(dx, central_diff(lambda v: L(v, W, b), x), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(dW, central_diff(lambda v: L(x, v, b), W), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(db, central_diff(lambda v: L(x, W, v), b), rtol=1e-6, atol=1e-8)


def test_linear_forward_integer_input_gives_float64():
    out = F.linear_forward(np.array([[1, 2]]), np.array([[3, 4], [5, 6], [7, 8]]), np.array([1, 0, -1]))
    assert _is_f64(out)
    np.testing.assert_array_equal(out, [[12.0, 17.0, 22.0]])


# ------------------------------------------------------------------------ activations
@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
@pytest.mark.parametrize("shape", [(1, 4), (5, 3), (6,)])
def test_elementwise_activation_forward_backward(name, shape, interface_rng, central_diff):
    fwd, bwd = getattr(F, f"{name}_forward"), getattr(F, f"{name}_backward")
    ref_f, ref_d = ELEMENTWISE[name]
    z = interface_rng.normal(scale=2.0, size=shape)
    z[np.abs(z) < 1e-3] = 0.5  # keep finite differences away from ReLU's kink
    y = _pure_call(fwd, z)
    assert _is_f64(y) and y.shape == z.shape
    np.testing.assert_allclose(y, ref_f(z), rtol=1e-12, atol=1e-15)
    dout = interface_rng.normal(size=shape)
    dz = _pure_call(bwd, dout, z)
    assert _is_f64(dz) and dz.shape == z.shape
    np.testing.assert_allclose(dz, dout * ref_d(z), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dz, central_diff(lambda v: float(np.sum(dout * fwd(v))), z), rtol=1e-6, atol=1e-8)


def test_relu_derivative_at_zero_is_zero():
    z = np.array([[0.0, -0.0, 1e-300, -1e-300, 2.0]])
    dz = F.relu_backward(np.full_like(z, 3.0), z)
    np.testing.assert_array_equal(dz, [[0.0, 0.0, 3.0, 0.0, 3.0]])
    np.testing.assert_array_equal(F.relu_forward(z), [[0.0, 0.0, 1e-300, 0.0, 2.0]])


def test_sigmoid_of_minus_one_is_not_the_seed_typo():
    # the seed's worked example says σ(−1) ≈ .000051: wrong, σ(−1) = 1/(1 + e) ≈ 0.2689
    assert F.sigmoid_forward(np.array([-1.0]))[0] == pytest.approx(1 / (1 + np.e), rel=1e-15)


@pytest.mark.parametrize("N,C", [(1, 3), (4, 3), (5, 7)])
def test_softmax_forward_backward_full_jacobian(N, C, interface_rng, central_diff):
    z = interface_rng.normal(scale=3.0, size=(N, C))
    y = _pure_call(F.softmax_forward, z)
    assert _is_f64(y) and y.shape == (N, C)
    np.testing.assert_allclose(y, sp_softmax(z, axis=1), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-14)
    dout = interface_rng.normal(size=(N, C))
    dz = _pure_call(F.softmax_backward, dout, z)
    assert _is_f64(dz) and dz.shape == (N, C)
    ref = np.empty_like(z)
    for i in range(N):
        s = sp_softmax(z[i])
        J = np.diag(s) - np.outer(s, s)  # ∂y_j/∂z_k
        ref[i] = J.T @ dout[i]
    np.testing.assert_allclose(dz, ref, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(dz, central_diff(lambda v: float(np.sum(dout * F.softmax_forward(v))), z),
                               rtol=1e-6, atol=1e-9)
    # a vector activation: the elementwise y(1-y) rule would be wrong
    assert not np.allclose(dz, dout * y * (1 - y))


# ----------------------------------------------------------------------------- losses
@pytest.mark.parametrize("shape", [(1,), (6,), (1, 3), (5, 3)])
def test_mse_loss_is_mean_over_examples_of_squared_norms(shape, interface_rng, central_diff):
    pred, target = interface_rng.normal(size=shape), interface_rng.normal(size=shape)
    loss, dpred = _pure_call(F.mse_loss, pred, target)
    N = shape[0]
    K = 1 if len(shape) == 1 else shape[1]
    ref = sum(float(np.sum((np.atleast_1d(pred[i]) - np.atleast_1d(target[i])) ** 2)) for i in range(N)) / N
    assert _is_scalar_float(loss) and loss == pytest.approx(ref, rel=1e-12)
    # scikit-learn averages over all N·K entries: coursekit's loss is K times that
    assert loss == pytest.approx(K * mean_squared_error(target.reshape(N, -1), pred.reshape(N, -1)), rel=1e-12)
    assert _is_f64(dpred) and dpred.shape == shape
    np.testing.assert_allclose(dpred, central_diff(lambda v: F.mse_loss(v, target)[0], pred), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("N", [1, 8])
def test_bce_loss_matches_sklearn_log_loss(N, interface_rng, central_diff):
    p = interface_rng.uniform(0.05, 0.95, size=N)
    y = interface_rng.integers(0, 2, size=N).astype(float)
    loss, dp = _pure_call(F.bce_loss, p, y)
    assert _is_scalar_float(loss)
    assert loss == pytest.approx(log_loss(y, p, labels=[0, 1]), rel=1e-12)
    ref = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    assert loss == pytest.approx(ref, rel=1e-12)
    assert _is_f64(dp) and dp.shape == p.shape
    np.testing.assert_allclose(dp, central_diff(lambda v: F.bce_loss(v, y)[0], p), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("N,C", [(1, 3), (6, 4), (9, 2)])
def test_softmax_cross_entropy_matches_references(N, C, interface_rng, central_diff):
    logits = interface_rng.normal(scale=2.0, size=(N, C))
    y = interface_rng.integers(0, C, size=N)
    loss, dlogits = _pure_call(F.softmax_cross_entropy, logits, y)
    assert _is_scalar_float(loss)
    ref = float(np.mean(logsumexp(logits, axis=1) - logits[np.arange(N), y]))
    assert loss == pytest.approx(ref, rel=1e-12)
    assert loss == pytest.approx(log_loss(y, sp_softmax(logits, axis=1), labels=list(range(C))), rel=1e-10)
    assert _is_f64(dlogits) and dlogits.shape == (N, C)
    onehot = np.eye(C)[y]
    np.testing.assert_allclose(dlogits, (sp_softmax(logits, axis=1) - onehot) / N, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dlogits, central_diff(lambda v: F.softmax_cross_entropy(v, y)[0], logits),
                               rtol=1e-6, atol=1e-9)


def test_softmax_cross_entropy_accepts_python_int_labels():
    loss, _ = F.softmax_cross_entropy(np.array([[0.0, 0.0], [1.0, -1.0]]), [1, 0])
    assert loss == pytest.approx((np.log(2) + np.log1p(np.exp(-2.0))) / 2, rel=1e-12)


@pytest.mark.parametrize("N", [1, 10])
def test_hinge_loss_matches_sklearn(N, interface_rng, central_diff):
    scores = interface_rng.normal(scale=2.0, size=N)
    y = interface_rng.choice([-1.0, 1.0], size=N)
    # keep every margin away from the kink for the finite differences
    scores[np.abs(1 - y * scores) < 1e-3] += 0.1
    loss, dscores = _pure_call(F.hinge_loss, scores, y)
    assert _is_scalar_float(loss)
    assert loss == pytest.approx(np.mean(np.maximum(0, 1 - y * scores)), rel=1e-12, abs=1e-15)
    if N > 1:  # sklearn's hinge_loss needs both labels present
        assert len(np.unique(y)) == 2
        assert loss == pytest.approx(sk_hinge_loss(y, scores), rel=1e-12)
    assert _is_f64(dscores) and dscores.shape == (N,)
    np.testing.assert_allclose(dscores, central_diff(lambda v: F.hinge_loss(v, y)[0], scores), rtol=1e-6, atol=1e-9)


def test_hinge_subgradient_is_zero_at_margin_exactly_one():
    scores = np.array([1.0, -1.0, 0.5, 3.0, -0.25])
    y = np.array([1.0, -1.0, 1.0, -1.0, -1.0])  # margins 1, 1, 0.5, -3, 0.25
    loss, dscores = F.hinge_loss(scores, y)
    assert loss == pytest.approx((0 + 0 + 0.5 + 4 + 0.75) / 5, rel=1e-15)
    np.testing.assert_array_equal(dscores, [0.0, 0.0, -1 / 5, 1 / 5, 1 / 5])


# ---------------------------------------------------------------------------- stability
HUGE = np.array([[1000.0, -1000.0, 0.0], [-1500.0, 2000.0, 1999.0], [-3000.0, -1000.0, -2000.0]])


def _stability_calls():
    z = np.array([[-1e4, -1000.0, -745.0, -1.0, 0.0, 1.0, 745.0, 1000.0, 1e4]])
    y_lab = np.array([1, 2, 0])
    F.sigmoid_forward(z)
    F.sigmoid_backward(np.ones_like(z), z)
    F.softplus_forward(z)
    F.softplus_backward(np.ones_like(z), z)
    F.tanh_forward(z)
    F.tanh_backward(np.ones_like(z), z)
    F.relu_forward(z)
    F.relu_backward(np.ones_like(z), z)
    F.softmax_forward(HUGE)
    F.softmax_backward(np.ones_like(HUGE), HUGE)
    F.softmax_cross_entropy(HUGE, y_lab)
    F.hinge_loss(np.array([1e4, -1e4]), np.array([-1.0, 1.0]))
    return z, y_lab


def test_huge_inputs_give_exact_finite_values_without_warnings(strict):
    with strict():  # over / invalid / divide raise, every warning an error (underflow to 0 allowed)
        z, y_lab = _stability_calls()
        s = F.sigmoid_forward(z)
        ds = F.sigmoid_backward(np.ones_like(z), z)
        sp = F.softplus_forward(z)
        dsp = F.softplus_backward(np.ones_like(z), z)
        sm = F.softmax_forward(HUGE)
        loss, dlogits = F.softmax_cross_entropy(HUGE, y_lab)
        dsm = F.softmax_backward(np.ones_like(HUGE), HUGE)
    np.testing.assert_allclose(s, expit(z), rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(ds, expit(z) * expit(-z), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(sp, np.logaddexp(0.0, z), rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(dsp, expit(z), rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(sm, sp_softmax(HUGE, axis=1), rtol=1e-12, atol=1e-300)
    ref = float(np.mean(logsumexp(HUGE, axis=1) - HUGE[np.arange(3), y_lab]))
    assert np.isfinite(loss) and loss == pytest.approx(ref, rel=1e-12)
    assert np.all(np.isfinite(dlogits)) and np.all(np.isfinite(dsm))
    np.testing.assert_allclose(dlogits, (sp_softmax(HUGE, axis=1) - np.eye(3)[y_lab]) / 3, atol=1e-15)


def test_huge_inputs_under_literal_errstate_all_raise(strict):
    """The acceptance wording is ``np.errstate(all="raise")``: underflow raises too.

    e^(−1000) underflows to 0 (the correctly rounded answer); a kernel that wants to be silent
    under ``all="raise"`` must scope ``np.errstate(under="ignore")`` around its exponentials.
    """
    with strict(under="raise"):
        _stability_calls()


# -------------------------------------------------------------------------- the MLP
def _mlp_params(rng, D, H, C):
    return {
        "W1": rng.normal(scale=0.7, size=(H, D)),
        "b1": rng.normal(scale=0.1, size=H),
        "W2": rng.normal(scale=0.7, size=(C, H)),
        "b2": rng.normal(scale=0.1, size=C),
    }


def _mlp_reference_loss(params, x, y):
    h = np.maximum(x @ params["W1"].T + params["b1"], 0.0)
    s = h @ params["W2"].T + params["b2"]
    return float(np.mean(logsumexp(s, axis=1) - s[np.arange(x.shape[0]), y]))


@pytest.mark.parametrize("N,D,H,C", [(1, 3, 4, 2), (6, 5, 7, 3)])
def test_mlp_loss_and_grads_interface(N, D, H, C, interface_rng, central_diff):
    params = _mlp_params(interface_rng, D, H, C)
    x = interface_rng.normal(size=(N, D))
    y = interface_rng.integers(0, C, size=N)
    z1 = x @ params["W1"].T + params["b1"]
    assert np.min(np.abs(z1)) > 1e-3, "test data must stay off the ReLU kink"
    result = _pure_call(F.mlp_loss_and_grads, params, x, y)
    assert isinstance(result, tuple) and len(result) == 2
    loss, grads = result
    assert _is_scalar_float(loss)
    assert loss == pytest.approx(_mlp_reference_loss(params, x, y), rel=1e-12)
    assert isinstance(grads, dict) and set(grads) == {"W1", "b1", "W2", "b2"}
    for k in params:
        assert _is_f64(grads[k]) and grads[k].shape == params[k].shape, k

        def f(v, k=k):
            p = dict(params)
            p[k] = v
            return _mlp_reference_loss(p, x, y)

        np.testing.assert_allclose(grads[k], central_diff(f, params[k]), rtol=1e-5, atol=1e-8, err_msg=k)


def test_mlp_loss_and_grads_hidden_relu_at_zero_has_zero_gradient():
    # a hidden unit with z1 == 0 exactly: relu'(0) = 0, so W1's row and b1's entry get no gradient
    params = {"W1": np.array([[0.0, 0.0], [1.0, -1.0]]), "b1": np.array([0.0, 0.5]),
              "W2": np.array([[1.0, 2.0], [-1.0, 0.5], [0.3, 0.3]]), "b2": np.zeros(3)}
    x = np.array([[1.0, 2.0], [-0.5, 0.25]])
    y = np.array([2, 0])
    _, grads = F.mlp_loss_and_grads(params, x, y)
    np.testing.assert_array_equal(grads["W1"][0], [0.0, 0.0])
    assert grads["b1"][0] == 0.0


# ------------------------------------------------------------------ bad input (standard)
@pytest.mark.parametrize("call,argname", [
    (lambda: F.linear_forward(np.ones((2, 3)), np.ones((4, 2)), np.ones(4)), "W"),
    (lambda: F.linear_forward(np.ones((2, 3)), np.ones((4, 3)), np.ones(5)), "b"),
    (lambda: F.sigmoid_backward(np.ones((2, 3)), np.ones((3, 2))), "z"),
    (lambda: F.softmax_cross_entropy(np.ones((2, 3)), np.array([0, 3])), "y"),
    (lambda: F.hinge_loss(np.ones(3), np.array([1.0, 0.0, -1.0])), "y"),
    (lambda: F.bce_loss(np.array([0.0, 0.5]), np.array([0.0, 1.0])), "p"),
    (lambda: F.mlp_loss_and_grads({"W1": np.ones((2, 2))}, np.ones((1, 2)), np.array([0])), "params"),
])
def test_bad_input_raises_naming_the_argument(call, argname):
    with pytest.raises((ValueError, TypeError)) as exc:
        call()
    assert str(exc.value).startswith(argname), str(exc.value)


# ---------------------------------------------------- property: shapes, dtype, purity
@settings(max_examples=30, deadline=None, derandomize=True)
@given(N=st.integers(1, 6), D=st.integers(1, 5), M=st.integers(1, 5), seed=st.integers(0, 2**16),
       dtype=st.sampled_from([np.float64, np.float32, np.int64]))
def test_property_shapes_float64_and_purity(N, D, M, seed, dtype):
    r = np.random.default_rng(seed)
    x = (r.normal(size=(N, D)) * 3).astype(dtype)
    W = (r.normal(size=(M, D)) * 3).astype(dtype)
    b = (r.normal(size=M) * 3).astype(dtype)
    out = _pure_call(F.linear_forward, x, W, b)
    assert _is_f64(out) and out.shape == (N, M)
    dout = (r.normal(size=(N, M)) * 3).astype(dtype)
    for a, like in zip(_pure_call(F.linear_backward, dout, x, W), (x, W, b)):
        assert _is_f64(a) and a.shape == like.shape
    for name in ELEMENTWISE:
        assert _is_f64(_pure_call(getattr(F, f"{name}_forward"), out.astype(dtype)))
        dz = _pure_call(getattr(F, f"{name}_backward"), dout, out.astype(dtype))
        assert _is_f64(dz) and dz.shape == (N, M)
    for f in (F.softmax_forward,):
        assert _is_f64(_pure_call(f, out.astype(dtype)))
    assert _is_f64(_pure_call(F.softmax_backward, dout, out.astype(dtype)))
    y = r.integers(0, M, size=N)
    loss, dl = _pure_call(F.softmax_cross_entropy, out.astype(dtype), y)
    assert _is_scalar_float(loss) and _is_f64(dl) and dl.shape == (N, M)
    loss, dp = _pure_call(F.mse_loss, out.astype(dtype), np.zeros((N, M), dtype=dtype))
    assert _is_scalar_float(loss) and _is_f64(dp) and dp.shape == (N, M)
