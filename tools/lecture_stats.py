"""Per lecture: cells, words of teaching text, stored figures, exercises (for the maintainers' notes).

    .venv/bin/python tools/lecture_stats.py
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = re.compile(r"^#{2,4} Exercise (\d+\.\d+)\b", re.M)


def stats(path: Path) -> dict:
    nb = nbformat.read(path, as_version=4)
    md = [c.source for c in nb.cells if c.cell_type == "markdown"]
    return {
        "lecture": path.stem,
        "cells": len(nb.cells),
        "code cells": sum(c.cell_type == "code" for c in nb.cells),
        "words": sum(len(re.findall(r"\w+", s)) for s in md),
        "figures": sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs),
        "exercises": sum(len(EXERCISE.findall(s)) for s in md),
    }


def main():
    rows = [stats(p) for p in sorted((ROOT / "lectures").glob("[0-9][0-9]_*.ipynb"))]
    keys = list(rows[0])
    print(" | ".join(keys))
    for r in rows:
        print(" | ".join(str(r[k]) for k in keys))


if __name__ == "__main__":
    main()
