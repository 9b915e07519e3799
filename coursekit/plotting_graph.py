"""Computation graphs drawn with matplotlib: nodes, wires, forward values and backward gradients.

Lecture 03 draws backpropagation the way CS231n's notes do: every wire of a computation graph
carries the value computed on the forward pass and the gradient sent back along it on the
backward pass. The numbers are whatever the caller computed (a real forward and backward pass);
this module only places them, so a figure can never disagree with the code that produced it.

:func:`draw_computation_graph` draws one graph into an Axes; it needs no graphviz.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from matplotlib.lines import Line2D

from coursekit import style

__all__ = ["draw_computation_graph", "NODE_KINDS"]

#: Node kinds and the style colour each is filled with.
NODE_KINDS = {"input": "input", "hidden": "hidden", "output": "output", "gate": "hidden"}


def _check_number(value, name):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
        raise TypeError(f"{name}: expected a real number or None, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name}: expected a finite number, got {value!r}")
    return value


def _check_fraction(value, name):
    value = _check_number(value, name)
    if value is None or not 0.0 < value < 1.0:
        raise ValueError(f"{name}: expected a number strictly between 0 and 1, got {value!r}")
    return value


def draw_computation_graph(ax, positions, edges, *, labels=None, kinds=None, node_values=None,
                           node_grads=None, fmt="{:.3f}", forward_at=0.5, backward_at=0.5,
                           node_size=0.32, offset=None, legend=True, title=None):
    """Draw a computation graph with forward values and backward gradients on its wires.

    Parameters
    ----------
    ax : matplotlib Axes
    positions : dict name -> (x, y)
        Where each node is drawn (data coordinates; the axes are switched off).
    edges : sequence of (source, target, forward, backward)
        One wire from ``source`` to ``target`` (both keys of ``positions``). ``forward`` is the
        value the wire carries on the forward pass, ``backward`` the gradient it carries back;
        either may be None (not written).
    labels : dict name -> str, optional
        Text inside each node (default: its name).
    kinds : dict name -> str, optional
        ``"input"``, ``"hidden"``, ``"output"`` or ``"gate"`` (the fill colour; default
        ``"hidden"``).
    node_values, node_grads : dict name -> float, optional
        A value written above the node (forward colour) and a gradient written below it
        (backward colour).
    fmt : str
        Format of every number, e.g. ``"{:.3f}"``.
    forward_at, backward_at : float in (0, 1)
        Where along a wire (0 = source, 1 = target) its forward value and its gradient are
        written. Equal fractions put the value above the wire and the gradient below it (the
        CS231n layout); different fractions write both on the wire, which keeps the numbers of a
        dense layer apart.
    node_size : float
        Radius of a node in data units.
    offset : float, optional
        Distance of a number from its wire when the value and the gradient share a place
        (default ``0.5 * node_size``).
    legend : bool
        Add a legend naming the two colours of numbers.
    title : str, optional

    Returns
    -------
    texts : dict
        The numbers written, as strings: ``("forward", source, target)``, ``("backward", source,
        target)``, ``("value", name)``, ``("grad", name)`` -> text. Tests read the figure back
        through it.
    """
    if not hasattr(ax, "text") or not hasattr(ax, "plot"):
        raise TypeError(f"ax: expected a matplotlib Axes, got {type(ax).__name__}")
    if not isinstance(positions, dict) or not positions:
        raise TypeError(f"positions: expected a non-empty dict name -> (x, y), got {positions!r}")
    pos = {}
    for name, xy in positions.items():
        try:
            x, y = (float(v) for v in xy)
        except (TypeError, ValueError):
            raise TypeError(f"positions[{name!r}]: expected a pair (x, y), got {xy!r}") from None
        pos[name] = (x, y)
    labels = dict(labels or {})
    kinds = dict(kinds or {})
    for name, kind in kinds.items():
        if kind not in NODE_KINDS:
            raise ValueError(f"kinds[{name!r}]: expected one of {sorted(NODE_KINDS)}, got {kind!r}")
    forward_at = _check_fraction(forward_at, "forward_at")
    backward_at = _check_fraction(backward_at, "backward_at")
    if not isinstance(fmt, str):
        raise TypeError(f"fmt: expected a format string such as '{{:.3f}}', got {fmt!r}")
    same_place = abs(forward_at - backward_at) < 1e-12
    r = float(node_size)
    if not r > 0:
        raise ValueError(f"node_size: expected a positive radius, got {node_size!r}")

    texts = {}
    fs = style.FONT["small"]
    box = {"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85}
    for k, edge in enumerate(edges):
        try:
            src, dst, fwd, bwd = edge
        except (TypeError, ValueError):
            raise TypeError(f"edges[{k}]: expected (source, target, forward, backward), got {edge!r}") from None
        for end in (src, dst):
            if end not in pos:
                raise ValueError(f"edges[{k}]: node {end!r} has no position (known: {sorted(pos)})")
        fwd = _check_number(fwd, f"edges[{k}] forward")
        bwd = _check_number(bwd, f"edges[{k}] backward")
        (x0, y0), (x1, y1) = pos[src], pos[dst]
        length = math.hypot(x1 - x0, y1 - y0)
        if length == 0:
            raise ValueError(f"edges[{k}]: {src!r} and {dst!r} are drawn at the same place")
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        ax.annotate("", xy=(x1 - ux * r, y1 - uy * r), xytext=(x0 + ux * r, y0 + uy * r),
                    arrowprops={"arrowstyle": "-|>", "color": style.COLORS["neutral"], "lw": 0.9,
                                "shrinkA": 0, "shrinkB": 0}, zorder=1)
        nx, ny = -uy, ux                       # unit normal, pointing "up" for a left-to-right wire
        if ny < 0:
            nx, ny = -nx, -ny
        off = (0.5 * r if offset is None else float(offset)) if same_place else 0.0
        for role, value, t, sign, key in (("forward", fwd, forward_at, 1.0, "forward"),
                                          ("backward", bwd, backward_at, -1.0, "backward")):
            if value is None:
                continue
            s = fmt.format(value)
            ax.text(x0 + t * (x1 - x0) + sign * off * nx, y0 + t * (y1 - y0) + sign * off * ny, s,
                    color=style.COLORS[role], fontsize=fs, ha="center", va="center", bbox=box, zorder=4)
            texts[(key, src, dst)] = s
    for name, (x, y) in pos.items():
        color = style.COLORS[NODE_KINDS[kinds.get(name, "hidden")]]
        ax.add_patch(_circle((x, y), r, color))
        ax.text(x, y, labels.get(name, str(name)), ha="center", va="center", fontsize=style.FONT["base"],
                zorder=5)
    for role, values, sign, key in (("forward", node_values, 1.0, "value"), ("backward", node_grads, -1.0, "grad")):
        for name, value in (values or {}).items():
            if name not in pos:
                raise ValueError(f"{'node_values' if key == 'value' else 'node_grads'}: node {name!r} has no "
                                 f"position (known: {sorted(pos)})")
            value = _check_number(value, f"{key} of {name!r}")
            s = fmt.format(value)
            x, y = pos[name]
            ax.text(x, y + sign * (r + 0.05), s, color=style.COLORS[role], fontsize=fs, ha="center",
                    va="bottom" if sign > 0 else "top", fontweight="bold", zorder=5)
            texts[(key, name)] = s
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - 2 * r, max(xs) + 2 * r)
    ax.set_ylim(min(ys) - 2.4 * r, max(ys) + 2.4 * r)
    ax.set_aspect("equal")
    ax.axis("off")
    if legend:
        handles = [Line2D([], [], marker="s", ls="none", color=style.COLORS["forward"],
                          label="forward value (computed left to right)"),
                   Line2D([], [], marker="s", ls="none", color=style.COLORS["backward"],
                          label="backward gradient (computed right to left)")]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=2, frameon=False)
    if title:
        ax.set_title(title)
    return texts


def _circle(xy, r, color):
    from matplotlib.patches import Ellipse

    # a circle in data units (the axes keep an equal aspect)
    return Ellipse(xy, 2 * r, 2 * r, facecolor=color, edgecolor=style.COLORS["edge"], lw=1.0, zorder=3)
