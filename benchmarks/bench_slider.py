"""Slider latency in the browser: every panel of every lecture, keyboard move → new plot image.

Starts JupyterLab from this environment (127.0.0.1, random port and token, a temporary copy of
``lectures/``) and drives Debian's Chromium headless through Playwright, as
``tests/lectures/test_browser_jupyterlab.py`` does. For each lecture: open it, run all cells,
wait until the kernel is idle; then for EVERY panel (a widget box holding sliders and an output
image) focus its main slider (the first one) and press an arrow key once, ``--moves`` times
(default 5), each time measuring in the page, from the ``keydown`` event to the moment the
panel's ``<img>`` shows a new image (a MutationObserver), the latency in ms. Prints, per panel,
the median and the worst, and ``RESULT`` lines (goal: median ≤ 100 ms and worst ≤ 200 ms).

The kernel runs with ``COURSEKIT_PANEL_TIMINGS`` set: :class:`coursekit.widgets.panel.Panel`
then appends one JSON line per redraw (time in simulate, in draw, in the PNG encode), and the
benchmark splits each panel's latency into computing, drawing and the rest (messages, the
browser). Also kept: the in-kernel measurement of the optimization panel (Agg only, ``--agg``).

    python benchmarks/bench_slider.py [--moves 5] [--only 01_svm ...] [--all-sliders] [--no-prefetch] [--agg]

``--no-prefetch`` makes every move compute its picture: the split then shows where the time of
a cache miss goes.

Needs /usr/bin/chromium (or COURSEKIT_CHROMIUM); without it prints one RESULT row saying so.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import numpy as np  # noqa: E402


def naive_draw(data, landscape):
    """Baseline: a fresh figure each time, contours recomputed (what a first version would do)."""
    import matplotlib.pyplot as plt
    from coursekit.plotting import plot_contour, plot_loss_curve, plot_trajectory

    fig, (a, b) = plt.subplots(1, 2, figsize=(9.6, 3.1), dpi=72)
    plot_contour(a, landscape)
    plot_trajectory(a, data["ws"][np.isfinite(data["losses"])])
    plot_loss_curve(b, data["losses"], data["min_value"])
    fig.tight_layout()
    fig.canvas.draw()
    plt.close(fig)


def agg_main(changes=40, quick=False):
    """The optimization panel in the kernel only (no browser): value change → Agg render."""
    n = 20 if quick else max(changes, 20)

    from coursekit import landscapes as L
    from coursekit.widgets.optimization import DEFAULTS, OptimizationPanel

    # outside a notebook, Panel's display(fig) prints the figure's repr: keep stdout clean
    quiet = contextlib.redirect_stdout(io.StringIO())
    quiet.__enter__()
    t0 = time.perf_counter()
    panel = OptimizationPanel()
    panel.figure.canvas.draw()
    first = time.perf_counter() - t0
    lrs = np.geomspace(DEFAULTS["lr"] / 3, DEFAULTS["lr"] * 2.5, n)
    lat = []
    for lr in lrs:
        t = time.perf_counter()
        panel.set(lr=float(lr))
        panel.figure.canvas.draw()
        lat.append(time.perf_counter() - t)
    lat_m = []
    for b in np.linspace(0.0, 0.95, n):
        t = time.perf_counter()
        panel.set(momentum=float(b))
        panel.figure.canvas.draw()
        lat_m.append(time.perf_counter() - t)
    png = []
    for lr in lrs[: max(5, n // 4)]:
        t = time.perf_counter()
        panel.set(lr=float(lr))
        panel.figure.savefig(io.BytesIO(), format="png")
        png.append(time.perf_counter() - t)
    from IPython.core.pylabtools import print_figure

    inline = []
    for lr in lrs[: max(5, n // 4)]:
        t = time.perf_counter()
        panel.set(lr=float(lr))
        print_figure(panel.figure, "png", bbox_inches="tight")   # what IPython's inline display does
        inline.append(time.perf_counter() - t)
    quiet.__exit__(None, None, None)
    ls = L.get_landscape(DEFAULTS["landscape"])
    naive = []
    for lr in lrs[: max(5, n // 4)]:
        d = panel.simulate(**{**panel.values(), "lr": float(lr)})
        t = time.perf_counter()
        naive_draw(d, ls)
        naive.append(time.perf_counter() - t + 0.0)
    med = 1000 * statistics.median(lat)
    med_m = 1000 * statistics.median(lat_m)
    med_png = 1000 * statistics.median(png)
    med_naive = 1000 * statistics.median(naive)
    print(f"first render (builds the cached contour background): {1000 * first:.0f} ms")
    print(f"learning-rate slider, {n} changes: median {med:.1f} ms, p90 {1000 * np.percentile(lat, 90):.1f} ms")
    print(f"momentum slider, {n} changes: median {med_m:.1f} ms")
    print(f"learning-rate change + PNG encode: median {med_png:.1f} ms")
    print(f"learning-rate change + inline-style PNG (bbox_inches='tight'): median {1000 * statistics.median(inline):.1f} ms")
    print(f"naive redraw (fresh figure + contours, draw only): median {med_naive:.1f} ms")
    row = {"name": "optimization panel slider latency (lr change → Agg render, 200 iterations)",
           "value": round(med, 1), "unit": "ms", "baseline": f"naive redraw {med_naive:.0f} ms",
           "ratio": round(med_naive / med, 2), "goal": "≤ 100 ms median", "met": bool(med <= 100.0)}
    print("RESULT " + json.dumps(row, ensure_ascii=False))
    return 0




# ---------------------------------------------------------------------------------- the browser
ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("COURSEKIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
GOAL_MEDIAN_MS, GOAL_WORST_MS = 100.0, 200.0

_JS_STATE = """
() => {
  const app = window.jupyterapp;
  const w = app && app.shell.currentWidget;
  if (!w || !w.content || !w.sessionContext) return {ready: false};
  const k = w.sessionContext.session && w.sessionContext.session.kernel;
  const prompts = Array.from(document.querySelectorAll('.jp-InputArea-prompt')).map(e => e.textContent);
  return {ready: true, kernel: k ? k.status : null, busy: prompts.filter(t => t.includes('*')).length};
}
"""

# Panels: outermost widget boxes that hold a slider and an output image. Each is tagged with
# data-bench-panel = its index, and its sliders with data-bench-slider = their index.
_JS_TAG_PANELS = """
() => {
  const boxes = Array.from(document.querySelectorAll('.widget-vbox')).filter(b =>
      !b.parentElement.closest('.widget-vbox') && b.querySelector('.widget-image, .widget-output img')
      && b.querySelector('.noUi-handle'));
  return boxes.map((b, i) => {
    b.setAttribute('data-bench-panel', String(i));
    const sliders = Array.from(b.querySelectorAll('.widget-slider, .widget-hslider')).filter(
        s => s.querySelector('.noUi-handle'));
    sliders.forEach((s, j) => s.setAttribute('data-bench-slider', String(j)));
    return sliders.map(s => (s.querySelector('.widget-label') || {textContent: '?'}).textContent.trim());
  });
}
"""

# Arm one measurement: t0 at the next keydown, t1 when the panel's image src differs from now.
_JS_ARM = """
(i) => {
  const box = document.querySelector(`[data-bench-panel="${i}"]`);
  const img0 = box.querySelector('.widget-image, .widget-output img');
  const before = img0 ? img0.getAttribute('src') : null;
  window.__bench = {t0: null, t1: null, busy: null};
  document.addEventListener('keydown', () => { window.__bench.t0 = performance.now(); },
                            {capture: true, once: true});
  const obs = new MutationObserver(() => {
    const b = window.__bench;
    if (b.t0 !== null && b.busy === null && box.querySelector('.ck-panel-busy')) b.busy = performance.now();
    const img = box.querySelector('.widget-image, .widget-output img');
    if (b.t0 !== null && img && img.getAttribute('src') && img.getAttribute('src') !== before) {
      b.t1 = performance.now();
      obs.disconnect();
    }
  });
  obs.observe(box, {subtree: true, childList: true, attributes: true, characterData: true});
  window.__bench_obs = obs;
}
"""


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def jupyterlab(lectures, timings_path, extra_env=None):
    """A JupyterLab server on a temporary copy of ``lectures``; yields (base URL, token)."""
    import secrets
    import shutil
    import subprocess
    import sys
    import tempfile
    import urllib.request
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        root = work / "lectures"
        shutil.copytree(lectures, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        settings = work / "settings"
        (settings / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
        (settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
            json.dumps({"windowingMode": "none"}))
        (settings / "@jupyterlab" / "apputils-extension").mkdir(parents=True)
        (settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        port, token = _free_port(), secrets.token_hex(16)
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(work / "config"),
               "MPLBACKEND": "module://matplotlib_inline.backend_inline",
               "COURSEKIT_PANEL_TIMINGS": str(timings_path), **(extra_env or {})}
        log = open(work / "jupyterlab.log", "w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
             f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
             f"--LabApp.user_settings_dir={settings}", f"--LabApp.workspaces_dir={work / 'workspaces'}",
             "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
            + (["--allow-root"] if os.geteuid() == 0 else []),
            stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 90
            while True:
                try:
                    with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("JupyterLab did not start:\n" + (work / "jupyterlab.log").read_text()[-2000:])
                time.sleep(0.5)
            yield base, token
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()


def _shutdown_kernels(base, token):
    """Stop every kernel (a finished lecture's idle kernel would only take memory)."""
    import urllib.request

    with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=10) as r:
        sessions = json.loads(r.read())
    for s in sessions:
        req = urllib.request.Request(f"{base}/api/sessions/{s['id']}?token={token}", method="DELETE")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(req, timeout=10).close()


