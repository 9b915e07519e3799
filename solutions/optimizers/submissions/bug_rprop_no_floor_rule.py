"""rprop_step without the floor rule: at step_min a sign change still returns and keeps prevD (stuck for ever)."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "rprop_step without the floor rule: at step_min a sign change still returns and keeps prevD (stuck for ever); others: reference code"

CELLS = {
    "rprop_step": '''
def rprop_step(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    """One Rprop step after the first. Returns (w, prev_grad, size)."""
    same = np.sign(prev_grad) == np.sign(grad)
    w = w + np.where(same, 0.0, np.sign(prev_grad) * size)
    size = np.where(same, np.minimum(alpha * size, step_max), np.maximum(beta * size, step_min))
    prev_grad = np.where(same, grad, prev_grad)
    return w - np.sign(prev_grad) * size, prev_grad, size
''',
}

EXPECT = {
    "test_momentum_step": 2,
    "test_nesterov_step": 2,
    "test_adam_step": 3,
    "test_rprop_step": 0,
}

EXPECT_HINT = {"test_rprop_step": "no-floor-rule"}
