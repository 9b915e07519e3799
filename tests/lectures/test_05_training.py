"""The stored lecture 05 shows the lecture's key results (its source, run order and typesetting:
test_sources.py; that it reproduces its outputs: nbval).

Each assertion reads a printed output and checks the claim the lecture's text makes about it, so a
change that breaks a claim fails here even when nbval (which replays whatever was stored) passes.
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


@pytest.fixture(scope="module")
def text(nb):
    return "\n".join(_text(c) for c in nb.cells if c.cell_type == "code")


def test_stored_outputs_show_the_lecture_claims(text):
    assert re.search(r"perceptron: .*separates all four points: True", text)
    assert re.search(r"backprop, 4 points: .*separates all four points: False", text)
    ratios = [float(r) for r in re.findall(r"ratio (\d\.\d\d)", text)]
    assert len(ratios) == 6 and all(0.8 <= r <= 1.2 for r in ratios)
    assert "eigenvalues: [-2.  2.]" in text


def test_small_batches_diverge_first_and_every_batch_beyond_the_full_batch_bound(text):
    header = re.search(r"diverged runs of 5 at η = (.*)", text).group(1)
    fractions = [float(f) for f in re.findall(r"([\d.]+)×", header)]
    rows = {int(b): [int(c) for c in counts.split()]
            for b, counts in re.findall(r"\|S\| = +(\d+): +((?:\d+ +)*\d+)\n", text) if len(counts.split()) == len(fractions)}
    assert set(rows) == {1, 4, 64, 4096}
    beyond = fractions.index(1.1)
    assert all(rows[b][beyond] == 5 for b in rows)                        # above 2/λ_max every size diverges
    below = [i for i, f in enumerate(fractions) if f < 1]
    assert any(rows[1][i] > 0 for i in below)                             # |S| = 1 already diverges below it
    assert all(rows[4096][i] == 0 for i in below)                         # the full-batch-like run does not


def test_equal_compute_favours_moderate_batches(text):
    final = {int(b): float(v) for b, v in re.findall(r"\|S\| = +(\d+): +\d+ steps; .*after 8192: ([\d.e+-]+)", text)}
    assert set(final) == {1, 4, 16, 64, 256, 2048}
    best = min(final, key=final.get)
    assert best in (4, 16, 64) and final[1] > 10 * final[best] and final[2048] > 10 * final[best]


def test_feature_expansion_turns_a_failing_linear_model_into_a_perfect_one(text):
    base = float(re.search(r"always saying 'blue' scores ([\d.]+)", text).group(1))
    on_x = float(re.search(r"linear model on x: +training accuracy ([\d.]+)", text).group(1))
    lifted = float(re.search(r"linear model on \(x, x²\): +training accuracy ([\d.]+)", text).group(1))
    assert on_x <= base + 0.02 and lifted == 1.0
    flat, curved = map(float, re.search(r"rings: linear on \(x₁, x₂\) accuracy ([\d.]+); "
                                        r"linear on \(x₁, x₂, x₁², x₂²\) accuracy ([\d.]+)", text).groups())
    assert flat < 0.6 and curved >= 0.95


def test_digits_use_a_validation_split_and_the_test_set_once(nb, text):
    assert re.search(r"training \((\d+), 64\), validation \((\d+), 64\), test \(450, 64\)", text)
    val = float(re.search(r"10 classes: training accuracy [\d.]+, validation accuracy ([\d.]+)", text).group(1))
    assert val >= 0.93
    svm, mlp = map(float, re.search(r"test accuracy: kernel SVM ([\d.]+), MLP ([\d.]+)", text).groups())
    assert svm >= 0.97 and svm > mlp >= 0.93  # the ten-class kernel SVM (one-vs-one) next to the MLP
    assert "45 pairwise SVMs" in text
    assert "scikit-learn's SVC predicts the same digit on 100.0% of the test images" in text
    # the test set is evaluated in one cell only (besides the scaling diagnosis of section 5)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert sum("== yte" in src for src in code) == 1
    assert not any("X_val=Xte" in src for src in code)


def test_standardisation_guards_constant_pixels(text):
    naive = [float(v) for v in re.findall(r"\(x − μ\)/\(σ \+ 1e-8\) = ([\d.e+]+)", text)]
    safe = [float(v) for v in re.findall(r"\(x − μ\)/σ_safe = ([\d.e+-]+)", text)]
    assert naive and all(v > 1e6 for v in naive)
    assert len(safe) == len(naive) and all(abs(v) <= 1.0 for v in safe)


def test_initialization_measured_both_ways_and_full_loss_reported(text):
    fwd = {(a, i): float(v) for a, i, v in re.findall(r"(Tanh|ReLU) (uniform|xavier|he) *: forward std layer 1 [\d.]+ → layer 10 ([\d.]+)", text)}
    bwd = {(a, i): float(v) for a, i, v in re.findall(r"(Tanh|ReLU) (uniform|xavier|he) *: .*backward std at layer 10 [\d.]+ → layer 1 ([\d.]+)", text)}
    assert len(fwd) == len(bwd) == 6
    for act in ("Tanh", "ReLU"):
        assert fwd[act, "he"] > fwd[act, "xavier"] and bwd[act, "he"] > bwd[act, "xavier"]   # the text's reading
    assert fwd["ReLU", "xavier"] < 0.1 and bwd["ReLU", "xavier"] < 0.1
    full = {n: (float(a), float(b)) for n, a, b in re.findall(
        r"(uniform|xavier|he) *: full training loss at epoch 0 [\d.]+, after epoch 1 [\d.]+, after epoch 8 ([\d.]+) "
        r"\(minibatch average of epoch 8: ([\d.]+)\)", text)}
    assert set(full) == {"uniform", "xavier", "he"}
    assert min(full, key=lambda n: full[n][0]) == "he"
    assert all(avg > end for end, avg in full.values())                   # the average lags the end-of-epoch loss


def test_depth_did_not_lower_the_disagreement(text):
    dis = {(int(n), int(d)): float(v) for n, d, v in re.findall(r"n = +(\d+), depth (\d): fraction of the grid where the 5 nets disagree ([\d.]+)", text)}
    assert len(dis) == 4
    assert dis[100, 3] > dis[100, 1] and dis[400, 3] > dis[400, 1]      # what the summary says
