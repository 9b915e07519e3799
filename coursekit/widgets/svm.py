"""The C slider: how the soft-margin penalty C trades margin width for slack.

:func:`simulate_svm` is pure (same arguments, same result): it fits
:class:`coursekit.svm.KernelSVM` (the exact dual solution) on a fixed, seeded
data set and returns the separator, the margins, the support vectors, the margin
width and the support-vector count. :func:`SVMPanel` wires a log-scale C slider
to it through :class:`coursekit.widgets.panel.Panel`.
"""

from __future__ import annotations

import functools

import numpy as np

from coursekit import style
from coursekit._validate import check_choice, check_positive
from coursekit.plotting import plot_svm_margins, svm_grid
from coursekit.svm import KernelSVM
from coursekit.widgets.panel import PREFETCH, Panel

__all__ = ["DATASETS", "svm_data", "simulate_svm", "draw_svm", "readout_svm", "SVMPanel"]

#: name → (description, builder(seed) -> (X, y))
DATASETS = ("overlap", "separable", "moons")


@functools.lru_cache(maxsize=16)
def _data(name, n, seed):
    from coursekit import datasets

    if name == "overlap":  # two blobs that overlap a little: the lecture's running example
        return datasets.blobs(n=n, centers=np.array([[-1.2, -0.6], [1.2, 0.6]]), noise=0.9, seed=seed)
    if name == "separable":
        return datasets.blobs(n=n, centers=np.array([[-1.6, -0.8], [1.6, 0.8]]), noise=0.5, seed=seed)
    return datasets.moons(n=n, noise=0.2, seed=seed)


def svm_data(data="overlap", n=80, seed=0):
    """The panel's data set ``(X (n, 2), y (n,))``: "overlap" (two overlapping blobs),
    "separable" (two well separated blobs) or "moons". Copies, so callers may modify them."""
    check_choice(data, "data", DATASETS)
    X, y = _data(data, int(n), int(seed))
    return X.copy(), y.copy()


def simulate_svm(C=1.0, kernel="linear", data="overlap", gamma=1.0, degree=3, n=80, seed=0, grid=120):
    """Fit the soft-margin SVM with penalty C and return everything the panel draws.

    Parameters
    ----------
    C : float > 0            the slack penalty (scikit-learn's meaning)
    kernel : "linear" | "rbf" | "poly"
    data : "overlap" | "separable" | "moons"
    gamma, degree : kernel parameters (ignored by the linear kernel)
    n, seed : data-set size and seed
    grid : points per axis of the evaluation grid

    Returns
    -------
    dict with
        X (n, 2), y (n,) : the data
        xx, yy (grid, grid), F (grid, grid) : decision values f(x) on the grid
        support (n_SV,) : indices of the support vectors (αᵢ > 0)
        n_sv : int, the support-vector count
        margin : float, m = 1/‖β‖ (in the kernel's feature space for rbf/poly)
        margin_width : float, 2/‖β‖, the distance between the lines f = −1 and f = +1
        slack (n,) : εᵢ = max(0, 1 − yᵢ f(xᵢ))
        coef (2,) or None, intercept : β and β₀ (β only for the linear kernel)
        C, kernel : echoed back
    """
    C = check_positive(C, "C")
    X, y = svm_data(data, n, seed)
    model = KernelSVM(C=C, kernel=kernel, gamma=gamma, degree=degree, tol=1e-4).fit(X, y)
    xx, yy, XY = svm_grid(X, n=grid)
    F = model.decision_function(XY).reshape(xx.shape)
    return {
        "X": X,
        "y": y,
        "xx": xx,
        "yy": yy,
        "F": F,
        "support": model.support_.copy(),
        "n_sv": int(model.support_.size),
        "margin": float(model.margin_),
        "margin_width": float(2.0 * model.margin_),
        "slack": model.slack(X, y),
        "coef": model.coef_[0].copy() if kernel == "linear" else None,
        "intercept": float(model.intercept_[0]),
        "C": C,
        "kernel": kernel,
    }


def draw_svm(data):
    """Figure: shaded halves, separator f = 0, margins f = ±1, ringed support vectors, a legend naming them."""
    fig, ax = style.subplots(figsize=(7.4, 4.4))
    with style.context():
        plot_svm_margins(ax, data["xx"], data["yy"], data["F"], data["X"], data["y"], support=data["support"],
                         title=f"{data['kernel']} SVM, C = {data['C']:.3g}")
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0))  # beside the plot: it hides no point
        style.tight_layout(fig)
    return fig


def readout_svm(data):
    """HTML readout: margin width 2/‖β‖, m = 1/‖β‖ and the support-vector count."""
    return (f"<b>margin width</b> 2/‖β‖ = {data['margin_width']:.3f} &nbsp; (m = 1/‖β‖ = {data['margin']:.3f})"
            f" &nbsp; <b>support vectors</b>: {data['n_sv']} of {len(data['y'])}"
            f" &nbsp; <b>Σ slack</b> = {data['slack'].sum():.2f}")


def SVMPanel(C=1.0, kernel="linear", data="overlap", gamma=1.0, c_min=1e-3, c_max=1e3):
    """A Panel with a log-scale C slider (``FloatLogSlider``, description "C").

    The other settings (kernel, data set, γ) are fixed per panel; build one panel per kernel.
    """
    import ipywidgets as widgets

    slider = widgets.FloatLogSlider(value=C, base=10, min=np.log10(c_min), max=np.log10(c_max), step=0.1,
                                    description="C", continuous_update=False, readout_format=".3g")

    def simulate(C):
        return simulate_svm(C=C, kernel=kernel, data=data, gamma=gamma)

    return Panel({"C": slider}, simulate, draw_svm, readout_svm, prefetch=PREFETCH)
