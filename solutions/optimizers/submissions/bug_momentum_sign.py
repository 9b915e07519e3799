"""momentum_step keeps the velocity with the other sign: dw = beta*dw + lr*grad, w - dw."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "momentum_step keeps the velocity with the other sign: dw = beta*dw + lr*grad, w - dw; others: reference code"

CELLS = {
    "momentum_step": '''
def momentum_step(w, dw, grad, lr, beta):
    """One heavy-ball momentum step. Returns (w, dw)."""
    dw = beta * dw + lr * grad
    return w - dw, dw
''',
}

EXPECT = {
    "test_momentum_step": 0,
    "test_nesterov_step": 2,
    "test_adam_step": 3,
    "test_rprop_step": 3,
}

EXPECT_HINT = {"test_momentum_step": "velocity-convention"}
