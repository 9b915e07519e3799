"""Per-example SGD, the step decaying per epoch (lr/sqrt(epoch)), a generator made with np.random.default_rng."""

ASSIGNMENT = "svm"
KIND = "honest"
DESCRIPTION = ("train_linear_svm: stochastic subgradient descent, shuffled with np.random.default_rng(seed), "
               "the step lr/sqrt(epoch) constant within an epoch, best epoch kept; others: reference code")

CELLS = {
    "train_linear_svm": '''
def train_linear_svm(X, y, C, lr, epochs, seed):
    """Stochastic subgradient descent on J: one example at a time, in a shuffled order each epoch.

    J = sum_i J_i with J_i = ||w||^2 / (2n) + C max(0, 1 - y_i (w.x_i + b)).
    """
    rng = np.random.default_rng(seed)
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    best_loss, best_w, best_b = np.inf, w.copy(), b
    for epoch in range(1, epochs + 1):
        eta = lr / np.sqrt(epoch)
        for i in rng.permutation(n):
            if y[i] * (X[i] @ w + b) < 1:
                w = w - eta * (w / n - C * y[i] * X[i])
                b = b + eta * C * y[i]
            else:
                w = w - eta * w / n
        loss, _, _ = hinge_loss_and_grad(w, b, X, y, C)
        if loss < best_loss:
            best_loss, best_w, best_b = loss, w.copy(), b
    return best_w, float(best_b)
''',
}

EXPECT = {"test_hinge_loss_and_grad": 3, "test_train_linear_svm": 3}
