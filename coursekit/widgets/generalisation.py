"""The degree and λ sliders: von Neumann's elephant, and how ``λ R(f)`` tames it (lecture 06).

:func:`simulate_polyfit` is pure: it draws a small noisy training set from a smooth curve, a
larger validation set from the same curve, fits ridge regression on Legendre polynomial
features of every degree 0 … :data:`MAX_DEGREE` (:mod:`coursekit.regularization`) and returns
the fitted curve of the chosen degree with the training and validation errors of all degrees.
:func:`PolyfitPanel` wires a degree slider and a log-scale λ slider to it.
"""

from __future__ import annotations

import functools

import numpy as np

from coursekit import style
from coursekit._validate import check_int, check_positive
from coursekit.regularization import polynomial_features, ridge_fit, ridge_predict
from coursekit.widgets.panel import PREFETCH, Panel

__all__ = ["MAX_DEGREE", "truth", "polyfit_data", "simulate_polyfit", "draw_polyfit", "readout_polyfit",
           "PolyfitPanel"]

#: The largest degree: with 15 training points, degree 14 interpolates them exactly (at λ = 0).
MAX_DEGREE = 14


def truth(x):
    """The curve the data come from: f(x) = sin(πx) on [−1, 1]."""
    return np.sin(np.pi * np.asarray(x, dtype=float))


@functools.lru_cache(maxsize=8)
def _data(n_train, n_val, noise, seed):
    rng = np.random.default_rng(seed)
    x_tr = np.sort(rng.uniform(-1, 1, n_train))
    x_va = rng.uniform(-1, 1, n_val)
    return x_tr, truth(x_tr) + noise * rng.standard_normal(n_train), x_va, truth(x_va) + noise * rng.standard_normal(n_val)


def polyfit_data(n_train=15, n_val=200, noise=0.25, seed=0):
    """``(x_train, y_train, x_val, y_val)``: points of f(x) = sin(πx) plus Gaussian noise (copies)."""
    n_train = check_int(n_train, "n_train", low=2)
    n_val = check_int(n_val, "n_val", low=1)
    noise = check_positive(noise, "noise", allow_zero=True)
    return tuple(a.copy() for a in _data(n_train, n_val, float(noise), check_int(seed, "seed", low=0)))


def simulate_polyfit(degree=3, lam=0.0, n_train=15, n_val=200, noise=0.25, seed=0, grid=300):
    """Ridge fits of every degree at strength ``lam``; everything the panel draws.

    Parameters
    ----------
    degree : int in [0, MAX_DEGREE] — the degree whose curve is drawn
    lam : float ≥ 0 — λ in (1/n) Σ (f(xᵢ) − yᵢ)² + λ ‖β‖²
    n_train, n_val, noise, seed : the data (see :func:`polyfit_data`)
    grid : points of the drawn curve

    Returns
    -------
    dict with x_train, y_train, x_val, y_val (the data), xs (grid,), fit (grid,) the fitted curve,
    degrees (MAX_DEGREE + 1,), train_mse and val_mse (per degree), beta (degree + 1,),
    beta_norm ‖β‖, degree, lam
    """
    degree = check_int(degree, "degree", low=0, high=MAX_DEGREE)
    lam = check_positive(lam, "lam", allow_zero=True)
    x_tr, y_tr, x_va, y_va = polyfit_data(n_train, n_val, noise, seed)
    degrees = np.arange(MAX_DEGREE + 1)
    train_mse, val_mse, betas = [], [], []
    for d in degrees:
        beta = ridge_fit(polynomial_features(x_tr, d), y_tr, lam)
        betas.append(beta)
        train_mse.append(np.mean((ridge_predict(polynomial_features(x_tr, d), beta) - y_tr) ** 2))
        val_mse.append(np.mean((ridge_predict(polynomial_features(x_va, d), beta) - y_va) ** 2))
    xs = np.linspace(-1, 1, grid)
    beta = betas[degree]
    return {
        "x_train": x_tr, "y_train": y_tr, "x_val": x_va, "y_val": y_va,
        "xs": xs, "fit": ridge_predict(polynomial_features(xs, degree), beta),
        "degrees": degrees, "train_mse": np.array(train_mse), "val_mse": np.array(val_mse),
        "beta": beta, "beta_norm": float(np.linalg.norm(beta)), "degree": degree, "lam": lam,
    }


def draw_polyfit(data):
    """Figure: left, the data, the true curve and the fit; right, training and validation MSE by degree."""
    fig, (ax, ax2) = style.subplots(1, 2, figsize="wide")
    with style.context():
        ax.plot(data["xs"], truth(data["xs"]), label="true curve $\\sin(\\pi x)$", **style.line("reference"))
        ax.plot(data["xs"], data["fit"], label=f"fit, degree {data['degree']}", **style.line("function"))
        ax.plot(data["x_val"], data["y_val"], "o", ms=2.5, color=style.COLORS["validation"], alpha=0.5,
                label="validation points")
        ax.plot(data["x_train"], data["y_train"], "o", ms=5, color=style.COLORS["train"], label="training points")
        ax.set_ylim(-2.5, 2.5)
        ax.set_xlabel("$x$")
        ax.set_ylabel("$y$")
        ax.set_title(f"degree {data['degree']}, $\\lambda$ = {data['lam']:.2g}")
        ax.legend(loc="upper left", fontsize=style.FONT["small"])
        ax2.semilogy(data["degrees"], data["train_mse"], marker="o", label="training MSE", **style.line("train"))
        ax2.semilogy(data["degrees"], data["val_mse"], marker="s", label="validation MSE", **style.line("validation"))
        ax2.axvline(data["degree"], label="degree shown", **style.line("reference"))
        ax2.set_xlabel("polynomial degree")
        ax2.set_ylabel("mean squared error")
        ax2.set_title("error by degree (same $\\lambda$)")
        ax2.legend(loc="upper center", fontsize=style.FONT["small"])
        style.tight_layout(fig)
    return fig


def readout_polyfit(data):
    """HTML readout: the errors of the shown degree and ‖β‖."""
    d = data["degree"]
    best = int(np.argmin(data["val_mse"]))
    return (f"<b>degree {d}</b>: training MSE {data['train_mse'][d]:.4f}, validation MSE {data['val_mse'][d]:.4f}, "
            f"‖β‖ = {data['beta_norm']:.3g} &nbsp; (lowest validation MSE at this λ: degree {best})")


def PolyfitPanel(degree=3, lam=1e-8, lam_min=1e-8, lam_max=10.0):
    """A Panel with a degree slider (``IntSlider``, "degree") and a log-scale λ slider ("λ")."""
    import ipywidgets as widgets

    deg = widgets.IntSlider(value=degree, min=0, max=MAX_DEGREE, step=1, description="degree",
                            continuous_update=False)
    lam_slider = widgets.FloatLogSlider(value=lam, base=10, min=np.log10(lam_min), max=np.log10(lam_max),
                                        step=0.5, description="λ", continuous_update=False, readout_format=".1e")

    def simulate(degree, lam):
        return simulate_polyfit(degree=degree, lam=lam)

    return Panel({"degree": deg, "lam": lam_slider}, simulate, draw_polyfit, readout_polyfit, prefetch=PREFETCH)
