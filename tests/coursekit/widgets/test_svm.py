"""The C slider: the pure simulator and the Panel driven like a student would."""

import ipywidgets as widgets
import numpy as np
import pytest
from sklearn.svm import SVC

from coursekit.widgets import panel as panel_mod
from coursekit.widgets.svm import SVMPanel, simulate_svm, svm_data


def test_simulate_matches_sklearn_and_geometry():
    d = simulate_svm(C=1.0, kernel="linear", data="overlap")
    X, y = svm_data("overlap")
    ref = SVC(kernel="linear", C=1.0, tol=1e-6).fit(X, y)
    assert d["n_sv"] == ref.support_.size
    assert set(d["support"]) == set(ref.support_)
    np.testing.assert_allclose(d["coef"], ref.coef_[0], rtol=1e-2)
    # margin width = distance between f = −1 and f = +1 = 2/‖β‖
    assert d["margin_width"] == pytest.approx(2 / np.linalg.norm(ref.coef_), rel=1e-2)
    assert d["margin"] == pytest.approx(d["margin_width"] / 2)
    # the grid's decision values are f(x) = ⟨x, β⟩ + β₀
    F = d["xx"] * d["coef"][0] + d["yy"] * d["coef"][1] + d["intercept"]
    np.testing.assert_allclose(d["F"], F, atol=1e-9)
    # slack εᵢ = max(0, 1 − yᵢ fᵢ)
    f = X @ d["coef"] + d["intercept"]
    np.testing.assert_allclose(d["slack"], np.maximum(0, 1 - np.where(y == 1, 1, -1) * f), atol=1e-9)


def test_simulate_is_pure():
    a = simulate_svm(C=0.3)
    b = simulate_svm(C=0.3)
    np.testing.assert_array_equal(a["F"], b["F"])
    a["X"][:] = 0  # callers may scribble on the result without changing the next one
    c = simulate_svm(C=0.3)
    np.testing.assert_array_equal(c["X"], b["X"])


def test_panel_slider_redraws_and_readout():
    p = SVMPanel(C=0.01)
    slider = p.controls["C"]
    assert isinstance(slider, widgets.FloatLogSlider)
    assert slider.description == "C"
    small = p.data
    assert p.renders == 1
    p.set(C=100.0)
    big = p.data
    assert p.renders == 2
    assert big["C"] == pytest.approx(100.0)
    # larger C: fewer support vectors and a narrower margin (seed 000)
    assert big["n_sv"] < small["n_sv"]
    assert big["margin_width"] < small["margin_width"]
    assert f"{big['margin_width']:.3f}" in p.readout.value
    assert f"support vectors</b>: {big['n_sv']} of" in p.readout.value
    # moving the slider itself (not set) also re-renders
    slider.value = 1.0
    assert p.renders == 3 and p.data["C"] == pytest.approx(1.0)
    assert not panel_mod.ERRORS


def test_rbf_panel():
    p = SVMPanel(C=1.0, kernel="rbf", data="moons", gamma=2.0)
    assert p.data["coef"] is None and p.data["n_sv"] > 0
    X, y = svm_data("moons")
    ref = SVC(kernel="rbf", gamma=2.0, C=1.0).fit(X, y)
    assert p.data["n_sv"] == pytest.approx(ref.support_.size, abs=2)


def test_simulate_bad_input():
    with pytest.raises(ValueError, match="C: expected a number > 0"):
        simulate_svm(C=-1.0)
    with pytest.raises(ValueError, match="data: expected one of"):
        simulate_svm(C=1.0, data="spirals")
