"""nesterov_step is the plain momentum step (no look-ahead term)."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "nesterov_step is the plain momentum step (no look-ahead term); others: reference code"
DEMO = True  # the typical bug of this function in `autograder demo` and the grading tests

CELLS = {
    "nesterov_step": '''
def nesterov_step(w, dw, grad, lr, beta):
    """One Nesterov step on the look-ahead point w. Returns (w, dw)."""
    dw = beta * dw - lr * grad
    return w + dw, dw
''',
}

EXPECT = {
    "test_momentum_step": 2,
    "test_nesterov_step": 0,
    "test_adam_step": 3,
    "test_rprop_step": 3,
}

EXPECT_HINT = {"test_nesterov_step": "plain-momentum"}
