"""Read the cells of a submitted notebook file, whatever shape it is in.

Tolerates empty and truncated files (a truncated JSON notebook is salvaged cell by cell: every
complete ``"source"`` string is recovered), invalid UTF-8 (decoded with replacement characters),
nbformat 3 (``worksheets``/``input``) as well as 4, and stripped nbgrader metadata; each case
leaves a note. Used by :mod:`autograder.extract`.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Cell", "NotebookError", "read_cells", "MAX_NOTEBOOK_BYTES"]

MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024


class NotebookError(ValueError):
    """A notebook file from which no cell could be read (message = the one-line reason)."""


@dataclass
class Cell:
    cell_type: str
    source: str
    meta: dict = field(default_factory=dict)  # the nbgrader metadata, {} if stripped

    @property
    def grade_id(self) -> str:
        gid = self.meta.get("grade_id")
        return gid if isinstance(gid, str) else ""




def _text(src) -> str:
    if isinstance(src, list):
        return "".join(s for s in src if isinstance(s, str))
    return src if isinstance(src, str) else ""


def _cells_from_json(nb) -> list[Cell]:
    if not isinstance(nb, dict):
        raise NotebookError("the file is JSON but not a notebook")
    cells = []
    if isinstance(nb.get("worksheets"), list):  # nbformat 3
        raw = []
        for ws in nb["worksheets"]:
            if isinstance(ws, dict) and isinstance(ws.get("cells"), list):
                raw.extend(ws["cells"])
        for c in raw:
            if not isinstance(c, dict):
                continue
            ct = c.get("cell_type")
            src = _text(c.get("input") if ct == "code" else c.get("source"))
            meta = (c.get("metadata") or {}).get("nbgrader") or {}
            cells.append(Cell("code" if ct == "code" else ("raw" if ct == "raw" else "markdown"),
                              src, meta if isinstance(meta, dict) else {}))
        return cells
    if not isinstance(nb.get("cells"), list):
        raise NotebookError("the notebook has no cells")
    for c in nb["cells"]:
        if not isinstance(c, dict):
            continue
        ct = c.get("cell_type")
        md = c.get("metadata")
        meta = (md.get("nbgrader") if isinstance(md, dict) else None) or {}
        cells.append(Cell(ct if ct in ("code", "markdown", "raw") else "raw", _text(c.get("source")),
                          meta if isinstance(meta, dict) else {}))
    return cells


def _salvage(text: str) -> list[Cell]:
    """Recover cells from a truncated/corrupt notebook: every complete '"source": ...' value."""
    dec = json.JSONDecoder()
    cells = []
    for m in re.finditer(r'"(source|input)"\s*:\s*', text):
        try:
            val, _ = dec.raw_decode(text, m.end())
        except ValueError:
            continue
        src = _text(val)
        # the cell type is the nearest preceding "cell_type" in the same cell
        head = text[max(0, m.start() - 4000): m.start()]
        types = re.findall(r'"cell_type"\s*:\s*"(\w+)"', head)
        ct = types[-1] if types else "code"
        cells.append(Cell(ct if ct in ("code", "markdown", "raw") else "code", src, {}))
    return cells


def read_cells(path: str | os.PathLike, notes: list[str] | None = None) -> list[Cell]:
    """Read the cells of a notebook file robustly (see the module docstring); notes go to ``notes``."""
    notes = notes if notes is not None else []
    p = Path(path)
    size = p.stat().st_size
    if size == 0:
        raise NotebookError(f"{p.name} is empty (0 bytes)")
    if size > MAX_NOTEBOOK_BYTES:
        raise NotebookError(f"{p.name} is {size / 2**20:.0f} MiB, over the {MAX_NOTEBOOK_BYTES >> 20} MiB limit")
    data = p.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = data.decode("utf-8", errors="replace")
        notes.append(f"{p.name} is not valid UTF-8 (byte {exc.start}); decoded with replacement characters")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise NotebookError(f"{p.name} contains only whitespace")
    try:
        nb = json.loads(text)
    except (ValueError, RecursionError):
        cells = _salvage(text)
        if not cells:
            raise NotebookError(f"{p.name} is not a readable notebook (not JSON, no cell could be recovered)")
        notes.append(f"{p.name} is truncated or corrupt JSON: recovered {len(cells)} cells")
        return cells
    cells = _cells_from_json(nb)
    if isinstance(nb, dict) and nb.get("nbformat") == 3:
        notes.append(f"{p.name} is in nbformat 3: read its worksheets")
    return cells
