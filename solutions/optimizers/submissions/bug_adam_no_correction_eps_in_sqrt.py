"""adam_step without bias correction and with eps inside the square root: two mistakes at once."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "adam_step without bias correction and with eps inside the square root: two mistakes at once; others: reference code"

CELLS = {
    "adam_step": '''
def adam_step(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    return w - lr * m / np.sqrt(v + eps), m, v
''',
}

EXPECT = {
    "test_momentum_step": 2,
    "test_nesterov_step": 2,
    "test_adam_step": 0,
    "test_rprop_step": 3,
}

EXPECT_HINT = {"test_adam_step": None}  # two mistakes at once: no single catalogued mistake explains it
