"""Autograded notebooks whose test cells carry the grader's messages, for nbgrader's feedback.

``nbgrader generate_feedback`` renders ``autograded/<student>/<A>/<A>.ipynb`` to HTML with
the scores from the gradebook. :func:`write_autograded` produces that notebook from a
grade record the way ``nbgrader autograde`` would — the submission is copied (never
modified in place), nbgrader's own sanitizing preprocessors restore the locked and test
cells from the gradebook — and then, instead of executing it, fills each autograded test
cell's outputs with the trusted grader's verdict:

* full marks: a line ``✓ test_f passed: 2/2 points``;
* partial credit: the messages, then the score as the cell's result (nbgrader's partial
  credit convention);
* no credit: the messages, then an ``AssertionError`` output naming what is wrong.

A failed check lists its cases, each marked passed or failed (the basis of partial credit).
Instructor-added test cells get the same treatment; manually graded cells are left as the student
wrote them (nbgrader's feedback shows their manual score and comment).

The messages say which output is wrong, by how much, at what shape, and the likely bug when one
catalogued mistake explains every case (:mod:`autograder.checks.mistakes`).
"""

from __future__ import annotations

import shutil

import nbformat
from nbformat.v4 import new_output

from autograder.course import Course

__all__ = ["write_autograded", "outputs_for", "render_messages", "fill"]


def render_messages(outcome) -> str:
    head = f"{outcome.test_id}: {outcome.points:g}/{outcome.points_possible:g} points"
    lines = [("✓ " if outcome.passed else "✗ ") + head]
    for m in outcome.messages:
        for i, part in enumerate(str(m).split("\n")):
            if not part.strip():
                continue
            lines.append(("  • " if i == 0 and not part.startswith(" ") else "      ") + part.strip())
    if outcome.cases:
        k = sum(ok for _, ok in outcome.cases)
        lines.append(f"  • cases passed: {k} of {len(outcome.cases)}")
        lines += [f"      {'✓' if ok else '✗'} {case}" for case, ok in outcome.cases]
    return "\n".join(lines) + "\n"


def outputs_for(outcome) -> list:
    """nbformat outputs that present ``outcome`` in a test cell (and score it like nbgrader)."""
    outs = [new_output("stream", name="stdout", text=render_messages(outcome))]
    if outcome.passed:
        return outs
    if outcome.points > 0:
        outs.append(
            new_output("execute_result", data={"text/plain": f"{outcome.points:g}"}, execution_count=None)
        )
        return outs
    first = outcome.messages[0] if outcome.messages else "the test did not pass"
    outs.append(
        new_output(
            "error",
            ename="AssertionError",
            evalue=f"{outcome.function}: {first}",
            traceback=[f"AssertionError: {outcome.function} earned 0/{outcome.points_possible:g} points", first],
        )
    )
    return outs


class _Sources:
    """The source cells of an assignment (locked and test cells, hidden tests included) as stored
    in the gradebook by ``generate``, read once per assignment."""

    def __init__(self, course: Course, assignment: str):
        from nbgrader.api import Gradebook

        self.release = nbformat.read(str(course.release_notebook(assignment)), as_version=4)
        notebook_id = course.notebook_name(assignment)[: -len(".ipynb")]
        with Gradebook(course.db_url, course.course_id) as gb:
            nb = gb.find_notebook(notebook_id, assignment)
            self.cells = {c.name: (c.source, c.cell_type) for c in nb.source_cells}
        self.test_ids = [c.metadata["nbgrader"]["grade_id"] for c in self.release.cells
                         if c.metadata.get("nbgrader", {}).get("grade")
                         and not c.metadata["nbgrader"].get("solution")]