def _run_all(page, base, token, name):
    page.goto(f"{base}/lab/tree/{name}.ipynb?token={token}&reset")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget "
                           "&& window.jupyterapp.shell.currentWidget.sessionContext", timeout=120_000)
    page.wait_for_function(f"() => ({_JS_STATE})().kernel === 'idle'", timeout=120_000)
    t0 = time.time()
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    deadline, calm = time.time() + 300, 0
    while calm < 2:
        state = page.evaluate(_JS_STATE)
        calm = calm + 1 if state.get("kernel") == "idle" and state.get("busy") == 0 else 0
        if time.time() > deadline:
            raise RuntimeError(f"{name}: cells still running after 300 s: {state}")
        page.wait_for_timeout(500)
    return time.time() - t0


def _move(page, panel, slider, moves, settle_ms):
    """Press an arrow key ``moves`` times on one slider; the latencies in ms (None: no change)."""
    sl = page.locator(f'[data-bench-panel="{panel}"] [data-bench-slider="{slider}"]')
    sl.scroll_into_view_if_needed()
    readout = sl.locator(".widget-readout")
    handle = sl.locator(".noUi-handle").first
    lat, busy, key = [], [], "ArrowRight"
    for _ in range(moves):
        page.wait_for_timeout(settle_ms)   # the previous move (and any work it started) settles
        handle.focus()
        old = readout.inner_text().strip()
        page.evaluate(_JS_ARM, panel)
        page.keyboard.press(key)
        t_key = time.time()
        while readout.inner_text().strip() == old and time.time() - t_key < 2.0:
            page.wait_for_timeout(20)
        if readout.inner_text().strip() == old:   # at the end of its range: go the other way
            key = "ArrowLeft" if key == "ArrowRight" else "ArrowRight"
            page.evaluate(_JS_ARM, panel)
            page.keyboard.press(key)
        try:
            page.wait_for_function("() => window.__bench.t1 !== null", timeout=30_000, polling=10)
        except Exception:  # noqa: BLE001 - no new image within 30 s: report it, do not hang
            lat.append(None)
            continue
        b = page.evaluate("() => window.__bench")
        lat.append(b["t1"] - b["t0"])
        busy.append(None if b["busy"] is None else b["busy"] - b["t0"])
    return lat, busy


