"""The optimization panel: the pure simulator and the slider-driven Panel."""

import ipywidgets as widgets
import numpy as np
import pytest

from coursekit import landscapes as L
from coursekit.widgets import panel as panel_mod
from coursekit.widgets.optimization import METHODS, OptimizationPanel, simulate_optimization


def test_simulate_is_pure_and_matches_a_direct_run():
    a = simulate_optimization(method="Nesterov", landscape="interesting (seed 002)", lr=0.01, momentum=0.8)
    b = simulate_optimization(method="Nesterov", landscape="interesting (seed 002)", lr=0.01, momentum=0.8)
    np.testing.assert_array_equal(a["ws"], b["ws"])
    # the same trajectory written out by hand: look-ahead Nesterov on f
    ls = L.InterestingLandscape()
    w, dW = ls.start.copy(), np.zeros(2)
    for k in range(200):
        g = ls.grad(w)
        dW = 0.8 * dW - 0.01 * g
        w = w + 0.8 * dW - 0.01 * g
    np.testing.assert_allclose(a["ws"][-1], w, atol=1e-12)
    assert a["ws"].shape == (201, 2) and a["losses"].shape == (201,)


def test_simulate_marks_goh_optimum_on_quadratics_only():
    d = simulate_optimization(method="momentum", landscape="narrow valley (κ = 50)", lr=0.02, momentum=0.3)
    lam = np.array([50.0, 1.0])                                     # the valley's eigenvalues
    assert d["optimal"]["alpha_star"] == pytest.approx((2 / (np.sqrt(50) + 1)) ** 2)
    assert d["optimal"]["beta_star"] == pytest.approx(((np.sqrt(50) - 1) / (np.sqrt(50) + 1)) ** 2)
    assert d["optimal"]["eta_max"] == pytest.approx(2 / lam.max())
    assert simulate_optimization(landscape="Rosenbrock", lr=1e-3)["optimal"] is None


def test_simulate_rejects_bad_values():
    with pytest.raises(ValueError, match="method"):
        simulate_optimization(method="SGD9000")
    with pytest.raises(ValueError, match="lr"):
        simulate_optimization(lr=-1.0)
    with pytest.raises(ValueError, match="momentum"):
        simulate_optimization(momentum=1.0)


@pytest.fixture
def panel():
    panel_mod.ERRORS.clear()
    p = OptimizationPanel(method="GD", landscape="narrow valley (κ = 50)", lr=0.01, momentum=0.0)
    yield p
    assert panel_mod.ERRORS == []


def test_panel_controls(panel):
    lr = panel.controls["lr"]
    assert isinstance(lr, widgets.FloatLogSlider) and lr.description == "learning rate"
    assert panel.controls["momentum"].description == "momentum"
    assert list(panel.controls["method"].options) == METHODS == [
        "GD", "momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam", "Rprop", "Quickprop", "Newton"]
    assert set(panel.controls["landscape"].options) == set(L.LANDSCAPES)


def test_lr_slider_crosses_the_divergence_bound(panel):
    bound = 2 / 50.0                                                 # 2/λ_max of the valley
    d = panel.set(lr=0.95 * bound)
    assert panel.data is d and not d["diverged"] and d["final_gap"] < 1e-6
    ws_before, renders = d["ws"].copy(), panel.renders
    panel.set(lr=1.05 * bound)
    assert panel.data["diverged"] and np.isinf(panel.data["losses"][-1])
    assert panel.renders == renders + 1
    assert not np.array_equal(panel.data["ws"], ws_before)
    # the drawn path is the simulated one
    line = panel.drawer._canvases[id(L.get_landscape("narrow valley (κ = 50)"))].path
    finite = np.isfinite(panel.data["losses"])
    np.testing.assert_array_equal(np.column_stack(line.get_data()), panel.data["ws"][finite])


def test_momentum_slider_changes_the_trajectory_for_momentum_only(panel):
    gd = panel.set(momentum=0.6)["ws"].copy()
    panel.set(momentum=0.0)
    np.testing.assert_array_equal(panel.data["ws"], gd)             # GD ignores β
    a = panel.set(method="momentum", lr=0.02, momentum=0.0)["ws"].copy()
    np.testing.assert_allclose(a, simulate_optimization(method="GD", landscape="narrow valley (κ = 50)",
                                                        lr=0.02)["ws"], atol=1e-12)   # β = 0 is GD
    b = panel.set(momentum=0.57)["ws"]
    assert not np.allclose(a, b)
    # heavy ball at (α*, β*) beats β = 0 at the same η
    assert panel.data["final_gap"] < simulate_optimization(method="momentum", landscape="narrow valley (κ = 50)",
                                                           lr=0.02, momentum=0.0)["final_gap"]


