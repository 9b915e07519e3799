"""hinge_loss_and_grad averages the hinge terms (C * mean) in the loss and the gradient."""

ASSIGNMENT = "svm"
KIND = "buggy"
DESCRIPTION = "hinge_loss_and_grad averages the hinge terms (C * mean) in the loss and the gradient; others: reference code"

CELLS = {
    "hinge_loss_and_grad": '''
def hinge_loss_and_grad(w, b, X, y, C):
    """J(w, b) and its subgradient."""
    n = X.shape[0]
    margins = y * (X @ w + b)
    hinge = np.maximum(0, 1 - margins)
    active = (margins < 1).astype(float)
    loss = 0.5 * w @ w + C * hinge.mean()
    dw = w - C * ((active * y) @ X) / n
    db = -C * np.sum(active * y) / n
    return float(loss), dw, float(db)
''',
}

EXPECT = {
    "test_hinge_loss_and_grad": 0,
    "test_train_linear_svm": 3,
}

EXPECT_HINT = {"test_hinge_loss_and_grad": "hinge-averaged"}
