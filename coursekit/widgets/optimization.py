"""The optimization panel: learning rate (log slider), momentum, method and landscape choosers.

:func:`simulate_optimization` is the pure work (what tests call): it runs one optimizer of
:mod:`coursekit.optim` on one landscape of :mod:`coursekit.landscapes` and returns the
trajectory, the loss history and, on quadratics, the optimal heavy-ball hyperparameters
(Goh 2017): α* = (2/(√λ₁ + √λₙ))², β* = ((√κ − 1)/(√κ + 1))².

:class:`OptimizationPanel` wires the controls to it through :class:`~coursekit.widgets.panel.Panel`
and draws three small plots: the contour plot with the trajectory, E − E_min per iteration, and
(on quadratics) the (η, β) plane as a heat map of momentum's convergence rate per step (the largest
|eigenvalue| of its iteration matrix over the quadratic's curvatures,
:func:`coursekit.landscapes.momentum_rate`; rate ≥ 1 diverges), with the edge rate = 1, the
optimum (α*, β*) and the current setting. Drawing is fast: one figure per landscape is built
once (contours included) and only the line data change on a slider move.
"""

from __future__ import annotations

import matplotlib
import numpy as np
import ipywidgets as widgets
from matplotlib.colors import LogNorm
from matplotlib.backends.backend_agg import FigureCanvasAgg

from coursekit import landscapes as L
from coursekit import style
from coursekit.optim import OPTIMIZERS
from coursekit._validate import check_choice, check_in_range, check_int, check_positive
from coursekit.plotting import landscape_grid, plot_contour
from coursekit.widgets.panel import PREFETCH, Panel

__all__ = ["simulate_optimization", "rate_map", "steps_per_digit", "OptimizationPanel", "METHODS", "DEFAULTS"]

#: Method chooser entries (the keys of coursekit.optim.OPTIMIZERS).
METHODS = list(OPTIMIZERS)
#: Default control values.
DEFAULTS = {"method": "momentum", "landscape": "narrow valley (κ = 50)", "lr": 0.02, "momentum": 0.5}


def _make_optimizer(method, lr, momentum):
    cls = OPTIMIZERS[method]
    if method in ("momentum", "Nesterov"):
        return cls(lr=lr, beta=momentum)
    return cls(lr=lr)


def simulate_optimization(method="momentum", landscape="narrow valley (κ = 50)", lr=0.02, momentum=0.5,
                          n_steps=200, w0=None):
    """Run ``method`` on ``landscape`` for ``n_steps`` steps; pure (same inputs, same output).

    Parameters
    ----------
    method : str
        One of :data:`METHODS` ("GD", "momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam",
        "Rprop", "Quickprop", "Newton").
    landscape : str or Landscape
        A name from :data:`coursekit.landscapes.LANDSCAPES`, or a 2-D landscape object.
    lr : float
        Learning rate η > 0 (Rprop: the initial step; Newton: η = 1 is Newton's method).
    momentum : float
        β in [0, 1) — used by "momentum" and "Nesterov", ignored by the others.
    n_steps : int
    w0 : array (2,), optional
        Start (default: the landscape's ``start``).

    Returns
    -------
    dict with keys
        ``method, landscape (name), landscape_obj, lr, momentum, uses_momentum`` — the inputs;
        ``ws`` (n_steps+1, 2) and ``losses`` (n_steps+1,) — the trajectory (see
        :class:`coursekit.landscapes.Trajectory`; a blow-up stops it, losses ``inf``);
        ``diverged`` — the run blew up (|w| > 1e8 or non-finite) or ended with E − E_min more
        than 10× its starting value; ``final_gap`` E(w⁽ⁿ⁾) − E_min; ``min_value``;
        ``optimal`` — on quadratics a dict ``alpha_star, beta_star, eta_max (2/λ_max),
        eta_max_momentum (2(1+β)/λ_max), rate_star ((√κ−1)/(√κ+1)), kappa, eigenvalues``,
        else None; ``rate`` — on quadratics, for GD and momentum, the predicted contraction of
        the error per step (:func:`coursekit.landscapes.momentum_rate` at (η, β), β = 0 for GD),
        else None.
    """
    check_choice(method, "method", OPTIMIZERS)
    lr = check_positive(lr, "lr")
    momentum = check_in_range(momentum, "momentum", 0.0, 1.0)
    ls = L.get_landscape(landscape)
    if ls.dim != 2:
        raise ValueError(f"landscape: expected a 2-D landscape, got d = {ls.dim}")
    traj = L.run(_make_optimizer(method, lr, momentum), ls, w0=w0, n_steps=n_steps)
    min_value = float(getattr(ls, "min_value", 0.0))
    optimal = None
    if isinstance(ls, L.Quadratic):
        a_star, b_star = ls.optimal_momentum()
        sk = np.sqrt(ls.condition_number)
        optimal = {
            "alpha_star": float(a_star), "beta_star": float(b_star),
            "eta_max": ls.eta_max, "eta_max_momentum": 2.0 * (1.0 + momentum) / float(ls.eigenvalues[0]),
            "rate_star": float((sk - 1) / (sk + 1)), "kappa": ls.condition_number,
            "eigenvalues": ls.eigenvalues.copy(),
        }
    rate = None
    if optimal is not None and method in ("GD", "momentum"):
        rate = float(L.momentum_rate(lr, momentum if method == "momentum" else 0.0, ls.eigenvalues))
    return {
        "method": method, "landscape": ls.name, "landscape_obj": ls, "lr": lr, "momentum": momentum,
        "uses_momentum": method in ("momentum", "Nesterov"),
        "ws": traj.ws, "losses": traj.losses,
        "diverged": bool(traj.diverged or traj.losses[-1] - min_value > 10 * (traj.losses[0] - min_value)),
        "final_gap": float(traj.losses[-1] - min_value), "min_value": min_value,
        "optimal": optimal, "rate": rate,
    }


