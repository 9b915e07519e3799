"""The course's one figure style: resolution, sizes, fonts, colours and line styles.

Every widget panel and every lecture figure takes its look from this module, so a restyle
(another dpi, palette, font size or line style) is a change to this file plus re-executed
lecture notebooks (see ARCHITECTURE.md, "Lectures and panels").

How it is used
--------------
- A lecture calls :func:`use` once in its first code cell (it sets matplotlib's ``rcParams``)
  and makes figures with :func:`subplots`.
- A panel's ``draw`` function makes its figure with :func:`subplots` (or :func:`figure`),
  which apply the style whatever the notebook's ``rcParams`` are.
- Colours and line styles are looked up by *role*, at draw time: ``COLORS["train"]``,
  ``line("margin")`` (a dict of ``color``/``ls``/``lw`` to pass as keyword arguments),
  ``COLORS[optimizer_name]``, ``CMAPS["proba"]``.

Readability
-----------
A figure is stored at :data:`DPI` dots per inch and is never wider than :data:`MAX_WIDTH`
inches, so it is shown unscaled in an output area :data:`DISPLAY_WIDTH_PX` pixels wide: a
font of ``s`` points is then ``s · DPI / 72`` pixels on screen, at least :data:`MIN_FONT_PX`
for every size in :data:`FONT` (:func:`font_px` computes it for any figure).
"""

from __future__ import annotations

import contextlib
import threading

import matplotlib
import matplotlib.pyplot as plt
from cycler import cycler
from matplotlib.figure import Figure

from coursekit._validate import check_choice, check_int, check_positive

__all__ = ["DPI", "DISPLAY_WIDTH_PX", "MAX_WIDTH", "MIN_FONT_PX", "FONT", "SIZES", "PALETTE", "COLORS", "LINES",
           "CMAPS", "rc", "use", "context", "size", "subplots", "figure", "line", "series", "font_px"]

#: Dots per inch of every figure (on screen and stored in the notebooks).
DPI = 100
#: Width of a notebook output area the figures are made for, in screen pixels.
DISPLAY_WIDTH_PX = 900
#: The widest figure, in inches: ``DISPLAY_WIDTH_PX / DPI``, so no figure is shrunk on screen.
MAX_WIDTH = DISPLAY_WIDTH_PX / DPI
#: The smallest text height on screen a figure may use, in pixels.
MIN_FONT_PX = 10
#: Font sizes in points: body text and labels, tick labels/legends/annotations, titles.
FONT = {"base": 10, "small": 9, "title": 11}
#: Named figure sizes in inches (a name can stand for ``figsize``): the panels use them.
SIZES = {"wide": (9.0, 3.6), "strip": (9.0, 3.1), "square": (5.2, 4.4)}

#: The ten base colours (matplotlib's "tab10"); the roles below refer to them.
PALETTE = {
    "blue": "#1f77b4", "orange": "#ff7f0e", "green": "#2ca02c", "red": "#d62728", "purple": "#9467bd",
    "brown": "#8c564b", "pink": "#e377c2", "gray": "#7f7f7f", "olive": "#bcbd22", "cyan": "#17becf",
    "black": "#000000", "light": "#b3b3b3", "gold": "#ffd700", "white": "#ffffff",
}
_P = PALETTE

#: Colour of each recurring role.
COLORS = {
    # data: the two classes (class 0 / y = −1 and class 1 / y = +1), train and test curves
    "class0": _P["blue"], "class1": _P["red"], "train": _P["blue"], "test": _P["orange"], "validation": _P["green"],
    # SVMs: separator f = 0, margins f = ±1, ringed support vectors, marker edges
    "boundary": _P["black"], "margin": _P["black"], "support": _P["black"], "edge": _P["black"],
    # a function and its derivative; forward and backward passes
    "function": _P["black"], "derivative": _P["red"], "forward": _P["blue"], "backward": _P["red"],
    # finite differences: exact slope, forward and central differences
    "exact": _P["green"], "fd_forward": _P["blue"], "fd_central": _P["orange"],
    # optimization: the current path and its loss curve, stable region, optimum, minima, divergence
    "path": _P["red"], "loss": _P["blue"], "stable": _P["green"], "optimum": _P["gold"],
    "minimum": _P["white"], "diverged": _P["red"], "text": _P["black"],
    # a fitted classifier drawn as a line (beside the class colours and the reference lines)
    "classifier": _P["green"],
    # reference lines (bounds, asymptotes), neutral curves and axes, connections in a diagram
    "reference": _P["black"], "bound": _P["black"], "neutral": _P["gray"], "axis": _P["light"],
    "contour": _P["gray"],
    # network diagrams: input, hidden and output units
    "input": "#9ecae1", "hidden": "#fdd49e", "output": "#a1d99b",
    # optimizers by name (the keys of coursekit.optim.OPTIMIZERS, and SGD)
    "GD": _P["red"], "SGD": _P["purple"], "momentum": _P["blue"], "Nesterov": _P["green"],
    "AdaGrad": _P["orange"], "RMSprop": _P["brown"], "Adam": _P["pink"], "Rprop": _P["olive"],
    "Quickprop": _P["cyan"], "Newton": _P["gray"],
}

