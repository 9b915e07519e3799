"""The stored lecture 05 shows the lecture's key results (its source, run order and typesetting:
test_sources.py; that it reproduces its outputs: nbval).
"""

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NB = ROOT / "lectures" / "05_training.ipynb"


@pytest.fixture(scope="module")
def nb():
    return nbformat.read(NB, as_version=4)


def _text(cell):
    out = []
    for o in cell.get("outputs", []):
        if o.output_type == "stream":
            out.append(o.text)
        elif "data" in o and "text/plain" in o.data:
            out.append(o.data["text/plain"])
    return "".join(out)


def test_stored_outputs_show_the_lecture_claims(nb):
    text = "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")
    assert re.search(r"perceptron: .*separates all four points: True", text)
    assert re.search(r"backprop, 4 points: .*separates all four points: False", text)
    assert re.search(r"η = [\d.]+ \(1\.1 × 2/λ_max\): diverged = True", text)
    assert re.search(r"η = [\d.]+ \(0\.9 × 2/λ_max\): diverged = False", text)
    acc = float(re.search(r"10 classes: train accuracy [\d.]+, test accuracy ([\d.]+)", text).group(1))
    assert acc >= 0.95
    svm, mlp = map(float, re.search(r"test accuracy: kernel SVM ([\d.]+), MLP ([\d.]+)", text).groups())
    assert svm >= 0.97 and svm > mlp and mlp == acc  # the ten-class kernel SVM (one-vs-one) next to the MLP
    assert "45 pairwise SVMs" in text
    assert "scikit-learn's SVC predicts the same digit on 100.0% of the test images" in text
    ratios = [float(r) for r in re.findall(r"ratio (\d\.\d\d)", text)]
    assert len(ratios) == 6 and all(0.8 <= r <= 1.2 for r in ratios)
    assert "eigenvalues: [-2.  2.]" in text
