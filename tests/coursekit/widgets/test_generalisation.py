"""The degree and λ sliders (lecture 06): the pure simulator against numpy's own polynomial fit,
and the Panel driven like a student would."""

import ipywidgets as widgets
import numpy as np
import pytest

from coursekit.widgets.generalisation import MAX_DEGREE, PolyfitPanel, polyfit_data, simulate_polyfit, truth


def test_unregularised_fits_match_numpy_polyfit():
    d = simulate_polyfit(degree=5, lam=0.0)
    x, y, xv, yv = polyfit_data()
    for deg in (0, 1, 3, 5, 8):
        coef = np.polynomial.polynomial.polyfit(x, y, deg)  # raw powers: an independent least-squares fit
        train = np.mean((np.polynomial.polynomial.polyval(x, coef) - y) ** 2)
        val = np.mean((np.polynomial.polynomial.polyval(xv, coef) - yv) ** 2)
        assert d["train_mse"][deg] == pytest.approx(train, rel=1e-6)
        assert d["val_mse"][deg] == pytest.approx(val, rel=1e-6)
    coef5 = np.polynomial.polynomial.polyfit(x, y, 5)
    np.testing.assert_allclose(d["fit"], np.polynomial.polynomial.polyval(d["xs"], coef5), atol=1e-9)


def test_overfitting_and_its_cure_are_in_the_numbers():
    d0 = simulate_polyfit(degree=MAX_DEGREE, lam=0.0)
    assert d0["train_mse"][MAX_DEGREE] < 1e-12                 # 15 points, 15 parameters: interpolation
    assert np.all(np.diff(d0["train_mse"]) <= 1e-12)          # nested models: training error never rises
    assert d0["val_mse"][MAX_DEGREE] > 100 * d0["val_mse"].min()
    d1 = simulate_polyfit(degree=MAX_DEGREE, lam=1e-2)
    assert d1["val_mse"][MAX_DEGREE] < 1e-3 * d0["val_mse"][MAX_DEGREE]
    assert d1["beta_norm"] < d0["beta_norm"]


def test_simulate_is_pure_and_validates():
    a, b = simulate_polyfit(4, 1e-3), simulate_polyfit(4, 1e-3)
    np.testing.assert_array_equal(a["fit"], b["fit"])
    a["x_train"][:] = 0
    np.testing.assert_array_equal(simulate_polyfit(4, 1e-3)["x_train"], b["x_train"])
    with pytest.raises(ValueError, match="degree"):
        simulate_polyfit(degree=MAX_DEGREE + 1)
    with pytest.raises(ValueError, match="lam: expected a number ≥ 0"):
        simulate_polyfit(degree=3, lam=-1.0)
    np.testing.assert_allclose(truth([0.5]), [1.0])


def test_panel_sliders_redraw():
    p = PolyfitPanel(degree=14, lam=1e-8)
    assert isinstance(p.controls["degree"], widgets.IntSlider)
    assert isinstance(p.controls["lam"], widgets.FloatLogSlider)
    wild = p.data["val_mse"][14]
    p.set(lam=1e-2)
    assert p.data["lam"] == pytest.approx(1e-2)
    assert p.data["val_mse"][14] < wild
    p.controls["degree"].value = 3
    assert p.data["degree"] == 3
    assert "degree 3" in p.readout.value and f"{p.data['val_mse'][3]:.4f}" in p.readout.value
