"""The SVM figure names every mark it draws: a legend entry per class, for the ringed support
vectors, the separator f = 0 and the margins f = ±1 — in the line style the contour uses — and
labelled axes (lecture 01, the C-slider panel)."""

import numpy as np
import pytest

from coursekit import style
from coursekit.plotting import plot_svm_margins, svm_grid

pytestmark = pytest.mark.usefixtures("close_figures")


def _figure(levels=(-1.0, 0.0, 1.0), **kw):
    X = np.array([[-1.0, 0.0], [-2.0, 1.0], [1.0, 0.0], [2.0, -1.0]])
    y = np.array([0, 0, 1, 1])
    xx, yy, XY = svm_grid(X, n=30)
    F = XY[:, 0].reshape(xx.shape)          # f(x) = x₁: separator x₁ = 0, margins x₁ = ±1
    fig, ax = style.subplots(figsize=(4, 3))
    plot_svm_margins(ax, xx, yy, F, X, y, support=[0, 2], levels=levels, **kw)
    return ax


def test_every_mark_has_a_legend_entry_in_its_style():
    ax = _figure()
    handles, labels = ax.get_legend_handles_labels()
    by_label = dict(zip(labels, handles))
    assert set(labels) == {"class 0", "class 1", "support vectors", "separator f = 0", "margins f = ±1"}
    assert by_label["separator f = 0"].get_linestyle() == "-"
    assert by_label["margins f = ±1"].get_linestyle() == "--"
    # the entries stand for lines drawn by the contour, they add no visible data of their own
    assert len(by_label["margins f = ±1"].get_xdata()) == 0


def test_axes_are_labelled_unless_the_caller_did():
    ax = _figure()
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x_1$", "$x_2$")
    fig, ax2 = style.subplots(figsize=(4, 3))
    ax2.set_xlabel("feature a")
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    xx, yy, XY = svm_grid(X, n=10)
    plot_svm_margins(ax2, xx, yy, XY[:, 0].reshape(xx.shape) - 0.5, X, np.array([0, 1]))
    assert ax2.get_xlabel() == "feature a" and ax2.get_ylabel() == "$x_2$"


def test_asymmetric_margin_levels_are_listed():
    ax = _figure(levels=(-2.0, 0.0, 1.0))
    assert "margins f = -2, +1" in ax.get_legend_handles_labels()[1]
