"""momentum_step updates dw and w in place (dw *= beta; w += dw) and returns the caller's arrays."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "momentum_step updates dw and w in place (dw *= beta; w += dw) and returns the caller's arrays; others: reference code"

CELLS = {
    "momentum_step": '''
def momentum_step(w, dw, grad, lr, beta):
    """One heavy-ball momentum step. Returns (w, dw)."""
    dw *= beta
    dw -= lr * grad
    w += dw
    return w, dw
''',
}

EXPECT = {
    "test_momentum_step": 0,
    "test_nesterov_step": 2,
    "test_adam_step": 3,
    "test_rprop_step": 3,
}

EXPECT_HINT = {"test_momentum_step": "in-place"}
