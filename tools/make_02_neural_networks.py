"""Generate lectures/02_neural_networks.ipynb (run from the repo root, then execute it).

    .venv/bin/python tools/make_02_neural_networks.py
    .venv/bin/jupyter nbconvert --to notebook --execute --inplace lectures/02_neural_networks.ipynb
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lecture_builder import code_cell as code, md_cell as md, write_notebook  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "lectures" / "02_neural_networks.ipynb"


cells = [
    md(r"""
    # Lecture 02 — Neural networks

    *Seeds: 000 (neural-network introduction: the motivating example, the multilayer perceptron,
    activations, feature extraction, architecture diagrams), 002 (single neurons, activation
    functions and their derivatives, networks as intersections and unions of half-spaces),
    004 (composition of affine maps).*

    Until now we chose features (or a kernel) by hand and then optimized a linear model on them.
    A neural network **learns the features and the model at the same time**. This lecture builds
    one by hand from linear classifiers, makes it smooth so it can be trained by gradient descent,
    looks at what the hidden units learn, and ends with a *playground* where you train small
    networks on XOR, circles and spirals.

    Everything below uses the `coursekit` library; run the cells from top to bottom
    (*Run → Run All Cells*). All randomness is seeded.
    """),
    code(r"""
    %matplotlib inline
    import numpy as np
    import matplotlib.pyplot as plt

    from coursekit import functional as F
    from coursekit.gradcheck import check_vjp
    from coursekit.layers import (Sequential, Linear, Sign, Step, Sigmoid, Tanh, ReLU, Softplus,
                                  NotDifferentiableError)
    from coursekit.losses import BCEWithLogitsLoss
    from coursekit.optim import GD
    from coursekit.train import fit
    from coursekit import datasets, style
    from coursekit.plotting import plot_network_diagram, plot_decision_regions
    from coursekit.widgets.playground import PlaygroundPanel, simulate_playground, draw_playground
    from coursekit.widgets.panel import ERRORS

    np.set_printoptions(precision=4, suppress=True)
    style.use()
    """),
    md(r"""
    ## 1. A motivating example: linear classifiers as features

    The points below (400 of them, uniform on the square [−2, 2]²) are labelled 1 inside a
    four-sided region and 0 outside. **No single line separates the classes.** We could use a
    feature transformation or a non-linear kernel. The alternative of seed 000: *divide the plane
    into regions with several linear classifiers.*

    For each linear classifier j (a row **w**ⱼ of a matrix W_H and an intercept β_H,j) add a new
    ±1 feature uⱼ = sign(⟨**w**ⱼ, **x**⟩ + β_H,j) to every example **x** = [x₁, x₂]: which side of
    line j the point is on.
    """),
    code(r"""
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(400, 2))

    # Four linear classifiers: row j of W_H and entry j of beta_H define the line <w_j, x> + beta_j = 0.
    W_H = np.array([[ 0.0,  1.0],     # above x2 = -0.8
                    [ 0.0, -1.0],     # below x2 =  0.9
                    [ 1.0,  0.4],     # right of a slanted line
                    [-1.0,  0.5]])    # left of another one
    beta_H = np.array([0.8, 0.9, 0.9, 1.0])
    # The labels: 1 where all four classifiers say +1 (the quadrilateral between the lines).
    y = np.all(X @ W_H.T + beta_H > 0, axis=1).astype(np.int64)
    print(f"{len(y)} points, {y.sum()} in class 1, {len(y) - y.sum()} in class 0")
    """),
    code(r"""
    fig, ax = style.subplots(figsize=(4.5, 4.5))
    ax.scatter(X[y == 0, 0], X[y == 0, 1], s=10, c=style.COLORS["class0"], label="class 0")
    ax.scatter(X[y == 1, 0], X[y == 1, 1], s=10, c=style.COLORS["class1"], label="class 1")
    t = np.linspace(-2, 2, 2)
    for j, (w, b) in enumerate(zip(W_H, beta_H)):
        if abs(w[1]) > 1e-12:      # x2 = -(w1 x1 + b) / w2
            ax.plot(t, -(w[0] * t + b) / w[1], lw=1.5, label=f"classifier {j + 1}")
        else:
            ax.axvline(-b / w[0], lw=1.5, label=f"classifier {j + 1}")
    ax.set(xlim=(-2, 2), ylim=(-2, 2), xlabel="$x_1$", ylabel="$x_2$",
           title="four linear classifiers cut the plane into regions")
    ax.legend(loc="lower left")
    plt.show()
    """),
    md(r"""
    The hidden layer computes **z**_H = W_H **x** + **β**_H and **u**_H = sign(**z**_H): every example
    becomes a vector of four ±1 features (seed 000's matrix of −1/+1 rows). In coursekit that is a
    `Linear` layer with *given* weights followed by a `Sign` layer:
    """),
    code(r"""
    hidden = Sequential(Linear.from_weights(W_H, beta_H), Sign())
    U = hidden.forward(X)
    for i in range(5):
        print(f"x = [{X[i, 0]:+.2f}, {X[i, 1]:+.2f}]  ->  u = {U[i].astype(int)}  label {y[i]}")
    """),
    md(r"""
    **Question (seed 000):** after the transformation, how do we map each **u**ᵢ to a class label?
    Class 1 is exactly "all four features are +1", i.e. Σⱼ uⱼ = 4, while every other region has
    Σⱼ uⱼ ≤ 2. So a *second linear function* does it: z_O = W_O **u**_H + β_O with W_O = [1, 1, 1, 1],
    β_O = 0, and u_O = 𝟙[z_O > λ] with the threshold λ = 3. (We fold λ into the bias, β_O − λ = −3,
    and use coursekit's `Step`, 𝟙[z ≥ 0]; z_O − 3 is odd, never 0.)

    This is the **multilayer perceptron** (Rosenblatt, 1958), written out:

    * **z**_H = W_H **x** + **β**_H ∈ ℝ^{N_H},  **u**_H = sign(**z**_H)
    * z_O = W_O **u**_H + β_O ∈ ℝ,  u_O = 𝟙[z_O > λ]
    """),
    code(r"""
    W_O = np.array([[1.0, 1.0, 1.0, 1.0]])
    beta_O = np.array([0.0])
    lam = 3.0
    mlp_step = Sequential(Linear.from_weights(W_H, beta_H), Sign(),
                          Linear.from_weights(W_O, beta_O - lam), Step())
    print(mlp_step)
    print(f"training accuracy of the hand-built perceptron: {np.mean(mlp_step.predict(X) == y):.4f}")
    """),
    code(r"""
    fig, axes = style.subplots(1, 2, figsize=(9, 4.2))
    plot_decision_regions(mlp_step.predict, X, y, ax=axes[0], title="multilayer perceptron (sign, step)")
    axes[0].set(xlabel="$x_1$", ylabel="$x_2$")
    # The output unit sees only the 4 features: the number of +1 features per region.
    plot_decision_regions(lambda P: hidden.forward(P).sum(axis=1).astype(int), X, y, ax=axes[1],
                          cmap=style.CMAPS["levels"], alpha=0.45, title="Σ_j u_j (−4 … 4): regions of the plane")
    axes[1].set(xlabel="$x_1$")
    plt.show()
    """),
    md(r"""
    Our learning algorithm must **learn two things**: the linear functions that divide the plane into
    regions (their slopes and intercepts, W_H and **β**_H) and the linear function that maps the new
    features to a class (W_O, β_O). With sign and step activations it cannot use gradients: their
    derivative is 0 wherever it exists. coursekit refuses to backpropagate through them:
    """),
    code(r"""
    mlp_step.forward(X[:3])
    try:
        mlp_step.backward(np.ones((3, 1)))
    except NotDifferentiableError as err:
        print(type(err).__name__ + ":", str(err).split(". ")[0] + ".")
    """),
    md(r"""
    ## 2. The model's parameters and their shapes

    Θ = [W_H ∈ ℝ^{N_H×N_I}, **β**_H ∈ ℝ^{N_H}, W_O ∈ ℝ^{N_O×N_H}, β_O ∈ ℝ^{N_O}] with N_I inputs,
    N_H hidden variables and N_O outputs. coursekit keeps one example per *row*, so a layer computes
    `out = x @ W.T + b` — the seed's **z** = W **x** + **β** for every row at once — and a weight
    matrix has shape (units of the next layer, units of this layer). `Sequential.parameters()`
    names the arrays by layer index:
    """),
    code(r"""
    names = {"0.W": "W_H", "0.b": "beta_H", "2.W": "W_O", "2.b": "beta_O"}
    for key, value in mlp_step.parameters().items():
        print(f"{names[key]:7s} (coursekit '{key}')  shape {value.shape}")
    N_I, N_H, N_O = W_H.shape[1], W_H.shape[0], W_O.shape[0]
    print(f"N_I = {N_I}, N_H = {N_H}, N_O = {N_O};  P = N_H (N_I + 1) + N_O (N_H + 1) = "
          f"{N_H * (N_I + 1) + N_O * (N_H + 1)} = mlp_step.n_params = {mlp_step.n_params}")
    """),
    md(r"""
    ## 3. Smooth activations and their derivatives

    A more typical model uses **smooth activation functions** (non-linearities), which are amenable to
    gradients (seeds 000 and 002):

    | activation | g(z) | g′(z) |
    |---|---|---|
    | step | 𝟙[z > 0] | 0 for z ≠ 0 (undefined at 0) |
    | sigmoid (logistic) | σ(z) = 1/(1 + e^(−z)) | σ(z)(1 − σ(z)) |
    | tanh | tanh(z) | 1 − tanh²(z) |
    | ReLU | max(0, z) | 𝟙[z > 0] for z ≠ 0 |
    | softplus | log(1 + e^z) | 1/(1 + e^(−z)) = σ(z) |
    | GELU | z Φ(z) | Φ(z) + z φ(z) |

    (GELU, the activation of BERT and GPT, weighs z by Φ(z), the standard normal CDF;
    φ(z) = e^(−z²/2)/√(2π) is the normal density.)
    The derivative curves below are **not** typed in: each is coursekit's backward pass with upstream
    gradient dout = 1, i.e. `F.<name>_backward(np.ones_like(z), z)` = g′(z)·1.
    """),
    code(r"""
    z = np.linspace(-4, 4, 400)          # an even number of points: z = 0 is not on the grid
    ones = np.ones_like(z)
    acts = {
        "sigmoid": (F.sigmoid_forward, F.sigmoid_backward),
        "tanh": (F.tanh_forward, F.tanh_backward),
        "ReLU": (F.relu_forward, F.relu_backward),
        "softplus": (F.softplus_forward, F.softplus_backward),
        "GELU": (F.gelu_forward, F.gelu_backward),
    }
    fig, axes = style.subplots(2, 3, figsize=(9, 5.4), sharex=True)
    axes = axes.ravel()
    axes[0].plot(z, Step()(z), **style.line("forward"), label="g(z)")
    axes[0].plot(z[z < 0], 0 * z[z < 0], **style.line("backward"), label="g′(z)")
    axes[0].plot(z[z > 0], 0 * z[z > 0], **style.line("backward"))
    axes[0].plot([0], [0], "o", mfc=style.COLORS["minimum"], color=style.COLORS["backward"])
    axes[0].set_title("step (g′ undefined at 0)")
    for ax, (name, (fwd, bwd)) in zip(axes[1:], acts.items()):
        ax.plot(z, fwd(z), **style.line("forward"), label="g(z)")
        ax.plot(z, bwd(ones, z), **style.line("backward"), label="g′(z) = backward(1, z)")
        ax.set_title(name)
    for ax in axes:
        ax.axhline(0, **style.line("axis"))
        ax.set_xlabel("z")
    axes[0].legend(loc="upper left")
    axes[1].legend(loc="upper left")
    fig.tight_layout()
    plt.show()
    """),
    md(r"""
    Two checks: the derivatives agree with a central finite difference of the forward functions
    (`coursekit.gradcheck`, lecture 03), and the table's identities hold — softplus′ is the sigmoid,
    σ′ = σ(1 − σ), tanh′ = 1 − tanh².
    """),
    code(r"""
    for name, (fwd, bwd) in acts.items():
        report = check_vjp(fwd, {"z": bwd(ones, z)}, {"z": z}, ones)   # entry by entry
        print(f"{name:8s}: backward vs finite differences, every entry within rel. error 1e-6: {report.passed}")
    s = F.sigmoid_forward(z)
    print("softplus' == sigmoid:", np.allclose(F.softplus_backward(ones, z), s, rtol=1e-12, atol=0))
    print("sigmoid'  == s(1 - s):", np.allclose(F.sigmoid_backward(ones, z), s * (1 - s), rtol=1e-12, atol=0))
    print("tanh'     == 1 - tanh²:", np.allclose(F.tanh_backward(ones, z), 1 - np.tanh(z) ** 2, rtol=1e-12, atol=1e-15))
    for zz in (-2.0, -0.5, 0.5, 2.0):
        vals = ", ".join(f"{n} {float(fb[1](np.ones(1), np.array([zz]))[0]):.4f}" for n, fb in acts.items())
        print(f"g'({zz:+.1f}): {vals}")
    """),
    md(r"""
    Logistic, softplus and GELU have continuous derivatives; step and ReLU do not (seed 002). GELU is the
    only one that is not monotone: g′(−2) < 0 above, it dips to a minimum at z ≈ −0.75. Note where each
    derivative is (nearly) zero: a saturated sigmoid or tanh unit, or a ReLU with z < 0, passes almost
    no gradient back — the *vanishing gradient* that the positive derivative of softplus avoids.

    ## 4. The smooth model, trained

    Replace sign by the sigmoid, drop the threshold, and read the output as a probability
    f(**x**, Θ) = σ(z_O). Tune Θ by minimizing the cross-entropy (seed 000)

    L(Θ) = Σᵢ −yᵢ log f(**x**ᵢ, Θ) − (1 − yᵢ) log(1 − f(**x**ᵢ, Θ))

    by gradient descent. (`BCEWithLogitsLoss` applies σ to z_O inside the loss, which is the same
    function computed stably; coursekit averages over the n examples, which only rescales η.) How the
    gradient is computed is the subject of lecture 03.
    """),
    code(r"""
    smooth = Sequential(Linear(2, 4, rng=3), Sigmoid(), Linear(4, 1, rng=4))
    history = fit(smooth, BCEWithLogitsLoss(), X, y, GD(lr=4.0), epochs=1000, batch_size=len(X),
                  seed=0, progress=False)
    print(f"loss: {history.train_loss[0]:.4f} (first step) -> {history.train_loss[-1]:.4f} "
          f"(after {history.epochs} full-batch steps)")
    print(f"training accuracy of the trained sigmoid network: {np.mean(smooth.predict(X) == y):.4f}")
    """),
    code(r"""
    fig, axes = style.subplots(1, 2, figsize=(9.5, 4))
    axes[0].plot(history.train_loss)
    axes[0].set(xlabel="gradient step", ylabel="mean cross-entropy", yscale="log", title="training loss")
    plot_decision_regions(smooth.predict, X, y, ax=axes[1], title="sigmoid network, 4 hidden units")
    plt.show()
    """),
    md(r"""
    ## 5. Feature extraction: what the hidden units learn

    Each hidden unit is a feature of the input. With **step/sign activations the learned features are
    binary**: which side of a learned hyperplane a point lies on. With **sigmoid activations they are
    real valued in [0, 1]** and mimic binary features (seed 000). Below: the activation map of each
    hidden unit over the plane, for the hand-built perceptron (top) and the trained sigmoid network
    (bottom). The trained network found its own four "soft half-planes".
    """),
    code(r"""
    g = np.linspace(-2, 2, 120)
    G1, G2 = np.meshgrid(g, g)
    P = np.column_stack([G1.ravel(), G2.ravel()])
    U_step = Sequential(Linear.from_weights(W_H, beta_H), Sign()).forward(P)
    smooth.forward(P)
    U_sig = smooth[1].forward(smooth[0].forward(P))        # hidden layer only: sigma(W_H x + beta_H)
    fig, axes = style.subplots(2, 4, figsize=(13, 6.2))
    for j in range(4):
        for row, (U, name) in enumerate([(U_step, "sign unit"), (U_sig, "sigmoid unit")]):
            ax = axes[row, j]
            im = ax.contourf(G1, G2, U[:, j].reshape(G1.shape), levels=20, cmap=style.CMAPS["signed"])
            ax.scatter(X[y == 1, 0], X[y == 1, 1], s=3, c=style.COLORS["class1"])
            ax.set_title(f"{name} {j + 1}")
            ax.set_xticks([]); ax.set_yticks([])
        fig.colorbar(im, ax=axes[1, j], fraction=0.046)
    plt.show()
    print("sign features take the values", np.unique(U_step).astype(int), "only; "
          f"{np.mean((U_sig > 0.05) & (U_sig < 0.95)):.2f} of the sigmoid feature values lie in (0.05, 0.95)")
    """),
    md(r"""
    ## 6. Networks as intersections and unions of half-spaces

    A single neuron sign(⟨**w**, **x**⟩ + b) is a half-space classifier. Seed 002 (following the
    UML book's pictures, which count the layers of *neurons*, output included) says "2 hidden layer
    networks can express intersections of half-spaces" and "networks with 3 hidden layers can express
    unions of intersections". In the counting used in this course that is: **one hidden layer** of
    half-spaces plus an output neuron expresses an **intersection of half-spaces** (a convex polygon);
    **two hidden layers** plus an output express **unions of intersections** of half-spaces. With
    0/1 step units:

    * AND of k inputs: 𝟙[u₁ + … + u_k − (k − ½) ≥ 0];  OR: 𝟙[u₁ + … + u_k − ½ ≥ 0].

    We build all three by hand (two triangles; the union is "either triangle").
    """),
    code(r"""
    def halfplanes_through(vertices):
        # Rows (w, b) with w.x + b >= 0 inside the convex polygon (counter-clockwise vertices).
        rows = []
        for p, q in zip(vertices, np.roll(vertices, -1, axis=0)):
            d = q - p
            w = np.array([-d[1], d[0]])              # inward normal for counter-clockwise order
            rows.append(np.append(w, -w @ p))
        return np.array(rows)

    tri1 = np.array([[-1.6, -1.2], [0.2, -1.2], [-0.7, 1.4]])
    tri2 = np.array([[0.4, 1.5], [0.6, -0.6], [1.8, 0.9]])
    H1, H2 = halfplanes_through(tri1), halfplanes_through(tri2)

    one_halfspace = Sequential(Linear.from_weights(H1[:1, :2], H1[:1, 2]), Step())
    intersection = Sequential(Linear.from_weights(H1[:, :2], H1[:, 2]), Step(),
                              Linear.from_weights([[1.0, 1.0, 1.0]], [-2.5]), Step())
    H12 = np.vstack([H1, H2])
    union = Sequential(Linear.from_weights(H12[:, :2], H12[:, 2]), Step(),                 # 6 half-planes
                       Linear.from_weights([[1, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 1]], [-2.5, -2.5]), Step(),  # 2 ANDs
                       Linear.from_weights([[1.0, 1.0]], [-0.5]), Step())                 # 1 OR
    rng = np.random.default_rng(1)
    Q = rng.uniform(-2, 2, size=(2000, 2))
    from matplotlib.path import Path as _Path
    in1, in2 = _Path(tri1).contains_points(Q), _Path(tri2).contains_points(Q)
    print(f"intersection network == 'inside triangle 1' on 2000 random points: "
          f"{np.mean(intersection.predict(Q) == in1):.4f}")
    print(f"union network == 'inside triangle 1 or 2' on 2000 random points: "
          f"{np.mean(union.predict(Q) == (in1 | in2)):.4f}")
    A, B = np.meshgrid(np.linspace(-2, 2, 200), np.linspace(-2, 2, 200))
    grid_pts = np.column_stack([A.ravel(), B.ravel()])
    fig, axes = style.subplots(1, 3, figsize=(12, 4))
    for ax, (net, title) in zip(axes, [(one_halfspace, "1 neuron: a half-space"),
                                        (intersection, "2 layers: an intersection"),
                                        (union, "3 layers: a union of intersections")]):
        ax.contourf(A, B, net.predict(grid_pts).reshape(A.shape), levels=[-0.5, 0.5, 1.5],
                    colors=[style.COLORS["minimum"], style.COLORS["class1"]], alpha=0.7)
        for tri in (tri1, tri2):
            ax.fill(*tri.T, fill=False, **style.line("margin"))
        ax.set(title=title, aspect="equal", xlabel="$x_1$")
    plt.show()
    """),
    md(r"""
    ## 7. Depth, width and architecture diagrams

    The **width** of a layer is its number of units, the **depth** the number of layers of weights
    (seed 002: the length of a longest path). All networks here are **feedforward** and
    **fully connected**: every unit of layer i feeds every unit of layer i + 1, and there are no
    backward (recurrent) connections. The diagrams show neither the biases nor the activations
    (as in seed 000). A fully connected layer from n_l to n_{l+1} units has (n_l + 1)·n_{l+1}
    parameters.
    """),
    code(r"""
    archs = {
        "motivating example": ([2, 4, 1], None),
        "seed 000's backprop network": ([2, 3, 3, 1], [["a", "b"], ["c", "d", "e"], ["f", "g", "h"], ["z"]]),
        "union of two triangles": ([2, 6, 2, 1], None),
        "digits classifier (lecture 05)": ([64, 32, 32, 10], None),
    }
    fig, axes = style.subplots(1, 4, figsize=(16, 3.6))
    for ax, (title, (sizes, labels)) in zip(axes, archs.items()):
        plot_network_diagram(sizes, ax=ax, labels=labels, title=title)
    plt.show()
    for title, (sizes, _) in archs.items():
        layers = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layers += [Linear(a, b, rng=i), Tanh()]
        net = Sequential(*layers[:-1])
        formula = sum((a + 1) * b for a, b in zip(sizes[:-1], sizes[1:]))
        print(f"{title:32s} widths {sizes}: depth {len(sizes) - 1}, P = {net.n_params} (formula {formula})")
    """),
    md(r"""
    ## 8. Why the activations matter: affine maps compose to an affine map

    Seed 004's remark: if every activation is linear (G(**x**) = **x**), a network of any depth is
    N**x** = F^{(D−1)} ⋯ F^{(1)} F^{(0)} **x** with affine maps F^{(i)}**x** = W^{(i)}**x** + **b**^{(i)},
    and a composition of affine maps is affine:

    W = W^{(2)} W^{(1)} W^{(0)},  **b** = W^{(2)}(W^{(1)} **b**^{(0)} + **b**^{(1)}) + **b**^{(2)}.

    So such a network can only fit affine functions — it is linear regression in disguise. Checked
    numerically on a 3-layer linear network:
    """),
    code(r"""
    deep_linear = Sequential(Linear(2, 5, rng=10), Linear(5, 5, rng=11), Linear(5, 1, rng=12))
    for layer in deep_linear:                                 # give the biases non-zero values
        layer.params["b"][...] = np.random.default_rng(13).normal(size=layer.params["b"].shape)
    (W0, b0), (W1, b1), (W2, b2) = [(l.params["W"], l.params["b"]) for l in deep_linear]
    W = W2 @ W1 @ W0
    b = W2 @ (W1 @ b0 + b1) + b2
    Xt = np.random.default_rng(14).normal(size=(1000, 2))
    gap = np.max(np.abs(deep_linear.forward(Xt) - (Xt @ W.T + b)))
    print(f"collapsed map: W = {W.ravel()}, b = {b}")
    print("max |N(x) - (W x + b)| < 1e-12 on 1000 points:", gap < 1e-12)
    """),
    md(r"""
    The consequence on XOR: trained the same way, the network with linear activations does no better
    than a single line, while the same architecture with tanh activations separates the classes.
    """),
    code(r"""
    Xx, yx = datasets.xor(n=200, noise=0.15, seed=0)
    results = {}
    for name, act in [("linear (no activation)", None), ("tanh", Tanh)]:
        layers = [Linear(2, 8, rng=0)] + ([act()] if act else []) + [Linear(8, 1, rng=1)]
        net = Sequential(*layers)
        fit(net, BCEWithLogitsLoss(), Xx, yx, GD(lr=0.5), epochs=500, batch_size=len(Xx), seed=0, progress=False)
        results[name] = net
        print(f"{name:24s} training accuracy on XOR: {np.mean(net.predict(Xx) == yx):.3f}")
    fig, axes = style.subplots(1, 2, figsize=(9, 4))
    for ax, (name, net) in zip(axes, results.items()):
        plot_decision_regions(net.predict, Xx, yx, ax=ax, title=f"2-8-1 network, {name}")
    plt.show()
    """),
    md(r"""
    ## 9. The playground

    The panel below trains a network with one hidden layer,
    x → Linear(2, N_H) → g → Linear(N_H, 2) → softmax, by full-batch gradient descent on the
    cross-entropy for 500 steps, and draws the decision regions (left) and the loss curve (right).
    Move the **hidden units** and **learning rate** sliders and change the **activation** and
    **dataset** choosers; the panel retrains and redraws (about a second per change). The training
    is done by the pure function `simulate_playground`, which you can call yourself.

    *How many hidden units (splitting hyperplanes) does XOR need? circles? spirals?*
    (Seed 000 recommends <https://playground.tensorflow.org/> for more of this.)
    """),
    code(r"""
    # NBVAL_IGNORE_OUTPUT
    # (a live widget: its view and its captured figure differ between front ends)
    panel = PlaygroundPanel(dataset="XOR", hidden_units=4, lr=0.5, activation="tanh")
    panel
    """),
    md(r"""
    What the panel computes, for a few settings (final loss and training accuracy after 500 steps).
    With a monotone activation one hidden unit gives a decision boundary that is a single line (the
    output is a monotone function of one projection w·x + b), so XOR stays at 75 % at best; four units
    solve it. GELU is not monotone: one GELU unit can cut out a band between two parallel lines, which
    is enough for XOR. Spirals need many units — and ReLU trains them faster here than tanh:
    """),
    code(r"""
    for dataset, act, widths in [("XOR", "tanh", (1, 2, 4)), ("XOR", "GELU", (1,)), ("circles", "tanh", (1, 2, 4)),
                                 ("spirals", "ReLU", (2, 8, 32))]:
        for h in widths:
            d = simulate_playground(dataset=dataset, hidden_units=h, lr=0.5, activation=act)
            print(f"{dataset:8s} {act:5s} N_H = {h:2d}: final loss {d['final_loss']:.3f}, "
                  f"accuracy {d['accuracy']:.3f}")
    """),
    code(r"""
    draw_playground(simulate_playground(dataset="spirals", hidden_units=32, lr=0.5, activation="ReLU"))
    plt.show()
    """),
    md(r"""
    ## Summary

    * A multilayer perceptron = linear classifiers whose ±1 outputs are new features, followed by a
      second linear map: **z**_H = W_H **x** + **β**_H, **u**_H = g(**z**_H), z_O = W_O **u**_H + β_O.
    * Step/sign units give binary features but no gradient; smooth activations (sigmoid, tanh, ReLU,
      softplus, GELU) make the network trainable by gradient descent on the cross-entropy.
    * Hidden units are learned features; layers of threshold units express intersections (2 layers)
      and unions of intersections (3 layers) of half-spaces.
    * Without non-linear activations, depth buys nothing: affine maps compose to one affine map.

    Next: **lecture 03** computes the gradient of the loss with respect to every weight — backpropagation.
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
