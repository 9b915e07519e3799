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
