"""One SGD training step of a 784-512-10 ReLU MLP (batch 256, float64): what the abstraction costs.

Times, in the same run and interleaved round by round (so machine noise hits all alike):

* coursekit: ``Sequential(Linear, ReLU, Linear)`` forward, ``SoftmaxCrossEntropyLoss``,
  ``model.backward(δ, input_grad=False)``, then ``optim.GD.step(model.parameters(),
  model.gradients())`` — what ``coursekit.train.fit`` does per minibatch: every formula
  from ``coursekit.functional``, the plain numpy update W ← W − η∇W;
* a hand-written numpy step with the same arithmetic (preallocated dW1, in-place update);
* PyTorch on CPU (float64, same shapes, ``torch.set_num_threads`` = numpy's BLAS threads)
  when ``import torch`` works, in its own process, taking turns with the numpy rounds in
  blocks of ≥ 15 steps;
* the GEMM bound: only the five matrix products of one step (x W1ᵀ, h W2ᵀ, δ₂ᵀ h, δ₂ W2,
  δ₁ᵀ x) with plain numpy — the same flop count — giving numpy's GFLOP/s.

Prints medians, the GEMM share as the median of the per-round ratios GEMM time / step
time (for information), and two machine-readable lines ``RESULT {json}`` (keys name, value,
unit, baseline, ratio, goal, met). Goal: coursekit ≤ 1.0× the PyTorch time.

    .venv/bin/python benchmarks/bench_mlp_step.py [--quick] [--repeats R] [--threads T]

On a shared, busy machine multi-threaded BLAS timings swing wildly (threads wait for
cores); ``--threads 1`` gives steadier numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from coursekit.layers import Linear, ReLU, Sequential  # noqa: E402
from coursekit.losses import SoftmaxCrossEntropyLoss  # noqa: E402
from coursekit.optim import GD  # noqa: E402

N, D, H, C = 256, 784, 512, 10
LR = 0.01
FLOPS = 2 * (N * D * H + N * H * C + C * N * H + N * C * H + H * N * D)  # the five products


def blas_threads():
    try:
        from threadpoolctl import threadpool_info

        info = [p for p in threadpool_info() if p.get("user_api") == "blas"]
        if info:
            return int(info[0]["num_threads"])
    except Exception:  # pragma: no cover - threadpoolctl missing
        pass
    return os.cpu_count() or 1


def make_data():
    rng = np.random.default_rng(0)
    x = rng.random((N, D))
    y = rng.integers(0, C, N)
    return x, y


def coursekit_step_fn(x, y):
    model = Sequential(Linear(D, H, init="he", rng=1), ReLU(), Linear(H, C, init="xavier", rng=2))
    loss = SoftmaxCrossEntropyLoss()
    opt = GD(lr=LR)

    def step():  # what coursekit.train.fit does per minibatch
        out = model.forward(x)
        _, dout = loss(out, y)
        model.backward(dout, input_grad=False)
        opt.step(model.parameters(), model.gradients())

    return step


def numpy_step_fn(x, y):
    """The same step written by hand in numpy, as lean as we could: gradients of the big
    matrices go into preallocated buffers and the update is in place."""
    rng = np.random.default_rng(1)
    W1 = rng.normal(0, np.sqrt(2 / D), (H, D))
    b1 = np.zeros(H)
    W2 = rng.normal(0, np.sqrt(1 / H), (C, H))
    b2 = np.zeros(C)
    dW1 = np.empty_like(W1)
    rows = np.arange(N)

    def step():
        nonlocal W1, b1, W2, b2, dW1  # updated in place below
        z1 = x @ W1.T
        z1 += b1
        h = np.maximum(z1, 0.0)
        s = h @ W2.T
        s += b2
        s -= s.max(axis=1, keepdims=True)
        p = np.exp(s)
        p /= p.sum(axis=1, keepdims=True)
        _loss = -np.log(p[rows, y]).mean()
        p[rows, y] -= 1.0
        p /= N  # δ₂
        dW2 = p.T @ h
        db2 = p.sum(axis=0)
        dh = p @ W2
        dh *= z1 > 0  # δ₁
        np.matmul(dh.T, x, out=dW1)
        db1 = dh.sum(axis=0)
        dW1 *= LR
        W1 -= dW1
        b1 -= LR * db1
        W2 -= LR * dW2
        b2 -= LR * db2

    return step


def gemm_fn(x, y):
    rng = np.random.default_rng(2)
    W1 = rng.standard_normal((H, D))
    W2 = rng.standard_normal((C, H))
    h = rng.standard_normal((N, H))
    d2 = rng.standard_normal((N, C))
    d1 = rng.standard_normal((N, H))

    def step():
        x @ W1.T
        h @ W2.T
        d2.T @ h
        d2 @ W2
        d1.T @ x

    return step


def torch_step_fn(x, y, threads):
    try:
        import torch
    except Exception:
        return None, None
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    xt = torch.from_numpy(x)
    yt = torch.from_numpy(y)
    model = torch.nn.Sequential(torch.nn.Linear(D, H), torch.nn.ReLU(), torch.nn.Linear(H, C)).double()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    lossf = torch.nn.CrossEntropyLoss()

    def step():
        opt.zero_grad(set_to_none=False)
        loss = lossf(model(xt), yt)
        loss.backward()
        opt.step()

    return step, torch.__version__


def torch_child(x, y, threads, warmup):
    """Serve torch timings: print the version, then for each line "k" on stdin time k steps
    and print their times as a JSON list."""
    tstep, tver = torch_step_fn(x, y, threads)
    if tstep is None:
        print("TORCH null", flush=True)
        return 0
    for _ in range(warmup):
        tstep()
    print("TORCH " + json.dumps({"version": tver}), flush=True)
    for line in sys.stdin:
        for _ in range(3):  # untimed: wake the threads after the pause (numpy does the same)
            tstep()
        ts = []
        for _ in range(int(line)):
            t0 = time.perf_counter()
            tstep()
            ts.append(time.perf_counter() - t0)
        print(json.dumps(ts), flush=True)
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="40 repeats instead of 150")
    ap.add_argument("--repeats", type=int, default=None)
    ap.add_argument("--threads", type=int, default=None,
                    help="limit numpy's BLAS (and torch) to this many threads (default: BLAS default)")
    ap.add_argument("--torch-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    repeats = max(30, args.repeats or (40 if args.quick else 150))
    warmup = 5

    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=args.threads, user_api="blas")
    threads = blas_threads()
    x, y = make_data()
    if args.torch_only:  # the child process of the torch measurement (see below)
        return torch_child(x, y, threads, warmup)
    fns = {"coursekit": coursekit_step_fn(x, y), "numpy": numpy_step_fn(x, y), "gemm": gemm_fn(x, y)}

    # PyTorch runs in its own process: its OpenMP threads keep spinning for a while after
    # each op and would steal the cores from numpy's BLAS if both ran in one process. The
    # two processes take turns in blocks of rounds (numpy rounds, then torch steps, then a
    # pause for torch's threads to go to sleep), so a slow spell of this shared machine
    # falls on both sides instead of on one.
    cmd = [sys.executable, os.path.abspath(__file__), "--torch-only"]
    if args.threads is not None:
        cmd += ["--threads", str(args.threads)]
    child = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    hello = child.stdout.readline().strip()
    tver = None if hello in ("", "TORCH null") else json.loads(hello[len("TORCH "):])["version"]
    if tver is None:
        child.wait()

    for f in fns.values():
        for _ in range(warmup):
            f()
    times = {k: [] for k in fns}
    torch_times = []
    blocks = max(2, min(10, repeats // 15))
    for b in range(blocks):
        for _ in range(3):  # untimed, after the pause (as the torch side does)
            for f in fns.values():
                f()
        for _ in range(repeats // blocks):  # interleaved rounds
            for k, f in fns.items():
                t0 = time.perf_counter()
                f()
                times[k].append(time.perf_counter() - t0)
        if tver is not None:
            child.stdin.write(f"{repeats // blocks}\n")
            child.stdin.flush()
            torch_times += json.loads(child.stdout.readline())
            time.sleep(0.3)  # let torch's OpenMP threads stop spinning
    if tver is not None:
        child.stdin.close()
        child.wait()
    repeats = blocks * (repeats // blocks)
    med = {k: float(np.median(v)) for k, v in times.items()}
    if torch_times:
        med["torch"] = float(np.median(torch_times))

    gflops = {k: FLOPS / med[k] / 1e9 for k in med}
    print(f"MLP {D}-{H}-{C} ReLU, batch {N}, float64, one SGD step; {repeats} repeats, median; "
          f"BLAS threads {threads}; {FLOPS / 1e6:.1f} MFLOP in matmuls per step; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"  coursekit          {med['coursekit'] * 1e3:8.3f} ms/step   {gflops['coursekit']:6.1f} GFLOP/s")
    print(f"  hand-written numpy {med['numpy'] * 1e3:8.3f} ms/step   {gflops['numpy']:6.1f} GFLOP/s")
    if "torch" in med:
        print(f"  PyTorch {tver:<10} {med['torch'] * 1e3:8.3f} ms/step   {gflops['torch']:6.1f} GFLOP/s")
    else:
        print("  PyTorch            torch not installed")
    print(f"  GEMM bound (5 matmuls only) {med['gemm'] * 1e3:8.3f} ms   {gflops['gemm']:6.1f} GFLOP/s")
    # The GEMM share is the median of the per-round ratios: each round times the step and the
    # five products back to back, so the pair sees the same machine (a slow spell on this
    # shared host slows both); the ratio of the two medians is printed beside it.
    paired = np.asarray(times["gemm"]) / np.asarray(times["coursekit"])
    frac = float(np.median(paired))
    q1, q3 = np.percentile(paired, [25, 75])
    print(f"  coursekit reaches {100 * frac:.1f} % of numpy's GEMM GFLOP/s (median of per-round ratios; "
          f"quartiles {100 * q1:.1f}–{100 * q3:.1f} %; ratio of medians {100 * med['gemm'] / med['coursekit']:.1f} %)")
    hand = float(np.median(np.asarray(times["gemm"]) / np.asarray(times["numpy"])))
    print(f"  hand-written numpy reaches {100 * hand:.1f} % (same measure); "
          f"coursekit / numpy time = {med['coursekit'] / med['numpy']:.3f}")
    if "torch" in med:
        r = med["coursekit"] / med["torch"]
        print(f"  coursekit / PyTorch time = {r:.3f} (numpy / PyTorch = {med['numpy'] / med['torch']:.3f})")

    gemm_row = {
        "name": "mlp_step 784-512-10: coursekit GFLOP/s vs numpy GEMM",
        "value": round(100 * frac, 1),
        "unit": "% of GEMM GFLOP/s",
        "baseline": f"GEMM {gflops['gemm']:.1f} GFLOP/s",
        "ratio": round(frac, 3),
        "goal": "",
        "met": None,
    }
    if "torch" in med:
        r = med["coursekit"] / med["torch"]
        torch_row = {
            "name": "mlp_step 784-512-10: coursekit vs PyTorch CPU",
            "value": round(med["coursekit"] * 1e3, 3),
            "unit": "ms/step",
            "baseline": f"torch {med['torch'] * 1e3:.3f} ms",
            "ratio": round(r, 3),
            "goal": "≤ 1.0× torch",
            "met": bool(r <= 1.0),
        }
    else:
        torch_row = {
            "name": "mlp_step 784-512-10: coursekit vs PyTorch CPU",
            "value": round(med["coursekit"] * 1e3, 3),
            "unit": "ms/step",
            "baseline": None,
            "ratio": None,
            "goal": "≤ 1.0× torch",
            "met": None,
            "note": "torch not installed",
        }
    print("RESULT " + json.dumps(gemm_row, ensure_ascii=False))
    print("RESULT " + json.dumps(torch_row, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
