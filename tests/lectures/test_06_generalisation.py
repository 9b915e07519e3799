"""The stored lecture 06 shows what its text says (numbers quoted in the text are read back from
the outputs, so a re-run that changes them fails here until the text is updated)."""

import re
from pathlib import Path

import nbformat
import pytest

NB = Path(__file__).resolve().parents[2] / "lectures" / "06_generalisation.ipynb"


@pytest.fixture(scope="module")
def text():
    nb = nbformat.read(NB, as_version=4)
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def num(pattern, text):
    m = re.search(pattern, text)
    assert m, pattern
    return float(m.group(1))


def test_selection_is_optimistic(text):
    assert num(r"selection set: accuracy ([\d.]+)", text) >= 0.62
    assert abs(num(r"on fresh data: +accuracy ([\d.]+)", text) - 0.5) < 0.08


def test_elephant_and_ridge(text):
    assert num(r"lowest validation MSE: degree (\d+)", text) == 5
    assert num(r"lowest validation MSE: degree 5 \(([\d.]+)\)", text) == pytest.approx(0.078, abs=5e-4)
    assert num(r"λ = 0 +: training MSE [\d.]+, validation MSE ([\d.e+]+)", text) > 1e9
    assert num(r"λ = 1e-02: training MSE [\d.]+, validation MSE ([\d.]+)", text) == pytest.approx(0.146, abs=5e-4)
    assert "best λ on validation: 1e-02" in text


def test_regularisers_on_the_network(text):
    losses = [float(v) for v in re.findall(r"λ = [\d.e-]+ *: training accuracy [\d.]+, validation accuracy [\d.]+, "
                                            r"validation loss ([\d.]+)", text)]
    assert losses == sorted(losses, reverse=True) and losses[0] == pytest.approx(1.384) and losses[-1] < 0.3
    assert "stopped after 56 epochs; best epoch 16: validation loss 0.375, validation accuracy 0.845" in text
    assert num(r"dropout p = 0.5: .*validation loss ([\d.]+)", text) == pytest.approx(0.659, abs=1e-3)
    assert "gradcheck PASSED" in text


def test_preprocessing_and_dimension(text):
    assert num(r"naive\) *: largest \|value\| in the scaled test images ([\d.e+]+)", text) > 1e6
    assert num(r"features chosen on all data *: validation accuracy ([\d.]+)", text) > 0.8
    assert abs(num(r"features chosen on train only: validation accuracy ([\d.]+)", text) - 0.5) < 0.05
    assert num(r"\n1000 +0.995 +([\d.]+)", text) == pytest.approx(0.141, abs=1e-3)


def test_loss_curves_and_search(text):
    assert "rose in 64 of 149 epochs" in text and "rose in 0 of 149 epochs" in text
    assert "chosen: width 16, λ = 0.01" in text
    assert num(r"measured once: ([\d.]+)", text) >= 0.88
