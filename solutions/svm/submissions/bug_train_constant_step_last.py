"""train_linear_svm with a constant step lr that returns the last iterate (neither remedy the notebook asks for)."""

ASSIGNMENT = "svm"
KIND = "buggy"
DESCRIPTION = "train_linear_svm with a constant step lr that returns the last iterate (neither remedy the notebook asks for); others: reference code"

CELLS = {
    "train_linear_svm": '''
def train_linear_svm(X, y, C, lr, epochs, seed):
    """Subgradient descent on J from w = 0, b = 0."""
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        _, dw, db = hinge_loss_and_grad(w, b, X, y, C)
        w = w - lr * dw
        b = b - lr * db
    return w, float(b)
''',
}

EXPECT = {
    "test_hinge_loss_and_grad": 3,
    "test_train_linear_svm": 0,
}

EXPECT_HINT = {"test_train_linear_svm": "constant-step"}
