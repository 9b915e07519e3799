"""Finite differences and their step size h: the "step h" slider panel of lecture 03.

The function is seed 000's chain-rule example: y(x) = x³, z(x) = x², f(y, z) = y·z, so by
the multivariable chain rule

    df/dx = (∂f/∂y)(dy/dx) + (∂f/∂z)(dz/dx) = z·3x² + y·2x = 5x⁴.

A finite difference replaces the limit by a step h:

    forward  D₊(h) = (f(x + h) − f(x)) / h              error ≈ |f''| h/2   + 2ε|f|/h
    central  D₀(h) = (f(x + h) − f(x − h)) / (2h)       error ≈ |f'''| h²/6 + ε|f|/h

(truncation + round-off, ε = 2.2·10⁻¹⁶ in float64). The round-off term grows as h
shrinks, the truncation term as h grows; the total is smallest near h ≈ ε^(1/2) for the
forward and h ≈ ε^(1/3) for the central difference (:func:`coursekit.gradcheck.step_size`).

Pure function (what tests call): :func:`simulate_fd_step`. :class:`FDStepPanel` wires a
log-scale slider "step h" and a slider "x" to it.
"""

from __future__ import annotations

import functools

import ipywidgets as widgets
import numpy as np

from coursekit import style
from coursekit._validate import check_in_range, check_positive
from coursekit.gradcheck import EPS, numerical_grad
from coursekit.widgets.panel import PREFETCH, Panel

__all__ = ["chain_rule_f", "chain_rule_dfdx", "fd_errors", "simulate_fd_step", "draw_fd_step",
           "readout_fd_step", "FDStepPanel"]


def chain_rule_f(x):
    """f(x) = y(x)·z(x) with y = x³ and z = x² (seed 000), elementwise."""
    x = np.asarray(x, dtype=np.float64)
    y, z = x ** 3, x ** 2
    return y * z


def chain_rule_dfdx(x):
    """df/dx by the multivariable chain rule: z·3x² + y·2x (= 5x⁴)."""
    x = np.asarray(x, dtype=np.float64)
    y, z = x ** 3, x ** 2
    return z * 3 * x ** 2 + y * 2 * x


def _central(x, h):
    """Central difference of :func:`chain_rule_f` at x with step h, via coursekit.gradcheck."""
    return float(numerical_grad(lambda v: float(chain_rule_f(v[0])), np.array([x]), h=h)[0])


def _forward(x, h):
    """Forward difference (f(x + h) − f(x)) / h, with the step actually represented."""
    xp = x + h
    return float((chain_rule_f(xp) - chain_rule_f(x)) / (xp - x))


def fd_errors(x, hs):
    """Relative errors |D(h) − f'(x)| / |f'(x)| of the forward and central differences.

    Returns
    -------
    forward, central : ndarrays of the shape of ``hs``
    """
    exact = float(chain_rule_dfdx(x))
    hs = np.asarray(hs, dtype=np.float64)
    fwd = np.array([abs(_forward(x, h) - exact) for h in hs.ravel()]).reshape(hs.shape)
    cen = np.array([abs(_central(x, h) - exact) for h in hs.ravel()]).reshape(hs.shape)
    return fwd / abs(exact), cen / abs(exact)


@functools.lru_cache(maxsize=32)
def _curves(x):
    hs = np.logspace(-15, 0, 121)
    fwd, cen = fd_errors(x, hs)
    for a in (hs, fwd, cen):
        a.setflags(write=False)
    return hs, fwd, cen


def simulate_fd_step(h=1e-3, x=1.3):
    """Finite-difference derivatives of f = x³·x² at ``x`` with step ``h``, and the error curves.

    Parameters
    ----------
    h : float in (0, 1]
        The step.
    x : float in [0.25, 2]
        Where to differentiate.

    Returns
    -------
    dict with ``x``, ``h``, ``f`` = f(x), ``exact`` = 5x⁴, ``forward`` and ``central`` (the two
    estimates at this h), ``err_forward`` and ``err_central`` (their relative errors),
    ``hs``, ``curve_forward``, ``curve_central`` (errors over h ∈ [1e-15, 1]), and
    ``best_h_forward``/``best_h_central`` (the h on that grid with the smallest error).
    """
    h = check_in_range(check_positive(h, "h"), "h", 0.0, 1.0, low_inclusive=False, high_inclusive=True)
    x = check_in_range(x, "x", 0.25, 2.0, high_inclusive=True)
    exact = float(chain_rule_dfdx(x))
    fwd, cen = _forward(x, h), _central(x, h)
    hs, cf, cc = _curves(x)
    return {
        "x": x, "h": h, "f": float(chain_rule_f(x)), "exact": exact,
        "forward": fwd, "central": cen,
        "err_forward": abs(fwd - exact) / abs(exact), "err_central": abs(cen - exact) / abs(exact),
        "hs": hs, "curve_forward": cf, "curve_central": cc,
        "best_h_forward": float(hs[np.argmin(cf)]), "best_h_central": float(hs[np.argmin(cc)]),
    }


