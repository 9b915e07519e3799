"""rprop_step without the bounds step_min / step_max on the step size."""

ASSIGNMENT = "optimizers"
KIND = "buggy"
DESCRIPTION = "rprop_step without the bounds step_min / step_max on the step size; others: reference code"

CELLS = {
    "rprop_step": '''
def rprop_step(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    w, prev_grad, size = w.copy(), prev_grad.copy(), size.copy()
    for i in np.ndindex(w.shape):
        if np.sign(prev_grad[i]) == np.sign(grad[i]):
            size[i] *= alpha
            prev_grad[i] = grad[i]
        elif size[i] <= step_min:
            prev_grad[i] = grad[i]
        else:
            w[i] += np.sign(prev_grad[i]) * size[i]
            size[i] *= beta
        w[i] -= np.sign(prev_grad[i]) * size[i]
    return w, prev_grad, size
''',
}

EXPECT = {
    "test_momentum_step": 2,
    "test_nesterov_step": 2,
    "test_adam_step": 3,
    "test_rprop_step": 0,
}

EXPECT_HINT = {"test_rprop_step": "no-clip"}
