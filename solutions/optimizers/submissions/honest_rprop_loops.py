"""Rprop as the lecture's per-weight loop; momentum updating its own copies in place."""

ASSIGNMENT = "optimizers"
KIND = "honest"
DESCRIPTION = ("rprop_step loops over every weight with np.ndindex (lecture pseudo-code); momentum_step "
               "uses += on new arrays; others: reference code")

CELLS = {
    "momentum_step": '''
def momentum_step(w, dw, grad, lr, beta):
    """One heavy-ball momentum step: dw <- beta*dw - lr*grad; w <- w + dw. Returns (w, dw)."""
    new_dw = beta * dw          # a new array: the caller's dw is not touched
    new_dw -= lr * grad
    new_w = w.copy()
    new_w += new_dw
    return new_w, new_dw
''',
    "rprop_step": '''
def rprop_step(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    """One Rprop step after the first. Returns (w, prev_grad, size)."""
    w = np.array(w, dtype=float)            # copies
    prev = np.array(prev_grad, dtype=float)
    size = np.array(size, dtype=float)
    for i in np.ndindex(w.shape):
        D = grad[i]
        if np.sign(D) == np.sign(prev[i]):      # same sign: accelerate
            size[i] = min(alpha * size[i], step_max)
            prev[i] = D
        elif size[i] <= step_min:               # flipped at the floor: reverse
            prev[i] = D
        else:                                   # flipped: go back, slow down
            w[i] += np.sign(prev[i]) * size[i]
            size[i] = max(beta * size[i], step_min)
        w[i] -= np.sign(prev[i]) * size[i]
    return w, prev, size
''',
}

EXPECT = {"test_momentum_step": 2, "test_nesterov_step": 2, "test_adam_step": 3, "test_rprop_step": 3}
