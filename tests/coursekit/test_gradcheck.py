"""coursekit.gradcheck: relative errors, kinks, float64 refusal, reports, and planted backward bugs
(the finite differences it builds on: test_finite_diff.py)."""

import json

import numpy as np
import pytest

from coursekit import functional as F
from coursekit import gradcheck as gc

RNG = np.random.default_rng(20261122)


# ----------------------------------------------------------------------- errors
def test_rel_error_metric():
    assert gc.max_rel_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    # symmetric, |a - b| / (|a| + |b|)
    assert gc.rel_error(1.0, 1.1) == pytest.approx(0.1 / 2.1)
    assert gc.rel_error(1.1, 1.0) == gc.rel_error(1.0, 1.1)
    # opposite signs give exactly 1
    assert gc.rel_error(-3.0, 3.0) == pytest.approx(1.0)
    # both zero: 0, not NaN (the floor)
    assert gc.rel_error(0.0, 0.0) == 0.0
    # below the floor the error is absolute / floor
    assert gc.rel_error(1e-12, 0.0, floor=1e-8) == pytest.approx(1e-4)
    # NaN and inf count as infinitely wrong
    assert gc.rel_error(np.nan, 1.0) == np.inf
    assert gc.rel_error(np.inf, 1.0) == np.inf


# ---------------------------------------------------------------- float32 refusal
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_refuses_low_precision(dtype):
    x = RNG.normal(size=(3, 2)).astype(dtype)
    with pytest.raises(TypeError, match=rf"gradcheck needs float64.*got {np.dtype(dtype).name} for 'x'"):
        gc.numerical_grad(lambda v: float(np.sum(v)), x)
    with pytest.raises(TypeError, match="float64"):
        gc.check_vjp(F.tanh_forward, {"z": np.ones((3, 2))}, {"z": x}, np.ones((3, 2)))
    with pytest.raises(TypeError, match="'dout'"):
        gc.check_vjp(F.tanh_forward, {"z": np.ones((3, 2))}, {"z": np.ones((3, 2))}, x)


# -------------------------------------------------------------------------- kinks
def test_find_kinks_flags_entries_within_a_step():
    x = np.array([0.0, 1e-7, -3e-6, 1e-3, -0.5, 1.0 + 1e-7])
    np.testing.assert_array_equal(gc.find_kinks(x), [True, True, True, False, False, False])
    np.testing.assert_array_equal(gc.find_kinks(x, kinks=(1.0,)), [False] * 5 + [True])
    np.testing.assert_array_equal(gc.find_kinks(x, tol=1e-2), [True, True, True, True, False, False])


def test_nudge_from_kinks_moves_away_and_keeps_sides():
    x = np.array([0.0, 1e-6, -1e-6, 0.5, -2.0, 0.9999])
    before = x.copy()
    out = gc.nudge_from_kinks(x, kinks=(0.0, 1.0), margin=1e-3, rng=0)
    np.testing.assert_array_equal(x, before)  # input untouched
    assert np.all(np.abs(out) >= 1e-3) and np.all(np.abs(out - 1.0) >= 1e-3)
    assert out[1] > 0 and out[2] < 0 and out[5] < 1.0  # sides kept
    np.testing.assert_array_equal(out[[3, 4]], x[[3, 4]])  # far entries unchanged


def test_kinks_are_reported_and_skipped():
    z = RNG.normal(size=(4, 5))
    z[0, 0] = 0.0
    z[2, 3] = 0.0
    dout = RNG.normal(size=z.shape)
    report = gc.check_vjp(F.relu_forward, {"z": F.relu_backward(dout, z)}, {"z": z}, dout, kinks={"z": (0.0,)})
    assert report.passed
    assert report.kinks == {"z": [(0, 0), (2, 3)]}
    assert "kink" in str(report)
    # without the kink option the straddling difference (slope 1/2) fails the check
    plain = gc.check_vjp(F.relu_forward, {"z": F.relu_backward(dout, z)}, {"z": z}, dout)
    assert not plain.passed and plain["z"].worst_index in [(0, 0), (2, 3)]
    assert plain["z"].numerical == pytest.approx(0.5 * dout[plain["z"].worst_index])


