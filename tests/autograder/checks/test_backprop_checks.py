"""The backprop grader's checks: reference passes, planted bugs lose exactly their test
with a message naming the output and the likely bug, overrides protect mlp_loss_and_grads."""

import copy

import numpy as np
import pytest

from autograder.checks import check_for, checks_for, reference_source
from autograder.checks.backprop import FUNCTIONS, POINTS
from autograder.checks.base import VISIBLE_SEED, Call, CallResult, to_plain
from autograder.checks.inkernel import HIDDEN_SEED, assert_passes, run_check, self_check
from coursekit import functional as F

SEEDS = (0, 1, 987654321)

# the planted unstable-exponent bugs overflow on purpose
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning", "ignore:invalid value encountered:RuntimeWarning")


def run_plain(check, fn, seed):
    """Independent mini-runner: fresh copies of the args, to_plain on the way back."""
    calls = check.calls(seed)
    results = []
    for call in calls:
        args = copy.deepcopy(call.args)
        try:
            value = fn(*args)
        except Exception as exc:
            results.append(CallResult("error", error=f"{type(exc).__name__}: {exc}"))
            continue
        results.append(CallResult("ok", to_plain(value), args_after=to_plain(args)))
    return check.judge(calls, results)


def reference_namespace():
    ns = {"np": np}
    for name in FUNCTIONS:
        exec(reference_source("backprop", name), ns)
    return ns


# ------------------------------------------------------------------ the registry
def test_points_and_ids_match_contract():
    checks = checks_for("backprop")
    assert [c.function for c in checks] == [
        "linear_backward", "sigmoid_backward", "tanh_backward", "relu_backward",
        "softmax_backward", "softmax_cross_entropy", "mlp_loss_and_grads",
    ]
    assert {c.function: c.points for c in checks} == {
        "linear_backward": 2, "sigmoid_backward": 1, "tanh_backward": 1, "relu_backward": 1,
        "softmax_backward": 2, "softmax_cross_entropy": 2, "mlp_loss_and_grads": 3,
    }
    assert sum(c.points for c in checks) == 12
    assert all(c.test_id == "test_" + c.function for c in checks)
    assert set(check_for("backprop", "mlp_loss_and_grads").overrides) >= {
        "linear_backward", "relu_backward", "softmax_cross_entropy"}
    with pytest.raises(ValueError, match="assignment"):
        checks_for("nope")


# -------------------------------------------------------------------- the inputs
@pytest.mark.parametrize("function", FUNCTIONS)
def test_calls_are_plain_deterministic_and_seeded(function):
    check = check_for("backprop", function)
    a, b, c = check.calls(5), check.calls(5), check.calls(6)
    assert len(a) >= 3
    for x, y in zip(a, b):
        assert x.case == y.case
        assert all(np.array_equal(np.asarray(u), np.asarray(v)) for u, v in zip(_leaves(x.args), _leaves(y.args)))
    assert any(not np.array_equal(u, v) for x, y in zip(a, c) for u, v in zip(_leaves(x.args), _leaves(y.args)))
    for call in a:
        assert call.function == function and call.case
        for leaf in _leaves(call.args):
            assert type(leaf) is np.ndarray and leaf.dtype in (np.float64, np.int64)
        assert _equal_tree(to_plain(call.args), call.args)
    assert VISIBLE_SEED != HIDDEN_SEED


def _leaves(tree):
    if isinstance(tree, dict):
        for k in sorted(tree):
            yield from _leaves(tree[k])
    elif isinstance(tree, (list, tuple)):
        for v in tree:
            yield from _leaves(v)
    else:
        yield tree


def _equal_tree(a, b):
    la, lb = list(_leaves(a)), list(_leaves(b))
    return len(la) == len(lb) and all(np.array_equal(x, y) for x, y in zip(la, lb))


