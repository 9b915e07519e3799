"""The stored lecture 05: in sync with its generator, executed in order, figures and key results present.

(nbval re-executes the notebook and compares every output; these checks cover what nbval does not:
that the stored copy is the generator's, was run top to bottom, and shows the lecture's claims.)
"""

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
NB = ROOT / "lectures" / "05_training.ipynb"
GEN = ROOT / "tools" / "make_05_training.py"


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


def test_notebook_matches_its_generator(nb):
    spec = importlib.util.spec_from_file_location("make_05_training", GEN)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert [c.source for c in gen.cells] == [c.source for c in nb.cells], \
        "lectures/05_training.ipynb is out of date: run tools/make_05_training.py and re-execute it"
    assert nb.metadata["kernelspec"]["name"] == "python3"


def test_stored_run_is_complete_and_in_order(nb):
    code = [c for c in nb.cells if c.cell_type == "code"]
    counts = [c.execution_count for c in code]
    assert counts == list(range(1, len(code) + 1)), counts
    for c in code:
        assert not any(o.output_type == "error" for o in c.outputs), c.source[:80]
    images = sum("image/png" in o.get("data", {}) for c in code for o in c.outputs)
    assert images >= 10
    assert not any("NBVAL_SKIP" in c.source for c in code)


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
    assert "panel callbacks without errors: True" in text
