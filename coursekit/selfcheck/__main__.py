"""``python -m coursekit.selfcheck [NOTEBOOK or FOLDER ...]``: the self-checks of assignment notebooks.

Each notebook runs top to bottom in a fresh kernel (as *Restart Kernel and Run All Cells* would),
its own self-check and test cells left out; then every graded function (the notebook's solution
cells) is self-checked in that kernel and reported as "passed", "not implemented" (still raises
``NotImplementedError``) or "not yet" with the first message. A folder means every ``*.ipynb``
below it (checkpoints excepted). Exit status 0 when every notebook could be run, 1 otherwise;
with ``--strict``, 1 also when a function has not passed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

MARK = "COURSEKIT-SELFCHECK-JSON:"

_SUMMARY = '''
import json as _json
from coursekit.selfcheck import run_self_check as _run
_out = {}
for _f in %r:
    try:
        _o = _run(_f, globals())
        _texts = [m for m in _o.messages]
        _status = "passed" if _o.passed else (
            "not implemented" if any("NotImplementedError" in m for m in _texts) else "not yet")
        _out[_f] = [_status, _texts[:3]]
    except Exception as _exc:
        _out[_f] = ["not yet", [f"{type(_exc).__name__}: {_exc}"]]
print(%r + _json.dumps(_out))
'''


def _functions(nb) -> list[str]:
    out = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and meta.get("grade_id") and cell.cell_type == "code":
            out.append(meta["grade_id"])
    return out


def _runnable(nb):
    """The notebook without its self-check and test cells (the summary runs the checks once)."""
    import nbformat

    cells = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id", "")
        if cell.cell_type == "code" and (gid.startswith("check_") or (meta.get("grade") and not meta.get("solution"))):
            continue
        cells.append(cell)
    out = nbformat.v4.new_notebook(cells=cells, metadata=nb.metadata)
    out.cells.append(nbformat.v4.new_code_cell(_SUMMARY % (_functions(nb), MARK)))
    return out


def check_notebook(path: Path, timeout: int = 300) -> dict:
    """``{function: (status, messages)}`` of one notebook, run in a fresh kernel; raises
    ``RuntimeError`` when the notebook cannot be run at all."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(str(path), as_version=4)
    if not _functions(nb):
        return {}
    run = _runnable(nb)
    client = NotebookClient(run, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except Exception as exc:  # the kernel died, a cell timed out
        raise RuntimeError(f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}")
    for out in run.cells[-1].get("outputs", []):
        text = out.get("text", "")
        if MARK in text:
            return {f: tuple(v) for f, v in json.loads(text.split(MARK, 1)[1].strip().splitlines()[0]).items()}
    errors = [o for o in run.cells[-1].get("outputs", []) if o.get("output_type") == "error"]
    why = f"{errors[0].get('ename')}: {errors[0].get('evalue')}" if errors else "no summary printed"
    raise RuntimeError(f"the self-checks could not run ({why})")


def _notebooks(paths) -> list[Path]:
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(q for q in p.rglob("*.ipynb") if ".ipynb_checkpoints" not in q.parts)
        elif p.suffix == ".ipynb" and p.is_file():
            out.append(p)
        else:
            raise SystemExit(f"coursekit.selfcheck: paths: expected notebooks or folders, got {str(p)!r} (not found)")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m coursekit.selfcheck", description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", default=["assignments"], help="notebooks or folders (default: assignments)")
    ap.add_argument("--strict", action="store_true", help="exit 1 unless every function passed")
    ap.add_argument("--timeout", type=int, default=300, help="seconds allowed per cell (default 300)")
    args = ap.parse_args(argv)
    notebooks = _notebooks(args.paths)
    if not notebooks:
        print("no notebooks found in " + ", ".join(args.paths))
        return 1
    broken, not_passed = 0, 0
    for path in notebooks:
        print(f"{path}:")
        try:
            results = check_notebook(path, args.timeout)
        except RuntimeError as exc:
            broken += 1
            print(f"  could not be run: {exc}")
            continue
        if not results:
            print("  (no graded functions)")
        width = max((len(f) for f in results), default=0)
        for f, (status, messages) in results.items():
            line = f"  {f:<{width}}  {status}"
            if status == "not yet" and messages:
                line += f": {messages[0]}" + (f" {messages[1].strip()}" if len(messages) > 1 else "")
            print(line)
            not_passed += status != "passed"
    print(f"{sum(1 for _ in notebooks)} notebook(s) checked; "
          + ("every function passed its self-check." if not (broken or not_passed)
             else f"{not_passed} function(s) not passed yet" + (f", {broken} notebook(s) could not run" if broken else "")
             + "."))
    return 1 if broken or (args.strict and not_passed) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
