"""coursekit.plotting_graph: a computation graph writes exactly the numbers it is given, where it says."""

import math

import numpy as np
import pytest
from matplotlib.patches import Ellipse
from matplotlib.text import Annotation

from coursekit import style
from coursekit.plotting_graph import draw_computation_graph

pytestmark = pytest.mark.usefixtures("close_figures")

POS = {"x": (0.0, 1.0), "y": (0.0, -1.0), "q": (2.0, 0.0)}


def _graph(**kw):
    fig, ax = style.subplots()
    # a multiply gate q = x y at x = 3, y = -4 with upstream gradient 2
    texts = draw_computation_graph(ax, POS, [("x", "q", 3.0, -8.0), ("y", "q", -4.0, 6.0)],
                                   node_values={"q": -12.0}, node_grads={"q": 2.0}, **kw)
    return ax, texts


def _text_at(ax, s):
    return [t for t in ax.texts if t.get_text() == s]


def test_every_number_is_written_once_in_its_colour():
    ax, texts = _graph(fmt="{:.1f}")
    assert texts == {("forward", "x", "q"): "3.0", ("backward", "x", "q"): "-8.0",
                     ("forward", "y", "q"): "-4.0", ("backward", "y", "q"): "6.0",
                     ("value", "q"): "-12.0", ("grad", "q"): "2.0"}
    for (role, *_), s in texts.items():
        [t] = _text_at(ax, s)
        expected = style.COLORS["forward" if role in ("forward", "value") else "backward"]
        assert t.get_color() == expected, (role, s)


def test_same_place_puts_the_value_above_and_the_gradient_below_the_wire():
    ax, texts = _graph(fmt="{:.1f}", forward_at=0.5, backward_at=0.5)
    # wire x (0, 1) -> q (2, 0): midpoint (1, 0.5); "above" is the side of the normal with y > 0
    (fx, fy), = [t.get_position() for t in _text_at(ax, "3.0")]
    (bx, by), = [t.get_position() for t in _text_at(ax, "-8.0")]
    assert fy > 0.5 > by
    assert math.isclose((fx + bx) / 2, 1.0) and math.isclose((fy + by) / 2, 0.5)


def test_different_places_write_both_numbers_on_the_wire_at_their_fractions():
    ax, _ = _graph(fmt="{:.1f}", forward_at=0.75, backward_at=0.25)
    assert _text_at(ax, "3.0")[0].get_position() == pytest.approx((1.5, 0.25))
    assert _text_at(ax, "-8.0")[0].get_position() == pytest.approx((0.5, 0.75))


def test_nodes_are_drawn_with_their_labels_and_a_legend_names_both_colours():
    fig, ax = style.subplots()
    draw_computation_graph(ax, POS, [("x", "q", None, None), ("y", "q", 1.0, None)],
                           labels={"q": "×"}, kinds={"x": "input", "y": "input", "q": "gate"})
    circles = [p for p in ax.patches if isinstance(p, Ellipse)]
    assert len(circles) == 3
    arrows = [t for t in ax.texts if isinstance(t, Annotation)]
    assert len(arrows) == 2 and all(a.get_text() == "" for a in arrows)      # one arrow per wire
    assert {t.get_text() for t in ax.texts if not isinstance(t, Annotation)} == {"x", "y", "×", "1.000"}
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("forward" in s for s in labels) and any("backward" in s for s in labels)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"edges": [("x", "nowhere", 1.0, 1.0)]}, ValueError, "edges\\[0\\].*'nowhere'"),
    ({"edges": [("x", "q", "1", 1.0)]}, TypeError, "edges\\[0\\] forward.*str"),
    ({"edges": [("x", "q", np.nan, 1.0)]}, ValueError, "finite"),
    ({"edges": [("x", "q", 1.0)]}, TypeError, "edges\\[0\\].*\\(source, target, forward, backward\\)"),
    ({"forward_at": 1.0}, ValueError, "forward_at.*between 0 and 1"),
    ({"kinds": {"x": "bias"}}, ValueError, "kinds\\['x'\\]"),
    ({"node_values": {"w": 1.0}}, ValueError, "node_values.*'w'"),
    ({"positions": {"x": 1.0}}, TypeError, "positions\\['x'\\]"),
    ({"node_size": 0.0}, ValueError, "node_size"),
])
def test_bad_arguments_are_named(kwargs, error, match):
    fig, ax = style.subplots()
    args = {"positions": POS, "edges": [("x", "q", 1.0, 2.0)], **kwargs}
    with pytest.raises(error, match=match):
        draw_computation_graph(ax, args.pop("positions"), args.pop("edges"), **args)


def test_an_axes_is_required():
    with pytest.raises(TypeError, match="ax: expected a matplotlib Axes"):
        draw_computation_graph(None, POS, [])
