"""Shared plumbing for the lecture-notebook generators ``tools/make_NN_*.py``.

A generator writes its lecture as a sequence of markdown and code cells, each given as an
indented triple-quoted string, then writes the notebook. Two styles are supported:

* appending, through a :class:`LectureBuilder`::

      lecture = LectureBuilder()
      md, code, cells = lecture.md, lecture.code, lecture.cells
      md(r'''
      # Lecture NN
      ''')
      ...
      lecture.write(OUT)

* a list literal, with the pure cell factories :func:`md_cell` / :func:`code_cell`::

      cells = [md_cell(r'''...'''), code_cell(r'''...''')]
      write_notebook(cells, OUT)

Cell text is dedented and stripped of leading/trailing blank lines. The notebook gets the
course's kernel spec (``python3``) and language info, is validated by nbformat and written
as nbformat 4. (These scripts are not the nbgrader assignment builders: those use
``tools/nbsource.py``.)
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
LANGUAGE_INFO = {"name": "python"}


def _clean(text):
    return textwrap.dedent(text).strip("\n")


def md_cell(text):
    """Return a markdown cell holding ``text``, dedented and without surrounding blank lines."""
    return new_markdown_cell(_clean(text))


def code_cell(text):
    """Return a code cell holding ``text``, dedented and without surrounding blank lines."""
    return new_code_cell(_clean(text))


def write_notebook(cells, path):
    """Build a notebook of ``cells`` with the python3 kernel spec, validate it, write it to ``path``.

    Creates the parent folder if needed, prints ``wrote <path> (<n> cells)`` and returns the
    notebook.
    """
    nb = new_notebook(cells=list(cells))
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = dict(LANGUAGE_INFO)
    nbformat.validate(nb)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    print(f"wrote {path} ({len(nb.cells)} cells)")
    return nb


class LectureBuilder:
    """Collects cells in order: ``md(text)`` / ``code(text)`` append, ``write(path)`` writes.

    ``cells`` is the list itself (generators expose it as a module attribute, which
    ``tests/lectures/test_05_training.py`` compares with the stored notebook).
    """

    def __init__(self):
        self.cells = []

    def md(self, text):
        """Append a markdown cell (see :func:`md_cell`)."""
        self.cells.append(md_cell(text))

    def code(self, text):
        """Append a code cell (see :func:`code_cell`)."""
        self.cells.append(code_cell(text))

    def write(self, path):
        """Write the collected cells as a notebook (see :func:`write_notebook`)."""
        return write_notebook(self.cells, path)
