"""np.clip for the hinge, a 0-based loop with eta = lr / sqrt(t + 1), best kept after each step."""

ASSIGNMENT = "svm"
KIND = "honest"
DESCRIPTION = ("hinge_loss_and_grad with np.clip and a boolean index; train_linear_svm counts t from 0 "
               "(eta = lr/sqrt(t+1)) and checks the objective after each step")

CELLS = {
    "hinge_loss_and_grad": '''
def hinge_loss_and_grad(w, b, X, y, C):
    """J(w, b) = 0.5*||w||^2 + C * sum(max(0, 1 - y*(X@w + b))) and its subgradient."""
    scores = X @ w + b
    hinge = np.clip(1 - y * scores, 0, None)
    sv = hinge > 0                       # the examples inside the margin or misclassified
    loss = 0.5 * np.dot(w, w) + C * hinge.sum()
    dw = w - C * np.sum(y[sv, None] * X[sv], axis=0)
    db = -C * y[sv].sum()
    return float(loss), dw, float(db)
''',
    "train_linear_svm": '''
def train_linear_svm(X, y, C, lr, epochs, seed):
    """Subgradient descent on J from w = 0, b = 0 with step lr/sqrt(t); returns the best (w, b)."""
    w, b = np.zeros(X.shape[1]), 0.0
    best_w, best_b = w, b
    best_J = hinge_loss_and_grad(w, b, X, y, C)[0]
    for t in range(epochs):
        _, dw, db = hinge_loss_and_grad(w, b, X, y, C)
        eta = lr / np.sqrt(t + 1)
        w, b = w - eta * dw, b - eta * db
        J = hinge_loss_and_grad(w, b, X, y, C)[0]
        if J < best_J:
            best_J, best_w, best_b = J, w, b
    return best_w, float(best_b)
''',
}

EXPECT = {"test_hinge_loss_and_grad": 3, "test_train_linear_svm": 3}
