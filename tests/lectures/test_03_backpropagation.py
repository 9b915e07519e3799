"""Lecture 03's stored worked numbers agree with an independent scalar computation.

The node network a, b → c, d, e → f, g, h → z (seed 000) with the lecture's fixed weights is
recomputed here with plain ``math`` (forward) and central finite differences of that scalar
function (every derivative) — no chain rule, no coursekit — and compared with the ``name =
value`` lines the executed lecture printed.
"""

import math
import re

import nbformat
import pytest

W = {("a", "c"): 0.5, ("b", "c"): -0.3, ("a", "d"): 0.2, ("b", "d"): 0.8, ("a", "e"): -0.6, ("b", "e"): 0.4,
     ("c", "f"): 0.3, ("d", "f"): -0.5, ("e", "f"): 0.9,
     ("c", "g"): 0.7, ("d", "g"): 0.2, ("e", "g"): -0.4,
     ("c", "h"): -0.8, ("d", "h"): 0.6, ("e", "h"): 0.1,
     ("f", "z"): 1.2, ("g", "z"): -0.7, ("h", "z"): 0.5}
BETA = {"c": 0.15, "d": -0.2, "e": 0.05, "f": 0.0, "g": 0.1, "h": -0.1, "z": 0.2}
LAYERS = [["a", "b"], ["c", "d", "e"], ["f", "g", "h"], ["z"]]
INPUT = {"a": 1.0, "b": 2.0}


def sig(t):
    return 1.0 / (1.0 + math.exp(-t))


def forward(weights, biases, start_layer=0, override=None):
    """Values of all nodes; ``override`` fixes some node values (or pre-values 'j_bar')."""
    override = override or {}
    val, pre = dict(INPUT), {}
    val.update({k: v for k, v in override.items() if not k.endswith("_bar")})
    for prev, layer in zip(LAYERS[:-1], LAYERS[1:]):
        for j in layer:
            if j in override:
                continue
            pre[j] = override.get(j + "_bar", sum(weights[(i, j)] * val[i] for i in prev) + biases[j])
            val[j] = sig(pre[j])
    return val, pre


def z_of(weights=W, biases=BETA, override=None):
    return forward(weights, biases, override=override)[0]["z"]


def diff(fun, x0, h=1e-6):
    return (fun(x0 + h) - fun(x0 - h)) / (2 * h)


def expected_values():
    val, pre = forward(W, BETA)
    exp = {}
    for j in "cdefghz":
        exp[f"{j}_bar"] = pre[j]
        exp[j] = val[j]
    for (i, j), w in W.items():
        exp[f"dz/dW_{i},{j}"] = diff(lambda t: z_of(weights={**W, (i, j): t}), w)
    for j, bj in BETA.items():
        exp[f"dz/dbeta_{j}"] = diff(lambda t: z_of(biases={**BETA, j: t}), bj)
    for j in "cdefghz":
        exp[f"dz/d{j}_bar"] = diff(lambda t: z_of(override={j + "_bar": t}), pre[j])
    # node derivatives: perturb the node value, keeping the others of its layer
    for layer in (["c", "d", "e"], ["f", "g", "h"]):
        for j in layer:
            fixed = {k: val[k] for k in layer}
            exp[f"dz/d{j}"] = diff(lambda t: z_of(override={**fixed, j: t}), val[j])
    return exp


LINE = re.compile(r"^(\S+) = *(-?\d+\.\d+)$")


@pytest.fixture(scope="module")
def printed(lectures_dir):
    nb = nbformat.read(lectures_dir / "03_backpropagation.ipynb", as_version=4)
    out = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for o in cell.get("outputs", []):
            if o.get("output_type") == "stream":
                for line in o["text"].splitlines():
                    m = LINE.match(line.strip())
                    if m:
                        out[m.group(1)] = float(m.group(2))
    return out, nb