def test_cases_cover_shapes_and_edge_cases():
    lin = check_for("backprop", "linear_backward").calls(3)
    shapes = [(c.args[1].shape, c.args[2].shape) for c in lin]
    assert any(x[0] == 1 for x, _ in shapes)  # N = 1
    assert any(x[0] >= 8 for x, _ in shapes)  # N >= 8
    assert any(W[0] != W[1] for _, W in shapes)  # non-square W
    relu = check_for("backprop", "relu_backward").calls(3)
    assert any(np.any(c.args[1] == 0.0) for c in relu)  # exact zeros
    for fn in ("softmax_backward", "softmax_cross_entropy"):
        calls = check_for("backprop", fn).calls(3)
        z_index = 1 if fn == "softmax_backward" else 0
        assert any(np.abs(c.args[z_index]).min() >= 1000 for c in calls)
        assert any(np.any(np.ptp(c.args[z_index], axis=1) == 0) for c in calls)  # all-equal row
    mlp = check_for("backprop", "mlp_loss_and_grads").calls(3)
    for c in mlp:  # hidden pre-activations kept off the ReLU kink
        params, x, _ = c.args
        assert np.abs(x @ params["W1"].T + params["b1"]).min() > 1e-3


# --------------------------------------------------------- the reference passes
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_gets_full_points(function, seed):
    check = check_for("backprop", function)
    out = run_plain(check, getattr(F, function), seed)
    assert out.points == POINTS[function] and out.passed, out.messages
    ref = reference_namespace()[function]
    out2 = run_plain(check, ref, seed)
    assert out2.points == POINTS[function], out2.messages


@pytest.mark.parametrize("function", FUNCTIONS)
def test_closed_form_agrees_with_finite_differences(function):
    check = check_for("backprop", function)
    for seed in SEEDS:
        for call in check.calls(seed):
            assert check.sanity(call) == [], call.case