# ------------------------------------------------------- every kernel, right and wrong
def _kernel_cases():
    """(name, forward, inputs, dout, correct grads, planted bugs {label: grads}, kinks)."""
    r = np.random.default_rng(7)
    cases = []
    N, D, M = 6, 4, 3
    x, W, b = r.normal(size=(N, D)), r.normal(size=(M, D)), r.normal(size=M)
    dout = r.normal(size=(N, M))
    dx, dW, db = F.linear_backward(dout, x, W)
    cases.append((
        "linear", F.linear_forward, {"x": x, "W": W, "b": b}, dout, {"x": dx, "W": dW, "b": db},
        {
            "factor N": {"x": dx, "W": dW / N, "b": db},
            "sign": {"x": -dx, "W": dW, "b": db},
            "transpose": {"x": dx, "W": (x.T @ dout), "b": db},
            "missing upstream": {"x": np.ones_like(dout) @ W, "W": dW, "b": db},
            "wrong axis": {"x": dx, "W": dW, "b": dout.sum(axis=1)},
        }, None,
    ))
    z = r.normal(size=(5, 4)) * 2
    d = r.normal(size=z.shape)
    for name, fwd, bwd, deriv in (
        ("sigmoid", F.sigmoid_forward, F.sigmoid_backward, lambda v: F.sigmoid_forward(v) * (1 - F.sigmoid_forward(v))),
        ("tanh", F.tanh_forward, F.tanh_backward, lambda v: 1 - np.tanh(v) ** 2),
        ("softplus", F.softplus_forward, F.softplus_backward, F.sigmoid_forward),
    ):
        good = bwd(d, z)
        cases.append((
            name, fwd, {"z": z}, d, {"z": good},
            {
                "sign": {"z": -good},
                "missing upstream": {"z": deriv(z)},
                "missing activation derivative": {"z": d},
            }, None,
        ))
    zr = gc.nudge_from_kinks(z, (0.0,), 1e-3, rng=1)
    zr[0, :2] = 0.0
    cases.append((
        "relu", F.relu_forward, {"z": zr}, d, {"z": F.relu_backward(d, zr)},
        {
            "missing activation derivative": {"z": d},
            "sign": {"z": -F.relu_backward(d, zr)},
            "missing upstream": {"z": (zr > 0).astype(float)},
        }, {"z": (0.0,)},
    ))
    s = r.normal(size=(4, 5)) * 3
    ds = r.normal(size=s.shape)
    y = F.softmax_forward(s)
    cases.append((
        "softmax", F.softmax_forward, {"z": s}, ds, {"z": F.softmax_backward(ds, s)},
        {
            "diagonal only": {"z": y * (1 - y) * ds},
            "sign": {"z": -F.softmax_backward(ds, s)},
            "missing activation derivative": {"z": ds},
        }, None,
    ))
    labels = r.integers(0, 5, size=4)
    _, dl = F.softmax_cross_entropy(s, labels)
    cases.append((
        "softmax_cross_entropy", lambda logits: F.softmax_cross_entropy(logits, labels)[0], {"logits": s}, None,
        {"logits": dl},
        {"factor N": {"logits": dl * 4}, "no one-hot": {"logits": y / 4}, "sign": {"logits": -dl}}, None,
    ))
    pred, target = r.normal(size=(6, 2)), r.normal(size=(6, 2))
    _, dp = F.mse_loss(pred, target)
    cases.append((
        "mse", lambda pred: F.mse_loss(pred, target)[0], {"pred": pred}, None, {"pred": dp},
        {"factor N": {"pred": dp * 6}, "factor 2": {"pred": dp / 2}, "sign": {"pred": -dp}}, None,
    ))
    p = r.uniform(0.05, 0.95, size=7)
    yb = r.integers(0, 2, size=7).astype(float)
    _, dpb = F.bce_loss(p, yb)
    cases.append((
        "bce", lambda p: F.bce_loss(p, yb)[0], {"p": p}, None, {"p": dpb},
        {"factor N": {"p": dpb * 7}, "sign": {"p": -dpb}, "logit gradient": {"p": (p - yb) / 7}}, None,
    ))
    yh = np.where(r.random(8) < 0.5, -1.0, 1.0)
    sc = gc.nudge_from_kinks(r.normal(size=8) * 2 * yh, (1.0,), 1e-3, rng=2) * yh  # margins away from 1
    _, dh = F.hinge_loss(sc, yh)
    cases.append((
        "hinge", lambda scores: F.hinge_loss(scores, yh)[0], {"scores": sc}, None, {"scores": dh},
        {"sign": {"scores": -dh}, "factor N": {"scores": dh * 8}, "all margins active": {"scores": -yh / 8}}, None,
    ))
    params = {"W1": r.normal(size=(5, 3)), "b1": r.normal(size=5), "W2": r.normal(size=(4, 5)), "b2": r.normal(size=4)}
    xm, ym = r.normal(size=(6, 3)), r.integers(0, 4, size=6)
    _, grads = F.mlp_loss_and_grads(params, xm, ym)
    z1 = xm @ params["W1"].T + params["b1"]
    assert np.abs(z1).min() > 1e-4

    def mlp_loss(W1, b1, W2, b2):
        return F.mlp_loss_and_grads({"W1": W1, "b1": b1, "W2": W2, "b2": b2}, xm, ym)[0]

    h1 = np.maximum(z1, 0)
    _, d2 = F.softmax_cross_entropy(h1 @ params["W2"].T + params["b2"], ym)
    no_mask = d2 @ params["W2"]
    cases.append((
        "mlp", mlp_loss, dict(params), None, dict(grads),
        {
            "missing activation derivative": {**grads, "W1": no_mask.T @ xm},
            "factor N": {**grads, "W2": grads["W2"] * 6},
            "rows permuted": {**grads, "W1": grads["W1"][::-1].copy()},
            "transpose (shape)": {**grads, "W2": grads["W2"].T.copy()},
        }, None,
    ))
    return cases


