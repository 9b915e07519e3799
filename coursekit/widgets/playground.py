"""A small "neural-network playground": train a one-hidden-layer network on a 2-D toy set.

The model (seed 000's network with smooth activations, two output logits):

    z_H = W_H x + β_H          (N_H hidden units, W_H of shape (N_H, 2))
    u_H = g(z_H)               (g: one of coursekit.layers.ACTIVATIONS, e.g. tanh or ReLU)
    z_O = W_O u_H + β_O        (2 logits, W_O of shape (2, N_H))
    ŷ   = softmax(z_O)         (class probabilities)

trained by full-batch gradient descent, W ← W − η ∇W L, on the mean cross-entropy
L = −(1/n) Σᵢ log ŷᵢ[yᵢ]. Everything is coursekit: :class:`coursekit.layers.Sequential`
for the forward and backward passes, :func:`coursekit.functional.softmax_cross_entropy`
for the loss and its δ at the output, and :class:`coursekit.optim.GD` for the update.

Pure function (what tests call): :func:`simulate_playground`. The panel
:class:`PlaygroundPanel` wires the sliders "hidden units" and "learning rate" and the
choosers "activation" and "dataset" to it and redraws the decision boundary and the loss
curve.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np

from coursekit import functional as F
from coursekit import style
from coursekit._validate import check_choice, check_int, check_positive
from coursekit.layers import ACTIVATIONS, Linear, Sequential
from coursekit.optim import GD
from coursekit.widgets.panel import PREFETCH, Panel

__all__ = [
    "DATASETS",
    "ACTIVATIONS",
    "playground_data",
    "make_playground_model",
    "simulate_playground",
    "draw_playground",
    "readout_playground",
    "PlaygroundPanel",
]

#: Data sets offered by the playground (name → coursekit.datasets function and its kwargs).
DATASETS = {
    "XOR": ("xor", {"n": 200, "noise": 0.15}),
    "circles": ("circles", {"n": 200, "noise": 0.08}),
    "spirals": ("spirals", {"n": 200, "noise": 0.1}),
}
#: A weight larger than this in absolute value counts as divergence (training stops).
_DIVERGED = 1e6


@functools.lru_cache(maxsize=16)
def _cached_data(dataset, seed):
    import coursekit.datasets as ds

    fname, kwargs = DATASETS[dataset]
    X, y = getattr(ds, fname)(seed=seed, **kwargs)[:2]
    X = np.array(X, dtype=np.float64)
    y = np.asarray(y).astype(np.int64)
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def playground_data(dataset="XOR", seed=0):
    """The playground's data set: ``(X (n, 2) float64, y (n,) int labels 0/1)``, read-only.

    Parameters
    ----------
    dataset : {"XOR", "circles", "spirals"}
    seed : int
        Seed of the data generator (:mod:`coursekit.datasets`).
    """
    check_choice(dataset, "dataset", DATASETS)
    seed = check_int(seed, "seed", low=0)
    return _cached_data(dataset, seed)


def make_playground_model(hidden_units=4, activation="tanh", seed=0):
    """``Sequential(Linear(2, N_H), g, Linear(N_H, 2))`` with seeded uniform ±√(3/fan_in) init."""
    hidden_units = check_int(hidden_units, "hidden_units", low=1, high=256)
    check_choice(activation, "activation", ACTIVATIONS)
    seed = check_int(seed, "seed", low=0)
    rng = np.random.default_rng(seed)
    return Sequential(
        Linear(2, hidden_units, rng=rng),
        ACTIVATIONS[activation](),
        Linear(hidden_units, 2, rng=rng),
    )


def simulate_playground(dataset="XOR", hidden_units=4, lr=0.5, activation="tanh", epochs=500, seed=0,
                        grid=60, init_seed=None):
    """Train the playground network and return what the panel draws (pure and seeded).

    Parameters
    ----------
    dataset : {"XOR", "circles", "spirals"}
    hidden_units : int in [1, 256]
        N_H, the width of the hidden layer.
    lr : float > 0
        The learning rate η of full-batch gradient descent.
    activation : str
        The hidden activation g, a key of :data:`coursekit.layers.ACTIVATIONS`
        ("tanh", "sigmoid", "ReLU", "softplus", ...).
    epochs : int ≥ 1
        Number of full-batch gradient steps.
    seed : int ≥ 0
        Seeds the data set, and the initial weights unless ``init_seed`` is given.
    grid : int ≥ 2
        Resolution of the decision-boundary grid (grid × grid points).
    init_seed : int ≥ 0 or None
        Seeds the initial weights alone (same data, another starting point); None: ``seed``.

    Returns
    -------
    dict with
        ``X`` (n, 2), ``y`` (n,) — the data;
        ``losses`` (epochs + 1,) — L before every step and after the last one;
        ``xx``, ``yy`` (grid, grid) — the grid; ``proba`` (grid, grid) — ŷ(class 1) on it;
        ``accuracy`` — training accuracy of the final network; ``final_loss``;
        ``diverged`` — True if the loss became non-finite (training stops there);
        ``model`` — the trained :class:`~coursekit.layers.Sequential`;
        and the arguments.
    """
    X, y = playground_data(dataset, seed)
    lr = check_positive(lr, "lr")
    epochs = check_int(epochs, "epochs", low=1, high=100_000)
    grid = check_int(grid, "grid", low=2, high=1000)
    init_seed = seed if init_seed is None else check_int(init_seed, "init_seed", low=0)
    model = make_playground_model(hidden_units, activation, init_seed)
    opt = GD(lr=lr)
    params, grads = model.parameters(), model.gradients()
    losses = np.full(epochs + 1, np.nan)
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(epochs + 1):
            logits = model.forward(X)
            if not np.all(np.isfinite(logits)):
                diverged = True
                break
            loss, dlogits = F.softmax_cross_entropy(logits, y)
            losses[k] = loss
            if k == epochs:
                break
            model.backward(dlogits, input_grad=False)
            opt.step(params, grads)
            if max(float(np.max(np.abs(v))) for v in params.values()) > _DIVERGED:
                diverged = True  # the next forward pass could overflow: stop here
                break
    pad = 0.25 * (X.max(axis=0) - X.min(axis=0))
    lo, hi = X.min(axis=0) - pad, X.max(axis=0) + pad
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], grid), np.linspace(lo[1], hi[1], grid))
    if diverged:
        proba = np.full(xx.shape, 0.5)
        accuracy = float("nan")
    else:
        proba = F.softmax_forward(model.forward(np.column_stack([xx.ravel(), yy.ravel()])))[:, 1]
        proba = proba.reshape(xx.shape)
        accuracy = float(np.mean(model.predict(X) == y))
    finite = losses[np.isfinite(losses)]
    return {
        "dataset": dataset, "hidden_units": int(hidden_units), "lr": lr, "activation": activation,
        "epochs": epochs, "seed": seed, "init_seed": init_seed,
        "X": X, "y": y, "losses": losses, "xx": xx, "yy": yy, "proba": proba,
        "accuracy": accuracy, "final_loss": float(finite[-1]) if finite.size else float("nan"),
        "diverged": diverged, "model": model,
    }


def draw_playground(data):
    """Decision regions ŷ(class 1) with the data (left) and the training loss curve (right)."""
    fig, (ax0, ax1) = style.subplots(1, 2, figsize="wide", gridspec_kw={"width_ratios": [1.1, 1]})
    with style.context():
        cs = ax0.contourf(data["xx"], data["yy"], data["proba"], levels=np.linspace(0, 1, 11),
                          cmap=style.CMAPS["proba"], alpha=0.75, vmin=0, vmax=1)
        if not data["diverged"]:
            ax0.contour(data["xx"], data["yy"], data["proba"], levels=[0.5], colors=style.COLORS["boundary"],
                        linewidths=style.LINES["boundary"]["lw"])
        X, y = data["X"], data["y"]
        for k in (0, 1):
            ax0.scatter(X[y == k, 0], X[y == k, 1], s=14, c=style.COLORS[f"class{k}"],
                        edgecolors=style.COLORS["edge"], linewidths=0.4, label=f"class {k}")
        if not data["diverged"]:
            ax0.plot([], [], color=style.COLORS["boundary"], lw=style.LINES["boundary"]["lw"],
                     label="boundary ŷ = 0.5")
        ax0.legend(loc="lower left", framealpha=0.8)
        ax0.set_title(f"{data['dataset']}: {data['hidden_units']} hidden {data['activation']} units")
        ax0.set_xlabel("$x_1$")
        ax0.set_ylabel("$x_2$")
        fig.colorbar(cs, ax=ax0, label="ŷ(class 1)", fraction=0.046)
        losses = data["losses"]
        ax1.plot(np.arange(losses.size), losses, **style.line("train"))
        ax1.set_yscale("log")
        ax1.set_xlabel("gradient step")
        ax1.set_ylabel("cross-entropy L (log scale)")
        title = f"η = {data['lr']:.3g}: final L = {data['final_loss']:.3f}"
        ax1.set_title(title + (" (diverged)" if data["diverged"] else ""),
                      color=style.COLORS["diverged" if data["diverged"] else "text"])
        ax1.grid(True, which="both", alpha=0.3)
        style.tight_layout(fig)
    return fig


def readout_playground(data):
    """One line of HTML: final loss and training accuracy."""
    if data["diverged"]:
        return "<b>diverged</b>: the loss overflowed — lower the learning rate"
    return f"final loss <b>{data['final_loss']:.4f}</b>, training accuracy <b>{data['accuracy']:.1%}</b>"


class PlaygroundPanel(Panel):
    """Sliders "hidden units" and "learning rate", choosers "activation" and "dataset".

    A :class:`~coursekit.widgets.panel.Panel` over :func:`simulate_playground`:
    ``panel.set(hidden_units=…, lr=…, activation=…, dataset=…)`` retrains and redraws;
    ``panel.data`` holds the latest result.
    """

    def __init__(self, dataset="XOR", hidden_units=4, lr=0.5, activation="tanh", epochs=500, seed=0, grid=60):
        controls = {
            "hidden_units": widgets.IntSlider(value=hidden_units, min=1, max=32, step=1,
                                              description="hidden units", continuous_update=False),
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-2, max=1, step=0.1,
                                         description="learning rate", readout_format=".3f",
                                         continuous_update=False),
            "activation": widgets.Dropdown(options=list(ACTIVATIONS), value=activation, description="activation"),
            "dataset": widgets.Dropdown(options=list(DATASETS), value=dataset, description="dataset"),
        }
        fixed = {"epochs": epochs, "seed": seed, "grid": grid}
        super().__init__(controls, functools.partial(simulate_playground, **fixed), draw_playground,
                         readout_playground, prefetch=PREFETCH)