@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_source_is_self_contained(function):
    src = reference_source("backprop", function)
    assert "coursekit" not in src
    ns = {}
    exec(src, ns)  # only numpy, imported inside
    assert callable(ns[function])
    r = np.random.default_rng(1)
    if function == "linear_backward":
        args = (r.normal(size=(3, 2)), r.normal(size=(3, 4)), r.normal(size=(2, 4)))
    elif function == "softmax_cross_entropy":
        args = (r.normal(size=(3, 4)) * 500, r.integers(0, 4, size=3))
    elif function == "mlp_loss_and_grads":
        args = ({"W1": r.normal(size=(5, 3)), "b1": r.normal(size=5), "W2": r.normal(size=(2, 5)),
                 "b2": r.normal(size=2)}, r.normal(size=(4, 3)), r.integers(0, 2, size=4))
    else:
        args = (r.normal(size=(3, 4)), r.normal(size=(3, 4)) * 3)
    ours, trusted = ns[function](*args), getattr(F, function)(*args)
    la, lb = list(_leaves(to_plain(ours))), list(_leaves(to_plain(trusted)))
    assert len(la) == len(lb)
    for u, v in zip(la, lb):
        np.testing.assert_allclose(u, v, rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------ planted bugs
def _lin_factor_n(dout, x, W):
    dx, dW, db = F.linear_backward(dout, x, W)
    return dx, dW * dout.shape[0], db


def _lin_sign(dout, x, W):
    dx, dW, db = F.linear_backward(dout, x, W)
    return -dx, dW, db


def _lin_transpose(dout, x, W):
    dx, dW, db = F.linear_backward(dout, x, W)
    return dx, x.T @ dout, db


def _lin_missing_upstream(dout, x, W):
    dx, dW, _ = F.linear_backward(dout, x, W)
    return dx, dW, np.ones_like(dout).sum(axis=0)


def _lin_keepdims(dout, x, W):
    return dout @ W, dout.T @ x, dout.sum(axis=0, keepdims=True)


def _lin_wrong_axis(dout, x, W):
    return dout @ W, dout.T @ x, dout.sum(axis=1)


def _lin_mutates(dout, x, W):
    out = F.linear_backward(dout, x, W)
    x *= 0.0
    return out


def _sig_missing_derivative(dout, z):
    return dout.copy()


def _sig_unstable(dout, z):
    e = np.exp(-z)
    return dout * e / (1.0 + e) ** 2


def _tanh_missing_upstream(dout, z):
    return 1.0 - np.tanh(z) ** 2


def _tanh_sign(dout, z):
    return -F.tanh_backward(dout, z)


def _relu_kink(dout, z):
    return np.where(z >= 0, dout, 0.0)


def _relu_mutates(dout, z):
    dout[z <= 0] = 0.0
    return dout


def _relu_missing_activation(dout, z):
    return dout.copy()


def _softmax_unstable(dout, z):
    e = np.exp(z)
    y = e / e.sum(axis=1, keepdims=True)
    return y * (dout - (dout * y).sum(axis=1, keepdims=True))


def _softmax_diagonal(dout, z):
    y = F.softmax_forward(z)
    return y * (1 - y) * dout


def _ce_factor_n(logits, y):
    loss, d = F.softmax_cross_entropy(logits, y)
    return loss, d * logits.shape[0]


def _ce_sum_loss(logits, y):
    loss, d = F.softmax_cross_entropy(logits, y)
    return loss * logits.shape[0], d


def _ce_unstable(logits, y):
    e = np.exp(logits)
    p = e / e.sum(axis=1, keepdims=True)
    n = logits.shape[0]
    d = p.copy()
    d[np.arange(n), y] -= 1
    return float(-np.log(p[np.arange(n), y]).mean()), d / n


def _ce_array_loss(logits, y):
    loss, d = F.softmax_cross_entropy(logits, y)
    return np.array([loss]), d


def _mlp_no_relu_derivative(params, x, y):
    z1 = x @ params["W1"].T + params["b1"]
    h1 = np.maximum(z1, 0)
    loss, d2 = F.softmax_cross_entropy(h1 @ params["W2"].T + params["b2"], y)
    d1 = d2 @ params["W2"]
    return loss, {"W1": d1.T @ x, "b1": d1.sum(0), "W2": d2.T @ h1, "b2": d2.sum(0)}


def _mlp_transposed_w2(params, x, y):
    loss, g = F.mlp_loss_and_grads(params, x, y)
    g["W2"] = g["W2"].T.copy()
    return loss, g


def _mlp_factor_n(params, x, y):
    loss, g = F.mlp_loss_and_grads(params, x, y)
    return loss, {k: v * x.shape[0] for k, v in g.items()}


def _mlp_missing_key(params, x, y):
    loss, g = F.mlp_loss_and_grads(params, x, y)
    del g["b2"]
    return loss, g


BUGS = [
    # function, buggy implementation, substrings the first message must contain
    ("linear_backward", _lin_factor_n, ["dW", "factor N"]),
    ("linear_backward", _lin_sign, ["dx", "sign flipped"]),
    ("linear_backward", _lin_transpose, ["dW", "transposed"]),
    ("linear_backward", _lin_missing_upstream, ["db", "missing upstream gradient"]),
    ("linear_backward", _lin_keepdims, ["db has shape (1, ", "not (1, M)"]),
    ("linear_backward", _lin_wrong_axis, ["db has shape", "wrong axis"]),
    ("linear_backward", _lin_mutates, ["`x` in place"]),
    ("sigmoid_backward", _sig_missing_derivative, ["dz", "missing activation derivative"]),
    ("sigmoid_backward", _sig_unstable, ["NaN/inf", "unstable exponent"]),
    ("tanh_backward", _tanh_missing_upstream, ["dz", "missing upstream gradient"]),
    ("tanh_backward", _tanh_sign, ["dz", "sign flipped"]),
    ("relu_backward", _relu_kink, ["dz", "convention at the kink"]),
    ("relu_backward", _relu_mutates, ["`dout` in place"]),
    ("relu_backward", _relu_missing_activation, ["dz", "missing activation derivative"]),
    ("softmax_backward", _softmax_unstable, ["large logits", "NaN/inf", "unstable exponent"]),
    ("softmax_backward", _softmax_diagonal, ["dz", "diagonal"]),
    ("softmax_cross_entropy", _ce_factor_n, ["dlogits", "not divided by N"]),
    ("softmax_cross_entropy", _ce_sum_loss, ["loss is", "factor N"]),
    ("softmax_cross_entropy", _ce_unstable, ["large logits", "unstable exponent"]),
    ("softmax_cross_entropy", _ce_array_loss, ["loss must be a float"]),
    ("mlp_loss_and_grads", _mlp_no_relu_derivative, ["grads['W1']", "missing activation derivative"]),
    ("mlp_loss_and_grads", _mlp_transposed_w2, ["grads['W2'] has shape", "transposed"]),
    ("mlp_loss_and_grads", _mlp_factor_n, ["grads['", "factor N"]),
    ("mlp_loss_and_grads", _mlp_missing_key, ["exactly the keys", "missing ['b2']"]),
]


@pytest.mark.parametrize("function,buggy,needles", BUGS, ids=[b[1].__name__.lstrip("_") for b in BUGS])
def test_planted_bug_costs_its_test_only_and_is_named(function, buggy, needles):
    ns = reference_namespace()
    ns[function] = buggy
    outcomes = {c.function: run_check(c.function, ns, seed=HIDDEN_SEED)[3] for c in checks_for("backprop")}
    for name, out in outcomes.items():
        if name == function:
            assert out.points == 0.0 and not out.passed
        else:
            assert out.points == POINTS[name], (name, out.messages)
    text = "\n".join(outcomes[function].messages)
    for needle in needles:
        assert needle in text, text


def test_mlp_with_buggy_helpers_still_full_marks_thanks_to_overrides():
    ns = reference_namespace()

    def mlp_loss_and_grads(params, x, y):  # built from the helpers, as students do
        z1 = x @ params["W1"].T + params["b1"]
        h1 = np.maximum(z1, 0)
        loss, d2 = softmax_cross_entropy(h1 @ params["W2"].T + params["b2"], y)
        dh1, dW2, db2 = linear_backward(d2, h1, params["W2"])
        dz1 = relu_backward(dh1, z1)
        _, dW1, db1 = linear_backward(dz1, x, params["W1"])
        return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}

    # the student's helpers are all wrong, and live in the function's globals
    ns_student = {"np": np, "mlp_loss_and_grads": None}
    ns_student["linear_backward"] = _lin_factor_n
    ns_student["relu_backward"] = lambda dout, z: dout  # missing activation derivative
    ns_student["softmax_cross_entropy"] = _ce_factor_n
    fn = type(mlp_loss_and_grads)(mlp_loss_and_grads.__code__, ns_student, "mlp_loss_and_grads")
    ns_student["mlp_loss_and_grads"] = fn
    out = run_check("mlp_loss_and_grads", ns_student)[3]
    assert out.points == 3.0, out.messages
    # the student's own helpers are restored afterwards ...
    assert ns_student["linear_backward"] is _lin_factor_n
    # ... and are still charged in their own tests
    assert run_check("linear_backward", ns_student)[3].points == 0.0
    assert ns["mlp_loss_and_grads"] is not None


