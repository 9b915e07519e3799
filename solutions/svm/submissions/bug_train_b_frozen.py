"""train_linear_svm never updates b (forgot the b step), otherwise lr/sqrt(t) and the best iterate."""

ASSIGNMENT = "svm"
KIND = "buggy"
DESCRIPTION = "train_linear_svm never updates b (forgot the b step), otherwise lr/sqrt(t) and the best iterate; others: reference code"
DEMO = True  # the typical bug of this function in `autograder demo` and the grading tests

CELLS = {
    "train_linear_svm": '''
def train_linear_svm(X, y, C, lr, epochs, seed):
    """Subgradient descent on J from w = 0, b = 0 with step lr/sqrt(t); returns the best (w, b)."""
    w, b = np.zeros(X.shape[1]), 0.0
    best_loss, best_w, best_b = np.inf, w.copy(), b
    for t in range(1, epochs + 1):
        loss, dw, db = hinge_loss_and_grad(w, b, X, y, C)
        if loss < best_loss:
            best_loss, best_w, best_b = loss, w.copy(), b
        w = w - lr / np.sqrt(t) * dw
    return best_w, float(best_b)
''',
}

EXPECT = {
    "test_hinge_loss_and_grad": 3,
    "test_train_linear_svm": 0,
}

EXPECT_HINT = {"test_train_linear_svm": "b-frozen"}