#: Line style and width of each role that has one (``line(role)`` adds the colour).
LINES = {
    "boundary": {"ls": "-", "lw": 1.8}, "margin": {"ls": "--", "lw": 1.0}, "support": {"ls": "-", "lw": 1.1},
    "train": {"ls": "-", "lw": 1.5}, "test": {"ls": "--", "lw": 1.5}, "validation": {"ls": "-.", "lw": 1.7},
    "function": {"ls": "-", "lw": 1.5}, "derivative": {"ls": "-", "lw": 1.5},
    "forward": {"ls": "-", "lw": 1.5}, "backward": {"ls": "--", "lw": 1.5},
    "exact": {"ls": "-", "lw": 1.5}, "fd_forward": {"ls": "-", "lw": 1.5}, "fd_central": {"ls": "--", "lw": 1.5},
    "path": {"ls": "-", "lw": 1.1}, "loss": {"ls": "-", "lw": 1.5}, "stable": {"ls": "-", "lw": 1.0},
    "reference": {"ls": ":", "lw": 1.0}, "bound": {"ls": "--", "lw": 1.0}, "neutral": {"ls": "-", "lw": 1.0},
    "axis": {"ls": "-", "lw": 0.8}, "contour": {"ls": "-", "lw": 0.8},
}
_DEFAULT_LINE = {"ls": "-", "lw": 1.5}

#: Colour maps by role: class probability, level sets, images of digits, counts, signed values.
CMAPS = {"proba": "RdBu_r", "levels": "viridis", "digits": "gray_r", "counts": "Blues", "signed": "PuOr_r",
         "classes": "RdBu_r"}

#: Order of colours for series without a role (matplotlib's default colour cycle).
CYCLE = ("blue", "orange", "green", "red", "purple", "brown", "pink", "gray", "olive", "cyan")


def rc():
    """The matplotlib ``rcParams`` of the style (read from the module's current settings)."""
    return {
        "figure.dpi": DPI, "savefig.dpi": "figure",
        "font.size": FONT["base"], "axes.labelsize": FONT["base"], "axes.titlesize": FONT["title"],
        "figure.titlesize": FONT["title"], "xtick.labelsize": FONT["small"], "ytick.labelsize": FONT["small"],
        "legend.fontsize": FONT["small"], "legend.title_fontsize": FONT["small"],
        "lines.linewidth": _DEFAULT_LINE["lw"], "lines.markersize": 5,
        "axes.prop_cycle": cycler(color=series(len(CYCLE))),
        "image.cmap": CMAPS["levels"],
    }


def use():
    """Apply the style to matplotlib globally (a lecture's first cell calls it)."""
    matplotlib.rcParams.update(rc())


def context():
    """A context manager applying the style inside a ``with`` block only (panels use it)."""
    return plt.rc_context(rc())


def size(figsize=None, nrows=1, ncols=1):
    """The figure size in inches for a layout, never wider than :data:`MAX_WIDTH`.

    ``figsize`` (w, h) is the wanted size, or a name in :data:`SIZES` (default 4.5 × 3.6 inches
    per panel); a wider one is scaled down to ``MAX_WIDTH`` and its height by the square root of
    that factor, so the panels keep room for their labels.
    """
    if isinstance(figsize, str):
        figsize = SIZES[check_choice(figsize, "figsize", SIZES)]
    if figsize is None:
        figsize = (4.5 * check_int(ncols, "ncols", low=1), 3.6 * check_int(nrows, "nrows", low=1))
    try:
        w, h = (float(v) for v in figsize)
    except (TypeError, ValueError):
        raise TypeError(f"figsize: expected a pair (width, height) in inches, got {figsize!r}") from None
    check_positive(w, "figsize width")
    check_positive(h, "figsize height")
    if w > MAX_WIDTH:
        factor = MAX_WIDTH / w
        w, h = MAX_WIDTH, h * factor ** 0.5
    return (w, h)