def _contour_line(role):
    """``contour`` keywords (colors, linestyles, linewidths) for a line of ``role``."""
    ln = style.line(role)
    return {"colors": [ln["color"]], "linestyles": [ln["ls"]], "linewidths": [1.6]}


def rate_map(landscape, n_eta=120, n_beta=100):
    """Momentum's convergence rate per step on a quadratic over a (log η, β) grid.

    Returns ``(eta, beta, rate)``: η from 1e-4 to 10 (log-spaced), β from 0 to 0.99, and
    ``rate[i, j]`` = :func:`coursekit.landscapes.momentum_rate` at (η[j], β[i]) — the error shrinks
    like rate^k; rate ≥ 1 diverges (the panel's third plot and lecture 04's heat map).
    """
    eta = np.geomspace(1e-4, 10.0, check_int(n_eta, "n_eta", low=2))
    beta = np.linspace(0.0, 0.99, check_int(n_beta, "n_beta", low=2))
    E, B = np.meshgrid(eta, beta)
    return eta, beta, L.momentum_rate(E, B, landscape.eigenvalues)


def steps_per_digit(rate):
    """Steps for the error to shrink 10× at ``rate`` per step: ln 0.1 / ln rate (NaN where rate ≥ 1)."""
    rate = np.asarray(rate, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(rate < 1.0, np.log(0.1) / np.log(rate), np.nan)


class _Canvas:
    """One figure per landscape, drawn fast on every slider move.

    Everything static (contours, axes, ticks, labels, the (η, β) convergence region) is rendered
    ONCE into an RGBA image; the live figure shows that image (a full-figure ``imshow``) under transparent,
    axis-less overlay axes with the same positions, limits and scales, which hold only the
    moving artists (trajectory, loss curve, current (η, β) point, two texts). A redraw then
    costs a blit plus a few lines instead of re-laying-out ~100 tick labels. The loss axis has
    fixed limits (k ∈ [0, n_steps], E − E_min ∈ [1e-16, 1e6]) so its ticks can be static too.
    """

    GAP_LIM = (1e-16, 1e6)

    def __init__(self, landscape, n_steps=200):
        with style.context():
            self._build(landscape, n_steps)

    def _build(self, landscape, n_steps):
        self.landscape = landscape
        quad = isinstance(landscape, L.Quadratic)
        ratios = [1.1, 1, 0.9] if quad else [1.1, 1]
        # ---- static background, rendered once
        bg = style.figure("strip")
        FigureCanvasAgg(bg)
        axes = bg.subplots(1, len(ratios), gridspec_kw={"width_ratios": ratios})
        ax_c, ax_l = axes[0], axes[1]
        plot_contour(ax_c, landscape, grid=landscape_grid(landscape, n=101), n_levels=14)
        ax_c.set_title(landscape.name)
        ax_l.set_yscale("log")
        ax_l.set_xlim(0, n_steps)
        ax_l.set_ylim(*self.GAP_LIM)
        ax_l.set_xlabel("iteration k")
        ax_l.set_ylabel("$E(w^{(k)}) - E_{min}$")
        ax_l.grid(True, which="major", alpha=0.3)
        ax_l.set_title(" ")
        if quad:
            ax_p = axes[2]
            a_star, b_star = landscape.optimal_momentum()
            self.rate_grid = rate_map(landscape)
            eta, beta, rate = self.rate_grid
            cmap = matplotlib.colormaps[style.CMAPS["levels"]].with_extremes(bad=style.PALETTE["light"])
            mesh = ax_p.pcolormesh(eta, beta, steps_per_digit(rate), cmap=cmap, shading="auto", rasterized=True,
                                   norm=LogNorm(1.0, 1e4))
            ax_p.contour(eta, beta, rate, levels=[1.0], **_contour_line("bound"))
            ax_p.plot([], [], **style.line("bound", lw=1.6), label="rate = 1 (edge)")
            ax_p.plot([a_star], [b_star], "*", color=style.COLORS["optimum"], mec=style.COLORS["edge"], ms=13,
                      label="(α*, β*)")
            ax_p.plot([], [], "o", color=style.COLORS["path"], mec=style.COLORS["edge"], ms=7, label="current")
            ax_p.set_xscale("log")
            ax_p.set_xlim(eta.min(), eta.max())
            ax_p.set_ylim(0, beta.max())
            ax_p.set_xlabel("learning rate η")
            ax_p.set_ylabel("momentum β")
            ax_p.legend(loc="upper left", framealpha=0.85)
            ax_p.set_title("momentum: speed (grey diverges)")
            bg.colorbar(mesh, ax=ax_p, pad=0.02, fraction=0.08, label="steps per 10× (rate max|σ|)")
        bg.tight_layout()
        bg.canvas.draw()
        self.background = np.asarray(bg.canvas.buffer_rgba()).copy()
        self.background_figure = bg  # kept for inspection (tests check its fonts)
        # ---- live figure: the background image + transparent overlay axes
        fig = style.figure("strip")
        FigureCanvasAgg(fig)
        # the image lives in a full-figure axes (not figimage), so it stays aligned with the
        # overlay axes when the front end saves with bbox_inches="tight" (IPython inline does)
        bg_ax = fig.add_axes((0, 0, 1, 1), zorder=-1)
        bg_ax.imshow(self.background, extent=(0, 1, 0, 1), aspect="auto", interpolation="nearest")
        bg_ax.set_axis_off()
        self.fig = fig

        def overlay(src):
            ax = fig.add_axes(src.get_position())
            ax.set_xscale(src.get_xscale())
            ax.set_yscale(src.get_yscale())
            ax.set_xlim(src.get_xlim())
            ax.set_ylim(src.get_ylim())
            ax.set_axis_off()
            return ax

        self.ax_c, self.ax_l = overlay(ax_c), overlay(ax_l)
        (self.path,) = self.ax_c.plot([], [], marker="o", **style.line("path"), ms=2)
        (self.start,) = self.ax_c.plot([], [], "s", color=style.COLORS["path"], ms=6)
        (self.curve,) = self.ax_l.plot([], [], **style.line("loss"))
        self.title = self.ax_l.text(0.5, 1.02, "", transform=self.ax_l.transAxes, ha="center", va="bottom",
                                    fontsize=style.FONT["base"])
        self.note = self.ax_l.text(0.97, 0.95, "", transform=self.ax_l.transAxes, ha="right", va="top",
                                   fontsize=style.FONT["small"])
        self.ax_p = overlay(axes[2]) if quad else None
        if quad:
            (self.here,) = self.ax_p.plot([], [], "o", color=style.COLORS["path"], mec=style.COLORS["edge"], ms=7)

    def update(self, data):
        ws, losses = data["ws"], data["losses"]
        finite = np.isfinite(losses)
        self.path.set_data(ws[finite, 0], ws[finite, 1])
        self.start.set_data([ws[0, 0]], [ws[0, 1]])
        gap = np.clip(losses[finite] - data["min_value"], self.GAP_LIM[0] / 10, None)
        self.curve.set_data(np.flatnonzero(finite), gap)
        self.ax_l.set_xlim(0, max(len(losses) - 1, 1))
        title = f"{data['method']}, η = {data['lr']:.3g}" + (f", β = {data['momentum']:.2f}" if data["uses_momentum"] else "")
        self.title.set_text(title)
        self.note.set_text("diverged" if data["diverged"] else f"final gap {data['final_gap']:.2e}")
        self.note.set_color(style.COLORS["diverged" if data["diverged"] else "text"])
        if self.ax_p is not None:
            b = data["momentum"] if data["uses_momentum"] else 0.0
            self.here.set_data([data["lr"]], [b])
        return self.fig


class OptimizationDrawer:
    """``draw(data) -> Figure`` with one cached :class:`_Canvas` per landscape."""

    def __init__(self):
        self._canvases: dict = {}

    def __call__(self, data):
        ls = data["landscape_obj"]
        if id(ls) not in self._canvases:
            self._canvases[id(ls)] = _Canvas(ls, n_steps=len(data["losses"]) - 1)
        return self._canvases[id(ls)].update(data)


def readout(data):
    """HTML under the controls: final gap, divergence, and on quadratics α*, β*, 2/λ_max."""
    parts = [f"<b>{data['method']}</b> on {data['landscape']}: "
             + (f"<span style='color:{style.COLORS['diverged']}'>diverged</span>" if data["diverged"]
                else f"E − E<sub>min</sub> after {len(data['losses']) - 1} steps = {data['final_gap']:.3e}")]
    opt = data["optimal"]
    if data.get("rate") is not None:
        parts.append(f"predicted error factor per step at this (η, β): max |σ| = {data['rate']:.4f}"
                     + (" — diverges" if data["rate"] >= 1 else ""))
    if opt is not None:
        parts.append(f"κ = {opt['kappa']:.3g}; GD needs η &lt; 2/λ<sub>max</sub> = {opt['eta_max']:.4g}; "
                     f"momentum optimum α* = {opt['alpha_star']:.4g}, β* = {opt['beta_star']:.4g} "
                     f"(rate {opt['rate_star']:.3f} per step)")
    if not data["uses_momentum"]:
        parts.append("(the momentum slider only affects momentum and Nesterov)")
    return "<br>".join(parts)


class OptimizationPanel(Panel):
    """Sliders for η (log scale) and β, choosers for the method and the landscape.

    ``panel.set(lr=0.05)`` moves a slider and redraws; ``panel.data`` is the latest
    :func:`simulate_optimization` result, ``panel.figure`` the drawn figure.
    """

    def __init__(self, method=DEFAULTS["method"], landscape=DEFAULTS["landscape"], lr=DEFAULTS["lr"],
                 momentum=DEFAULTS["momentum"], n_steps=200):
        n_steps = check_int(n_steps, "n_steps", low=1)
        controls = {
            "lr": widgets.FloatLogSlider(value=lr, base=10, min=-4, max=1, step=0.01,
                                         description="learning rate", readout_format=".3g",
                                         continuous_update=False),
            "momentum": widgets.FloatSlider(value=momentum, min=0.0, max=0.99, step=0.01,
                                            description="momentum", continuous_update=False),
            "method": widgets.Dropdown(options=METHODS, value=method, description="method"),
            "landscape": widgets.Dropdown(options=list(L.LANDSCAPES), value=landscape, description="landscape"),
        }
        self.n_steps = n_steps
        self.drawer = OptimizationDrawer()
        # the drawer reuses one figure (blitting): the background thread gets its own
        super().__init__(controls, self._simulate, self.drawer, readout, prefetch=PREFETCH,
                         background_draw=OptimizationDrawer())

    def _simulate(self, method, landscape, lr, momentum):
        return simulate_optimization(method=method, landscape=landscape, lr=lr, momentum=momentum,
                                     n_steps=self.n_steps)
