"""The finite-difference step panel of lecture 03 (pure simulator + panel)."""

import numpy as np
import pytest

from coursekit.widgets import panel as panel_mod
from coursekit.widgets.backprop import FDStepPanel, chain_rule_dfdx, chain_rule_f, simulate_fd_step

pytestmark = pytest.mark.usefixtures("close_figures")  # the panels and plots draw many figures


EPS = np.finfo(float).eps


@pytest.mark.parametrize("x", [0.5, 1.3, 2.0])
def test_chain_rule_example_is_five_x_to_the_fourth(x):
    assert chain_rule_f(x) == pytest.approx(x ** 5, rel=1e-14)
    assert chain_rule_dfdx(x) == pytest.approx(5 * x ** 4, rel=1e-14)
    d = simulate_fd_step(h=1e-4, x=x)
    assert d["exact"] == pytest.approx(5 * x ** 4, rel=1e-14)


@pytest.mark.parametrize("x", [0.7, 1.3, 1.9])
def test_truncation_errors_follow_taylor(x):
    h = 1e-3
    d = simulate_fd_step(h=h, x=x)
    # f = x⁵: forward error ≈ f''·h/2 / f' = 2h/x; central error ≈ f'''·h²/6 / f' = 2h²/x²
    assert d["err_forward"] == pytest.approx(2 * h / x, rel=0.01)
    assert d["err_central"] == pytest.approx(2 * h ** 2 / x ** 2, rel=0.01)
    # the estimates themselves
    f = lambda t: t ** 5  # noqa: E731
    assert d["central"] == pytest.approx((f(x + h) - f(x - h)) / (2 * h), rel=1e-9)
    assert d["forward"] == pytest.approx((f(x + h) - f(x)) / h, rel=1e-9)


def test_round_off_makes_tiny_steps_worse_and_the_optimum_is_near_theory():
    d = simulate_fd_step(h=1e-3, x=1.3)
    hs, cen, fwd = d["hs"], d["curve_central"], d["curve_forward"]
    assert cen[np.argmin(np.abs(hs - 1e-13))] > 100 * cen[np.argmin(np.abs(hs - 1e-5))]
    assert 1e-7 <= d["best_h_central"] <= 3e-5          # ε^(1/3) ≈ 6e-6, scaled by the function
    assert 1e-10 <= d["best_h_forward"] <= 1e-6         # ε^(1/2) ≈ 1.5e-8
    assert cen.min() < 1e-9 < fwd.min()


@pytest.mark.parametrize("kwargs, word", [({"h": 0.0}, "h"), ({"h": 2.0}, "h"), ({"x": 5.0}, "x"), ({"x": 0.0}, "x")])
def test_bad_input(kwargs, word):
    with pytest.raises(ValueError, match=word):
        simulate_fd_step(**kwargs)


def test_panel_slider_changes_the_data():
    before = len(panel_mod.ERRORS)
    p = FDStepPanel()
    assert p.controls["h"].description == "step h"
    err0 = p.data["err_central"]
    p.set(h=1e-8)
    assert p.data["h"] == pytest.approx(1e-8)
    assert p.data["err_central"] != err0
    p.controls["x"].value = 0.8
    assert p.data["x"] == pytest.approx(0.8) and p.data["exact"] == pytest.approx(5 * 0.8 ** 4)
    assert "rel. error" in p.readout.value
    assert len(panel_mod.ERRORS) == before