_detached = threading.local()


@contextlib.contextmanager
def detached(layouts=None):
    """Inside this block (in this thread), :func:`subplots` makes figures outside pyplot.

    Panels draw inside it: their figures are encoded to PNG by the panel itself, so pyplot must
    neither track them (the inline backend would show every open figure at the end of a cell)
    nor be touched from the background thread that prepares neighbouring slider values.

    ``layouts`` (a dict the caller keeps) makes :func:`tight_layout` compute each layout once:
    the first figure of a given size and axes count gets the full tight layout, later ones reuse
    its margins (the frame then stays still while a slider moves, and a redraw skips the
    tight-layout pass, which costs as much as drawing the figure).
    """
    before = getattr(_detached, "on", False), getattr(_detached, "layouts", None)
    _detached.on, _detached.layouts = True, layouts
    try:
        yield
    finally:
        _detached.on, _detached.layouts = before


def tight_layout(fig, **kw):
    """``fig.tight_layout(**kw)``; inside :func:`detached` with ``layouts``, computed once per
    figure size and axes count and then reused."""
    layouts = getattr(_detached, "layouts", None)
    if layouts is None:
        fig.tight_layout(**kw)
        return
    key = (tuple(fig.get_size_inches().round(3)), len(fig.axes), tuple(sorted(kw.items())))
    pars = layouts.get(key)
    if pars is None:
        fig.tight_layout(**kw)
        sp = fig.subplotpars
        layouts[key] = {k: getattr(sp, k) for k in ("left", "right", "bottom", "top", "wspace", "hspace")}
    else:
        fig.subplots_adjust(**pars)


def subplots(nrows=1, ncols=1, figsize=None, **kw):
    """``plt.subplots`` in the style: its dpi and fonts, a size from :func:`size`.

    Other keyword arguments go to ``plt.subplots``. Returns ``(fig, axes)``. Inside
    :func:`detached` the figure is a bare :class:`~matplotlib.figure.Figure` on an Agg canvas
    (same size, dpi and fonts), unknown to pyplot.
    """
    with context():
        if getattr(_detached, "on", False):
            from matplotlib.backends.backend_agg import FigureCanvasAgg

            fig = Figure(figsize=size(figsize, nrows, ncols), dpi=DPI)
            FigureCanvasAgg(fig)
            return fig, fig.subplots(nrows, ncols, **kw)
        return plt.subplots(nrows, ncols, figsize=size(figsize, nrows, ncols), dpi=DPI, **kw)


def figure(figsize=None):
    """A bare :class:`matplotlib.figure.Figure` (no pyplot state) with the style's dpi and size.

    Text added later takes its size from ``rcParams``: build the figure inside :func:`context`.
    """
    return Figure(figsize=size(figsize), dpi=DPI)


def line(role, **override):
    """Keyword arguments ``color``, ``ls``, ``lw`` for a line of ``role``; ``override`` wins."""
    check_choice(role, "role", COLORS)
    return {"color": COLORS[role], **LINES.get(role, _DEFAULT_LINE), **override}


def series(n):
    """``n`` distinct colours for series without a role, in :data:`CYCLE` order (repeating)."""
    n = check_int(n, "n", low=0)
    return [PALETTE[CYCLE[i % len(CYCLE)]] for i in range(n)]


def font_px(fontsize, fig, display_width_px=DISPLAY_WIDTH_PX):
    """On-screen height in pixels of a ``fontsize``-point font in ``fig``.

    The PNG is ``width · dpi`` pixels wide and is shrunk to fit an output area
    ``display_width_px`` wide.
    """
    width_px = fig.get_size_inches()[0] * fig.dpi
    return float(fontsize) * fig.dpi / 72.0 * min(1.0, display_width_px / width_px)
