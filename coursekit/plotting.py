"""Plotting helpers shared by the lectures and the widget panels (matplotlib only).

Each helper draws into a given ``ax`` (or a new figure) and returns what it drew, so panels can
reuse one figure and lectures can compose several plots. Colours, line styles and fonts come from
:mod:`coursekit.style` (text sizes from ``rcParams``, which ``style.use()``/``style.context()``
set). Append new helpers below; keep each small and independent.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from coursekit import style


# --------------------------------------------------------------------------- optimization
def landscape_grid(landscape, n=121, box=None):
    """Evaluate a 2-D landscape on an n×n grid over ``box`` (default ``landscape.box``).

    Returns ``(X1, X2, E)``, each of shape (n, n). Compute it once and reuse it (panels cache it).
    """
    (a, b), (c, d) = landscape.box if box is None else box
    X1, X2 = np.meshgrid(np.linspace(a, b, n), np.linspace(c, d, n))
    return X1, X2, landscape.value_grid(X1, X2)


def plot_contour(ax, landscape, grid=None, n_levels=18, cmap=None):
    """Filled-line contours of a 2-D landscape on ``ax``, with its minima as white stars.

    Levels are spaced geometrically above the minimum (E − E_min from 1e-3·range to the max),
    so narrow valleys and flat floors both show. ``cmap`` defaults to ``style.CMAPS["levels"]``.
    Returns the ``QuadContourSet``.
    """
    X1, X2, E = landscape_grid(landscape) if grid is None else grid
    emin = float(getattr(landscape, "min_value", np.nanmin(E)))
    rel = np.maximum(E - emin, 0.0)
    top = float(np.nanmax(rel))
    levels = emin + np.geomspace(max(top * 1e-4, 1e-12), top, n_levels)
    cs = ax.contour(X1, X2, E, levels=levels, cmap=cmap or style.CMAPS["levels"],
                    linewidths=style.LINES["contour"]["lw"])
    minima = getattr(landscape, "minima", None)
    if minima is not None:
        ax.plot(minima[:, 0], minima[:, 1], "*", color=style.COLORS["minimum"], mec=style.COLORS["edge"], ms=11,
                zorder=5)
    ax.set_xlim(X1.min(), X1.max())
    ax.set_ylim(X2.min(), X2.max())
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    return cs


def plot_trajectory(ax, ws, color=None, label=None, **kw):
    """An optimizer's path ``ws`` (n+1, 2) as a line with dots, start marked by a square.

    ``color`` defaults to ``style.COLORS["path"]``.
    """
    ws = np.asarray(ws)
    color = style.COLORS["path"] if color is None else color
    (line,) = ax.plot(ws[:, 0], ws[:, 1], "-o", color=color, ms=2.5, lw=1.2, label=label, **kw)
    ax.plot(ws[0, 0], ws[0, 1], "s", color=color, ms=6)
    return line


def plot_loss_curve(ax, losses, min_value=0.0, label=None, **kw):
    """E(w⁽ᵏ⁾) − E_min against the iteration k on a log axis (diverged steps, inf, are cut)."""
    gap = np.asarray(losses, dtype=float) - min_value
    gap = np.where(np.isfinite(gap), np.maximum(gap, 1e-300), np.nan)
    (line,) = ax.semilogy(np.arange(gap.size), gap, label=label, **kw)
    ax.set_xlabel("iteration k")
    ax.set_ylabel("$E(w^{(k)}) - E_{min}$")
    return line


# ---------------------------------------------------------------- network diagrams (lecture 02)
def plot_network_diagram(layer_sizes, ax=None, labels=None, title=None, max_drawn=10):
    """Draw a fully connected feed-forward architecture: one column of nodes per layer.

    Parameters
    ----------
    layer_sizes : sequence of int ≥ 1
        Units per layer, input first (e.g. ``[2, 3, 3, 1]`` for seed 000's a, b → c, d, e →
        f, g, h → z).
    ax : matplotlib Axes, optional
    labels : sequence of sequences of str, optional
        Node names per layer (drawn inside the nodes).
    title : str, optional
    max_drawn : int
        A layer wider than this is drawn with ``max_drawn`` nodes and a "⋮ (n)" mark.

    Returns
    -------
    ax : the Axes drawn into. Every edge of every pair of adjacent layers is drawn (bias
    terms and activations are not, as in the seed's diagrams).
    """
    sizes = [int(s) for s in layer_sizes]
    if len(sizes) < 2 or min(sizes) < 1:
        raise ValueError(f"layer_sizes: expected at least two positive sizes, got {list(layer_sizes)!r}")
    if ax is None:
        _, ax = style.subplots(figsize=(1.6 * len(sizes) + 1, 3.2))
    drawn = [min(s, max_drawn) for s in sizes]
    tallest = max(drawn)
    pos = []
    for i, m in enumerate(drawn):
        ys = (np.arange(m) - (m - 1) / 2.0) * (1.0 if tallest < 2 else min(1.0, 6.0 / tallest))
        pos.append([(float(i), float(-y)) for y in ys])
    for i in range(len(pos) - 1):
        for (x0, y0) in pos[i]:
            for (x1, y1) in pos[i + 1]:
                ax.plot([x0, x1], [y0, y1], color=style.COLORS["neutral"], lw=0.6, zorder=1)
    colors = [style.COLORS["input"]] + [style.COLORS["hidden"]] * (len(sizes) - 2) + [style.COLORS["output"]]
    for i, layer in enumerate(pos):
        for j, (x, y) in enumerate(layer):
            ax.scatter([x], [y], s=420, color=colors[i], edgecolors=style.COLORS["edge"], zorder=2)
            if labels is not None and i < len(labels) and j < len(labels[i]):
                ax.text(x, y, str(labels[i][j]), ha="center", va="center", fontsize=style.FONT["base"],
                        zorder=3)
        if sizes[i] > drawn[i]:
            ax.text(i, min(y for _, y in layer) - 0.6, f"⋮ ({sizes[i]})", ha="center", va="top",
                    fontsize=style.FONT["small"])
        name = "input" if i == 0 else ("output" if i == len(sizes) - 1 else f"hidden {i}")
        ax.text(i, max(y for _, y in layer) + 0.7, f"{name}\n{sizes[i]}", ha="center", va="bottom",
                fontsize=style.FONT["small"])
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ymax = max(max(abs(y) for _, y in layer) for layer in pos)
    ax.set_ylim(-ymax - 1.2, ymax + 1.6)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


def plot_decision_regions(predict, X, y, ax=None, grid=200, pad=0.25, cmap=None, alpha=0.3, title=None):
    """Shade the plane by the class ``predict`` assigns and scatter the labelled points.

    Parameters
    ----------
    predict : callable(ndarray (M, 2)) -> labels (M,)
    X : (n, 2) points; y : (n,) integer labels
    ax : matplotlib Axes, optional; grid : points per axis; pad : margin as a fraction of the range
    cmap : colour map of the classes, default ``style.CMAPS["classes"]``

    Returns
    -------
    ax
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X: expected shape (n, 2), got {X.shape}")
    if ax is None:
        _, ax = style.subplots(figsize=(4, 4))
    span = X.max(axis=0) - X.min(axis=0)
    lo, hi = X.min(axis=0) - pad * span, X.max(axis=0) + pad * span
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], grid), np.linspace(lo[1], hi[1], grid))
    labels = np.asarray(predict(np.column_stack([xx.ravel(), yy.ravel()]))).reshape(xx.shape)
    classes = np.unique(y)
    cmap = style.CMAPS["classes"] if cmap is None else cmap
    ax.contourf(xx, yy, labels, levels=np.arange(labels.min() - 0.5, labels.max() + 1.0), cmap=cmap, alpha=alpha)
    cm = plt.get_cmap(cmap)
    for k, c in enumerate(classes):
        ax.scatter(X[y == c, 0], X[y == c, 1], s=12, color=cm(k / max(1, len(classes) - 1)),
                   edgecolors=style.COLORS["edge"], linewidths=0.3, label=f"class {c}")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal")
    if title:
        ax.set_title(title)
    return ax