def _split(timings_path, since):
    """Per panel class: median ms in simulate, draw, encode over the redraws logged after ``since``."""
    from pathlib import Path

    p = Path(timings_path)
    rows = [json.loads(line) for line in p.read_text().splitlines()] if p.exists() else []
    rows = [r for r in rows if r["t"] >= since]
    out = {}
    for key in ("simulate_ms", "draw_ms", "encode_ms"):
        vals = [r[key] for r in rows]
        out[key] = statistics.median(vals) if vals else None
    out["n"] = len(rows)
    out["cached"] = sum(bool(r.get("cached")) for r in rows)
    return out


def browser_main(moves=5, only=None, all_sliders=False, settle_ms=400, prefetch=True):
    from pathlib import Path

    if not Path(CHROMIUM).exists():
        print(f"Chromium not found at {CHROMIUM}: no browser measurement")
        row = {"name": "slider latency in the browser", "value": None, "unit": "ms", "goal": "≤ 100 ms median",
               "met": False, "note": f"no Chromium at {CHROMIUM}"}
        print("RESULT " + json.dumps(row, ensure_ascii=False))
        return []
    from playwright.sync_api import sync_playwright
    import tempfile

    load = os.getloadavg()
    print(f"load average before: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
    lectures = sorted(p.stem for p in (ROOT / "lectures").glob("*.ipynb"))
    if only:
        lectures = [n for n in lectures if any(o in n for o in only)]
    table = []
    timings = Path(tempfile.mkdtemp()) / "panel_timings.jsonl"
    extra = {} if prefetch else {"COURSEKIT_PANEL_PREFETCH": "0"}
    with jupyterlab(ROOT / "lectures", timings, extra) as (base, token), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        for name in lectures:
            ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = ctx.new_page()
            run_s = _run_all(page, base, token, name)
            panels = page.evaluate(_JS_TAG_PANELS)
            print(f"{name}: ran all cells in {run_s:.1f} s; {len(panels)} panel(s)", flush=True)
            for i, labels in enumerate(panels):
                for j, label in enumerate(labels if all_sliders else labels[:1]):
                    since = time.time()
                    lat, busy = _move(page, i, j, moves, settle_ms)
                    ok = [v for v in lat if v is not None]
                    split = _split(timings, since)
                    row = {"lecture": name, "panel": i, "slider": label, "latencies": lat,
                           "median": statistics.median(ok) if ok else None,
                           "worst": max(ok) if len(ok) == len(lat) and ok else None,
                           "busy_shown": [b for b in busy if b is not None], **split}
                    table.append(row)
                    print(f"  panel {i} '{label}': " + ", ".join("—" if v is None else f"{v:.0f}" for v in lat)
                          + " ms", flush=True)
            ctx.close()
            _shutdown_kernels(base, token)
        browser.close()
    load = os.getloadavg()
    print(f"load average after: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("\n| lecture | slider | median | worst of 5 | ready (cached) | simulate | draw | PNG encode | rest (messages, browser) |")
    print("|---|---|---|---|---|---|---|---|---|")
    fmt_ms = lambda v: "—" if v is None else f"{v:.0f} ms"  # noqa: E731
    for r in table:
        kernel = sum(r[k] or 0.0 for k in ("simulate_ms", "draw_ms", "encode_ms"))
        rest = None if r["median"] is None else r["median"] - kernel
        print(f"| {r['lecture']} | {r['slider']} | {fmt_ms(r['median'])} | {fmt_ms(r['worst'])} | {r['cached']}/{r['n']} | "
              f"{fmt_ms(r['simulate_ms'])} | {fmt_ms(r['draw_ms'])} | {fmt_ms(r['encode_ms'])} | {fmt_ms(rest)} |")
    for r in table:
        met = r["median"] is not None and r["worst"] is not None and r["median"] <= GOAL_MEDIAN_MS \
            and r["worst"] <= GOAL_WORST_MS
        label = "" if prefetch else ", no prefetch"
        row = {"name": f"slider latency in the browser: {r['lecture']} '{r['slider']}' (median of {moves}{label})",
               "value": None if r["median"] is None else round(r["median"], 1), "unit": "ms",
               "baseline": f"worst {fmt_ms(r['worst'])}", "ratio": None,
               "goal": f"median ≤ {GOAL_MEDIAN_MS:.0f} ms, worst ≤ {GOAL_WORST_MS:.0f} ms", "met": bool(met)}
        print("RESULT " + json.dumps(row, ensure_ascii=False))
    return table


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--moves", type=int, default=5)
    ap.add_argument("--only", nargs="*", help="substrings of lecture names")
    ap.add_argument("--all-sliders", action="store_true", help="every slider of every panel, not only the first")
    ap.add_argument("--settle-ms", type=int, default=400, help="pause before each move")
    ap.add_argument("--no-prefetch", action="store_true",
                    help="panels prepare no neighbouring pictures: every move computes (shows the split)")
    ap.add_argument("--agg", action="store_true", help="also the in-kernel Agg measurement of the optimization panel")
    ap.add_argument("--changes", type=int, default=40)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    browser_main(args.moves, args.only, args.all_sliders, args.settle_ms, prefetch=not args.no_prefetch)
    if args.agg:
        agg_main(args.changes, args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
