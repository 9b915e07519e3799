"""The adam_step solution cell turned into a Raw cell (R in command mode)."""

from autograder.submissions import to_raw

ASSIGNMENT = "optimizers"
KIND = "accident"
DESCRIPTION = "correct code everywhere, but the adam_step cell was turned into a Raw cell; others: reference code"

CELLS = {
    "adam_step": '''
def adam_step(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (t = 1, 2, ...). Returns (w, m, v)."""
    m = beta1 * m + (1.0 - beta1) * grad
    v = beta2 * v + (1.0 - beta2) * grad * grad
    m_hat = m / (1.0 - beta1 ** t)
    v_hat = v / (1.0 - beta2 ** t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
''',
}


def NOTEBOOK(nb):
    to_raw(nb, "adam_step")


# Recoverable accident: graded, with a note (issue 12).
EXPECT = {"test_momentum_step": 2, "test_nesterov_step": 2, "test_adam_step": 3, "test_rprop_step": 3}
EXPECT_NOTES = ["adam_step.*(markdown|raw)"]
