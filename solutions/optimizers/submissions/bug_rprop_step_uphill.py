"""rprop_step steps with the sign of the derivative (w + sign * size): uphill."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "rprop_step steps with the sign of the derivative (w + sign * size): uphill; others: reference code"

CELLS = {
    "rprop_step": '''
def rprop_step(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    """One Rprop step after the first. Returns (w, prev_grad, size)."""
    same = np.sign(prev_grad) == np.sign(grad)
    stuck = ~same & (size <= step_min)
    back = ~same & ~stuck
    w = w + np.where(back, np.sign(prev_grad) * size, 0.0)
    size = np.where(same, np.minimum(alpha * size, step_max),
                    np.where(back, np.maximum(beta * size, step_min), size))
    prev_grad = np.where(same | stuck, grad, prev_grad)
    return w + np.sign(prev_grad) * size, prev_grad, size
''',
}

EXPECT = {
    "test_momentum_step": 2,
    "test_nesterov_step": 2,
    "test_adam_step": 3,
    "test_rprop_step": 0,
}

EXPECT_HINT = {"test_rprop_step": "step-uphill"}
