"""The hinge objective with a loop over the examples; full-batch subgradient descent as asked."""

ASSIGNMENT = "svm"
KIND = "honest"
DESCRIPTION = ("hinge_loss_and_grad loops over the examples; train_linear_svm: full-batch steps lr/sqrt(t), "
               "best iterate kept in a tuple")

CELLS = {
    "hinge_loss_and_grad": '''
def hinge_loss_and_grad(w, b, X, y, C):
    """J(w, b) = 0.5*||w||^2 + C * sum(max(0, 1 - y*(X@w + b))) and its subgradient."""
    loss = 0.5 * np.dot(w, w)
    dw = w.copy()
    db = 0.0
    for i in range(X.shape[0]):
        margin = y[i] * (np.dot(w, X[i]) + b)
        if margin < 1:
            loss += C * (1 - margin)
            dw -= C * y[i] * X[i]
            db -= C * y[i]
    return float(loss), dw, float(db)
''',
    "train_linear_svm": '''
def train_linear_svm(X, y, C, lr, epochs, seed):
    """Subgradient descent on J from w = 0, b = 0 with step lr/sqrt(t); returns the best (w, b)."""
    w = np.zeros(X.shape[1])
    b = 0.0
    best = None
    for t in range(1, epochs + 1):
        loss, dw, db = hinge_loss_and_grad(w, b, X, y, C)
        if best is None or loss < best[0]:
            best = (loss, w.copy(), b)
        step = lr / np.sqrt(t)
        w = w - step * dw
        b = b - step * db
    loss, _, _ = hinge_loss_and_grad(w, b, X, y, C)
    if loss < best[0]:
        best = (loss, w, b)
    return best[1], float(best[2])
''',
}

EXPECT = {"test_hinge_loss_and_grad": 3, "test_train_linear_svm": 3}
