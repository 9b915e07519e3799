"""Seed 000's BACKPROP EXAMPLE, node by node, against the library's Sequential.

Inputs a, b; hidden c, d, e; hidden f, g, h; output z; s = logistic sigmoid at every
node. The reference below is plain scalar Python (math only), written exactly as the
seed's equations: j̄ = Σᵢ W_ij i + β_j, j = s(j̄); backward from right to left with
∂z/∂z̄ = s'(z̄), ∂z/∂W_fz = f s'(z̄), ∂z/∂f = W_fz s'(z̄), ∂z/∂f̄ = ∂z/∂f s'(f̄), …, and the
multivariate chain rule ∂z/∂c = Σ_{j∈{f,g,h}} ∂z/∂j̄ W_cj.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from coursekit import layers as L

INPUTS = ["a", "b"]
LAYER1 = ["c", "d", "e"]
LAYER2 = ["f", "g", "h"]
OUT = ["z"]

# fixed small weights W[(i, j)] of the edge i → j, and biases β_j
W = {
    ("a", "c"): 0.1, ("b", "c"): -0.2, ("a", "d"): 0.3, ("b", "d"): 0.4, ("a", "e"): -0.5, ("b", "e"): 0.2,
    ("c", "f"): 0.3, ("d", "f"): -0.1, ("e", "f"): 0.2,
    ("c", "g"): -0.4, ("d", "g"): 0.5, ("e", "g"): 0.1,
    ("c", "h"): 0.2, ("d", "h"): 0.2, ("e", "h"): -0.3,
    ("f", "z"): 0.6, ("g", "z"): -0.7, ("h", "z"): 0.5,
}
BETA = {"c": 0.05, "d": -0.05, "e": 0.1, "f": 0.0, "g": 0.1, "h": -0.1, "z": 0.2}
X = {"a": 1.0, "b": 0.5}


def s(t):
    return 1.0 / (1.0 + math.exp(-t))


def s_prime(t):
    return s(t) * (1.0 - s(t))


def hand_computed():
    """Forward and backward pass node by node, as in the seed."""
    val = dict(X)
    bar = {}
    for prev, layer in ((INPUTS, LAYER1), (LAYER1, LAYER2), (LAYER2, OUT)):
        for j in layer:
            bar[j] = sum(W[(i, j)] * val[i] for i in prev) + BETA[j]
            val[j] = s(bar[j])
    d_node = {"z": 1.0}  # ∂z/∂z
    d_bar, d_W, d_beta = {}, {}, {}
    for prev, layer in ((LAYER2, OUT), (LAYER1, LAYER2), (INPUTS, LAYER1)):
        for j in layer:
            d_bar[j] = d_node[j] * s_prime(bar[j])  # ∂z/∂j̄ = ∂z/∂j · s'(j̄)
            d_beta[j] = d_bar[j]  # ∂z/∂β_j = ∂z/∂j̄ · 1
            for i in prev:
                d_W[(i, j)] = d_bar[j] * val[i]  # ∂z/∂W_ij = ∂z/∂j̄ · i
        for i in prev:  # multivariate chain rule
            d_node[i] = sum(d_bar[j] * W[(i, j)] for j in layer)
    return val, d_W, d_beta, d_node


def build_model():
    def linear(prev, layer):
        Wm = np.array([[W[(i, j)] for i in prev] for j in layer])  # (M, D): row j holds edges into j
        return L.Linear.from_weights(Wm, np.array([BETA[j] for j in layer]))

    return L.Sequential(linear(INPUTS, LAYER1), L.Sigmoid(), linear(LAYER1, LAYER2), L.Sigmoid(),
                        linear(LAYER2, OUT), L.Sigmoid())


def test_forward_matches_hand_computed_z():
    val, *_ = hand_computed()
    model = build_model()
    out = model.forward(np.array([[X["a"], X["b"]]]))
    assert out.shape == (1, 1)
    assert out[0, 0] == pytest.approx(val["z"], rel=1e-14)
    # the hidden nodes too: run the first k layers
    for k, names in ((2, LAYER1), (4, LAYER2)):
        h = np.array([[X["a"], X["b"]]])
        for layer in model.layers[:k]:
            h = layer.forward(h)
        np.testing.assert_allclose(h[0], [val[j] for j in names], rtol=1e-14)


def test_backward_matches_hand_computed_gradients():
    val, d_W, d_beta, d_node = hand_computed()
    model = build_model()
    model.forward(np.array([[X["a"], X["b"]]]))
    dx = model.backward(np.ones((1, 1)))  # upstream ∂z/∂z = 1
    g = model.gradients()
    for li, (prev, layer) in zip((0, 2, 4), ((INPUTS, LAYER1), (LAYER1, LAYER2), (LAYER2, OUT))):
        expect_W = np.array([[d_W[(i, j)] for i in prev] for j in layer])
        np.testing.assert_allclose(g[f"{li}.W"], expect_W, rtol=1e-12, atol=1e-17)
        np.testing.assert_allclose(g[f"{li}.b"], [d_beta[j] for j in layer], rtol=1e-12, atol=1e-17)
    np.testing.assert_allclose(dx[0], [d_node["a"], d_node["b"]], rtol=1e-12, atol=1e-17)
    # a few of the seed's formulas spelled out
    zbar = sum(W[(i, "z")] * val[i] for i in LAYER2) + BETA["z"]
    assert g["4.W"][0, 0] == pytest.approx(val["f"] * s_prime(zbar), rel=1e-12)  # ∂z/∂W_fz = f s'(z̄)
    assert g["4.b"][0] == pytest.approx(s_prime(zbar), rel=1e-12)  # ∂z/∂β_z = s'(z̄)
