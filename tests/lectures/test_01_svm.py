"""Lecture 01's text says what its stored outputs show (nbval checks the outputs reproduce).

The slack classification (misclassified iff εᵢ > 1) and the subgradient-descent paragraph (the
reference line, the arrival of the iterate at the solution — the "cliff" — for two step sizes)
are read from the executed notebook and looked up in the prose.
"""

import re
from pathlib import Path

import nbformat
import pytest

from lecture_text import markdown_text as _markdown
from lecture_text import stream_text as _outputs

NB = Path(__file__).resolve().parents[2] / "lectures" / "01_svm.ipynb"


@pytest.fixture(scope="module")
def nb():
    return nbformat.read(NB, as_version=4)


def test_misclassified_exactly_when_slack_exceeds_one(nb):
    out = _outputs(nb)
    assert "the misclassified points are exactly those with εᵢ > 1: True" in out
    n_gt1, n_wrong = re.search(r"εᵢ > 1 \(misclassified\):\s+(\d+)\s+— points predict\(\) gets wrong: (\d+)", out).groups()
    assert n_gt1 == n_wrong
    text = _markdown(nb)
    assert r"misclassified exactly when $\varepsilon_i > 1$" in text
    assert r"$\varepsilon_i = 1$ lies *on* the separator" in text


def test_subgradient_paragraph_matches_the_run(nb):
    out, text = _outputs(nb), _markdown(nb)
    c = re.search(r"reference line c/√t with c = ([\d.]+): the η = 0.5 curve touches it at t = (\d+)", out)
    assert c, "the reference line's constant is printed"
    assert f"$c = {c.group(1)}$" in text and f"touches it at $t = {c.group(2)}$" in text
    arrive = dict(re.findall(r"η = ([\d.]+): gap .*?within 0.01 of \(β\*, β₀\*\) at t = (\d+)", out))
    assert set(arrive) == {"0.5", "1.0"}
    assert int(arrive["1.0"]) < int(arrive["0.5"]), "a larger step arrives earlier"
    assert f"from $t = {arrive['0.5']}$ to $t = {arrive['1.0']}$" in text
    before, after = re.search(r"η = 0.5: .*gap 200 steps before that ([\d.e+-]+), 200 steps after ([\d.e+-]+)", out).groups()
    assert float(before) / float(after) > 100, "the cliff: the gap falls by orders of magnitude on arrival"
