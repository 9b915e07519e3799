"""hinge_loss_and_grad takes the examples with margin > 1 as the active ones (the comparison at the margin the wrong way round)."""

ASSIGNMENT = "svm"
KIND = "buggy"
DESCRIPTION = "hinge_loss_and_grad takes the examples with margin > 1 as the active ones (the comparison at the margin the wrong way round); others: reference code"

CELLS = {
    "hinge_loss_and_grad": '''
def hinge_loss_and_grad(w, b, X, y, C):
    """J(w, b) and its subgradient."""
    margins = y * (X @ w + b)
    active = margins > 1
    loss = 0.5 * float(w @ w) + C * float(np.sum(np.maximum(0.0, 1.0 - margins)))
    dw = w - C * (y[active] @ X[active])
    db = -C * float(np.sum(y[active]))
    return loss, dw, db
''',
}

EXPECT = {
    "test_hinge_loss_and_grad": 0,
    "test_train_linear_svm": 3,
}

EXPECT_HINT = {"test_hinge_loss_and_grad": "margin-side"}
