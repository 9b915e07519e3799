"""The static scan for use of the course's reference implementation (autograder.extract.reference_use)."""
import inspect
import textwrap

import pytest

import coursekit.functional as F
from autograder.extract import reference_use

pytestmark = pytest.mark.timeout(60)

FNS = ["linear_backward", "relu_backward", "mlp_loss_and_grads"]
OVR = {"mlp_loss_and_grads": ("linear_backward", "relu_backward")}


def scan(src):
    return reference_use(textwrap.dedent(src), FNS, OVR)


def test_honest_code_is_not_flagged():
    assert scan('''
        import numpy as np
        def linear_backward(dout, x, W):
            """Graded by the autograder; see solutions/ in the lecture."""  # docstrings are inert
            return dout @ W, dout.T @ x, dout.sum(axis=0)
        def relu_backward(dout, z):
            return np.where(z > 0, dout, 0.0)
        def mlp_loss_and_grads(params, x, y):
            return linear_backward(x, x, x), relu_backward(x, x)
    ''') == {}


@pytest.mark.parametrize("src, flagged", [
    ("from coursekit.functional import linear_backward\n", {"linear_backward"}),
    ("import coursekit.functional as F\nlinear_backward = F.linear_backward\n", {"linear_backward"}),
    ("import coursekit as ck\ndef _h(d, x, W):\n    return ck.functional.linear_backward(d, x, W)\n"
     "def linear_backward(d, x, W):\n    return _h(d, x, W)\n", {"linear_backward"}),
    ("def relu_backward(d, z):\n    m = __import__('coursekit.functional')\n    return m.functional.relu_backward(d, z)\n",
     {"relu_backward"}),
    ("def relu_backward(d, z):\n    exec(open('/x/solutions/backprop/backprop.ipynb').read())\n", {"relu_backward"}),
    ("from autograder.checks.backprop import reference_source\n"
     "exec(reference_source('linear_backward'))\ndef linear_backward(d, x, W):\n    return reference_source(d)\n",
     {"linear_backward"}),
])
def test_reference_use_is_found(src, flagged):
    assert set(scan(src)) == flagged


def test_taint_through_overridden_helpers_is_not_charged_twice():
    src = "from coursekit.functional import relu_backward\n" \
          "def mlp_loss_and_grads(params, x, y):\n    return relu_backward(x, x)\n"
    assert set(scan(src)) == {"relu_backward"}  # mlp runs with the trusted relu_backward


def test_verbatim_copy_of_a_large_reference_kernel_is_found():
    src = inspect.getsource(F.mlp_loss_and_grads)
    assert set(scan(src)) == {"mlp_loss_and_grads"}
