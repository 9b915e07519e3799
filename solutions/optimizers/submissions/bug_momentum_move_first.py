"""momentum_step moves W by the old step before updating it."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "momentum_step moves W by the old step before updating it; others: reference code"

CELLS = {
    "momentum_step": '''
def momentum_step(w, dw, grad, lr, beta):
    w = w + dw
    dw = beta * dw - lr * grad
    return w, dw
''',
}

EXPECT = {
    "test_momentum_step": 0,
    "test_nesterov_step": 2,
    "test_adam_step": 3,
    "test_rprop_step": 3,
}

EXPECT_HINT = {"test_momentum_step": "old-step"}
