"""Cost of one full gradient: backprop (linear in P) vs naive finite differences (quadratic in P).

The measurement of lecture 03, section 10, with more repeats. Networks
``Linear(16, w) → Tanh → Linear(w, 4)`` (P = 21w + 4 parameters) with a softmax cross-entropy
on a batch of 512 examples, widths w = 8 … 512:

* backprop: one forward + one backward pass (``Sequential.backward``), best of R runs;
* naive central differences: two forward passes per parameter. Timed over *all* P entries
  for w ≤ ``--full-up-to`` (default 32), and over a fixed random sample of 64 entries scaled
  by P/64 for every width (each entry costs the same two forward passes); both are printed
  where both exist, so the estimate can be compared with the full loop.

Prints a table, the least-squares slopes of log(time) against log(P), and two lines
``RESULT {json}`` (goals: backprop slope in 0.6–1.4, finite-difference slope in 1.6–2.4). One BLAS
thread (threadpoolctl) keeps the timings steadier on a shared machine.

    .venv/bin/python benchmarks/bench_backprop_cost.py [--quick] [--repeats R] [--full-up-to W]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

from coursekit import functional as F
from coursekit.gradcheck import max_rel_error
from coursekit.layers import Linear, Sequential, Tanh

D_IN, C, N_BATCH, SAMPLE = 16, 4, 512, 64


def make_net(w):
    r = np.random.default_rng(w)
    return Sequential(Linear(D_IN, w, rng=r), Tanh(), Linear(w, C, rng=r))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="widths 16…256, fewer repeats")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--full-up-to", type=int, default=32, help="time the full FD loop up to this width")
    args = ap.parse_args(argv)
    widths = [16, 32, 64, 128, 256] if args.quick else [8, 16, 32, 64, 128, 256, 512]
    repeats = args.repeats or (3 if args.quick else 7)

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(N_BATCH, D_IN)), rng.integers(0, C, size=N_BATCH)

    def loss_value(model):
        return F.softmax_cross_entropy(model.forward(X), y)[0]

    def backprop(model):
        _, d = F.softmax_cross_entropy(model.forward(X), y)
        model.backward(d, input_grad=False)
        return model.gradients()

    def fd(model, entries, h=1e-5):
        out = np.empty(len(entries))
        params = model.parameters()
        for n, (key, k) in enumerate(entries):
            flat = params[key].reshape(-1)
            old = flat[k]
            flat[k] = old + h
            lp = loss_value(model)
            flat[k] = old - h
            lm = loss_value(model)
            flat[k] = old
            out[n] = (lp - lm) / (2 * h)
        return out

    def best(fn, r):
        ts = []
        for _ in range(r):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
        return min(ts)

    print(f"networks Linear({D_IN}, w) → tanh → Linear(w, {C}), softmax CE, batch {N_BATCH}, 1 BLAS thread")
    print(f"{'w':>4} {'P':>6} {'backprop ms':>12} {'FD full s':>10} {'FD est. s':>10} {'ratio':>8}  agree")
    Ps, t_bp, t_fd = [], [], []
    with threadpool_limits(1):
        for w in widths:
            model = make_net(w)
            P = model.n_params
            entries = [(k, i) for k, v in model.parameters().items() for i in range(v.size)]
            sample = [entries[i] for i in np.random.default_rng(1).choice(P, size=min(SAMPLE, P), replace=False)]
            tb = best(lambda: backprop(model), repeats)
            te = best(lambda: fd(model, sample), max(2, repeats // 3)) * P / len(sample)
            tf = best(lambda: fd(model, entries), 1) if w <= args.full_up_to else float("nan")
            g = backprop(model)
            agree = max_rel_error(np.array([g[k].reshape(-1)[i] for k, i in sample[:16]]), fd(model, sample[:16])) < 1e-5
            used = tf if np.isfinite(tf) else te
            Ps.append(P)
            t_bp.append(tb)
            t_fd.append(used)
            print(f"{w:4d} {P:6d} {tb * 1e3:12.3f} {tf:10.3f} {te:10.3f} {used / tb:8.0f}  {agree}")
    Ps, t_bp, t_fd = np.array(Ps, float), np.array(t_bp), np.array(t_fd)
    s_bp = float(np.polyfit(np.log(Ps), np.log(t_bp), 1)[0])
    s_fd = float(np.polyfit(np.log(Ps), np.log(t_fd), 1)[0])
    print(f"log-log slopes over P = {int(Ps[0])}…{int(Ps[-1])}: backprop {s_bp:.2f}, finite differences {s_fd:.2f}")
    print("RESULT " + json.dumps({"name": "backprop time vs P: log-log slope", "value": round(s_bp, 2),
                                  "unit": "", "baseline": 1.0, "ratio": round(s_bp, 2), "goal": "≈ 1 (0.6–1.4: linear)",
                                  "met": 0.6 <= s_bp <= 1.4}, ensure_ascii=False))
    print("RESULT " + json.dumps({"name": "naive finite-difference gradient time vs P: log-log slope",
                                  "value": round(s_fd, 2), "unit": "", "baseline": 2.0, "ratio": round(s_fd / 2, 2),
                                  "goal": "≈ 2 (1.6–2.4: quadratic)", "met": 1.6 <= s_fd <= 2.4}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
