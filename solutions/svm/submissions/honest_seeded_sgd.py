"""Per-example SGD shuffled with np.random.default_rng(seed), step lr/sqrt(t) for the t-th update, best epoch kept."""

ASSIGNMENT = "svm"
KIND = "honest"
DESCRIPTION = ("train_linear_svm: stochastic subgradient descent over examples shuffled with "
               "default_rng(seed) (imported from numpy.random), step lr/sqrt(t) at the t-th update as the "
               "notebook writes it, best epoch kept (the notebook's SGD route); hinge_loss_and_grad with "
               "np.maximum and a float mask")

CELLS = {
    "hinge_loss_and_grad": '''
def hinge_loss_and_grad(w, b, X, y, C):
    """J(w, b) = 0.5*||w||^2 + C * sum(max(0, 1 - y*(X@w + b))) and its subgradient."""
    margins = y * (X @ w + b)
    loss = 0.5 * w @ w + C * np.sum(np.maximum(0.0, 1.0 - margins))
    active = (margins < 1).astype(float)
    dw = w - C * (active * y) @ X
    db = -C * np.sum(active * y)
    return float(loss), dw, float(db)
''',
    "train_linear_svm": '''
from numpy.random import default_rng

def train_linear_svm(X, y, C, lr, epochs, seed):
    """Stochastic subgradient descent on J: one example at a time, in a shuffled order each epoch.

    J = sum_i J_i with J_i = ||w||^2 / (2n) + C max(0, 1 - y_i (w.x_i + b)).
    """
    rng = default_rng(seed)
    n, d = X.shape
    w, b = np.zeros(d), 0.0
    best_loss, best_w, best_b = np.inf, w.copy(), b
    t = 0
    for epoch in range(1, epochs + 1):
        for i in rng.permutation(n):
            t += 1
            eta = lr / np.sqrt(t)
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