def test_method_and_landscape_choosers(panel):
    for m in METHODS:
        lr = 1.0 if m == "Newton" else 0.01
        d = panel.set(method=m, lr=lr)
        assert d["method"] == m
    d = panel.set(method="Newton", lr=1.0, landscape="quadratic (κ = 10)")
    assert d["landscape"] == "quadratic (κ = 10)"
    np.testing.assert_allclose(d["ws"][1], L.get_landscape("quadratic (κ = 10)").w_star, atol=1e-12)
    d = panel.set(landscape="Rosenbrock", method="Adam", lr=0.05)
    assert d["optimal"] is None and d["final_gap"] < d["losses"][0]


# ----------------------------------------------------------------- Sequential training loop
def test_mild_divergence_just_above_the_bound_is_flagged(panel):
    """At η = 1.02·2/λ_max the error grows only 1.04× per step (no blow-up in 200 steps),
    but it grows: the panel reports it as diverged; at 0.98·2/λ_max it does not."""
    d = panel.set(method="GD", lr=1.02 * 2 / 50.0)
    assert d["diverged"] and d["final_gap"] > d["losses"][0]
    d = panel.set(lr=0.98 * 2 / 50.0)
    assert not d["diverged"] and d["final_gap"] < 1e-3 * d["losses"][0]


def test_panel_figure_survives_a_tight_bbox_png(panel):
    """The live figure must render the same way the notebook front end saves it."""
    import io
    from IPython.core.pylabtools import print_figure
    png = print_figure(panel.figure, "png", bbox_inches="tight")
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000


def test_rate_heat_map_is_fastest_at_goh_optimum_and_predicts_the_run():
    from coursekit.widgets.optimization import rate_map, steps_per_digit
    ls = L.get_landscape("narrow valley (κ = 50)")
    eta, beta, rate = rate_map(ls, n_eta=200, n_beta=200)
    i, j = np.unravel_index(np.argmin(rate), rate.shape)
    a_star, b_star = ls.optimal_momentum()
    assert abs(np.log(eta[j] / a_star)) < 0.06 and abs(beta[i] - b_star) < 0.01
    # the minimum is a sharp corner next to the edge: the grid (steps of 1.5 % in η) gets within 0.005
    assert rate.min() == pytest.approx((np.sqrt(50) - 1) / (np.sqrt(50) + 1), abs=6e-3)
    # GD (β = 0) diverges beyond 2/λ_max: the bottom row crosses rate 1 there
    assert np.all(rate[0, eta < 0.99 * 2 / 50] < 1) and np.all(rate[0, eta > 1.01 * 2 / 50] > 1)
    np.testing.assert_allclose(steps_per_digit([0.1, 0.5, 1.0]), [1.0, np.log(10) / np.log(2), np.nan])
    # the predicted rate is what the simulation shows
    d = simulate_optimization(method="momentum", landscape=ls, lr=0.03, momentum=0.5, n_steps=200)
    err = np.linalg.norm(d["ws"] - ls.w_star, axis=1)
    assert (err[200] / err[100]) ** (1 / 100) == pytest.approx(d["rate"], rel=1e-2)
    assert simulate_optimization(method="Adam", landscape=ls, lr=0.01)["rate"] is None


def test_the_panel_draws_the_heat_map_on_quadratics_only(panel):
    canvas = panel.drawer._canvases[id(L.get_landscape("narrow valley (κ = 50)"))]
    assert canvas.ax_p is not None and canvas.rate_grid[2].shape == (100, 120)
    labels = [t.get_text() for t in canvas.background_figure.axes[2].get_legend().get_texts()]
    assert labels == ["rate = 1 (edge)", "(α*, β*)", "current"]
    panel.set(landscape="Rosenbrock", lr=1e-3)
    assert panel.drawer._canvases[id(L.get_landscape("Rosenbrock"))].ax_p is None
