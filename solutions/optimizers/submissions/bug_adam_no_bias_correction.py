"""adam_step without the bias corrections of m and v."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "adam_step without the bias corrections of m and v; others: reference code"
DEMO = True  # the typical bug of this function in `autograder demo` and the grading tests

CELLS = {
    "adam_step": '''
def adam_step(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (t = 1, 2, ...). Returns (w, m, v)."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    return w - lr * m / (np.sqrt(v) + eps), m, v
''',
}

EXPECT = {
    "test_momentum_step": 2,
    "test_nesterov_step": 2,
    "test_adam_step": 0,
    "test_rprop_step": 3,
}

EXPECT_HINT = {"test_adam_step": "no-bias-correction"}
