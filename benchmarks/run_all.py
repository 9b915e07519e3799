"""Run every benchmark and print one table.

Each ``benchmarks/bench_*.py`` prints human-readable lines and one or more machine-readable
lines ``RESULT {json}`` with keys ``name, value, unit, baseline, ratio, goal, met``. This runner
executes them one after another (never in parallel: they time things), adds a row for the total
time to execute every notebook in ``lectures/``, and prints the table.

    python benchmarks/run_all.py            # everything (≈ 5–10 minutes on 2 cores)
    python benchmarks/run_all.py --only svm slider
    python benchmarks/run_all.py --quick    # fewer repeats / students where a script supports it

Speed goals are measured here, never asserted in tests: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
PER_SCRIPT_TIMEOUT = 300
#: scripts run too although not named bench_*.py, with their own time limit in seconds
#: (grade_class.py grades a class of ~75 submissions under 21 ids each with both graders;
#: hint_coverage.py grades the wrong ones once and measures the diagnoses)
EXTRA_SCRIPTS = {"grade_class.py": 3600, "hint_coverage.py": 1200}
#: scripts named bench_*.py that need longer than PER_SCRIPT_TIMEOUT (the browser slider benchmark
#: runs every lecture in JupyterLab)
LONG_SCRIPTS = {"bench_slider.py": 1200}


def parse_results(stdout: str, script: str) -> list[dict]:
    rows = []
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            try:
                row = json.loads(line[len("RESULT "):])
            except json.JSONDecodeError:
                rows.append({"name": f"{script}: unparsable RESULT line", "met": False})
                continue
            row.setdefault("script", script)
            rows.append(row)
    return rows


def run_script(path: Path, quick: bool) -> tuple[list[dict], float, str]:
    cmd = [sys.executable, str(path)]
    if quick:
        cmd.append("--quick")
    timeout = {**LONG_SCRIPTS, **EXTRA_SCRIPTS}.get(path.name, PER_SCRIPT_TIMEOUT)
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
        out, err, rc = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        err, rc = f"timed out after {timeout} s", -1
    elapsed = time.perf_counter() - t0
    rows = parse_results(out, path.name)
    if rc != 0 and not rows:
        last = (err or out).strip().splitlines()[-1:] or ["no output"]
        rows = [{"name": path.stem, "value": None, "unit": "", "goal": "", "met": False,
                 "note": f"exit {rc}: {last[0][:120]}", "script": path.name}]
    return rows, elapsed, out + err


def notebooks_row() -> dict:
    """Total wall time to execute every lecture notebook top to bottom in fresh kernels."""
    lectures = sorted((ROOT / "lectures").glob("*.ipynb"))
    if not lectures:
        return {"name": "execute all lecture notebooks", "value": None, "unit": "s", "met": None,
                "note": "no notebooks", "script": "run_all.py"}
    per = {}
    with tempfile.TemporaryDirectory() as tmp:
        for nb in lectures:
            dst = Path(tmp) / nb.name
            shutil.copy(nb, dst)
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                 "--inplace", "--ExecutePreprocessor.timeout=600", str(dst)],
                cwd=tmp, capture_output=True, text=True, env={**os.environ, "MPLBACKEND": "Agg"},
            )
            per[nb.stem] = (time.perf_counter() - t0, proc.returncode)
    total = sum(t for t, _ in per.values())
    slowest = max(per.items(), key=lambda kv: kv[1][0])
    failed = [k for k, (_, rc) in per.items() if rc != 0]
    return {
        "name": f"execute all {len(per)} lecture notebooks",
        "value": round(total, 1),
        "unit": "s",
        "baseline": f"slowest {slowest[0]} {slowest[1][0]:.1f} s",
        "ratio": None,
        "goal": "each notebook < 60 s",
        "met": (not failed) and all(t < 60 for t, _ in per.values()),
        "note": ("failed: " + ", ".join(failed)) if failed else "",
        "script": "run_all.py",
    }


def fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, bool):
        return "yes" if v else "NO"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def print_table(rows: list[dict]) -> None:
    headers = ["benchmark", "measured", "unit", "comparison (same run)", "ratio", "goal", "met"]
    body = []
    for r in rows:
        met = r.get("met")
        body.append([
            str(r.get("name", "?")),
            fmt(r.get("value")),
            str(r.get("unit", "")),
            fmt(r.get("baseline")),
            fmt(r.get("ratio")),
            str(r.get("goal", "")),
            "n/a" if met is None else fmt(bool(met)),
        ])
    widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |"
    print(line)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in body:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
    notes = [(r.get("name"), r.get("note")) for r in rows if r.get("note")]
    for name, note in notes:
        print(f"  note — {name}: {note}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="substrings of bench_*.py names to run")
    ap.add_argument("--quick", action="store_true", help="pass --quick to scripts that support it")
    ap.add_argument("--no-notebooks", action="store_true", help="skip executing the lecture notebooks")
    ap.add_argument("--json", help="also write the rows to this JSON file")
    args = ap.parse_args(argv)

    scripts = sorted(BENCH.glob("bench_*.py")) + [BENCH / name for name in EXTRA_SCRIPTS]
    if args.only:
        scripts = [s for s in scripts if any(o in s.name for o in args.only)]
    rows: list[dict] = []
    t_start = time.perf_counter()
    for s in scripts:
        print(f"· {s.name} …", flush=True)
        r, elapsed, _ = run_script(s, args.quick)
        print(f"  {len(r)} result(s) in {elapsed:.1f} s", flush=True)
        rows.extend(r)
    if not args.no_notebooks and not args.only:
        print("· executing lecture notebooks …", flush=True)
        rows.append(notebooks_row())
    print(f"\nAll benchmarks in {time.perf_counter() - t_start:.0f} s "
          f"({os.cpu_count()} cores, numpy {__import__('numpy').__version__}).\n")
    print_table(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
