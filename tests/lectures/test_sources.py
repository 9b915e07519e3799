"""Every lecture: a Jupytext text source in agreement with its notebook, typeset maths, no test
plumbing in the student's text, exercises with their answers kept for the instructor.

The sources are ``lectures/NN_*.md`` (MyST Markdown, paired with ``lectures/NN_*.ipynb``);
``make lectures`` re-executes the notebooks from them (``tools/build_lectures.py``). nbval, run
over ``lectures/*.ipynb`` by ``make test``, checks that each stored notebook reproduces its
outputs; this file checks what nbval does not.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from lecture_text import math_outside_latex, prose

ROOT = Path(__file__).resolve().parents[2]
LECTURES = ROOT / "lectures"
ANSWERS = ROOT / "instructor" / "lecture_answers"
NOTEBOOKS = sorted(LECTURES.glob("[0-9][0-9]_*.ipynb"))
SOURCES = sorted(LECTURES.glob("[0-9][0-9]_*.md"))
IDS = [p.stem for p in NOTEBOOKS]
EXERCISE = re.compile(r"^#{2,4} Exercise (\d+\.\d+)\b", re.M)
#: Words of the test machinery and of the grader that mean nothing to a student.
PLUMBING = re.compile(r"NBVAL|nbval|\bcontract\b|the tests replay|\bERRORS\b|autograder\.checks")


def _cells(nb):
    return [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in nb.cells]


def test_every_notebook_has_a_text_source_and_back():
    assert [p.stem for p in NOTEBOOKS] == [p.stem for p in SOURCES]
    assert len(NOTEBOOKS) >= 6, [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_agrees_with_its_text_source(path):
    source = jupytext.read(path.with_suffix(".md"))
    stored = nbformat.read(path, as_version=4)
    assert _cells(stored) == _cells(source), (
        f"{path.name} and {path.with_suffix('.md').name} disagree: edit the .md and run "
        f"`make lectures` (tools/build_lectures.py {path.stem[:2]})")
    assert stored.metadata.get("jupytext", {}).get("formats") == "ipynb,md:myst"
    assert stored.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stored_run_is_complete_and_in_order(path):
    code = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), \
        f"{path.name} was not run top to bottom in one fresh kernel: run `make lectures`"
    for c in code:
        errors = [o for o in c.outputs if o.output_type == "error"]
        assert not errors or "raises-exception" in c.metadata.get("tags", []), c.source[:80]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_maths_is_latex(path):
    nb = nbformat.read(path, as_version=4)
    found = [f"cell {i}: {hit}" for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
             for hit in math_outside_latex(c.source)]
    assert not found, f"{path.name}: maths outside $…$ ({len(found)}):\n" + "\n".join(found[:20])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_test_plumbing_in_the_students_text(path):
    nb = nbformat.read(path, as_version=4)
    found = [f"cell {i}: {m.group(0)!r} in …{c.source[max(0, m.start() - 40):m.end() + 40]}…"
             for i, c in enumerate(nb.cells) for m in PLUMBING.finditer(c.source)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_at_least_six_exercises_with_answers_for_the_instructor(path):
    nb = nbformat.read(path, as_version=4)
    numbers = [n for c in nb.cells if c.cell_type == "markdown" for n in EXERCISE.findall(c.source)]
    assert len(numbers) >= 6, f"{path.name}: {len(numbers)} exercises ({numbers})"
    assert len(set(numbers)) == len(numbers), f"{path.name}: exercise numbers repeat: {numbers}"
    assert all(n.split(".")[0] == str(int(path.stem[:2])) for n in numbers), numbers
    answers = ANSWERS / path.with_suffix(".md").name
    assert answers.exists(), f"no answers for the instructor: {answers.relative_to(ROOT)}"
    answered = set(EXERCISE.findall(answers.read_text()))
    assert set(numbers) <= answered, f"exercises without an answer: {sorted(set(numbers) - answered)}"


def test_the_latex_check_finds_plain_text_maths():
    assert math_outside_latex(r"with $W_{c,h}$ and $$\sum_i x_i$$ and `a_{b}`") == []
    kinds = [h.split(":")[0] for h in math_outside_latex(r"W_{c,h} or \frac{1}{2} or x⁽ᵗ⁾ or ∇f or η_opt")]
    assert kinds.count("TeX group `_{`/`^{`") == 1 and "TeX command" in kinds
    assert {"Unicode super/subscript", "Unicode operator", "underscore subscript"} <= set(kinds)
    assert "\\frac" not in prose(r"a $\frac{1}{2}$ b") and "a" in prose(r"a $\frac{1}{2}$ b")
