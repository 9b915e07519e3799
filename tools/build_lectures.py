"""Execute the lectures from their text sources: ``lectures/NN_*.md`` → ``lectures/NN_*.ipynb``.

Each lecture is authored as a Jupytext MyST Markdown file (the teaching text as Markdown,
code in ``{code-cell}`` blocks, nbval's tags as cell tags) paired with the notebook students
open. This script reads a source, runs it top to bottom in a fresh ``python3`` kernel with the
working directory ``lectures/`` and writes the notebook with its outputs (and the widgets'
state), so students see every figure before running anything::

    .venv/bin/python tools/build_lectures.py            # every lecture   (= make lectures)
    .venv/bin/python tools/build_lectures.py 04 06      # only these (by number or file name)

``tests/lectures/test_sources.py`` fails when a notebook and its source disagree.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import jupytext
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
LECTURES = ROOT / "lectures"
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
FORMATS = "ipynb,md:myst"


def sources(selection=()):
    """The lecture sources, all or those whose file name starts with one of ``selection``."""
    found = sorted(LECTURES.glob("[0-9][0-9]_*.md"))
    if not selection:
        return found
    chosen = [p for p in found if any(p.name.startswith(s) or p.stem == s for s in selection)]
    unknown = [s for s in selection if not any(p.name.startswith(s) or p.stem == s for p in found)]
    if unknown:
        raise SystemExit(f"no lecture source for {', '.join(unknown)} (known: {', '.join(p.stem for p in found)})")
    return chosen


def build(source: Path, timeout: int = 600) -> float:
    """Execute ``source`` in a fresh kernel and write its paired notebook; return the seconds taken."""
    nb = jupytext.read(source)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["jupytext"] = {"formats": FORMATS}
    t0 = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(source.parent)}}).execute()
    seconds = time.perf_counter() - t0
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        cell.id = f"cell-{i:03d}"   # stable ids: a re-run changes only what the run changed
    jupytext.write(nb, source.with_suffix(".ipynb"), fmt="ipynb")
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("lectures", nargs="*", help="lecture numbers or file stems (default: all)")
    args = parser.parse_args(argv)
    for source in sources(args.lectures):
        seconds = build(source)
        print(f"{source.with_suffix('.ipynb').relative_to(ROOT)}: executed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
