"""Plot helpers appended to coursekit.plotting for lecture 02."""

import numpy as np
import pytest
from matplotlib.collections import PathCollection

from coursekit.plotting import plot_decision_regions, plot_network_diagram


pytestmark = pytest.mark.usefixtures("close_figures")  # the panels and plots draw many figures


@pytest.mark.parametrize("sizes", [[2, 4, 1], [2, 3, 3, 1], [3, 5, 2]])
def test_network_diagram_draws_every_edge_and_node(sizes):
    ax = plot_network_diagram(sizes)
    edges = [ln for ln in ax.get_lines()]
    assert len(edges) == sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))
    nodes = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(nodes) == sum(sizes)


def test_wide_layers_are_truncated_and_labelled():
    ax = plot_network_diagram([64, 32, 10], max_drawn=8)
    assert len(ax.get_lines()) == 8 * 8 + 8 * 8
    texts = [t.get_text() for t in ax.texts]
    assert "⋮ (64)" in texts and "⋮ (32)" in texts


@pytest.mark.parametrize("sizes", [[3], [2, 0, 1]])
def test_network_diagram_rejects_bad_sizes(sizes):
    with pytest.raises(ValueError, match="layer_sizes"):
        plot_network_diagram(sizes)


def test_decision_regions_uses_the_predictor():
    X = np.array([[-1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    y = np.array([0, 1, 1])
    calls = []

    def predict(P):
        calls.append(P.shape)
        return (P[:, 0] > 0).astype(int)

    ax = plot_decision_regions(predict, X, y, grid=50)
    assert calls == [(2500, 2)]
    assert ax.get_xlim()[0] < -1 and ax.get_xlim()[1] > 1
    with pytest.raises(ValueError, match="X"):
        plot_decision_regions(predict, np.zeros((3, 3)), y)
