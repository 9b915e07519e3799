"""train_linear_svm with a constant step lr (keeps the best model though)."""

ASSIGNMENT = "svm"
KIND = "buggy"
DESCRIPTION = "train_linear_svm with a constant step lr (keeps the best model though); others: reference code"

CELLS = {
    "train_linear_svm": '''
def train_linear_svm(X, y, C, lr, epochs, seed):
    w = np.zeros(X.shape[1])
    b = 0.0
    best_w, best_b, best_J = w, b, np.inf
    for epoch in range(epochs):
        J, dw, db = hinge_loss_and_grad(w, b, X, y, C)
        if J < best_J:
            best_w, best_b, best_J = w.copy(), b, J
        w = w - lr * dw
        b = b - lr * db
    J, _, _ = hinge_loss_and_grad(w, b, X, y, C)
    if J < best_J:
        best_w, best_b = w, b
    return best_w, float(best_b)
''',
}

EXPECT = {
    "test_hinge_loss_and_grad": 3,
    "test_train_linear_svm": 0,
}

EXPECT_HINT = {"test_train_linear_svm": "constant-step"}
