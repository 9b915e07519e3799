"""momentum_step in torch's convention: v = beta*v + grad, w - lr*v (another state than the lecture's)."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "momentum_step in torch's convention: v = beta*v + grad, w - lr*v (another state than the lecture's); others: reference code"

CELLS = {
    "momentum_step": '''
def momentum_step(w, dw, grad, lr, beta):
    """One heavy-ball momentum step. Returns (w, dw)."""
    v = beta * dw + grad          # as torch.optim.SGD does it
    return w - lr * v, v
''',
}

EXPECT = {
    "test_momentum_step": 0,
    "test_nesterov_step": 2,
    "test_adam_step": 3,
    "test_rprop_step": 3,
}

EXPECT_HINT = {"test_momentum_step": "velocity-convention"}