def test_status_messages():
    check = check_for("backprop", "linear_backward")
    calls = check.calls(1)
    for status, needle, flag in (
        ("error", "ZeroDivisionError: division by zero (line 3)", "error"),
        ("timeout", "ran out of time", "timeout"),
        ("memory", "ran out of memory", "memory"),
        ("missing", "is not defined", "missing"),
        ("refused", "reference implementation", "reference-implementation"),
    ):
        err = "ZeroDivisionError: division by zero (line 3)" if status == "error" else ""
        out = check.judge(calls, [CallResult(status, error=err)] * len(calls))
        assert out.points == 0.0
        assert needle in "\n".join(out.messages)
        assert flag in out.flags
    # fewer results than calls (the process died): the rest count as crashed
    out = check.judge(calls, [])
    assert out.points == 0.0 and "crashed" in out.flags


def test_lying_return_values_cannot_pass():
    class Liar(np.ndarray):
        def __eq__(self, other):
            return True

        def __sub__(self, other):
            return np.zeros(self.shape)

        def __abs__(self):
            return np.zeros(self.shape)

    def lying_relu(dout, z):
        return np.zeros_like(z).view(Liar)

    out = run_plain(check_for("backprop", "relu_backward"), lying_relu, 4)
    assert out.points == 0.0

    class Always:
        def __eq__(self, other):
            return True

    def obj(dout, z):
        return Always()

    check = check_for("backprop", "relu_backward")
    with pytest.raises(TypeError, match="Always"):
        to_plain(obj(None, None))
    out = run_check("relu_backward", obj)[3]
    assert out.points == 0.0 and "cannot be graded" in "\n".join(out.messages)