# ------------------------------------------------------------------------------ SVMs
def svm_grid(X, n=200, pad=0.2):
    """A square-ish evaluation grid around the points X (m, 2): returns ``(xx, yy, XY)``,
    ``xx``/``yy`` of shape (n, n) and ``XY = [xx.ravel(), yy.ravel()]`` of shape (n², 2)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X: expected shape (m, 2), got {X.shape}")
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.maximum(hi - lo, 1e-12)
    lo, hi = lo - pad * span, hi + pad * span
    xx, yy = np.meshgrid(np.linspace(lo[0], hi[0], n), np.linspace(lo[1], hi[1], n))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def plot_svm_margins(ax, xx, yy, F, X, y, support=None, shade=True, title=None, levels=(-1.0, 0.0, 1.0)):
    """The separator f = 0 (solid), the margins f = ±1 (dashed) and the support vectors (rings).

    Every mark has a legend entry (call ``ax.legend()``) and the axes are labelled x₁, x₂
    unless they already have labels.

    Parameters
    ----------
    ax : Axes
    xx, yy : (n, n) grid; F : (n, n) decision values f(x) on it
    X : (m, 2) training points; y : (m,) labels (two classes; the second is f > 0)
    support : indices of the support vectors (circled), optional
    shade : tint the two half-planes by the sign of f

    Returns
    -------
    ax
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    classes = np.unique(y)
    if shade:
        lim = max(float(np.abs(F).max()), 1e-12)
        ax.contourf(xx, yy, np.clip(F, -2, 2), levels=np.linspace(-2, 2, 21) if lim > 0 else 3,
                    cmap=style.CMAPS["proba"], alpha=0.25)
    roles = ["margin" if lv != 0 else "boundary" for lv in levels]
    ax.contour(xx, yy, F, levels=list(levels), colors=[style.COLORS[r] for r in roles],
               linestyles=[style.LINES[r]["ls"] for r in roles], linewidths=[style.LINES[r]["lw"] for r in roles])
    for k, c in enumerate(classes[:2]):
        ax.scatter(X[y == c, 0], X[y == c, 1], s=14, color=style.COLORS[f"class{k}"], edgecolors=style.COLORS["edge"],
                   linewidths=0.3,
                   label=f"class {c}", zorder=3)
    if support is not None and len(support):
        S = X[np.asarray(support)]
        ax.scatter(S[:, 0], S[:, 1], s=70, facecolors="none", edgecolors=style.COLORS["support"],
                   linewidths=style.LINES["support"]["lw"],
                   label="support vectors", zorder=4)
    # contour lines carry no legend entry: empty lines in their style stand for them
    for lv, role in zip(levels, roles):
        if lv == 0:
            ax.plot([], [], color=style.COLORS[role], **_ls(role), label="separator f = 0")
    others = sorted(lv for lv in levels if lv != 0)
    if others:
        text = f"±{others[1]:g}" if len(others) == 2 and others[0] == -others[1] else ", ".join(f"{lv:+g}" for lv in others)
        ax.plot([], [], color=style.COLORS["margin"], **_ls("margin"), label=f"margins f = {text}")
    ax.set_xlim(xx.min(), xx.max())
    ax.set_ylim(yy.min(), yy.max())
    ax.set_aspect("equal")
    if not ax.get_xlabel():
        ax.set_xlabel("$x_1$")
    if not ax.get_ylabel():
        ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def _ls(role):
    return {"ls": style.LINES[role]["ls"], "lw": style.LINES[role]["lw"]}


def plot_margin_losses(ax, z=None):
    """Hinge max(0, 1 − z), logistic log(1 + e^(−z)) (and log₂ of it) and the 0–1 loss
    against the margin z = y·f(x). Returns ``ax``."""
    z = np.linspace(-3, 3, 601) if z is None else np.asarray(z, dtype=np.float64)
    logistic = np.maximum(-z, 0) + np.log1p(np.exp(-np.abs(z)))
    hinge, logit = style.series(2)
    ax.plot(z, np.maximum(0.0, 1.0 - z), lw=2, color=hinge, label="hinge  max(0, 1 − z)")
    ax.plot(z, logistic, lw=2, color=logit, label="logistic  log(1 + e^(−z))")
    ax.plot(z, logistic / np.log(2), lw=1.2, ls=style.LINES["reference"]["ls"], color=logit, label="logistic / log 2")
    ax.plot(z, (z <= 0).astype(float), **style.line("neutral"), label="0–1 loss")
    ax.set_xlabel("margin z = y·f(x)")
    ax.set_ylabel("loss")
    ax.legend()
    return ax
