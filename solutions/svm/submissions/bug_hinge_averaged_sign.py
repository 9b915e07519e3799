"""hinge_loss_and_grad averages the hinge terms and has the wrong sign on their slope: two mistakes at once."""

ASSIGNMENT = "svm"
KIND = "buggy"
DESCRIPTION = "hinge_loss_and_grad averages the hinge terms and has the wrong sign on their slope: two mistakes at once; others: reference code"

CELLS = {
    "hinge_loss_and_grad": '''
def hinge_loss_and_grad(w, b, X, y, C):
    n = len(y)
    margins = y * (X @ w + b)
    active = margins < 1
    loss = 0.5 * np.dot(w, w) + C * np.maximum(0, 1 - margins).mean()
    dw = w + C * (y[active] @ X[active]) / n
    db = C * y[active].sum() / n
    return float(loss), dw, float(db)
''',
}

EXPECT = {
    "test_hinge_loss_and_grad": 0,
    "test_train_linear_svm": 3,
}

EXPECT_HINT = {"test_hinge_loss_and_grad": None}  # two mistakes at once: no single catalogued mistake explains it