def _overwrite(nb, sources: _Sources):
    """What nbgrader's autograde sanitizing does: restore every locked or test cell (source, type,
    metadata) from the gradebook, use the release kernelspec, clear all outputs."""
    release_meta = {c.metadata["nbgrader"]["grade_id"]: c.metadata for c in sources.release.cells
                    if "nbgrader" in c.metadata}
    seen = set()
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if gid in seen:  # a duplicated cell: only the first copy keeps its nbgrader role
            cell.metadata.pop("nbgrader", None)
            meta, gid = {}, None
        elif gid:
            seen.add(gid)
        if gid in sources.cells and (meta.get("locked") or (meta.get("grade") and not meta.get("solution"))):
            src, ctype = sources.cells[gid]
            cell.source = src
            if gid in release_meta:
                cell.metadata = nbformat.from_dict(dict(release_meta[gid]))
            if ctype != cell.cell_type:  # a locked code cell turned into markdown: turn it back
                cell.cell_type = ctype
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
    if "kernelspec" in sources.release.metadata:
        nb.metadata["kernelspec"] = sources.release.metadata["kernelspec"]
    return nb


def _merge_into_release(sub_nb, sources: _Sources):
    """The release notebook with the student's solution cells (by grade_id) copied in: for
    submissions whose test cells were deleted or whose notebook could not be read."""
    nb = nbformat.from_dict(sources.release)
    by_id = {}
    if sub_nb is not None:
        for cell in sub_nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid and cell.metadata["nbgrader"].get("solution"):
                by_id[gid] = cell.source
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in by_id:
            cell.source = by_id[gid]
    return _overwrite(nb, sources)


class Writer:
    """Writes autograded notebooks; caches each assignment's source cells (one per run)."""

    def __init__(self, course: Course):
        self.course = course
        self._sources: dict[str, _Sources] = {}

    def sources(self, assignment: str) -> _Sources:
        if assignment not in self._sources:
            self._sources[assignment] = _Sources(self.course, assignment)
        return self._sources[assignment]

    def write(self, record) -> str:
        course = self.course
        A, S = record.assignment, record.student
        sources = self.sources(A)
        name = course.notebook_name(A)
        try:
            nb = nbformat.read(str(course.submitted_dir(S, A) / name), as_version=4)
        except Exception:
            nb = None
        present = set() if nb is None else {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
        if nb is None or not set(sources.test_ids) <= present:
            nb = _merge_into_release(nb, sources)
        else:
            nb = _overwrite(nb, sources)
        return _finish(course, nb, record)


def write_autograded(course: Course, record) -> str:
    """Write ``autograded/<student>/<A>/<A>.ipynb`` for ``record``; returns its path."""
    return Writer(course).write(record)


def fill(nb, record):
    """Put ``record``'s verdict into ``nb`` (in place; returned): each autograded test cell's outputs
    (:func:`outputs_for`), every other code cell without outputs, and, if the submission could not
    be graded, a note with the reason on top. Also used by nbgrader's autograde
    (:mod:`autograder.nbgrader_autograde`)."""
    by_id = {o.test_id: o for o in record.outcomes}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code":
            continue
        cell.outputs = []
        cell.execution_count = None
        outcome = by_id.get(meta.get("grade_id"))
        if outcome is not None and meta.get("grade") and not outcome.manual:
            cell.outputs = outputs_for(outcome)
    if record.status != "graded" and record.reason:
        note = nbformat.v4.new_markdown_cell(f"**Autograder:** {record.reason}")
        nb.cells.insert(0, note)
    return nb


def _finish(course: Course, nb, record) -> str:
    A, S = record.assignment, record.student
    name = course.notebook_name(A)
    fill(nb, record)
    dest_dir = course.autograded_dir(S, A)
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / name
    tmp = dest.with_suffix(".ipynb.tmp")
    nbformat.write(nb, str(tmp))
    tmp.replace(dest)
    # The exchange's files travel with the graded copy, as stock autograde copies them: the
    # submission time, and the secret nbgrader's release_feedback hashes into the feedback's name
    # (fetch_feedback finds a student's feedback by it; without it release_feedback fails). Each
    # goes through a new file: nbgrader autograde leaves its own copies read-only (444).
    for extra in ("timestamp.txt", "submission_secret.txt"):
        src = course.submitted_dir(S, A) / extra
        if src.is_file():
            tmp_extra = dest_dir / (extra + ".tmp")
            shutil.copyfile(src, tmp_extra)
            tmp_extra.replace(dest_dir / extra)
    return str(dest)
