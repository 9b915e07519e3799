"""Slider latency of the optimization panel: value change → rendered new figure (Agg).

Builds an ``OptimizationPanel`` at its default settings (momentum on the κ = 50 narrow valley,
200 iterations), then moves the learning-rate slider through ``--changes`` values (log-spaced
around the default) with ``panel.set(lr=…)`` and, for each change, times
simulate → draw → ``fig.canvas.draw()`` (a full Agg render of the new figure). The first
render (contour background, once per landscape) is excluded and reported separately. Also
times the momentum slider and a PNG encode (what the notebook front end receives).

    python benchmarks/bench_slider.py [--changes 40] [--quick]

Prints a ``RESULT {json}`` line: median latency in ms against the 100 ms goal; the baseline is
the same figure drawn naively (contours and axes re-rendered on every change). Also printed:
the time until PNG bytes exist, plain and the way IPython's inline display saves them.
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


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--changes", type=int, default=40)
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    n = 20 if args.quick else max(args.changes, 20)

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


if __name__ == "__main__":
    raise SystemExit(main())
