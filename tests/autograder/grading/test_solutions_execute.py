"""The source notebooks (solutions + hidden tests) run top to bottom and pass their own tests."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from grading_helpers import POINTS, REPO


@pytest.mark.parametrize("assignment", list(POINTS))
def test_solution_notebook_passes_its_own_tests(assignment, tmp_path):
    nb = nbformat.read(str(REPO / "solutions" / assignment / f"{assignment}.ipynb"), as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [(c.metadata.get("nbgrader", {}).get("grade_id"), o.get("ename"), o.get("evalue"))
              for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    ran = {c.metadata["nbgrader"]["grade_id"] for c in nb.cells
           if c.metadata.get("nbgrader", {}).get("grade") and c.execution_count}
    assert ran == {f"test_{f}" for f in POINTS[assignment]}
    # every self-check reported success (no failing output in a check_ cell)
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid.startswith("check_"):
            text = "".join(o.get("text", "") for o in c.outputs if o.output_type == "stream")
            assert text.strip(), gid
            assert "PASSED" in text and "NOT YET" not in text, (gid, text)
