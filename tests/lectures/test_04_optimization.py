"""The stored lecture 04 shows the lecture's key results (its source, run order and typesetting:
test_sources.py; that it reproduces its outputs: nbval). Each check reads a printed number of the
stored notebook and compares it with what the lecture's text says about it.
"""

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
NB = ROOT / "lectures" / "04_optimization.ipynb"


@pytest.fixture(scope="module")
def text():
    nb = nbformat.read(NB, as_version=4)
    out = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            if o.output_type == "stream":
                out.append(o.text)
            elif "data" in o and "text/plain" in o.data:
                out.append(o.data["text/plain"])
    return "\n".join(out)


def _num(pattern, text, group=1):
    m = re.search(pattern, text)
    assert m, pattern
    return float(m.group(group))


def test_steepest_ascent_is_the_gradient_direction(text):
    norm = _num(r"‖∇f‖ = ([\d.]+)", text)
    angle = _num(r"direction of ∇f: (-?[\d.]+)°", text) % 360
    best, at = _num(r"largest measured slope ([\d.]+) at", text), _num(r"largest measured slope [\d.]+ at (\d+)°", text)
    assert abs(at - angle) <= 2.5 and best == pytest.approx(norm, rel=1e-3)
    assert "measured slopes = ∇f·u for all 72 directions: True" in text


def test_a_large_step_escapes_the_poor_local_minimum_and_decay_converges(text):
    assert re.search(r"η = 0\.05 \(< 2η_opt of the dip\)\s*: global minimum\s+0/11, dip 11/11", text)
    assert re.search(r"η = 1 \(> 2η_opt of the dip\)\s*: global minimum 11/11", text)
    assert re.search(r"η = 25 \(> 2η_opt everywhere\)\s*: global minimum\s+0/11.*diverged", text)
    assert re.search(r"\(decaying\)\s*: global minimum 11/11", text)


def test_momentum_iteration_matrix_predicts_the_simulation(text):
    rows = re.findall(r"max \|σ\| = ([\d.]+); simulated factor per step ([\d.]+)", text)
    assert len(rows) == 2
    for predicted, simulated in rows:
        assert float(simulated) == pytest.approx(float(predicted), abs=0.01)
    assert "reproduces the simulated component after 100 steps: True" in text


def test_goh_optimum_formula_rate_map_and_grid_search_agree(text):
    a = _num(r"α\* = \(2/\(√λ₁ \+ √λₙ\)\)² = ([\d.]+)", text)
    b = _num(r"β\* = \(\(√κ − 1\)/\(√κ \+ 1\)\)² = ([\d.]+)", text)
    kappa = 50.0
    assert a == pytest.approx((2 / (np.sqrt(kappa) + 1)) ** 2, abs=1e-4)
    assert b == pytest.approx(((np.sqrt(kappa) - 1) / (np.sqrt(kappa) + 1)) ** 2, abs=1e-4)
    eta_map, beta_map = _num(r"grid: η = ([\d.]+)", text), _num(r"grid: η = [\d.]+, β = ([\d.]+)", text)
    assert abs(np.log(eta_map / a)) < 0.05 and abs(beta_map - b) < 0.01
    eta_sim = _num(r"fastest at η = ([\d.]+)", text)
    beta_sim = _num(r"fastest at η = [\d.]+, β = ([\d.]+)", text)
    assert abs(np.log(eta_sim / a)) < 0.12 and abs(beta_sim - b) <= 0.05      # a neighbouring grid point
    assert _num(r"measured factor per step ([\d.]+); GD", text) < _num(r"GD at 2/\(λ₁\+λₙ\): ([\d.]+)", text) - 0.1


def test_per_component_rates_under_momentum_are_all_near_sqrt_beta(text):
    m = re.search(r"momentum, \(α\*, β\*\) = [^:]*: \|x_i\| shrinks per step by \[([\d. ]+)\]", text)
    rates = np.array(m.group(1).split(), dtype=float)
    assert rates.shape == (4,) and np.all(np.abs(rates - 0.7522) < 0.03)
    gd = np.array(re.search(r"GD, η = 2/\(λ₁ \+ λₙ\)\s*: \|x_i\| shrinks per step by \[([\d. ]+)\]", text).group(1).split(),
                  dtype=float)
    np.testing.assert_allclose(gd, np.abs(1 - 2 / 51 * np.array([50, 20, 5, 1])), atol=2e-3)


def test_critical_damping_is_the_fastest_beta(text):
    assert "rate is smallest at β = 0.640 (grid), β_c = 0.640, 1 − √(ηλ) = 0.800" in text
    errs = dict(re.findall(r"(over-damped|critical|under-damped)[^:]*: max\|σ\| = [\d.]+, \|x⁽¹⁰⁰⁾\| = ([\d.e+-]+)", text))
    assert float(errs["critical"]) < min(float(errs["over-damped"]), float(errs["under-damped"])) / 100


def test_quasi_newton_table(text):
    def row(land, method):
        m = re.search(rf"{re.escape(land)}\s+{re.escape(method)}\s+(>?\s*\d+)\s+(>?\s*\d+)", text)
        assert m, (land, method)
        return m.group(1), m.group(2)
    assert row("narrow valley κ = 100", "Newton (+ a Hessian per step)")[0] == "1"
    assert int(row("narrow valley κ = 100", "scipy BFGS")[0]) <= 10
    assert int(row("narrow valley κ = 100", "GD η = 2/(λ₁+λₙ)")[0]) > 5 * int(row("narrow valley κ = 100", "momentum (α*, β*)")[0])
    assert row("Rosenbrock", "GD η = 1e-3")[0].startswith(">")
    for method in ("scipy BFGS", "scipy L-BFGS-B"):
        it, ev = row("Rosenbrock", method)
        assert int(it) < 60 and int(ev) < 80
    assert re.search(r"one LM step with μ =\s+0\.0: E 24\.20 → 2342", text)     # the text: Gauss–Newton overshoots


def test_quickprop_is_slow_not_unstable_on_the_rotated_valley(text):
    qp = _num(r"Quickprop η = 0\.01\s*: E < 1e-8 after >300 steps; E⁽³⁰⁰⁾ = ([\d.e+-]+)", text)
    assert 1e-8 < qp < 1e-4
    assert _num(r"NOT rotated \(axis-aligned\): E < 1e-8 after (\d+) steps", text) <= 10


def test_tuned_adaptive_methods(text):
    best = {(land, m): (float(lr), float(gap)) for land, m, lr, gap in re.findall(
        r"(quadratic \(κ = 100\)|Rosenbrock)\s+(GD|AdaGrad|RMSprop|Adam)\s*: best η = ([\d.e-]+)\s*→ E − E_min after \d+ steps = ([\d.e+-]+)",
        text)}
    assert len(best) == 8
    q = "quadratic (κ = 100)"
    assert max(best[q, m][1] for m in ("AdaGrad", "RMSprop", "Adam")) < best[q, "GD"][1] / 100
    assert best[q, "AdaGrad"][0] == 10 * best[q, "RMSprop"][0]                 # the text's "ten times"
    r = "Rosenbrock"
    assert best[r, "Adam"][1] < 1e-4 < min(best[r, m][1] for m in ("GD", "AdaGrad", "RMSprop"))