CASES = _kernel_cases()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_correct_kernels_pass(case):
    name, fwd, inputs, dout, good, _bugs, kinks = case
    report = gc.check_vjp(fwd, good, inputs, dout, kinks=kinks)
    assert report.passed, str(report)
    assert report.max_rel_error < 1e-6


BUGS = [(c, label) for c in CASES for label in c[5]]


@pytest.mark.parametrize("case,label", BUGS, ids=[f"{c[0]}-{lab}" for c, lab in BUGS])
def test_planted_bugs_are_caught(case, label):
    name, fwd, inputs, dout, good, bugs, kinks = case
    bad = bugs[label]
    wrong = [k for k in bad if np.shape(bad[k]) != np.shape(good[k]) or not np.allclose(bad[k], good[k])]
    assert wrong, "planted bug identical to the correct gradient"
    report = gc.check_vjp(fwd, bad, inputs, dout, kinks=kinks)
    assert not report.passed
    failing = {o.name for o in report.outputs if not o.passed}
    assert failing == set(wrong)


def test_wrong_kink_convention_is_flagged_not_hidden():
    """relu'(0) = 1 is invisible to finite differences at z == 0, so the report must
    list those entries; comparing them with the documented convention catches it."""
    z = np.array([[0.0, 1.0, -2.0], [0.5, 0.0, -0.1]])
    dout = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    wrong = np.where(z >= 0, dout, 0.0)
    report = gc.check_vjp(F.relu_forward, {"z": wrong}, {"z": z}, dout, kinks={"z": (0.0,)})
    flagged = report.kinks["z"]
    assert flagged == [(0, 0), (1, 1)]
    convention = F.relu_backward(dout, z)
    assert any(wrong[i] != convention[i] for i in flagged)
    assert all(convention[i] == 0.0 for i in flagged)


def test_shape_mismatch_fails_with_problem():
    x, W, b = RNG.normal(size=(4, 3)), RNG.normal(size=(2, 3)), RNG.normal(size=2)
    dout = RNG.normal(size=(4, 2))
    dx, dW, db = F.linear_backward(dout, x, W)
    report = gc.check_vjp(F.linear_forward, {"x": dx, "W": dW, "b": db[None, :]}, {"x": x, "W": W, "b": b}, dout)
    assert not report["b"].passed and report["x"].passed
    assert "shape (1, 2), expected (2,)" in report["b"].problem


def test_report_table_and_dict():
    z = RNG.normal(size=(3, 4))
    dout = RNG.normal(size=z.shape)
    report = gc.check_vjp(F.tanh_forward, {"z": -F.tanh_backward(dout, z)}, {"z": z}, dout)
    text = str(report)
    assert "max rel err" in text and "FAIL" in text and "gradcheck FAILED" in text
    d = json.loads(json.dumps(report.to_dict()))
    assert d["passed"] is False
    (row,) = d["outputs"]
    assert row["name"] == "z" and row["shape"] == [3, 4] and row["passed"] is False
    i, j = row["worst_index"]
    assert row["analytic"] == pytest.approx(-F.tanh_backward(dout, z)[i, j])
    assert row["max_rel_error"] == pytest.approx(1.0)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(TypeError, match="backward_outputs"):
        gc.check_vjp(F.tanh_forward, [np.ones(2)], {"z": np.ones(2)}, np.ones(2))
    with pytest.raises(ValueError, match="'q' is not one of the inputs"):
        gc.check_vjp(F.tanh_forward, {"q": np.ones(2)}, {"z": np.ones(2)}, np.ones(2))
    with pytest.raises(ValueError, match="scalar"):
        gc.numerical_grad(lambda v: v, np.ones(3))
    with pytest.raises(ValueError, match="margin"):
        gc.nudge_from_kinks(np.ones(3), margin=0.0)
