"""coursekit.style: the one figure style (see ARCHITECTURE.md, "Lectures and panels").

A restyle must be a change to coursekit/style.py only: these tests change the style's settings at
run time and check that figures built by the style helpers and by the panels' drawing functions
follow.
"""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from coursekit import style
from coursekit.widgets.optimization import OptimizationDrawer, simulate_optimization
from coursekit.widgets.playground import draw_playground, simulate_playground
from coursekit.widgets.sgd import draw_sgd, simulate_sgd
from coursekit.widgets.svm import draw_svm, simulate_svm

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _line_colors(fig):
    return {to_hex(line.get_color()) for ax in fig.axes for line in ax.get_lines()}


def test_subplots_use_the_style_dpi_and_never_exceed_the_output_width():
    fig, axes = style.subplots(1, 4, figsize=(17, 4.2))
    assert fig.dpi == 100
    w, h = fig.get_size_inches()
    assert w * fig.dpi == pytest.approx(900)
    assert h == pytest.approx(4.2 * (9 / 17) ** 0.5)
    assert axes.shape == (4,)


def test_a_narrow_figure_keeps_its_size():
    fig, _ = style.subplots(figsize=(5.2, 4.4))
    assert tuple(fig.get_size_inches()) == pytest.approx((5.2, 4.4))


def test_changing_the_dpi_in_the_style_changes_every_new_figure(monkeypatch):
    monkeypatch.setattr(style, "DPI", 150)
    fig, _ = style.subplots()
    assert fig.dpi == 150
    assert style.figure().dpi == 150


def test_every_font_size_of_the_style_is_readable_on_screen():
    fig, _ = style.subplots(figsize=(20, 3))  # clamped: shown unscaled
    for name, size in style.FONT.items():
        assert style.font_px(size, fig) >= style.MIN_FONT_PX, name


def test_font_px_accounts_for_a_figure_shrunk_to_the_output_width():
    fig = plt.figure(figsize=(18, 3), dpi=100)  # 1800 px shown in 900 px: halved
    assert style.font_px(10, fig) == pytest.approx(10 * 100 / 72 / 2)


def test_use_sets_the_rc_params_from_the_style(monkeypatch):
    monkeypatch.setitem(style.FONT, "small", 13)
    monkeypatch.setitem(style.PALETTE, "blue", "#010203")
    with plt.rc_context():
        style.use()
        assert matplotlib.rcParams["legend.fontsize"] == 13
        assert matplotlib.rcParams["figure.dpi"] == style.DPI
        assert matplotlib.rcParams["axes.prop_cycle"].by_key()["color"][0] == "#010203"


def test_line_gives_colour_style_and_width_of_a_role():
    kw = style.line("margin")
    assert kw["ls"] == "--"
    assert kw["color"] == style.COLORS["margin"]
    assert style.line("margin", lw=3)["lw"] == 3


def test_line_names_an_unknown_role():
    with pytest.raises(ValueError, match="role"):
        style.line("no such role")


def test_size_rejects_a_bad_figsize_with_a_clear_message():
    with pytest.raises(TypeError, match="figsize"):
        style.size(3.0)
    with pytest.raises(ValueError, match="figsize width"):
        style.size((-1, 3))


def test_every_optimizer_has_a_colour():
    from coursekit.optim import OPTIMIZERS

    assert set(OPTIMIZERS) <= set(style.COLORS)


# ---- a palette change reaches the panels' lines


def test_palette_change_reaches_the_sgd_panel(monkeypatch):
    monkeypatch.setitem(style.COLORS, "path", "#123456")
    monkeypatch.setitem(style.COLORS, "loss", "#654321")
    fig = draw_sgd(simulate_sgd(batch_size=8, lr=0.05, n_steps=20, seed=0))
    path = [l for l in fig.axes[0].get_lines() if l.get_label() == "SGD path"]
    assert to_hex(path[0].get_color()) == "#123456"
    assert "#654321" in {to_hex(l.get_color()) for l in fig.axes[1].get_lines()}


def test_palette_change_reaches_the_optimization_panel(monkeypatch):
    monkeypatch.setitem(style.COLORS, "path", "#123456")
    monkeypatch.setitem(style.COLORS, "loss", "#654321")
    fig = OptimizationDrawer()(simulate_optimization(n_steps=20))
    colors = _line_colors(fig)
    assert {"#123456", "#654321"} <= colors
    assert "#d62728" not in colors  # the default path colour is gone


def test_palette_change_reaches_the_playground_and_svm_panels(monkeypatch):
    monkeypatch.setitem(style.COLORS, "train", "#0a0b0c")
    monkeypatch.setitem(style.COLORS, "class0", "#112233")
    monkeypatch.setitem(style.COLORS, "class1", "#445566")
    fig = draw_playground(simulate_playground(epochs=5, grid=20))
    assert "#0a0b0c" in _line_colors(fig)
    fig = draw_svm(simulate_svm(C=1.0, grid=30))
    faces = {to_hex(c) for coll in fig.axes[0].collections if hasattr(coll, "get_facecolor")
             for c in np.atleast_2d(coll.get_facecolor()) if len(c)}
    assert {"#112233", "#445566"} <= faces


def test_every_line_style_belongs_to_a_coloured_role():
    assert set(style.LINES) <= set(style.COLORS)
    for role in style.LINES:
        assert set(style.line(role)) == {"color", "ls", "lw"}


def test_a_named_size_changed_in_the_style_reaches_a_panel(monkeypatch):
    monkeypatch.setitem(style.SIZES, "wide", (8.0, 3.0))
    fig = draw_sgd(simulate_sgd(batch_size=8, lr=0.05, n_steps=20, seed=0))
    assert tuple(fig.get_size_inches()) == pytest.approx((8.0, 3.0))


def test_an_unknown_size_name_is_named_in_the_error():
    with pytest.raises(ValueError, match="figsize"):
        style.size("huge")
