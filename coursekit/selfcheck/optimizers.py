"""Self-checks of the optimizers notebook: reference trajectories computed from :mod:`coursekit.optim`.

The library's optimizers (``Momentum``, ``Nesterov``, ``Adam``, ``Rprop``) run a few steps on small
loss landscapes (an ill-conditioned quadratic, a Rosenbrock valley, a quadratic on a (3, 4)-shaped
parameter); every step becomes a case: the student's step function gets the state the optimizer
had before the step and must return the state it had after, to ``np.allclose(rtol=1e-9,
atol=1e-12)``. Shapes, float64 outputs, finite values and unmodified inputs are checked too.
"""

from __future__ import annotations

import numpy as np

from coursekit import optim
from coursekit.selfcheck.core import Case, Spec, fmt_err, need_array

__all__ = ["SPECS", "RTOL", "ATOL"]

RTOL = 1e-9
ATOL = 1e-12
SEED = 31337


def _quadratic(w):
    return np.array([w[0], 25.0 * w[1]])


def _rosenbrock(w):
    x, y = w
    return np.array([-2.0 * (1.0 - x) - 40.0 * x * (y - x * x), 20.0 * (y - x * x)])


_DIAG = np.linspace(0.5, 6.0, 12).reshape(3, 4)
#: name -> (start, gradient, learning-rate scale)
LANDSCAPES = {
    "quadratic (condition 25)": (np.array([1.5, -0.8]), _quadratic, 1.0),
    "Rosenbrock valley": (np.array([-1.2, 1.0]), _rosenbrock, 0.1),
    "diagonal quadratic, W of shape (3, 4)": (np.linspace(-1.0, 1.2, 12).reshape(3, 4), lambda w: _DIAG * w, 1.0),
}


def _state(opt, w):
    st = opt.state.get("w")
    if isinstance(opt, (optim.Momentum,)):  # Nesterov is a Momentum
        return {"w": w.copy(), "dw": np.zeros_like(w) if st is None else np.array(st, dtype=np.float64)}
    if isinstance(opt, optim.Adam):
        if st is None:
            return {"w": w.copy(), "m": np.zeros_like(w), "v": np.zeros_like(w), "t": 0}
        return {"w": w.copy(), "m": np.array(st["m"]), "v": np.array(st["v"]), "t": int(st["t"])}
    if st is None:  # Rprop
        return {"w": w.copy(), "prev_grad": None, "size": None}
    return {"w": w.copy(), "prev_grad": np.array(st["prevD"]), "size": np.array(st["size"])}


def _trajectory(make_opt, w0, grad, steps):
    """[(step number, state before, gradient, state after)] of the library optimizer."""
    opt = make_opt()
    params = {"w": np.array(w0, dtype=np.float64)}
    out = []
    for k in range(steps):
        g = grad(params["w"].copy())
        before = _state(opt, params["w"])
        opt.step(params, {"w": g})
        out.append((k + 1, before, g, _state(opt, params["w"])))
    return out


def _step_cases(kind, hyper_list, steps=4):
    def cases(ns):
        out = []
        for (name, (w0, grad, lr_scale)), hyper in zip(LANDSCAPES.items(), hyper_list):
            hyper = dict(hyper)
            if kind != "Rprop":
                hyper["lr"] *= lr_scale
            traj = _trajectory(lambda: getattr(optim, kind)(**hyper), w0, grad, steps + 2)
            hp = ", ".join(f"{k}={v:g}" for k, v in hyper.items())
            n = 0
            for k, before, g, after in traj:
                if n >= steps:
                    break
                if kind == "Rprop" and (before["prev_grad"] is None or np.any(before["prev_grad"] == 0)
                                        or np.any(g == 0)):
                    continue  # Rprop's first step is rprop_start's; a zero gradient has no sign
                label = f"step {k} on the {name} ({hp})"
                if kind in ("Momentum", "Nesterov"):
                    args, kw, exp = (before["w"], before["dw"], g, hyper["lr"], hyper["beta"]), {}, ("w", "dw")
                elif kind == "Adam":
                    args = (before["w"], before["m"], before["v"], before["t"] + 1, g, hyper["lr"])
                    kw, exp = {k2: hyper[k2] for k2 in ("beta1", "beta2", "eps")}, ("w", "m", "v")
                else:
                    args = (before["w"], before["prev_grad"], before["size"], g)
                    kw = {k2: hyper[k2] for k2 in ("alpha", "beta", "step_min", "step_max")}
                    exp = ("w", "prev_grad", "size")
                out.append(Case(label, args, kw, expect=tuple((o, after[o]) for o in exp)))
                n += 1
        return out
    return cases


def _judge(function):
    def judge(case, value):
        names = [n for n, _ in case.expect]
        if not isinstance(value, (tuple, list)) or len(value) != len(names):
            got = (f"a {type(value).__name__} of length {len(value)}" if isinstance(value, (tuple, list))
                   else type(value).__name__)
            return [f"{function} must return a tuple ({', '.join(names)}), got {got}"], {"return value": got}
        problems, errors = [], {}
        for (name, expected), v in zip(case.expect, value):
            if isinstance(v, (int, float)) and not isinstance(v, bool) and np.shape(expected) == ():
                v = np.array(float(v))
            arr, problem = need_array(v, name, np.shape(expected))
            if problem:
                problems.append(problem + (" (the shape of w)" if "shape" in problem else ""))
                errors[name] = problem.split(":")[0]
                continue
            rel = float(np.max(np.abs(arr - expected)) / max(float(np.max(np.abs(expected))), 1e-12))
            errors[name] = fmt_err(rel, below=1e-12)
            if not np.allclose(arr, expected, rtol=RTOL, atol=ATOL):
                idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(arr - expected))), arr.shape))
                problems.append(f"{name} is off by a relative error of {rel:.2g} (at index {idx}: yours "
                                f"{arr[idx]:.10g}, expected {expected[idx]:.10g})")
        return problems, errors
    return judge


_MOM = [{"lr": 0.02, "beta": 0.9}, {"lr": 0.05, "beta": 0.8}, {"lr": 0.01, "beta": 0.5}]
_ADAM = [{"lr": 0.05, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}, {"lr": 0.1, "beta1": 0.8, "beta2": 0.99, "eps": 1e-3},
         {"lr": 0.01, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8}]
_RPROP = [{"lr": 0.1, "alpha": 1.2, "beta": 0.5, "step_min": 1e-6, "step_max": 50.0},
          {"lr": 0.2, "alpha": 1.2, "beta": 0.5, "step_min": 0.02, "step_max": 0.3},
          {"lr": 0.05, "alpha": 1.2, "beta": 0.5, "step_min": 1e-6, "step_max": 50.0}]
_WHAT = "max relative error per output against the library's optimizer (coursekit.optim); passes at ≤ 1e-9"

SPECS = {
    "momentum_step": Spec("momentum_step", ("w", "dw", "grad", "lr", "beta"), _step_cases("Momentum", _MOM),
                          _judge("momentum_step"), what=_WHAT),
    "nesterov_step": Spec("nesterov_step", ("w", "dw", "grad", "lr", "beta"), _step_cases("Nesterov", _MOM),
                          _judge("nesterov_step"), what=_WHAT),
    "adam_step": Spec("adam_step", ("w", "m", "v", "t", "grad", "lr"), _step_cases("Adam", _ADAM),
                      _judge("adam_step"), what=_WHAT),
    "rprop_step": Spec("rprop_step", ("w", "prev_grad", "size", "grad"), _step_cases("Rprop", _RPROP, steps=8),
                       _judge("rprop_step"), what=_WHAT),
}
