"""Minibatch SGD on seed 002's linear regression, and its slider panel.

The empirical risk of the seed's example (n = 10⁵ points)

    L(β) = (1/n) Σᵢ (yᵢ − β₀ − β₁xᵢ)²

has the full gradient ∇L(β) = (2/n) Σᵢ [β₀ + β₁xᵢ − yᵢ, xᵢ(β₀ + β₁xᵢ − yᵢ)] and, for a
minibatch S drawn uniformly at random, the stochastic gradient

    ∇̃L(β) = (2/|S|) Σ_{i∈S} [β₀ + β₁xᵢ − yᵢ, xᵢ(β₀ + β₁xᵢ − yᵢ)],

an **unbiased** estimate of ∇L(β) (E ∇̃L = ∇L) whose covariance is Σ/|S| · (n − |S|)/(n − 1),
with Σ the covariance of the per-example gradients gᵢ(β) — it shrinks like 1/|S|.
SGD iterates β ← β − η ∇̃L(β).

Pure functions (what tests call): :func:`regression_data`, :func:`loss`,
:func:`full_gradient`, :func:`per_example_gradients`, :func:`minibatch_gradient`,
:func:`gradient_estimates`, :func:`simulate_sgd`. The panel :class:`SGDPanel` wires a
"batch size" and a "learning rate" slider to :func:`simulate_sgd` and draws the path over
the loss contours and the loss curve.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np

from coursekit import style
from coursekit._validate import as_float_array, check_callable, check_int, check_positive
from coursekit.widgets.panel import PREFETCH, Panel

__all__ = [
    "N_POINTS",
    "BATCH_SIZES",
    "regression_data",
    "loss",
    "full_gradient",
    "per_example_gradients",
    "minibatch_gradient",
    "gradient_estimates",
    "least_squares",
    "simulate_sgd",
    "draw_sgd",
    "readout_sgd",
    "SGDPanel",
]

#: Seed 002's sample size.
N_POINTS = 100_000
#: The batch sizes the panel offers (powers of 2).
BATCH_SIZES = tuple(2 ** k for k in range(0, 13))
#: |β| beyond this counts as diverged (the iteration is stopped, the rest of the path is NaN).
_DIVERGED = 1e6


@functools.lru_cache(maxsize=4)
def _cached_data(n, seed):
    from coursekit.datasets import linear_regression

    out = linear_regression(n=n, seed=seed)
    x, y = np.asarray(out[0], dtype=np.float64), np.asarray(out[1], dtype=np.float64)
    x = x.reshape(n, -1)[:, 0] if x.ndim == 2 else x.reshape(n)
    y = y.reshape(n)
    x.setflags(write=False)
    y.setflags(write=False)
    return x, y


def regression_data(n=N_POINTS, seed=0):
    """The seed-002 regression set from :func:`coursekit.datasets.linear_regression`.

    Returns
    -------
    x : (n,) float64 read-only
    y : (n,) float64 read-only, y = β₀ + β₁x + noise
    """
    return _cached_data(check_int(n, "n", low=2), check_int(seed, "seed", low=0))


def _xy(x, y):
    if x is None and y is None:
        return regression_data()
    x = as_float_array(x, "x", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"y: expected the shape of x {x.shape}, got {y.shape}")
    if x.shape[0] < 1:
        raise ValueError("x: expected at least one point, got 0")
    return x, y


def _beta(beta):
    beta = as_float_array(beta, "beta", ndim=1)
    if beta.shape != (2,):
        raise ValueError(f"beta: expected shape (2,) = (β₀, β₁), got {beta.shape}")
    return beta


def loss(beta, x=None, y=None):
    """Empirical risk L(β) = (1/n) Σᵢ (yᵢ − β₀ − β₁xᵢ)² (default data: :func:`regression_data`)."""
    beta = _beta(beta)
    x, y = _xy(x, y)
    r = beta[0] + beta[1] * x - y
    return float(np.mean(r * r))


def per_example_gradients(beta, x=None, y=None):
    """gᵢ(β) = 2 [rᵢ, xᵢ rᵢ] with rᵢ = β₀ + β₁xᵢ − yᵢ, as an (n, 2) array (∇L = mean of the rows)."""
    beta = _beta(beta)
    x, y = _xy(x, y)
    r = beta[0] + beta[1] * x - y
    return 2.0 * np.stack([r, x * r], axis=1)


def full_gradient(beta, x=None, y=None):
    """∇L(β) = (2/n) Σᵢ [rᵢ, xᵢ rᵢ], shape (2,)."""
    beta = _beta(beta)
    x, y = _xy(x, y)
    r = beta[0] + beta[1] * x - y
    return np.array([2.0 * r.mean(), 2.0 * np.mean(x * r)])


def minibatch_gradient(beta, idx, x=None, y=None):
    """The stochastic gradient (2/|S|) Σ_{i∈S} [rᵢ, xᵢ rᵢ] over the index set ``idx`` = S, shape (2,)."""
    beta = _beta(beta)
    x, y = _xy(x, y)
    idx = np.asarray(idx)
    if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
        raise ValueError(f"idx: expected a non-empty 1-D integer index array, got shape {idx.shape} dtype {idx.dtype}")
    xs, ys = x[idx], y[idx]
    r = beta[0] + beta[1] * xs - ys
    return np.array([2.0 * r.mean(), 2.0 * np.mean(xs * r)])


def _draw_batch(rng, n, batch_size):
    """A uniformly random subset S of {0, …, n−1} with |S| = batch_size (no repeats)."""
    if batch_size >= n:
        return np.arange(n)
    return rng.choice(n, size=batch_size, replace=False)


def gradient_estimates(beta, batch_size, n_draws, seed=0, x=None, y=None):
    """``n_draws`` independent minibatch gradients at β, each over a fresh random S.

    Returns
    -------
    g : (n_draws, 2) float64
        Row k is (2/|S_k|) Σ_{i∈S_k} [rᵢ, xᵢ rᵢ]. Its mean estimates ∇L(β) (unbiased) and its
        covariance is Σ/|S| · (n − |S|)/(n − 1) (sampling without replacement).
    """
    beta = _beta(beta)
    x, y = _xy(x, y)
    n = x.shape[0]
    batch_size = check_int(batch_size, "batch_size", low=1, high=n)
    n_draws = check_int(n_draws, "n_draws", low=1)
    rng = np.random.default_rng(check_int(seed, "seed", low=0))
    g = np.empty((n_draws, 2))
    for k in range(n_draws):
        idx = _draw_batch(rng, n, batch_size)
        xs, ys = x[idx], y[idx]
        r = beta[0] + beta[1] * xs - ys
        g[k, 0] = 2.0 * r.mean()
        g[k, 1] = 2.0 * np.dot(xs, r) / batch_size
    return g


def least_squares(x=None, y=None):
    """The minimiser β* of L (ordinary least squares, via ``np.linalg.lstsq``) and L(β*)."""
    x, y = _xy(x, y)
    A = np.stack([np.ones_like(x), x], axis=1)
    beta_star = np.linalg.lstsq(A, y, rcond=None)[0]
    return beta_star, loss(beta_star, x, y)


@functools.lru_cache(maxsize=4)
def _moments(seed):
    """Sufficient statistics of L (it is a quadratic): L(β) = c − 2 bᵀβ + βᵀMβ."""
    x, y = regression_data(seed=seed)
    M = np.array([[1.0, x.mean()], [x.mean(), np.mean(x * x)]])
    b = np.array([y.mean(), np.mean(x * y)])
    c = float(np.mean(y * y))
    beta_star, loss_star = least_squares(x, y)
    return M, b, c, beta_star, loss_star


def simulate_sgd(batch_size=32, lr=0.05, n_steps=200, seed=0, beta_init=(-2.0, -2.0), data_seed=0,
                 schedule=None):
    """Run minibatch SGD β ← β − η ∇̃L(β) on the seed-002 regression set (pure).

    Parameters
    ----------
    batch_size : int in [1, n]
        |S|, drawn afresh (uniformly, without repeats) at every step.
    lr : float > 0
        The learning rate η.
    n_steps : int ≥ 1
    seed : int ≥ 0
        Seeds the minibatch draws (same arguments → same result).
    beta_init : (β₀, β₁)
    data_seed : int ≥ 0
        Which regression set (:func:`regression_data`).
    schedule : callable k -> η_k, optional
        A learning-rate schedule (e.g. from :mod:`coursekit.optim`); step k = 0, 1, … then uses
        η_k = ``schedule(k)`` instead of the constant ``lr``.

    Returns
    -------
    dict with
        ``betas`` (n_steps + 1, 2): β after each step (row 0 = ``beta_init``; NaN after divergence),
        ``losses`` (n_steps + 1,): the full empirical risk L(β_k) (NaN after divergence),
        ``beta_star`` (2,), ``loss_star``: the least-squares minimiser and its risk,
        ``diverged`` (bool), ``lr_max``: 2/λ_max(∇²L), the largest stable *full-batch* step,
        ``lrs`` (n_steps,): the η used at each step,
        ``batch_size``, ``lr``, ``n_steps``, ``seed``, ``quad`` = (M, b, c) with
        L(β) = c − 2bᵀβ + βᵀMβ (for drawing contours).
    """
    x, y = regression_data(seed=check_int(data_seed, "data_seed", low=0))
    n = x.shape[0]
    batch_size = check_int(batch_size, "batch_size", low=1, high=n)
    lr = check_positive(lr, "lr")
    n_steps = check_int(n_steps, "n_steps", low=1)
    seed = check_int(seed, "seed", low=0)
    beta = _beta(beta_init).copy()
    M, bvec, c, beta_star, loss_star = _moments(data_seed)
    rng = np.random.default_rng(seed)

    if schedule is None:
        lrs = np.full(n_steps, lr)
    else:
        check_callable(schedule, "schedule", "a callable k -> η or None")
        lrs = np.array([check_positive(schedule(k), f"schedule({k})") for k in range(n_steps)])
    betas = np.full((n_steps + 1, 2), np.nan)
    betas[0] = beta
    diverged = False
    for k in range(1, n_steps + 1):
        idx = _draw_batch(rng, n, batch_size)
        xs, ys = x[idx], y[idx]
        with np.errstate(over="ignore", invalid="ignore"):
            r = beta[0] + beta[1] * xs - ys
            g0 = 2.0 * r.mean()
            g1 = 2.0 * np.dot(xs, r) / batch_size
        beta = beta - lrs[k - 1] * np.array([g0, g1])
        if not np.all(np.isfinite(beta)) or np.max(np.abs(beta)) > _DIVERGED:
            diverged = True
            break
        betas[k] = beta
    # L(β) from the sufficient statistics (exact for this quadratic, O(1) per step)
    with np.errstate(over="ignore", invalid="ignore"):
        losses = c - 2.0 * betas @ bvec + np.einsum("ki,ij,kj->k", betas, M, betas)
    lam_max = float(np.linalg.eigvalsh(2.0 * M).max())
    return {
        "betas": betas,
        "losses": losses,
        "beta_star": beta_star,
        "loss_star": loss_star,
        "diverged": diverged,
        "lr_max": 2.0 / lam_max,
        "batch_size": batch_size,
        "lr": lr,
        "lrs": lrs,
        "n_steps": n_steps,
        "seed": seed,
        "quad": (M, bvec, c),
    }


def draw_sgd(data):
    """Left: the SGD path over the contours of L(β). Right: L(β_k) − L(β*) per step (log scale)."""
    betas, bs = data["betas"], data["beta_star"]
    M, bvec, c = data["quad"]
    fig, (ax0, ax1) = style.subplots(1, 2, figsize="wide")
    with style.context():
        centre = (betas[0] + bs) / 2.0
        half = 0.75 * np.max(np.abs(betas[0] - bs)) + 1.0
        b0 = np.linspace(centre[0] - half, centre[0] + half, 121)
        b1 = np.linspace(centre[1] - half, centre[1] + half, 121)
        B0, B1 = np.meshgrid(b0, b1)
        L = (c - 2.0 * (bvec[0] * B0 + bvec[1] * B1)
             + M[0, 0] * B0 ** 2 + 2.0 * M[0, 1] * B0 * B1 + M[1, 1] * B1 ** 2)
        ax0.contour(B0, B1, L - data["loss_star"], levels=np.geomspace(1e-2, 1e2, 12), cmap=style.CMAPS["levels"],
                    linewidths=style.LINES["contour"]["lw"])
        ok = np.all(np.isfinite(betas), axis=1)
        ax0.plot(betas[ok, 0], betas[ok, 1], ".-", color=style.COLORS["path"], ms=2, lw=0.7, label="SGD path")
        ax0.plot(*betas[0], "o", color=style.COLORS["path"], ms=5, label="start")
        ax0.plot(*bs, "*", color=style.COLORS["optimum"], mec=style.COLORS["edge"], ms=12,
                 label="β* (least squares)")
        ax0.set_xlim(b0[0], b0[-1])
        ax0.set_ylim(b1[0], b1[-1])
        ax0.set_xlabel("β₀")
        ax0.set_ylabel("β₁")
        ax0.legend(loc="upper left")
        ax0.set_title(f"|S| = {data['batch_size']}, η = {data['lr']:.3g}")
        gap = data["losses"] - data["loss_star"]
        steps = np.arange(gap.size)
        good = np.isfinite(gap)
        ax1.semilogy(steps[good], np.maximum(gap[good], 1e-12), **style.line("loss"))
        ax1.set_xlim(0, gap.size - 1)
        ax1.set_xlabel("step k")
        ax1.set_ylabel("L(β_k) − L(β*)")
        title = "diverged" if data["diverged"] else "excess empirical risk"
        ax1.set_title(title, color=style.COLORS["diverged" if data["diverged"] else "text"])
        style.tight_layout(fig)
    return fig


def readout_sgd(data):
    """One line of HTML: final β, final excess risk, stability bound."""
    if data["diverged"]:
        last = "<b>diverged</b> (|β| > 10⁶)"
    else:
        b = data["betas"][-1]
        last = (f"β = ({b[0]:.3f}, {b[1]:.3f}), L − L* = {data['losses'][-1] - data['loss_star']:.2e}")
    return (f"after {data['n_steps']} steps: {last}; β* = ({data['beta_star'][0]:.3f}, "
            f"{data['beta_star'][1]:.3f}); full-batch GD is stable for η &lt; 2/λ_max = {data['lr_max']:.3f}")


class SGDPanel(Panel):
    """Sliders "batch size" (powers of 2) and "learning rate" (log scale) over :func:`simulate_sgd`.

    A :class:`~coursekit.widgets.panel.Panel`: ``panel.set(batch_size=…, lr=…)`` reruns
    :func:`simulate_sgd` and redraws; ``panel.data`` is its latest result.
    """

    def __init__(self, batch_size=32, lr=0.05, n_steps=200, seed=0):
        if batch_size not in BATCH_SIZES:
            raise ValueError(f"batch_size: expected one of {BATCH_SIZES}, got {batch_size!r}")
        lr = check_positive(lr, "lr")
        n_steps = check_int(n_steps, "n_steps", low=1)
        seed = check_int(seed, "seed", low=0)
        controls = {
            "batch_size": widgets.SelectionSlider(options=list(BATCH_SIZES), value=batch_size,
                                                  description="batch size", continuous_update=False),
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-3, max=0.5, step=0.05,
                                         description="learning rate", readout_format=".3f",
                                         continuous_update=False),
        }
        simulate = functools.partial(simulate_sgd, n_steps=n_steps, seed=seed)
        super().__init__(controls, simulate, draw_sgd, readout_sgd, prefetch=PREFETCH)
