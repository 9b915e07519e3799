"""Cross-check coursekit.optim against torch.optim on the same quadratic (float64).

For Momentum, Nesterov, AdaGrad, RMSprop and Adam: run 200 steps from the same start on
E = ½wᵀAw + bᵀw (d = 10, κ = 100) with coursekit and with torch.optim (torch computes the
gradient by autograd), and print the max abs difference of the trajectories. Without torch it
prints "torch not installed" and a RESULT with met = null.

    python benchmarks/bench_optim_torch.py
"""

from __future__ import annotations

import json

import numpy as np

N_STEPS = 200


def main(argv=None):
    try:
        import torch
    except ImportError:
        print("torch not installed")
        print("RESULT " + json.dumps({"name": "coursekit.optim vs torch.optim (max abs trajectory difference)",
                                      "value": None, "unit": "", "baseline": None, "ratio": None,
                                      "goal": "≤ 1e-12", "met": None, "note": "torch not installed"}))
        return 0

    from coursekit import optim
    from coursekit.landscapes import Quadratic

    q = Quadratic.with_condition_number(100.0, dim=10, lam_min=0.05, rng=np.random.default_rng(0))
    b = np.linspace(-1, 1, 10)
    A = q.A
    w0 = np.linspace(1.0, -2.0, 10)
    cases = {
        "Momentum": (optim.Momentum(lr=0.05, beta=0.9), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
        "Nesterov": (optim.Nesterov(lr=0.05, beta=0.9),
                     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True)),
        "AdaGrad": (optim.AdaGrad(lr=0.5), lambda p: torch.optim.Adagrad(p, lr=0.5)),
        "RMSprop": (optim.RMSprop(lr=0.01), lambda p: torch.optim.RMSprop(p, lr=0.01)),
        "Adam": (optim.Adam(lr=0.05), lambda p: torch.optim.Adam(p, lr=0.05)),
    }
    At, bt = torch.tensor(A, dtype=torch.float64), torch.tensor(b, dtype=torch.float64)
    worst = 0.0
    for name, (ours, make_torch) in cases.items():
        p = {"w": w0.copy()}
        ours_traj = []
        for _ in range(N_STEPS):
            ours.step(p, {"w": A @ p["w"] + b})
            ours_traj.append(p["w"].copy())
        wt = torch.tensor(w0, dtype=torch.float64, requires_grad=True)
        opt = make_torch([wt])
        torch_traj = []
        for _ in range(N_STEPS):
            # The same gradient formula (and so the same rounding) as coursekit gets: only the
            # update rules are compared, not autograd's ½(A + Aᵀ)w against A w.
            wt.grad = torch.from_numpy(A @ wt.detach().numpy() + b)
            opt.step()
            torch_traj.append(wt.detach().numpy().copy())
        diff = float(np.max(np.abs(np.array(ours_traj) - np.array(torch_traj))))
        worst = max(worst, diff)
        print(f"{name:9s} max |coursekit − torch| over {N_STEPS} steps: {diff:.3e}")
    print("RESULT " + json.dumps({"name": "coursekit.optim vs torch.optim (max abs trajectory difference)",
                                  "value": worst, "unit": "", "baseline": f"torch {torch.__version__}",
                                  "ratio": None, "goal": "≤ 1e-12", "met": bool(worst <= 1e-12)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
