"""hinge_loss_and_grad with the wrong sign on the hinge term's slope: dw = w + C sum y x, db = + C sum y."""

ASSIGNMENT = "svm"
KIND = "buggy"
DESCRIPTION = "hinge_loss_and_grad with the wrong sign on the hinge term's slope: dw = w + C sum y x, db = + C sum y; others: reference code"

CELLS = {
    "hinge_loss_and_grad": '''
def hinge_loss_and_grad(w, b, X, y, C):
    """J(w, b) and its subgradient."""
    margins = y * (X @ w + b)
    active = margins < 1
    loss = 0.5 * w @ w + C * np.sum(1 - margins[active])
    dw = w + C * (y[active] @ X[active])
    db = C * np.sum(y[active])
    return float(loss), dw, float(db)
''',
}

EXPECT = {
    "test_hinge_loss_and_grad": 0,
    "test_train_linear_svm": 3,
}

EXPECT_HINT = {"test_hinge_loss_and_grad": "hinge-sign"}