def draw_fd_step(data):
    """Left: f near x with its tangent and the central secant. Right: error vs h (log-log)."""
    fig, (ax0, ax1) = style.subplots(1, 2, figsize="wide")
    with style.context():
        x, h = data["x"], data["h"]
        half = max(3 * h, 0.3)
        t = np.linspace(x - half, x + half, 200)
        ax0.plot(t, chain_rule_f(t), **style.line("function"), label="f(x) = x³·x²")
        ax0.plot(t, data["f"] + data["exact"] * (t - x), **style.line("exact"),
                 label=f"tangent, slope {data['exact']:.4f}")
        fm, fp = float(chain_rule_f(x - h)), float(chain_rule_f(x + h))
        ax0.plot(t, data["f"] + data["central"] * (t - x), **style.line("fd_central"),
                 label=f"central secant, slope {data['central']:.4f}")
        ax0.plot([x - h, x + h], [fm, fp], "o", color=style.COLORS["fd_central"])
        ax0.set_xlabel("x")
        ax0.set_title(f"x = {x:.2f}, h = {h:.1e}")
        ax0.legend(loc="upper left")
        hs = data["hs"]
        ax1.loglog(hs, np.maximum(data["curve_forward"], 1e-17), **style.line("fd_forward", ls="-"),
                   label="forward (f(x+h) − f(x))/h")
        ax1.loglog(hs, np.maximum(data["curve_central"], 1e-17), **style.line("fd_central", ls="-"),
                   label="central (f(x+h) − f(x−h))/2h")
        ax1.axvline(h, **style.line("reference", ls="-"))
        ax1.plot([h], [max(data["err_forward"], 1e-17)], "o", color=style.COLORS["fd_forward"])
        ax1.plot([h], [max(data["err_central"], 1e-17)], "o", color=style.COLORS["fd_central"])
        ax1.axvline(EPS ** 0.5, **style.line("reference", color=style.COLORS["fd_forward"]))
        ax1.axvline(EPS ** (1 / 3), **style.line("reference", color=style.COLORS["fd_central"]))
        ax1.text(EPS ** 0.5, 1e-15, " ε^(1/2)", color=style.COLORS["fd_forward"])
        ax1.text(EPS ** (1 / 3), 1e-16, " ε^(1/3)", color=style.COLORS["fd_central"])
        ax1.set_xlabel("step h")
        ax1.set_ylabel("relative error of df/dx")
        ax1.set_ylim(1e-17, 10)
        ax1.set_title("round-off (left) vs truncation (right)")
        ax1.legend(loc="upper center")
        ax1.grid(True, which="major", alpha=0.3)
        style.tight_layout(fig)
    return fig


def readout_fd_step(data):
    """HTML: exact derivative, the two estimates and their relative errors."""
    return (f"df/dx = 5x⁴ = <b>{data['exact']:.10f}</b>; forward: {data['forward']:.10f} "
            f"(rel. error {data['err_forward']:.1e}); central: {data['central']:.10f} "
            f"(rel. error {data['err_central']:.1e})")


class FDStepPanel(Panel):
    """A log-scale slider "step h" and a slider "x" over :func:`simulate_fd_step`."""

    def __init__(self, h=1e-3, x=1.3):
        controls = {
            "h": widgets.FloatLogSlider(value=h, base=10, min=-15, max=0, step=0.25, description="step h",
                                        readout_format=".1e", continuous_update=False),
            "x": widgets.FloatSlider(value=x, min=0.25, max=2.0, step=0.05, description="x",
                                     continuous_update=False),
        }
        super().__init__(controls, simulate_fd_step, draw_fd_step, readout_fd_step, prefetch=PREFETCH)
