"""hinge_loss_and_grad forgets the gradient w of the regularizer in dw."""

ASSIGNMENT = "svm"
KIND = "buggy"
DESCRIPTION = "hinge_loss_and_grad forgets the gradient w of the regularizer in dw; others: reference code"
DEMO = True  # the typical bug of this function in `autograder demo` and the grading tests

CELLS = {
    "hinge_loss_and_grad": '''
def hinge_loss_and_grad(w, b, X, y, C):
    """J(w, b) and its subgradient."""
    margins = y * (X @ w + b)
    active = margins < 1
    loss = 0.5 * w @ w + C * np.sum(1 - margins[active])
    dw = -C * (y[active] @ X[active])
    db = -C * np.sum(y[active])
    return float(loss), dw, float(db)
''',
}

EXPECT = {
    "test_hinge_loss_and_grad": 0,
    "test_train_linear_svm": 3,
}

EXPECT_HINT = {"test_hinge_loss_and_grad": "no-regularizer-grad"}
