"""How far below its tolerance does honest code pass each check? (Same code, same grade: no
tolerance that honest code straddles; see ARCHITECTURE.md, Grading.)

Runs the honest alternative implementations of the tests (loops, einsum, np.where vs masks,
1/(1+np.exp(-z)), 1/cosh², scipy.special.expit/logsumexp/log_softmax, explicit per-row softmax
Jacobians, other but equivalent Adam / momentum / Nesterov / Rprop algebra, hinge loops, the
svm training routes) on every graded case (visible + hidden) and prints, per check and variant,
the worst error as a fraction of the tolerance that passes it (``FunctionCheck.margin``): 1
would be on the boundary; the goal is a large margin (≪ 1) everywhere.

Run: ``.venv/bin/python benchmarks/bench_check_margins.py``; prints one line per variant and
``RESULT {json}`` lines.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "autograder" / "checks"))

from check_helpers import grade, worst_margin  # noqa: E402

from autograder.checks import check_for  # noqa: E402


def _module(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def variants():
    bp = _module(REPO / "tests" / "autograder" / "checks" / "test_backprop_stability_and_dtypes.py")
    osvm = _module(REPO / "tests" / "autograder" / "grading" / "test_checks_optimizers_svm.py")
    out = [("backprop", f, fn) for f, fn in bp.HONEST]
    out += [
        ("optimizers", "momentum_step", osvm.torch_momentum),
        ("optimizers", "nesterov_step", osvm.torch_nesterov), ("optimizers", "nesterov_step", osvm.nesterov_expanded),
        ("optimizers", "adam_step", osvm.adam), ("optimizers", "adam_step", osvm.adam_kingma),
        ("optimizers", "rprop_step", osvm.rprop_loop_shaped), ("optimizers", "rprop_step", osvm.rprop_sign_product),
        ("svm", "hinge_loss_and_grad", osvm.hinge_loop), ("svm", "hinge_loss_and_grad", osvm.hinge_einsum),
        ("svm", "hinge_loss_and_grad", osvm.hinge_maximum_margin_le_1),
        ("svm", "train_linear_svm", osvm.train_gd), ("svm", "train_linear_svm", osvm.make_sgd(0)),
    ]
    return out


def main():
    rows = []
    for assignment, function, fn in variants():
        check = check_for(assignment, function)
        out = grade(check, fn)
        m = worst_margin(check, fn)
        name = getattr(fn, "__name__", "?")
        print(f"{assignment:10s} {function:22s} {name:34s} points {out.points:g}/{out.points_possible:g}  "
              f"worst error / tolerance {m:.2g}", flush=True)
        rows.append({"name": f"margin:{function}:{name}", "value": m, "unit": "fraction of tolerance",
                     "points": out.points, "goal": "<< 1", "met": m <= 0.05})
    for r in rows:
        print("RESULT " + json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
