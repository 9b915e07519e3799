"""Adam with the bias corrections folded into the step size (Kingma & Ba, section 2); Nesterov expanded."""

ASSIGNMENT = "optimizers"
KIND = "honest"
DESCRIPTION = ("adam_step with lr_t = lr*sqrt(1-beta2^t)/(1-beta1^t) and eps_hat = eps*sqrt(1-beta2^t) (the same "
               "update); nesterov_step as w + beta^2 dw - (1+beta) lr grad; others: reference code")

CELLS = {
    "nesterov_step": '''
def nesterov_step(w, dw, grad, lr, beta):
    """One Nesterov step on the look-ahead point w. Returns (w, dw)."""
    # w + beta*(beta*dw - lr*grad) - lr*grad, expanded
    w_new = w + beta ** 2 * dw - (1 + beta) * lr * grad
    dw_new = beta * dw - lr * grad
    return w_new, dw_new
''',
    "adam_step": '''
def adam_step(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (t = 1, 2, ...). Returns (w, m, v)."""
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad ** 2
    # the paper's "more efficient" order: fold both bias corrections into the step size
    lr_t = lr * np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
    eps_hat = eps * np.sqrt(1 - beta2 ** t)
    return w - lr_t * m / (np.sqrt(v) + eps_hat), m, v
''',
}

EXPECT = {"test_momentum_step": 2, "test_nesterov_step": 2, "test_adam_step": 3, "test_rprop_step": 3}
