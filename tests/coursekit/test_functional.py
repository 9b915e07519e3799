"""Every coursekit.functional kernel: backward vs central finite differences (float64).

Shapes are non-square and include N = 1; hypothesis draws shapes and values.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from coursekit import functional as F

settings.load_profile("coursekit")

RTOL, ATOL = 1e-5, 1e-7
SHAPES = [(1, 3), (1, 1), (2, 5), (5, 2), (4, 7)]


def close(a, b):
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL)


def arrays(shape, lo=-4.0, hi=4.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(lo, hi, allow_nan=False, allow_subnormal=False))


@st.composite
def shape2(draw, max_n=5, max_c=6):
    return (draw(st.integers(1, max_n)), draw(st.integers(1, max_c)))


# ------------------------------------------------------------------ linear
@st.composite
def linear_case(draw):
    n, d, m = draw(st.integers(1, 5)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    return draw(arrays((n, d))), draw(arrays((m, d))), draw(arrays((m,))), draw(arrays((n, m)))


@given(linear_case())
def test_linear_backward_matches_fd(fd, case):
    x, W, b, dout = (a.copy() for a in case)
    dx, dW, db = F.linear_backward(dout, x, W)
    f = lambda: np.sum(F.linear_forward(x, W, b) * dout)  # noqa: E731
    close(dx, fd.num_grad(f, x))
    close(dW, fd.num_grad(f, W))
    close(db, fd.num_grad(f, b))


# ------------------------------------------------------------- activations
ELEMENTWISE = [
    (F.sigmoid_forward, F.sigmoid_backward, ()),
    (F.tanh_forward, F.tanh_backward, ()),
    (F.relu_forward, F.relu_backward, (0.0,)),
    (F.softplus_forward, F.softplus_backward, ()),
]


@pytest.mark.parametrize("fwd,bwd,kinks", ELEMENTWISE, ids=lambda v: getattr(v, "__name__", ""))
@given(data=st.data())
def test_elementwise_backward_matches_fd(fd, fwd, bwd, kinks, data):
    shape = data.draw(shape2())
    z = fd.away_from(data.draw(arrays(shape, -6, 6)), kinks, margin=1e-3)
    dout = data.draw(arrays(shape))
    dz = bwd(dout, z)
    assert dz.shape == z.shape
    close(dz, fd.num_grad(lambda: np.sum(fwd(z) * dout), z))


@given(data=st.data())
def test_softmax_backward_full_jacobian_matches_fd(fd, data):
    shape = data.draw(shape2(max_c=7))
    z = data.draw(arrays(shape, -6, 6))
    dout = data.draw(arrays(shape))
    close(F.softmax_backward(dout, z), fd.num_grad(lambda: np.sum(F.softmax_forward(z) * dout), z))


@pytest.mark.parametrize("shape", SHAPES)
def test_softmax_backward_equals_explicit_jacobian(rng, shape):
    # independent formula: J = diag(y) − y yᵀ per row, dz = Jᵀ dout
    z, dout = rng.normal(size=shape), rng.normal(size=shape)
    y = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    expect = np.stack([(np.diag(yi) - np.outer(yi, yi)).T @ di for yi, di in zip(y, dout)])
    close(F.softmax_backward(dout, z), expect)


# ------------------------------------------------------------------ losses
@given(data=st.data(), vector=st.booleans())
def test_mse_grad_matches_fd(fd, data, vector):
    shape = data.draw(shape2())
    if vector:
        shape = shape[:1]
    pred, target = data.draw(arrays(shape)), data.draw(arrays(shape))
    loss, dpred = F.mse_loss(pred, target)
    assert loss == pytest.approx(np.sum((pred - target) ** 2) / shape[0])
    close(dpred, fd.num_grad(lambda: F.mse_loss(pred, target)[0], pred))


@given(data=st.data())
def test_bce_grad_matches_fd(fd, data):
    n = data.draw(st.integers(1, 6))
    p = data.draw(arrays((n,), 0.05, 0.95))
    y = np.asarray(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), dtype=np.float64)
    _, dp = F.bce_loss(p, y)
    close(dp, fd.num_grad(lambda: F.bce_loss(p, y)[0], p, h=1e-7))


@given(data=st.data())
def test_bce_with_logits_grad_matches_fd(fd, data):
    n = data.draw(st.integers(1, 6))
    z = data.draw(arrays((n, 1), -8, 8))
    y = np.asarray(data.draw(st.lists(st.integers(0, 1), min_size=n, max_size=n)), dtype=np.float64)[:, None]
    loss, dz = F.bce_with_logits(z, y)
    p = 1 / (1 + np.exp(-z))
    assert loss == pytest.approx(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)), rel=1e-9)
    close(dz, fd.num_grad(lambda: F.bce_with_logits(z, y)[0], z))


@given(data=st.data())
def test_softmax_cross_entropy_grad_matches_fd(fd, data):
    n, c = data.draw(shape2(max_c=7))
    logits = data.draw(arrays((n, c), -8, 8))
    y = np.asarray(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    _, dl = F.softmax_cross_entropy(logits, y)
    close(dl, fd.num_grad(lambda: F.softmax_cross_entropy(logits, y)[0], logits))


@given(data=st.data())
def test_cross_entropy_on_probabilities_grad_matches_fd(fd, data):
    n, c = data.draw(shape2(max_c=7))
    probs = data.draw(arrays((n, c), 0.05, 1.0))
    y = np.asarray(data.draw(st.lists(st.integers(0, c - 1), min_size=n, max_size=n)))
    _, dp = F.cross_entropy(probs, y)
    close(dp, fd.num_grad(lambda: F.cross_entropy(probs, y)[0], probs, h=1e-7))


@given(data=st.data())
def test_hinge_grad_matches_fd_away_from_margin(fd, data):
    n = data.draw(st.integers(1, 7))
    y = np.asarray(data.draw(st.lists(st.sampled_from([-1.0, 1.0]), min_size=n, max_size=n)))
    s = data.draw(arrays((n,), -3, 3))
    s = y * fd.away_from(y * s, (1.0,), margin=1e-3)  # keep margins y·s off the kink at 1
    _, ds = F.hinge_loss(s, y)
    close(ds, fd.num_grad(lambda: F.hinge_loss(s, y)[0], s))


@pytest.mark.parametrize("n,d,h,c", [(1, 3, 4, 2), (5, 4, 6, 3), (7, 2, 3, 5)])
def test_mlp_loss_and_grads_matches_fd(fd, rng, n, d, h, c):
    params = {"W1": rng.normal(size=(h, d)), "b1": rng.normal(size=h),
              "W2": rng.normal(size=(c, h)), "b2": rng.normal(size=c)}
    x = rng.normal(size=(n, d))
    y = rng.integers(0, c, n)
    z1 = x @ params["W1"].T + params["b1"]
    assert np.min(np.abs(z1)) > 1e-4  # no ReLU kink inside the FD step
    loss, grads = F.mlp_loss_and_grads(params, x, y)
    assert set(grads) == set(params)
    for k in params:
        num = fd.num_grad(lambda: F.mlp_loss_and_grads(params, x, y)[0], params[k])
        close(grads[k], num)


@pytest.mark.parametrize("n", [1, 3])
def test_every_kernel_at_fixed_nonsquare_shapes(fd, rng, n):
    """Deterministic companion of the property tests: N = 1 and N = 3, C = 4, D = 5, always."""
    c, d = 4, 5
    z, dout = fd.away_from(rng.normal(size=(n, c))), rng.normal(size=(n, c))
    for fwd, bwd, _ in ELEMENTWISE + [(F.softmax_forward, F.softmax_backward, ())]:
        close(bwd(dout, z), fd.num_grad(lambda: np.sum(fwd(z) * dout), z))
    x, W, b = rng.normal(size=(n, d)), rng.normal(size=(c, d)), rng.normal(size=c)
    dx, dW, db = F.linear_backward(dout, x, W)
    f = lambda: np.sum(F.linear_forward(x, W, b) * dout)  # noqa: E731
    close(dx, fd.num_grad(f, x))
    close(dW, fd.num_grad(f, W))
    close(db, fd.num_grad(f, b))
    y = rng.integers(0, c, n)
    close(F.softmax_cross_entropy(z, y)[1], fd.num_grad(lambda: F.softmax_cross_entropy(z, y)[0], z))
    probs = F.softmax_forward(z)
    close(F.cross_entropy(probs, y)[1], fd.num_grad(lambda: F.cross_entropy(probs, y)[0], probs, h=1e-7))
    t = rng.normal(size=(n, c))
    close(F.mse_loss(z, t)[1], fd.num_grad(lambda: F.mse_loss(z, t)[0], z))
    p, yb = rng.uniform(0.1, 0.9, n), rng.integers(0, 2, n).astype(float)
    close(F.bce_loss(p, yb)[1], fd.num_grad(lambda: F.bce_loss(p, yb)[0], p, h=1e-7))
    s, ypm = fd.away_from(rng.normal(size=n), (1.0, -1.0)), rng.choice([-1.0, 1.0], n)
    close(F.hinge_loss(s, ypm)[1], fd.num_grad(lambda: F.hinge_loss(s, ypm)[0], s))
