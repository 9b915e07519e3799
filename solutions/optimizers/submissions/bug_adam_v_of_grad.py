"""adam_step averages the gradient itself in v (not its square)."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "adam_step averages the gradient itself in v (not its square); others: reference code"

CELLS = {
    "adam_step": '''
def adam_step(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad
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

EXPECT_HINT = {"test_adam_step": "v-not-squared"}
