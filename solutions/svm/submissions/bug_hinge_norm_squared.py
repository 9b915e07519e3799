"""hinge_loss_and_grad with the regularizer |w|^2 (gradient 2w) instead of 1/2 |w|^2."""

ASSIGNMENT = "svm"
KIND = "buggy"
DESCRIPTION = "hinge_loss_and_grad with the regularizer |w|^2 (gradient 2w) instead of 1/2 |w|^2; others: reference code"

CELLS = {
    "hinge_loss_and_grad": '''
def hinge_loss_and_grad(w, b, X, y, C):
    margins = y * (X @ w + b)
    hinge = np.maximum(0.0, 1.0 - margins)
    loss = w @ w + C * hinge.sum()
    active = hinge > 0
    dw = 2 * w - C * (X[active].T @ y[active])
    db = -C * y[active].sum()
    return float(loss), dw, float(db)
''',
}

EXPECT = {
    "test_hinge_loss_and_grad": 0,
    "test_train_linear_svm": 3,
}

EXPECT_HINT = {"test_hinge_loss_and_grad": "regularizer-squared"}
