"""train_linear_svm: per-example SGD shuffled with np.random.permutation (the global generator, not the seed): two runs differ."""

ASSIGNMENT = "svm"
KIND = "buggy"
DESCRIPTION = "train_linear_svm: per-example SGD shuffled with np.random.permutation (the global generator, not the seed): two runs differ; others: reference code"

CELLS = {
    "train_linear_svm": '''
def train_linear_svm(X, y, C, lr, epochs, seed):
    """Stochastic subgradient descent on J; returns the best (w, b) seen."""
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    best_loss, best_w, best_b = np.inf, w.copy(), b
    for epoch in range(1, epochs + 1):
        eta = lr / np.sqrt(epoch)
        for i in np.random.permutation(n):
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

EXPECT = {
    "test_hinge_loss_and_grad": 3,
    "test_train_linear_svm": 0,
}

EXPECT_HINT = {"test_train_linear_svm": "unseeded"}