def test_to_plain_rules():
    class F2(float):
        def __float__(self):
            return 99.0

    class Sub(np.ndarray):
        pass

    v = to_plain((np.float32(1.5), F2(2.5), np.int32(3), [np.arange(3, dtype=np.int16)],
                  {"a": np.ones(2, dtype=np.float32).view(Sub), 1: None, "b": True, "c": np.bool_(False)}))
    assert v[0] == 1.5 and type(v[0]) is float
    assert v[1] == 2.5 and type(v[1]) is float
    assert v[2] == 3 and type(v[2]) is int
    assert v[3][0].dtype == np.int64 and type(v[3][0]) is np.ndarray
    assert type(v[4]["a"]) is np.ndarray and v[4]["a"].dtype == np.float64
    assert v[4]["b"] is True and v[4]["c"] is False and v[4][1] is None
    x = np.ones(3)
    assert to_plain(x) is not x  # a copy
    for bad in (np.array([1, "a"], dtype=object), np.ones(2, dtype=complex), object(), {1.5: 2}):
        with pytest.raises(TypeError):
            to_plain(bad)
    deep = []
    for _ in range(40):
        deep = [deep]
    with pytest.raises(TypeError, match="nested"):
        to_plain(deep)


def test_assert_passes_and_self_check(capsys):
    ns = reference_namespace()
    out = assert_passes("softmax_backward", ns)
    assert out.passed
    ns["softmax_backward"] = _softmax_diagonal
    with pytest.raises(AssertionError, match="diagonal"):
        assert_passes("softmax_backward", ns)
    capsys.readouterr()
    res = self_check("linear_backward", _lin_keepdims)
    printed = capsys.readouterr().out
    assert not res.passed
    assert "db: shape (1, 2) ≠ (2,)" in printed and "dx: < 1e-7" in printed and "NOT YET" in printed
    res = self_check("linear_backward", F.linear_backward)
    assert res.passed and "PASSED" in capsys.readouterr().out


def test_messages_name_the_shape_and_values():
    out = run_plain(check_for("backprop", "linear_backward"), _lin_sign, 2)
    first = out.messages[0] + out.messages[1]
    assert "failed for N=1, D=3, M=2" in first
    assert "max relative error 1.0e+00" in first and "shape (1, 3)" in first


def _tanh_unstable(dout, z):
    t = (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
    return dout * (1 - t * t)


def test_tanh_through_exponentials_is_unstable():
    ns = reference_namespace()
    ns["tanh_backward"] = _tanh_unstable
    with np.errstate(all="ignore"):
        out = run_check("tanh_backward", ns)[3]
    assert out.points == 0.0
    assert "unstable exponent" in "\n".join(out.messages)


def test_fast_mlp_forward_equals_coursekit():
    from autograder.checks.backprop import mlp_loss

    for call in check_for("backprop", "mlp_loss_and_grads").calls(11):
        params, x, y = call.args
        expected = F.mlp_loss_and_grads(params, x, y)[0]
        got = mlp_loss(params["W1"], params["b1"], params["W2"], params["b2"], x, y)
        assert got == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_reference_outcomes_carry_no_flags(function):
    out = run_plain(check_for("backprop", function), getattr(F, function), 21)
    assert out.flags == [] and out.passed


def test_odd_answers_never_crash_the_judge():
    weird = [None, 3, "dx", (np.ones(2),), {"dx": 1}, [np.ones((1, 2))] * 3, (np.ones((1, 3)), None, 2.0),
             (1.0, {"W1": np.ones(2), "b1": None, "W2": 1, "b2": "x"})]
    for check in checks_for("backprop"):
        calls = check.calls(2)
        for value in weird:
            out = check.judge(calls, [CallResult("ok", value, args_after=c.args) for c in calls])
            assert out.points == 0.0 and out.messages
            assert "grader-error" not in out.flags, (check.function, value, out.messages)
