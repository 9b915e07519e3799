"""softmax_cross_entropy: the loss is the mean but dlogits is not divided by N."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "softmax_cross_entropy: the loss is the mean but dlogits is not divided by N; others: reference code"
DEMO = True  # the typical bug of this function in `autograder demo` and the grading tests

CELLS = {
    "softmax_cross_entropy": '''
def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits)."""
    n = logits.shape[0]
    logp = log_softmax(logits)
    loss = float(-logp[np.arange(n), y].mean())
    dlogits = np.exp(logp)
    dlogits[np.arange(n), y] -= 1.0
    return loss, dlogits
''',
}

EXPECT = {
    "test_linear_backward": 2,
    "test_sigmoid_backward": 1,
    "test_tanh_backward": 1,
    "test_relu_backward": 1,
    "test_softmax_backward": 2,
    "test_softmax_cross_entropy": 0,
    "test_mlp_loss_and_grads": 3,
}

EXPECT_HINT = {"test_softmax_cross_entropy": "missing-1/N"}
