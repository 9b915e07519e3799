"""nesterov_step in torch's convention (b = beta b + grad, w -= lr (grad + beta b))."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "nesterov_step in torch's convention (b = beta b + grad, w -= lr (grad + beta b)); others: reference code"

CELLS = {
    "nesterov_step": '''
def nesterov_step(w, dw, grad, lr, beta):
    buf = beta * dw + grad
    w = w - lr * (grad + beta * buf)
    return w, buf
''',
}

EXPECT = {
    "test_momentum_step": 2,
    "test_nesterov_step": 0,
    "test_adam_step": 3,
    "test_rprop_step": 3,
}

EXPECT_HINT = {"test_nesterov_step": "velocity-convention"}
