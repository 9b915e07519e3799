"""Constants and subprocess helpers shared by the grading tests (imported via conftest's sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]

BACKPROP_POINTS = {
    "linear_backward": 2,
    "sigmoid_backward": 1,
    "tanh_backward": 1,
    "relu_backward": 1,
    "softmax_backward": 2,
    "softmax_cross_entropy": 2,
    "mlp_loss_and_grads": 3,
}
OPTIMIZERS_POINTS = {"momentum_step": 2, "nesterov_step": 2, "adam_step": 3, "rprop_step": 3}
SVM_POINTS = {"hinge_loss_and_grad": 3, "train_linear_svm": 3}
POINTS = {"backprop": BACKPROP_POINTS, "optimizers": OPTIMIZERS_POINTS, "svm": SVM_POINTS}


def run(cmd, cwd, timeout=600):
    """Run a command with this interpreter's bin/ on PATH; return CompletedProcess (text)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["MPLBACKEND"] = "Agg"
    return subprocess.run(cmd, cwd=str(cwd), env=env, text=True, capture_output=True, timeout=timeout)


def autograder_cmd(*args):
    return [sys.executable, "-m", "autograder.cli", *args]


def nbgrader_cmd(*args):
    return [sys.executable, "-m", "nbgrader", *args]