def test_every_worked_value_is_printed_and_correct(printed):
    out, _ = printed
    exp = expected_values()
    assert len(exp) == 14 + 18 + 7 + 7 + 6
    missing = sorted(set(exp) - set(out))
    assert not missing, f"lecture 03 does not print {missing}"
    for name, value in exp.items():
        assert out[name] == pytest.approx(value, abs=1.5e-6), name


def test_library_output_and_chain_rule_lines(printed):
    _, nb = printed
    text = "\n".join(o["text"] for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []) if o.get("output_type") == "stream")
    z = z_of()
    assert f"library z = {z:.6f}" in text
    assert "equals the hand computation: False" not in text
    assert text.count("equals the hand computation: True, bias too: True") == 3
    # seed 000's chain-rule example at x = 1.3: 5 x^4
    assert f"df/dx (chain rule) = {5 * 1.3 ** 4:.6f}" in text
    # seed 004's example: sigma(1 - 12 + 0) = sigma(-11)
    assert f"N(1, 1) = sigma(-11) = {1 / (1 + math.exp(11)):.4e}" in text
    # lecture 03 checks must all hold (no printed False except the transcribed softmax formula)
    falses = [ln for ln in text.splitlines() if ln.rstrip().endswith("False")]
    assert falses == ["sum_j g_j y_j (delta_ij - y_j) == softmax_backward: False", "buggy backward passes:   False"]


# ---------------------------------------------------------------- CS231n's tools, recomputed

