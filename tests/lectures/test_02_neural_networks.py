"""Lecture 02's text says what its stored outputs show, and its reference to lecture 05 is true.

nbval checks that the stored outputs reproduce; these tests check the prose against them: the
XOR local-minimum count, the ReLU-vs-tanh comparison on the spirals and the softplus derivative
are read from the executed notebook and looked up in the "Read the numbers" paragraphs, and the
"digits classifier (lecture 05)" diagram is looked up among lecture 05's networks.
"""

import re
from pathlib import Path

import nbformat
import pytest

from lecture_text import markdown_text as _markdown
from lecture_text import stream_text as _outputs

ROOT = Path(__file__).resolve().parents[2]
NB = ROOT / "lectures" / "02_neural_networks.ipynb"


@pytest.fixture(scope="module")
def nb():
    return nbformat.read(NB, as_version=4)


def test_xor_count_in_the_text_is_the_computed_one(nb):
    counts = dict(re.findall(r"N_H = (\d): solved from (\d+) of 20 starts", _outputs(nb)))
    assert set(counts) == {"2", "4"}
    two, four = int(counts["2"]), int(counts["4"])
    assert 0 < two < 20, "two units should solve XOR from some starts and stick from others"
    text = _markdown(nb)
    assert f"{two} of the 20 starts solve XOR" in text
    assert f"other {20 - two} all end" in text
    assert (f"all {four} starts solve XOR" if four == 20 else f"{four} of 20") in text


def test_relu_beats_tanh_on_spirals_at_every_width_as_the_text_says(nb):
    runs = {(act, int(h)): (float(loss), float(acc)) for act, h, loss, acc in re.findall(
        r"spirals\s+(tanh|ReLU)\s+N_H =\s*(\d+): final loss ([\d.]+), accuracy ([\d.]+)", _outputs(nb))}
    widths = sorted({h for _, h in runs})
    assert widths == [2, 8, 32]
    for h in widths:
        assert runs["ReLU", h][0] < runs["tanh", h][0], h
        assert f"{runs['ReLU', h][0]:.3f} vs {runs['tanh', h][0]:.3f}" in _markdown(nb)


def test_softplus_derivative_vanishes_in_the_table_and_the_text(nb):
    rows = re.findall(r"^\s*(-\d+)\s+([\d.e+-]+)\s+([\d.e+-]+)", _outputs(nb), re.M)
    table = {int(z): (float(relu), float(sp)) for z, relu, sp in rows}
    assert table[-10][0] == 0.0 and 0 < table[-10][1] < 1e-4 and table[-20][1] < table[-10][1]
    text = _markdown(nb)
    assert "avoids is ReLU's **exact** zero" in text
    assert "positive derivative of softplus avoids" not in text


def test_the_lecture_05_diagram_is_a_network_lecture_05_trains():
    nb = nbformat.read(NB, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    widths = [int(w) for w in re.search(r'"digits classifier \(lecture 05\)": \(\[([\d, ]+)\]', code).group(1).split(",")]
    source05 = (ROOT / "lectures" / "05_training.md").read_text()
    layers = [f"Linear({a}, {b}" for a, b in zip(widths[:-1], widths[1:])]
    found = [line for line in source05.splitlines() if all(layer in line for layer in layers)]
    assert found, f"lecture 05 builds no network with the layers {layers}"
