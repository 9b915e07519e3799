"""momentum_step adds the gradient term instead of subtracting it: dw = beta*dw + lr*grad, w + dw."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "momentum_step adds the gradient term (dw = beta*dw + lr*grad, then w + dw): it climbs; others: reference code"
DEMO = True  # the typical bug of this function in `autograder demo` and the grading tests

CELLS = {
    "momentum_step": '''
def momentum_step(w, dw, grad, lr, beta):
    """One heavy-ball momentum step. Returns (w, dw)."""
    dw = beta * dw + lr * grad
    return w + dw, dw
''',
}

EXPECT = {
    "test_momentum_step": 0,
    "test_nesterov_step": 2,
    "test_adam_step": 3,
    "test_rprop_step": 3,
}

EXPECT_MESSAGES = {"test_momentum_step": "sign of the gradient term"}

EXPECT_HINT = {"test_momentum_step": "gradient-sign"}