def _stream_of(nb, marker):
    """The stream output of the one code cell whose output contains ``marker``."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        text = "".join(o["text"] for o in cell.get("outputs", []) if o.get("output_type") == "stream")
        if marker in text:
            found.append(text)
    assert len(found) == 1, f"{len(found)} cells print {marker!r}"
    return found[0]


def _pairs(text):
    return {m.group(1): float(m.group(2)) for m in map(LINE.match, map(str.strip, text.splitlines())) if m}


def test_gate_patterns_are_printed_with_independent_values(printed):
    _, nb = printed
    text = _stream_of(nb, "multiply: q =")
    x, y, g = 3.0, -4.0, 2.0
    expected = {"add": (x + y, g, g), "multiply": (x * y, g * y, g * x), "max": (max(x, y), g, 0.0)}
    for name, (q, dx, dy) in expected.items():
        line = next(ln for ln in text.splitlines() if ln.startswith(name))
        nums = [float(v) for v in re.findall(r"-?\d+\.\d+", line)]
        # q, the pattern's dL/dx, dL/dy, then the two central differences
        assert nums == pytest.approx([q, dx, dy, dx, dy], abs=0.051), line


def test_staged_sigmoid_neuron_matches_a_closed_form(printed):
    _, nb = printed
    got = _pairs(_stream_of(nb, "df/dw0 ="))
    w0, x0, w1, x1, w2 = 2.0, -1.0, -3.0, -2.0, -3.0
    t = w0 * x0 + w1 * x1 + w2
    f = sig(t)
    dt = diff(sig, t)                       # central difference of the sigmoid, no formula
    expected = {"t": t, "f": f, "df/dt": dt, "df/dw0": x0 * dt, "df/dw1": x1 * dt, "df/dw2": dt,
                "df/dx0": w0 * dt, "df/dx1": w1 * dt}
    assert set(got) == set(expected)
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, abs=1.5e-6), name
    check = _stream_of(nb, "max rel. error of the staged gradients")
    assert float(check.split("staged gradients:")[1]) < 1e-8


def test_graph_of_the_seed_network_sums_the_messages(printed):
    _, nb = printed
    text = _stream_of(nb, "messages on its wires")
    exp = expected_values()
    for node in ("c", "a"):
        line = next(ln for ln in text.splitlines() if ln.startswith(f"dz/d{node}:"))
        assert line.endswith(": True"), line
        if node == "c":
            assert f"{exp['dz/dc']:.6f}" in line


def test_dimension_analysis_shapes_and_agreement(printed):
    _, nb = printed
    text = _stream_of(nb, "delta^T (2, 4) @ x (4, 3)")
    assert "delta^T (2, 4) @ x (4, 3) -> (2, 3) = shape of W (2, 3)" in text
    assert "delta (4, 2) @ W (2, 3) -> (4, 3) = shape of x (4, 3)" in text
    assert "delta^T x == linear_backward's dW: True" in text
    errors = [float(v) for v in re.findall(r"(?:dW|dx|db) (\d\.\de-\d+)", text)]
    assert len(errors) == 3 and max(errors) < 1e-7, text


def test_every_exercise_check_runs_with_its_default(printed):
    _, nb = printed
    text = "\n".join(o["text"] for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []) if o.get("output_type") == "stream")
    assert text.count("No prediction yet") == 4          # exercises 3.1, 3.6, 3.7, 3.9
    assert text.count("not implemented yet") == 3        # exercises 3.2, 3.3, 3.5
    assert "central difference of max(x, 1) at x = 1: 0.500000" in text


def _answer_code(number):
    from pathlib import Path

    answers = (Path(__file__).resolve().parents[2] / "instructor" / "lecture_answers"
               / "03_backpropagation.md").read_text()
    section = answers.split(f"### Exercise {number}\n", 1)[1].split("### Exercise", 1)[0]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_instructors_implementations_pass_the_lectures_checks():
    import numpy as np

    from coursekit.finite_diff import numerical_grad, numerical_vjp
    from coursekit.gradcheck import max_rel_error

    ns = {"np": np}
    for number in ("3.2", "3.3", "3.5"):
        exec(_answer_code(number), ns)
    rng = np.random.default_rng(0)
    x, y, dq = rng.normal(size=5), rng.uniform(0.5, 2.0, size=5), rng.normal(size=5)
    num = numerical_vjp(lambda x, y: x / y, {"x": x, "y": y}, dq)
    dx, dy = ns["divide_backward"](dq, x, y)
    assert max_rel_error(dx, num["x"]) < 1e-7 and max_rel_error(dy, num["y"]) < 1e-7
    theta = np.array([2.0, -1.0, -3.0, -2.0, -3.0])
    fd = numerical_grad(lambda v: float(np.tanh(v[0] * v[1] + v[2] * v[3] + v[4])), theta)
    assert max_rel_error(np.array(ns["tanh_neuron_backward"](*theta)), fd) < 1e-7
    xm, Am, dym = rng.normal(size=(5, 3)), rng.normal(size=(3, 2)), rng.normal(size=(5, 2))
    num = numerical_vjp(lambda x, A: x @ A, {"x": xm, "A": Am}, dym)
    dxm, dAm = ns["matmul_backward"](dym, xm, Am)
    assert max_rel_error(dxm, num["x"]) < 1e-7 and max_rel_error(dAm, num["A"]) < 1e-7


def test_cost_slopes_back_the_text(printed):
    _, nb = printed
    text = _stream_of(nb, "fitted log-log slopes over all")
    all_w = re.search(r"over all \d+ widths:\s+backprop (\d+\.\d+), finite differences (\d+\.\d+)", text)
    large = re.search(r"over the 4 largest .*?: backprop (\d+\.\d+), finite differences (\d+\.\d+)", text)
    bp_all, fd_all = map(float, all_w.groups())
    bp_large, fd_large = map(float, large.groups())
    # the text says: over the four largest networks the slopes approach 1 and 2
    assert abs(bp_large - 1) < 0.3 and abs(fd_large - 2) < 0.3, text
    assert abs(bp_large - 1) <= abs(bp_all - 1) and abs(fd_large - 2) <= abs(fd_all - 2), text
    assert "within 0.3 of 1 and 2: True;  closer to 1 and 2 than over all widths: True" in text
    assert text.count("gradients agree: True") == 7
