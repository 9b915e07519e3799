"""adam_step adds 1 to t (as if t counted from 0), so the bias corrections use the next step's power."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "adam_step adds 1 to t (as if t counted from 0), so the bias corrections use the next step's power; others: reference code"

CELLS = {
    "adam_step": '''
def adam_step(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (t = 1, 2, ...). Returns (w, m, v)."""
    t = t + 1      # steps count from 1 in the formulas
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
}

EXPECT = {
    "test_momentum_step": 2,
    "test_nesterov_step": 2,
    "test_adam_step": 0,
    "test_rprop_step": 3,
}

EXPECT_HINT = {"test_adam_step": "t-off-by-one"}
