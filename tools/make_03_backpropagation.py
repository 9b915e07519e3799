"""Generate lectures/03_backpropagation.ipynb (run from the repo root, then execute it).

    .venv/bin/python tools/make_03_backpropagation.py
    .venv/bin/jupyter nbconvert --to notebook --execute --inplace lectures/03_backpropagation.ipynb

The worked node-network example (section 2) prints every value as ``name = value`` lines;
tests/lectures/test_03_backpropagation.py recomputes them independently from the stored outputs.

This file is the lecture's text and code cells in order, so it is as long as the lecture
(over ~500 lines by design: splitting it would split the lecture).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lecture_builder import code_cell as code, md_cell as md, write_notebook  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "lectures" / "03_backpropagation.ipynb"


cells = [
    md(r"""
    # Lecture 03 — Backpropagation

    *Seeds: 000 (chain rule, the node-level backprop example, the linear-algebra view, cost linear in
    the number of parameters), 001 (backward pass, Jacobians, scalar vs vector activations, softmax,
    subgradients of max), 003 (empirical risk, the Jacobian-chain form), 004 (layer-wise δ, outer
    products, loss layers, a worked ReLU/sigmoid example).*

    Training a network by gradient descent needs ∇L(θ): one partial derivative per weight and bias.
    **Backpropagation** computes all of them with one forward pass and one backward pass, at a cost
    linear in the number of parameters P. This lecture derives it from the chain rule, works it out
    **with numbers** on a small network, shows the matrix form that coursekit implements, and checks
    everything against finite differences.
    """),
    code(r"""
    %matplotlib inline
    import time
    import numpy as np
    import matplotlib.pyplot as plt

    from coursekit import functional as F, style
    from coursekit.gradcheck import (numerical_grad, numerical_jacobian, numerical_vjp, check_vjp,
                                     max_rel_error, find_kinks, step_size, EPS)
    from coursekit.layers import Sequential, Linear, Sigmoid, Tanh, ReLU
    from coursekit.plotting import plot_network_diagram
    from coursekit.widgets.backprop import FDStepPanel, fd_errors, chain_rule_f, chain_rule_dfdx
    from coursekit.widgets.panel import ERRORS

    np.set_printoptions(precision=6, suppress=True)
    style.use()
    """),
    md(r"""
    ## 0. What we need: the gradient of a sum

    With training data (**x**₁, y₁), …, (**x**ₙ, yₙ) we minimize the empirical risk (seed 003)

    R̂(θ) = (1/n) Σᵢ ℓ(yᵢ, F(**x**ᵢ, θ)),  so  ∇R̂(θ) = (1/n) Σᵢ ∇ℓ(yᵢ, F(**x**ᵢ, θ)).

    (Seed 000 writes the plain sum; the 1/n only rescales the learning rate.) It suffices to compute the
    gradient for **one example**, and by the chain rule

    ∇ℓ(y, f(θ, **x**)) = ∂ℓ/∂f · ∇f(θ, **x**),

    e.g. for the binary cross-entropy ℓ = −y log f − (1 − y) log(1 − f), ∂ℓ/∂f = −y/f + (1 − y)/(1 − f).
    So everything reduces to ∇f(θ, **x**), the gradient **with respect to the parameters**.

    ## 1. The chain rule

    If f depends on x through y(x): df/dx = (df/dy)(dy/dx). If f depends on x through several
    intermediate functions y(x), z(x), w(x) (the **multivariable chain rule**):

    df/dx = (∂f/∂y)(dy/dx) + (∂f/∂z)(dz/dx) + (∂f/∂w)(dw/dx).

    **Seed 000's example:** y(x) = x³, z(x) = x², f(y, z) = y·z. Then

    df/dx = (∂f/∂y)(dy/dx) + (∂f/∂z)(dz/dx) = z · 3x² + y · 2x = 3x⁴ + 2x⁴ = **5x⁴**

    (consistent with f = x⁵). Computed at x = 1.3 and checked against a central finite difference:
    """),
    code(r"""
    x = 1.3
    y_, z_ = x ** 3, x ** 2
    df_dy, df_dz = z_, y_                 # f = y z
    dy_dx, dz_dx = 3 * x ** 2, 2 * x
    chain = df_dy * dy_dx + df_dz * dz_dx
    numeric = numerical_grad(lambda v: float(chain_rule_f(v[0])), np.array([x]))[0]
    print(f"y = {y_:.6f}, z = {z_:.6f}, f = {y_ * z_:.6f}")
    print(f"df/dy * dy/dx = {df_dy * dy_dx:.6f}")
    print(f"df/dz * dz/dx = {df_dz * dz_dx:.6f}")
    print(f"df/dx (chain rule) = {chain:.6f};  5 x^4 = {5 * x ** 4:.6f};  central difference = {numeric:.6f}")
    """),
    md(r"""
    ## 2. Backprop on a small network, with numbers

    Seed 000's network has inputs a, b, a hidden layer c, d, e, a second hidden layer f, g, h and one
    output z, fully connected. Notation:

    * a, b, …, z are the node values **after** the non-linearity, ā, b̄, …, z̄ the values **before** it;
    * W_{i,j} is the weight of the edge from node i to node j, β_j the bias of node j;
    * s(·) is the activation — here the sigmoid σ, with s′(x̄) = s(x̄)(1 − s(x̄)).

    For example h = s(h̄) = s(c·W_{c,h} + d·W_{d,h} + e·W_{e,h} + β_h). We fix the weights below (any
    values would do) and the input (a, b) = (1.0, 2.0).
    """),
    code(r"""
    plot_network_diagram([2, 3, 3, 1], labels=[["a", "b"], ["c", "d", "e"], ["f", "g", "h"], ["z"]],
                         title="a, b → c, d, e → f, g, h → z")
    plt.show()
    """),
    code(r"""
    # Edge weights W[i, j] (from node i to node j) and biases beta[j] of the worked example.
    W = {("a", "c"): 0.5, ("b", "c"): -0.3, ("a", "d"): 0.2, ("b", "d"): 0.8, ("a", "e"): -0.6, ("b", "e"): 0.4,
         ("c", "f"): 0.3, ("d", "f"): -0.5, ("e", "f"): 0.9,
         ("c", "g"): 0.7, ("d", "g"): 0.2, ("e", "g"): -0.4,
         ("c", "h"): -0.8, ("d", "h"): 0.6, ("e", "h"): 0.1,
         ("f", "z"): 1.2, ("g", "z"): -0.7, ("h", "z"): 0.5}
    beta = {"c": 0.15, "d": -0.2, "e": 0.05, "f": 0.0, "g": 0.1, "h": -0.1, "z": 0.2}
    layers_of_nodes = [["a", "b"], ["c", "d", "e"], ["f", "g", "h"], ["z"]]
    a, b = 1.0, 2.0

    def s(t):                      # the activation: the sigmoid, written out for the hand computation
        return 1.0 / (1.0 + np.exp(-t))
    """),
    md(r"""
    **Step 1: forward pass.** Using the current parameters, compute the output z moving left to right,
    and **store every intermediate result** c̄, d̄, ē, c, d, e, f̄, ḡ, h̄, f, g, h, z̄, z:

    c̄ = W_{a,c}·a + W_{b,c}·b + β_c,  c = s(c̄),  …,  z̄ = W_{f,z}·f + W_{g,z}·g + W_{h,z}·h + β_z,  z = s(z̄).
    """),
    code(r"""
    val = {"a": a, "b": b}          # node values after the activation
    pre = {}                        # node values before it (the "bar" values)
    for prev, layer in zip(layers_of_nodes[:-1], layers_of_nodes[1:]):
        for j in layer:
            pre[j] = sum(W[(i, j)] * val[i] for i in prev) + beta[j]
            val[j] = s(pre[j])
            print(f"{j}_bar = {pre[j]: .6f}")
            print(f"{j} = {val[j]: .6f}")
    """),
    md(r"""
    *Question (seed 000): the runtime of the forward pass in terms of the number of parameters P?* Every
    weight and bias is used in exactly one multiply-add: **O(P)**.

    **Step 2: backward pass.** Using the current parameters and the stored node values, compute the
    partial derivatives moving **right to left**. Deepest layer first:

    ∂z/∂β_z = (∂z̄/∂β_z)(∂z/∂z̄) = 1 · s′(z̄),  ∂z/∂W_{f,z} = (∂z̄/∂W_{f,z})(∂z/∂z̄) = f · s′(z̄)  (same for g, h).

    We also need the derivatives with respect to the **nodes**, even though they are not part of the
    gradient: ∂z/∂f = W_{f,z} · s′(z̄), and before the non-linearity ∂z/∂f̄ = ∂z/∂f · s′(f̄). Then the next
    layer: ∂z/∂β_f = ∂z/∂f̄ · 1, ∂z/∂W_{c,f} = ∂z/∂f̄ · c, and, by the **multivariable chain rule** (c
    influences z through f̄, ḡ and h̄):

    ∂z/∂c = ∂z/∂f̄ · W_{c,f} + ∂z/∂ḡ · W_{c,g} + ∂z/∂h̄ · W_{c,h}.
    """),
    code(r"""
    d_val = {"z": 1.0}                  # dz/d(node value); dz/dz = 1
    d_pre, d_W, d_beta = {}, {}, {}
    for prev, layer in reversed(list(zip(layers_of_nodes[:-1], layers_of_nodes[1:]))):
        for j in layer:                                   # through the non-linearity: dz/dj_bar
            d_pre[j] = d_val[j] * s(pre[j]) * (1 - s(pre[j]))
            print(f"dz/d{j}_bar = {d_pre[j]: .6f}")
        for j in layer:                                   # parameters of node j
            d_beta[j] = d_pre[j] * 1.0
            print(f"dz/dbeta_{j} = {d_beta[j]: .6f}")
            for i in prev:
                d_W[(i, j)] = d_pre[j] * val[i]
                print(f"dz/dW_{i},{j} = {d_W[(i, j)]: .6f}")
        if prev != layers_of_nodes[0]:                    # node derivatives of the previous layer
            for i in prev:
                d_val[i] = sum(d_pre[j] * W[(i, j)] for j in layer)
                print(f"dz/d{i} = {d_val[i]: .6f}")
    """),
    md(r"""
    **The library does the same.** The network is `Sequential(Linear, Sigmoid, Linear, Sigmoid, Linear,
    Sigmoid)` with the weight matrices W₀, W₁, W₂ built from the edge weights (row = node j of the next
    layer, column = node i of this layer; seed 000 writes them exactly so). Calling
    `backward` with upstream gradient ∂z/∂z = 1 returns every ∂z/∂W and ∂z/∂β:
    """),
    code(r"""
    def weight_matrix(prev, layer):
        return np.array([[W[(i, j)] for i in prev] for j in layer])

    mats = [weight_matrix(p, l) for p, l in zip(layers_of_nodes[:-1], layers_of_nodes[1:])]
    biases = [np.array([beta[j] for j in l]) for l in layers_of_nodes[1:]]
    net = Sequential(Linear.from_weights(mats[0], biases[0]), Sigmoid(),
                     Linear.from_weights(mats[1], biases[1]), Sigmoid(),
                     Linear.from_weights(mats[2], biases[2]), Sigmoid())
    out = net.forward(np.array([[a, b]]))
    net.backward(np.ones((1, 1)))
    grads = net.gradients()
    print(f"library z = {out[0, 0]:.6f}   (hand: {val['z']:.6f})")
    for k, (prev, layer) in zip(("0", "2", "4"), zip(layers_of_nodes[:-1], layers_of_nodes[1:])):
        hand_W = np.array([[d_W[(i, j)] for i in prev] for j in layer])
        hand_b = np.array([d_beta[j] for j in layer])
        print(f"layer {k}.W: dz/dW =\n{grads[k + '.W']}")
        print(f"  equals the hand computation: {np.allclose(grads[k + '.W'], hand_W, rtol=1e-12, atol=1e-15)}, "
              f"bias too: {np.allclose(grads[k + '.b'], hand_b, rtol=1e-12, atol=1e-15)}")
    """),
    md(r"""
    ## 3. The layer (vector) form

    Collect the node values of layer i in a vector **v**ᵢ and the pre-activation values in **v̄**ᵢ, so
    **v**ᵢ = s(**v̄**ᵢ) entrywise; collect ∂z/∂j for the nodes of layer i in **δ**ᵢ and ∂z/∂j̄ in
    **δ̄**ᵢ. Let Wᵢ hold the weights from layer i to layer i + 1 (shape: next layer × this layer).
    Then (seed 000):

    * **δ̄**ᵢ = s′(**v̄**ᵢ) × **δ**ᵢ (entrywise product);
    * **Claim 1:** node derivatives are a matrix–vector product, **δ**ᵢ = Wᵢᵀ **δ̄**ᵢ₊₁;
    * **Claim 2:** weight derivatives are an outer product, Δᵢ = **δ̄**ᵢ₊₁ **v**ᵢᵀ (the matrix of ∂z/∂Wᵢ,
      shaped like Wᵢ), and the bias derivatives are **δ̄**ᵢ₊₁.

    (The seed's slide writes Claim 2 as **v**ᵢ **δ**ᵢ₊₁ᵀ: that is the transpose of Wᵢ's layout and
    must use the *pre-activation* derivative **δ̄**ᵢ₊₁ — seed 004 writes it correctly as
    outer(δ^{(l)}, x^{(l)}) with δ^{(l)} = ∂L/∂s^{(l)} the derivative at the pre-activation.)
    For Wᵢ of shape k × m both products cost k·m operations: the backward pass is **O(P)** too.
    """),
    code(r"""
    v = [np.array([val[j] for j in l]) for l in layers_of_nodes]         # v_0 = (a, b), v_1, v_2, v_3 = (z)
    v_bar = [None] + [np.array([pre[j] for j in l]) for l in layers_of_nodes[1:]]
    delta = [None] * 4
    delta_bar = [None] * 4
    Delta = [None] * 3
    delta[3] = np.array([1.0])
    for i in (3, 2, 1):
        delta_bar[i] = s(v_bar[i]) * (1 - s(v_bar[i])) * delta[i]     # through the activation
        Delta[i - 1] = np.outer(delta_bar[i], v[i - 1])                # Claim 2
        delta[i - 1] = mats[i - 1].T @ delta_bar[i]                    # Claim 1
    for i in range(3):
        print(f"Delta_{i} == library dz/dW: {np.allclose(Delta[i], grads[str(2 * i) + '.W'], rtol=1e-12, atol=1e-15)}")
    print("delta_1 =", delta[1], " (hand: dz/dc, dz/dd, dz/de =", np.array([d_val[j] for j in 'cde']), ")")
    """),
    md(r"""
    **Many examples at once.** With a batch of n examples (one per row, as coursekit stores them) the
    outer products of all examples are summed by one matrix product: Σᵢ **δ̄**⁽ⁱ⁾ **v**⁽ⁱ⁾ᵀ = δ̄ᵀ V. For
    the empirical risk R̂ = (1/n) Σᵢ ℓᵢ, seed 003's 1/n average (and seed 004's
    ∂J/∂W^{(l)} = (1/m) Σᵢ outer(δᵢ^{(l)}, xᵢ^{(l)})) becomes a 1/n in the loss layer's δ. Check: the
    gradient of the mean squared error over 5 examples equals the average of the 5 single-example
    gradients.
    """),
    code(r"""
    rng = np.random.default_rng(0)
    Xb = rng.normal(size=(5, 2))
    yb = rng.uniform(size=(5, 1))
    loss, dout = F.mse_loss(net.forward(Xb), yb)           # R = (1/n) sum_i (z_i - y_i)^2
    net.backward(dout)
    batch = {k: g.copy() for k, g in net.gradients().items()}
    per_example = []
    for i in range(5):
        _, d_i = F.mse_loss(net.forward(Xb[i:i + 1]), yb[i:i + 1])
        net.backward(d_i)
        per_example.append({k: g.copy() for k, g in net.gradients().items()})
    average = {k: np.mean([g[k] for g in per_example], axis=0) for k in batch}
    print(f"empirical risk R = {loss:.6f}")
    print("batch gradient == average of per-example gradients:",
          all(np.allclose(batch[k], average[k], rtol=1e-12, atol=1e-15) for k in batch))
    """),
    md(r"""
    ## 4. Jacobians: scalar vs vector activations

    The derivative of a vector function **y** = f(**z**) with respect to its vector input is the
    **Jacobian** J with J_{ij} = ∂yᵢ/∂zⱼ, so Δ**y** ≈ J Δ**z** (seed 001).

    * A **scalar** (elementwise) activation yᵢ = f(zᵢ) has a **diagonal** Jacobian diag(f′(z₁), …, f′(z_M)).
    * An **affine** map **z** = W**y** + **b** has Jacobian W.
    * A **vector** activation, where every output depends on every input (softmax), has a full Jacobian.

    In the backward pass a Jacobian is applied transposed to the upstream gradient: **δ**_in = Jᵀ **δ**_out
    (a *vector–Jacobian product*; for a diagonal J that is the entrywise product of section 3).
    """),
    code(r"""
    z = np.array([[-1.0, 0.5, 2.0]])
    J_sig = numerical_jacobian(F.sigmoid_forward, z)[0, :, 0, :]
    print("Jacobian of the sigmoid at z = (-1, 0.5, 2) (finite differences):\n", J_sig)
    print("diagonal == sigma'(z) = backward(1, z):",
          np.allclose(np.diag(J_sig), F.sigmoid_backward(np.ones_like(z), z)[0], atol=1e-9),
          "; off-diagonal entries are 0:", np.allclose(J_sig - np.diag(np.diag(J_sig)), 0, atol=1e-12))
    Wa, ba, ya = np.array([[1.0, -2.0], [0.5, 3.0], [0.0, 1.0]]), np.zeros(3), np.array([[0.3, -0.7]])
    J_aff = numerical_jacobian(lambda t: F.linear_forward(t, Wa, ba), ya)[0, :, 0, :]
    print("Jacobian of z = W y + b equals W:", np.allclose(J_aff, Wa, atol=1e-9))
    """),
    md(r"""
    **Seed 003's Jacobian-chain form.** Write the network as F_L = σ_L(W_L(… σ₁(W₁x + b₁) …) + b_L) and
    let J_j be the Jacobian of σ_j at its pre-activation. Then

    ∂F_L/∂W_j = (J_L W_L J_{L−1} W_{L−1} ⋯ J_j)ᵀ F_{j−1}ᵀ,  ∂F_L/∂b_j = (J_L W_L ⋯ J_j)ᵀ,

    an outer product again (for the univariate case the transposes disappear:
    ∂F_L/∂W_j = J_L W_L J_{L−1} ⋯ J_j F_{j−1}). With explicit Jacobian matrices on our network — the
    same numbers as before:
    """),
    code(r"""
    Js = [None] + [np.diag(s(v_bar[i]) * (1 - s(v_bar[i]))) for i in (1, 2, 3)]   # J_1, J_2, J_3 (diagonal)
    chain_W = {}
    for j in (1, 2, 3):                                  # layer j has weights mats[j-1], input v[j-1]
        M = Js[3]
        for k in range(3, j, -1):
            M = M @ mats[k - 1] @ Js[k - 1]              # J_L W_L J_{L-1} ... J_j
        chain_W[j] = np.outer(M.T, v[j - 1])             # (...)^T F_{j-1}^T
    net.forward(np.array([[a, b]]))
    net.backward(np.ones((1, 1)))
    print("Jacobian-chain gradients == library:",
          all(np.allclose(chain_W[j], net.gradients()[f"{2 * (j - 1)}.W"], rtol=1e-12, atol=1e-15) for j in (1, 2, 3)))
    """),
    md(r"""
    ## 5. A vector activation: the softmax Jacobian

    yᵢ = e^{zᵢ} / Σⱼ e^{zⱼ}. Each output depends on every input (seed 001):

    ∂yᵢ/∂zⱼ = yᵢ(1 − yᵢ) if i = j,  −yᵢ yⱼ if i ≠ j,  i.e.  **J = diag(y) − y yᵀ** (symmetric).

    The backward pass sums over all outputs: ∂Div/∂zᵢ = Σⱼ ∂Div/∂yⱼ · ∂yⱼ/∂zᵢ = Σⱼ ∂Div/∂yⱼ · yⱼ(δᵢⱼ − yᵢ)
    = yᵢ (∂Div/∂yᵢ − Σⱼ ∂Div/∂yⱼ yⱼ), with δᵢⱼ the Kronecker delta. (The seed's last line reads
    yⱼ(δᵢⱼ − **y_j**); the second factor must be yᵢ — checked below.) coursekit's `softmax_backward`
    computes this vector–Jacobian product without forming J.
    """),
    code(r"""
    zs = np.array([[1.0, -0.5, 2.0, 0.3]])
    ys = F.softmax_forward(zs)[0]
    J_formula = np.diag(ys) - np.outer(ys, ys)
    J_numeric = numerical_jacobian(F.softmax_forward, zs)[0, :, 0, :]
    J_backward = np.array([F.softmax_backward(e[None, :], zs)[0] for e in np.eye(4)])   # row k = J^T e_k
    print("y =", ys)
    print("J = diag(y) - y y^T =\n", J_formula)
    print(f"formula vs finite differences: max rel. error < 1e-7: {max_rel_error(J_formula, J_numeric) < 1e-7}")
    print("formula vs softmax_backward (J^T e_k):", np.allclose(J_formula, J_backward.T, atol=1e-15))
    g = np.array([0.2, -1.0, 0.5, 0.1])                       # some upstream gradient dDiv/dy
    right = np.array([sum(g[j] * ys[j] * ((i == j) - ys[i]) for j in range(4)) for i in range(4)])
    as_transcribed = np.array([sum(g[j] * ys[j] * ((i == j) - ys[j]) for j in range(4)) for i in range(4)])
    print("sum_j g_j y_j (delta_ij - y_i) == softmax_backward:", np.allclose(right, F.softmax_backward(g[None], zs)[0]))
    print("sum_j g_j y_j (delta_ij - y_j) == softmax_backward:", np.allclose(as_transcribed, F.softmax_backward(g[None], zs)[0]))
    """),
    md(r"""
    ## 6. Subgradients: ReLU at 0, the hinge, the max

    max(0, z) has no derivative at z = 0: every slope g ∈ [0, 1] gives a line through the kink that stays
    below the function — a **subgradient** — and any of them is a valid choice for (sub)gradient
    descent. coursekit takes **0** at z = 0 (`coursekit.functional.relu_backward`). A central difference straddling the kink
    measures the *average* of the two one-sided slopes, ½, so gradient checks must avoid kinks
    (`coursekit.gradcheck.find_kinks` flags them). The same holds for the hinge loss max(0, 1 − y s) at
    margin y s = 1 (coursekit: 0), and for a max over several inputs, whose derivative is 1 for the
    input that attains the max and 0 for the others (seed 001).
    """),
    code(r"""
    zz = np.linspace(-1.5, 1.5, 301)
    fig, ax = style.subplots(figsize=(4.5, 3.2))
    ax.plot(zz, F.relu_forward(zz), **style.line("function"), label="ReLU")
    for gslope in (0.0, 0.3, 0.7, 1.0):
        ax.plot(zz, gslope * zz, lw=1, ls=style.LINES["margin"]["ls"], label=f"subgradient {gslope}")
    ax.set(ylim=(-0.6, 1.5), xlabel="z", title="subgradients of max(0, z) at 0")
    ax.legend()
    plt.show()

    z0 = np.array([0.0])
    print("coursekit relu_backward(1, 0) =", F.relu_backward(np.ones(1), z0)[0])
    print("central difference at 0       =", round(float(numerical_grad(lambda t: F.relu_forward(t).sum(), z0)[0]), 6))
    print("find_kinks flags z = 0        :", bool(find_kinks(z0)[0]))
    s_, y_h = np.array([0.5, 1.0, 2.0]), np.array([1.0, 1.0, 1.0])   # margins 0.5, 1 (the kink), 2
    print("hinge subgradient d/ds (coursekit) :", F.hinge_loss(s_, y_h)[1] * len(s_))
    zm = np.array([0.3, 1.7, -0.2, 1.1])
    print("d max(z)/dz (finite differences)   :", np.round(numerical_grad(lambda t: np.max(t), zm), 6))
    """),
    md(r"""
    ## 7. Loss layers only change δ at the output

    Seed 003 absorbs the loss into the last "activation": σ̃_L(a) = ℓ(y, a) — the loss is just one
    more layer. So changing the loss changes only the derivative entering the network at the top,
    δ^{(D−1)} = ∂L/∂N**x** · ∂N**x**/∂S^{(D−1)} (seed 004); everything below is the same backward pass.
    Per example:

    | loss | output activation | ∂L/∂N**x** | δ at the output's pre-activation |
    |---|---|---|---|
    | squared error ‖N**x** − **y**‖² | linear | 2(N**x** − **y**)ᵀ | 2(N**x** − **y**) |
    | binary cross-entropy | sigmoid | −y/N**x** + (1 − y)/(1 − N**x**) | **ŷ − y** |
    | cross-entropy −**y**ᵀ log(N**x**) | softmax | −**y**ᵀ diag(1/(N**x**)ᵢ) | **ŷ − y** |

    For BCE: (−y/ŷ + (1 − y)/(1 − ŷ)) · ŷ(1 − ŷ) = ŷ − y. For CE: the softmax Jacobian applied to
    −yᵢ/ŷᵢ gives ŷ − **y** (one-hot **y**). coursekit's losses average over the batch, hence the 1/N below.
    """),
    code(r"""
    rng = np.random.default_rng(1)
    N = 6
    zo = rng.normal(size=(N, 1))                       # output pre-activations S^(D-1), one column
    yo = rng.integers(0, 2, size=(N, 1)).astype(float)
    # squared error on a linear output
    _, d_se = F.mse_loss(zo, yo)
    print("SE : delta == 2 (Nx - y) / N       :", np.allclose(d_se, 2 * (zo - yo) / N))
    # BCE after a sigmoid output: dL/dp from the loss, then back through the sigmoid
    p = F.sigmoid_forward(zo)
    _, dp = F.bce_loss(p, yo)
    print("BCE: dL/dp == (-y/p + (1-y)/(1-p))/N:", np.allclose(dp, (-yo / p + (1 - yo) / (1 - p)) / N))
    print("BCE: delta == (y_hat - y) / N       :", np.allclose(F.sigmoid_backward(dp, zo), (p - yo) / N))
    # CE after a softmax output (3 classes)
    zc = rng.normal(size=(N, 3))
    yc = rng.integers(0, 3, size=N)
    probs = F.softmax_forward(zc)
    _, dprobs = F.cross_entropy(probs, yc)
    onehot = np.eye(3)[yc]
    print("CE : dL/dy_hat == -y / y_hat / N     :", np.allclose(dprobs, -onehot / probs / N))
    print("CE : delta == (y_hat - y) / N        :", np.allclose(F.softmax_backward(dprobs, zc), (probs - onehot) / N))
    print("CE : equals the fused softmax_cross_entropy gradient:",
          np.allclose(F.softmax_backward(dprobs, zc), F.softmax_cross_entropy(zc, yc)[1]))
    """),
    md(r"""
    And below the output nothing changes: feed the same δ into the hidden layers of any network and the
    backward pass is identical whichever loss produced it. With our worked network (sigmoid output z = ŷ) and
    the BCE loss, every weight gradient is ∂L/∂z times the gradient ∂z/∂θ of section 2:
    """),
    code(r"""
    xw, yw = np.array([[a, b]]), np.array([[1.0]])
    p_out = net.forward(xw)
    _, dp = F.bce_loss(p_out, yw)
    net.backward(dp)
    g_bce = {k: v.copy() for k, v in net.gradients().items()}
    net.forward(xw)
    net.backward(np.ones((1, 1)))                          # dz/dtheta, as in section 2
    g_z = {k: v.copy() for k, v in net.gradients().items()}
    # dL/dtheta = dL/dz * dz/dtheta with dL/dz = -y/z + (1-y)/(1-z); at the pre-activation this is y_hat - y
    scale = float(-yw[0, 0] / p_out[0, 0] + (1 - yw[0, 0]) / (1 - p_out[0, 0]))
    print(f"dL/dz = {scale:.6f};  y_hat - y = {p_out[0, 0] - yw[0, 0]:.6f}")
    print("BCE gradients == dL/dz * (dz/dtheta of section 2):",
          all(np.allclose(g_bce[k], scale * g_z[k], rtol=1e-12, atol=1e-15) for k in g_z))
    """),
    md(r"""
    ## 8. Seed 004's worked example, computed

    Seed 004 evaluates a small ReLU network N = σ ∘ F^{(1)} ∘ ReLU ∘ F^{(0)} at **x** = (1, 1) with
    F^{(0)}**x** = W^{(0)}**x** + (1, 1, 1) and F^{(1)}**x** = (1, −2, 1)**x** + 0. The transcription prints
    W^{(0)} as a 3 × 3 matrix with zeros, which cannot multiply a 2-vector; its non-zero pattern read as
    the 3 × 2 matrix below reproduces the seed's own intermediate result (1, 6, −4) (the 3 × 3 matrix
    applied to (1, 1, 1) gives the same numbers). Then:

    ReLU(1, 6, −4) = (1, 6, 0),  F^{(1)}(1, 6, 0) = 1 − 12 + 0 = **−11**,  N(1, 1) = σ(−11) = 1/(1 + e^{11}) ≈ **1.67·10⁻⁵**.

    The transcript instead writes σ(−1), then 1/(1 + e^{−1}) (which is σ(+1) ≈ 0.7311, not σ(−1) ≈ 0.2689),
    then "≈ .000051": **all three steps are wrong**; the conclusion "small" is right.
    """),
    code(r"""
    W0_seed = np.array([[1.0, -1.0], [2.0, 3.0], [-2.0, -3.0]])
    seed_net = Sequential(Linear.from_weights(W0_seed, [1.0, 1.0, 1.0]), ReLU(),
                          Linear.from_weights([[1.0, -2.0, 1.0]], [0.0]), Sigmoid())
    x11 = np.array([[1.0, 1.0]])
    S0 = seed_net[0].forward(x11)
    print("F0 x        =", S0[0])
    print("ReLU(F0 x)  =", seed_net[1].forward(S0)[0])
    print("F1 ReLU(..) =", seed_net[2].forward(seed_net[1].forward(S0))[0])
    print(f"N(1, 1) = sigma(-11) = {seed_net.forward(x11)[0, 0]:.4e}")
    print(f"for comparison: sigma(-1) = {F.sigmoid_forward(np.array(-1.0)):.4f}, "
          f"1/(1 + e^-1) = sigma(1) = {F.sigmoid_forward(np.array(1.0)):.4f}")
    """),
    md(r"""
    ## 9. Gradient checking with finite differences

    A backward pass is right when it agrees with the slope of the forward pass measured numerically.
    The central difference ∂f/∂θₖ ≈ (f(θ + h eₖ) − f(θ − h eₖ)) / 2h needs **two forward passes per
    parameter**. `coursekit.gradcheck` does this carefully (float64 only, step ε^{1/3}·max(1, |θₖ|), a
    relative error |a − n| / (|a| + |n|) per entry). First the whole worked network, parameter by
    parameter:
    """),
    code(r"""
    def z_of(key):
        # z(theta) as a function of one parameter array of the network (the others fixed)
        params = net.parameters()
        def f(value):
            saved = params[key].copy()
            params[key][...] = value
            try:
                return float(net.forward(xw)[0, 0])
            finally:
                params[key][...] = saved
        return f

    net.forward(xw)
    net.backward(np.ones((1, 1)))
    analytic = {k: v.copy() for k, v in net.gradients().items()}
    for key, value in net.parameters().items():
        numeric = numerical_grad(z_of(key), value.copy())
        print(f"{key}: backprop vs central differences, max rel. error < 1e-7: "
              f"{max_rel_error(analytic[key], numeric) < 1e-7}")
    """),
    md(r"""
    Now a typical bug: a backward pass for the sigmoid that forgets the factor s′(z̄) (it passes the upstream
    gradient straight through). `check_vjp` compares it with the forward function and reports where it fails:
    """),
    code(r"""
    def buggy_sigmoid_backward(dout, z):
        return dout                      # BUG: should be dout * s(z) * (1 - s(z))

    zt = np.random.default_rng(2).normal(size=(3, 4))
    dout = np.random.default_rng(3).normal(size=(3, 4))
    good = check_vjp(F.sigmoid_forward, {"z": F.sigmoid_backward(dout, zt)}, {"z": zt}, dout)
    bad = check_vjp(F.sigmoid_forward, {"z": buggy_sigmoid_backward(dout, zt)}, {"z": zt}, dout)
    print("correct backward passes:", good.passed)
    print("buggy backward passes:  ", bad.passed)
    print(f"buggy: max rel. error {bad.max_rel_error:.2f}")
    """),
    md(r"""
    ### The step size h: truncation vs round-off

    Why ε^{1/3}? The central difference has **truncation error** |f‴| h²/6 (the forward difference
    (f(x + h) − f(x))/h has |f″| h/2), and **round-off error** ≈ ε|f|/h from subtracting two nearly equal
    numbers (ε = 2.2·10⁻¹⁶). The sum is smallest near h ≈ ε^{1/3} ≈ 6·10⁻⁶ for the central and
    h ≈ ε^{1/2} ≈ 1.5·10⁻⁸ for the forward difference. Measured on the chain-rule example f = x⁵ at x = 1.3:
    """),
    code(r"""
    hs = np.logspace(-15, 0, 121)
    err_fwd, err_cen = fd_errors(1.3, hs)
    fig, ax = style.subplots(figsize=(6, 4))
    ax.loglog(hs, np.maximum(err_fwd, 1e-17), label="forward difference")
    ax.loglog(hs, np.maximum(err_cen, 1e-17), label="central difference")
    ax.loglog(hs, 1e-16 / hs, **style.line("reference"), label="round-off ∝ ε/h")
    ax.loglog(hs, hs ** 2, **style.line("bound"), label="truncation ∝ h²")
    ax.axvline(EPS ** (1 / 3), color=style.COLORS["fd_central"], lw=1)
    ax.axvline(EPS ** 0.5, color=style.COLORS["fd_forward"], lw=1)
    ax.set(ylim=(1e-17, 10), xlabel="step h", ylabel="relative error of df/dx",
           title="finite differences of f = x³·x² at x = 1.3")
    ax.legend()
    plt.show()
    best_fwd, best_cen = hs[np.argmin(err_fwd)], hs[np.argmin(err_cen)]
    print(f"best h: forward ~ 1e{np.log10(best_fwd):.0f} (eps^(1/2) = {EPS ** 0.5:.1e}), "
          f"central ~ 1e{np.log10(best_cen):.0f} (eps^(1/3) = {EPS ** (1 / 3):.1e}); "
          f"coursekit's default step at x = 1.3: {float(step_size(1.3)):.1e}")
    """),
    md(r"""
    Try it yourself: the **step h** slider moves the step (log scale); the left plot shows the central
    secant against the tangent, the right one where you are on the error curves. The **x** slider moves
    the point. (Large h: the secant visibly misses the tangent — truncation. Tiny h: the estimate is
    noise — round-off.)
    """),
    code(r"""
    # NBVAL_IGNORE_OUTPUT
    # (a live widget: its view and its captured figure differ between front ends)
    fd_panel = FDStepPanel(h=1e-3, x=1.3)
    fd_panel
    """),
    md(r"""
    ## 10. The cost: backprop is linear in P, naive finite differences quadratic

    Backprop computes the whole gradient with one forward and one backward pass: **O(P)** (seed 000:
    "SGD can be run in O(P) time per iteration"). Naive finite differences need two forward passes of
    cost O(P) **per parameter**: **O(P²)**. We time both on networks Linear(16, w) → tanh → Linear(w, 4)
    with a softmax cross-entropy loss on a batch of 512 examples, for widths w = 8 … 512
    (P = 21w + 4). Backprop is timed directly (best of 7). The finite-difference gradient is timed over
    all P entries for the two smallest networks; for the larger ones we time the same loop over 48
    random entries and multiply by P/48 (every entry costs the same two forward passes; the table shows
    the two estimates agree where both were measured). Timings vary from run to run, so this cell's
    output is not compared by the tests.
    """),
    code(r"""
    # NBVAL_IGNORE_OUTPUT
    from threadpoolctl import threadpool_limits

    D_in, C, n_batch = 16, 4, 512
    rng = np.random.default_rng(0)
    Xc, yc = rng.normal(size=(n_batch, D_in)), rng.integers(0, C, size=n_batch)

    def make_net(w):
        r = np.random.default_rng(w)
        return Sequential(Linear(D_in, w, rng=r), Tanh(), Linear(w, C, rng=r))

    def loss_value(model):
        return F.softmax_cross_entropy(model.forward(Xc), yc)[0]

    def backprop_gradient(model):
        _, d = F.softmax_cross_entropy(model.forward(Xc), yc)
        model.backward(d, input_grad=False)
        return model.gradients()

    def fd_gradient(model, entries, h=1e-5):
        # naive central differences, entry by entry, on the live parameters (restored afterwards)
        out = []
        for key, k in entries:
            flat = model.parameters()[key].reshape(-1)
            old = flat[k]
            flat[k] = old + h; lp = loss_value(model)
            flat[k] = old - h; lm = loss_value(model)
            flat[k] = old
            out.append((lp - lm) / (2 * h))
        return np.array(out)

    def best_time(fn, repeat=5):
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter(); fn(); times.append(time.perf_counter() - t0)
        return min(times)

    widths = [8, 16, 32, 64, 128, 256, 512]
    rows = []
    with threadpool_limits(1):                       # one BLAS thread: less noise on a shared machine
        for w in widths:
            model = make_net(w)
            P = model.n_params
            all_entries = [(k, i) for k, v in model.parameters().items() for i in range(v.size)]
            t_bp = best_time(lambda: backprop_gradient(model), repeat=7)
            sample = [all_entries[i] for i in np.random.default_rng(1).choice(P, size=48, replace=False)]
            t_fd_est = best_time(lambda: fd_gradient(model, sample), repeat=2) * P / 48
            t_fd_full = best_time(lambda: fd_gradient(model, all_entries), repeat=1) if w <= 16 else np.nan
            # the two methods agree (a gradient check on a sample of entries)
            g_bp = backprop_gradient(model)
            check = sample[:16]
            agree = max_rel_error(np.array([g_bp[k].reshape(-1)[i] for k, i in check]), fd_gradient(model, check)) < 1e-5
            rows.append((w, P, t_bp, t_fd_full, t_fd_est, agree))
            print(f"w = {w:3d}  P = {P:6d}  backprop {t_bp * 1e3:8.2f} ms   finite differences "
                  f"{(t_fd_full if w <= 16 else t_fd_est) * 1e3:10.1f} ms"
                  + (f" (sampled estimate {t_fd_est * 1e3:.1f} ms)" if w <= 16 else " (sampled)")
                  + f"   gradients agree: {agree}")
    Ps = np.array([r[1] for r in rows], dtype=float)
    t_bp = np.array([r[2] for r in rows])
    t_fd = np.array([r[3] if np.isfinite(r[3]) else r[4] for r in rows])
    slope_bp = np.polyfit(np.log(Ps), np.log(t_bp), 1)[0]      # least-squares line in log-log
    slope_fd = np.polyfit(np.log(Ps), np.log(t_fd), 1)[0]
    fig, ax = style.subplots(figsize=(6, 4.2))
    ax.loglog(Ps, t_bp, "o-", label=f"backprop (fitted slope {slope_bp:.1f})")
    ax.loglog(Ps, t_fd, "s-", label=f"finite differences (fitted slope {slope_fd:.1f})")
    ax.loglog(Ps, t_bp[-1] * Ps / Ps[-1], **style.line("reference"), label="∝ P")
    ax.loglog(Ps, t_fd[-1] * (Ps / Ps[-1]) ** 2, **style.line("bound"), label="∝ P²")
    ax.set(xlabel="number of parameters P", ylabel="seconds per full gradient",
           title=f"cost of the gradient (batch of {n_batch})")
    ax.legend()
    plt.show()
    print(f"fitted log-log slopes over all widths: backprop {slope_bp:.1f}, finite differences {slope_fd:.1f}")
    print(f"at P = {int(Ps[-1])}: finite differences take {t_fd[-1] / t_bp[-1]:.0f}x longer than backprop")
    """),
    md(r"""
    For the smallest networks both curves are flatter: there a forward pass costs mostly fixed
    Python/numpy call overhead rather than arithmetic. Once the arithmetic dominates, the slopes
    approach 1 and 2. This is why finite differences are used to **check** gradients on small
    examples, never to train.

    ## Summary

    * Backprop = chain rule, organized: a forward pass that stores every v̄ and v, then a backward pass
      δ̄ᵢ = s′(v̄ᵢ) × δᵢ, δᵢ = Wᵢᵀ δ̄ᵢ₊₁, ∂/∂Wᵢ = δ̄ᵢ₊₁ vᵢᵀ, ∂/∂βᵢ = δ̄ᵢ₊₁ — cost O(P).
    * Scalar activations have diagonal Jacobians; softmax's is diag(y) − y yᵀ.
    * Kinks (ReLU at 0, hinge at margin 1, max ties) take a subgradient; finite differences must avoid them.
    * The loss only changes δ at the output: 2(N**x** − **y**) for squared error, ŷ − y for
      sigmoid + BCE and for softmax + CE; averaging over n examples puts a 1/n there.
    * Finite differences check gradients (choose h ≈ ε^{1/3}); at O(P²) they are no way to train.
    """),
    code(r"""
    assert not ERRORS, ERRORS          # no widget callback raised during this run
    print("panel callbacks without errors:", len(ERRORS) == 0)
    """),
]


def main():
    write_notebook(cells, OUT)


if __name__ == "__main__":
    sys.exit(main())
