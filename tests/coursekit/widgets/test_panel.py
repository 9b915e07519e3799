"""The panel base: pictures change with the slider, bursts end on the last value, a "working"
indicator shows while a picture is computed, cached and prepared pictures are the simulated ones.
See ARCHITECTURE.md, Lectures and panels. No timing is asserted here (see benchmarks/)."""

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np
import pytest

from coursekit import style
from coursekit.widgets import panel as panel_mod
from coursekit.widgets.panel import BUSY_HTML, Panel, slider_neighbours


class Counting:
    """A pure simulator y = a·x² + b that counts its calls."""

    def __init__(self):
        self.calls = []

    def __call__(self, a, b):
        self.calls.append((a, b))
        x = np.linspace(-1, 1, 50)
        return {"a": a, "b": b, "x": x, "y": a * x ** 2 + b}


def draw(data):
    fig, ax = style.subplots(figsize="square")
    with style.context():
        ax.plot(data["x"], data["y"])
        ax.set_ylim(-10, 10)
        ax.set_title(f"a = {data['a']}, b = {data['b']}")
        style.tight_layout(fig)
    return fig


def make_panel(prefetch=0):
    sim = Counting()
    controls = {"a": widgets.IntSlider(value=3, min=-5, max=5, step=1, description="a"),
                "b": widgets.FloatSlider(value=0.0, min=-1.0, max=1.0, step=0.5, description="b")}
    p = Panel(controls, sim, draw, readout=lambda d: f"a is {d['a']}", prefetch=prefetch)
    return p, sim


def test_moving_the_slider_changes_the_picture_and_readout():
    p, sim = make_panel()
    first = p.png
    assert p.image.value == first and first.startswith(b"\x89PNG")
    p.controls["a"].value = 4
    assert p.data["a"] == 4 and sim.calls[-1] == (4, 0.0)
    assert p.png != first and p.image.value == p.png
    assert p.readout.value == "a is 4"
    assert p.status.value == ""  # nothing left "computing"


def test_a_burst_of_moves_ends_on_the_last_value_with_one_redraw():
    p, sim = make_panel()
    queued = []
    p.scheduler = queued.append  # the kernel's event loop, held back
    renders, calls = p.renders, len(sim.calls)
    for a in (4, 5, -2, -3):
        p.controls["a"].value = a
    # the working indicator is up at once, and nothing was computed yet
    assert p.status.value == BUSY_HTML and "computing" in p.status.value
    assert p.busy_shown >= 1
    assert len(queued) == 1, "moves before the redraw runs are coalesced into one"
    assert p.renders == renders and len(sim.calls) == calls
    queued.pop()()
    assert p.renders == renders + 1
    assert sim.calls[calls:] == [(-3, 0.0)], "only the last value is simulated"
    assert p.data["a"] == -3 and p.status.value == ""


def test_a_move_back_to_known_values_reuses_the_picture_without_simulating():
    p, sim = make_panel()
    png3 = p.png
    p.controls["a"].value = 4
    n = len(sim.calls)
    busy = p.busy_shown
    p.controls["a"].value = 3
    assert len(sim.calls) == n and p.png == png3 and p.data["a"] == 3
    assert p.busy_shown == busy, "a ready picture shows no working indicator"
    assert p.figure is not None and p.figure.axes[0].get_title() == "a = 3, b = 0.0"


def test_prepared_neighbours_are_exactly_the_simulated_pictures():
    p, sim = make_panel(prefetch=2)
    p.prefetch_now()
    # the main slider a: ±1, ±2 steps, nearest first; then the other slider b: ±1 step (0.5)
    assert sim.calls[1:] == [(4, 0.0), (2, 0.0), (5, 0.0), (1, 0.0), (3, 0.5), (3, -0.5)]
    fresh = Counting()(5, 0.0)
    n = len(sim.calls)
    p.controls["a"].value = 5
    assert len(sim.calls) == n, "the prepared picture is used"
    np.testing.assert_array_equal(p.data["y"], fresh["y"])
    # another control moved: the neighbours are prepared around the new values
    p.controls["b"].value = 0.5
    p.prefetch_now()
    # (5, 0.5) is shown (computed now); (3, 0.5) and (5, 0.0) are known, so not computed again
    assert sorted(sim.calls[n:]) == [(4, 0.5), (5, 0.5), (5, 1.0)]


def test_errors_are_recorded_and_raised():
    def bad(a, b):
        if a == 1:
            raise ValueError("a: boom")
        return Counting()(a, b)

    controls = {"a": widgets.IntSlider(value=0, min=-2, max=2), "b": widgets.FloatSlider(value=0.0)}
    p = Panel(controls, bad, draw)
    before = len(panel_mod.ERRORS)
    with pytest.raises(ValueError, match="boom"):
        p.controls["a"].value = 1
    assert len(panel_mod.ERRORS) == before + 1
    del panel_mod.ERRORS[before:]


def test_slider_neighbours_nearest_first_within_range():
    assert slider_neighbours(widgets.IntSlider(value=4, min=1, max=32, step=1), 2) == [5, 3, 6, 2]
    assert slider_neighbours(widgets.IntSlider(value=1, min=1, max=32, step=1), 2) == [2, 3]
    assert slider_neighbours(widgets.FloatSlider(value=0.3, min=0.0, max=1.0, step=0.1), 1) == \
        pytest.approx([0.4, 0.2])
    log = widgets.FloatLogSlider(value=1.0, base=10, min=-3, max=3, step=0.5)
    assert slider_neighbours(log, 2) == pytest.approx([10 ** 0.5, 10 ** -0.5, 10.0, 0.1])
    sel = widgets.SelectionSlider(options=[1, 2, 4, 8], value=8)
    assert slider_neighbours(sel, 2) == [4, 2]
    assert slider_neighbours(widgets.Dropdown(options=["x", "y"]), 3) == []


def test_detached_figures_are_unknown_to_pyplot_and_reuse_the_first_layout():
    layouts = {}
    known = set(plt.get_fignums())
    with style.detached(layouts):
        f1 = draw(Counting()(1, 0.0))
        f2 = draw(Counting()(-4, 0.5))
    assert set(plt.get_fignums()) == known
    assert len(layouts) == 1
    assert f2.subplotpars.left == f1.subplotpars.left and f2.subplotpars.top == f1.subplotpars.top
    # outside the block: an ordinary pyplot figure with its own tight layout
    f3 = draw(Counting()(1, 0.0))
    assert f3.number in plt.get_fignums()
    assert f3.dpi == style.DPI == f1.dpi
    plt.close(f3)


def test_background_draw_is_used_for_prepared_pictures():
    drawn_by = []

    def bg_draw(data):
        drawn_by.append(data["a"])
        return draw(data)

    controls = {"a": widgets.IntSlider(value=0, min=-1, max=1), "b": widgets.FloatSlider(value=0.0)}
    p = Panel(controls, Counting(), draw, prefetch=1, background_draw=bg_draw)
    assert drawn_by == []  # the shown picture is drawn by draw
    p.prefetch_now()
    assert sorted(drawn_by) == [-1, 0, 1]  # a = ±1, then b = 0.1 (one step; its range starts at 0)
