"""Textbook code with `import numpy.random`, np.where for the active set and progress prints."""

ASSIGNMENT = "svm"
KIND = "honest"
DESCRIPTION = ("hinge_loss_and_grad with np.where; train_linear_svm keeps every (loss, w, b) and takes the min, "
               "prints the loss every 100 steps; an extra cell imports numpy.random and makes a generator "
               "from the seed as the notebook suggests")

EXTRA_CELLS = [
    ("before", "hinge_loss_and_grad", '''
import numpy.random
'''),
]

CELLS = {
    "hinge_loss_and_grad": '''
def hinge_loss_and_grad(w, b, X, y, C):
    """J(w, b) = 0.5*||w||^2 + C * sum(max(0, 1 - y*(X@w + b))) and its subgradient."""
    margins = y * (X @ w + b)
    slack = np.where(margins < 1, 1 - margins, 0.0)
    coef = np.where(margins < 1, y, 0.0)        # y_i on the active examples, 0 elsewhere
    loss = 0.5 * np.sum(w ** 2) + C * np.sum(slack)
    dw = w - C * X.T @ coef
    db = -C * np.sum(coef)
    return float(loss), dw, float(db)
''',
    "train_linear_svm": '''
def train_linear_svm(X, y, C, lr, epochs, seed):
    """Subgradient descent on J from w = 0, b = 0 with step lr/sqrt(t); returns the best (w, b)."""
    rng = numpy.random.default_rng(seed)    # not needed for full-batch steps, but reproducible anyway
    w, b = np.zeros(X.shape[1]), 0.0
    history = []
    for t in range(1, epochs + 1):
        loss, dw, db = hinge_loss_and_grad(w, b, X, y, C)
        history.append((loss, w, b))
        if t % 100 == 0:
            print(f"step {t}: J = {loss:.4f}")
        w = w - lr / np.sqrt(t) * dw
        b = b - lr / np.sqrt(t) * db
    history.append((hinge_loss_and_grad(w, b, X, y, C)[0], w, b))
    loss, w, b = min(history, key=lambda item: item[0])
    return w, float(b)
''',
}

EXPECT = {"test_hinge_loss_and_grad": 3, "test_train_linear_svm": 3}
