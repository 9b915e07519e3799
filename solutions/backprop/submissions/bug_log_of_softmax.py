"""softmax_cross_entropy takes np.log(softmax_forward(logits)): -inf for a large spread inside a row."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "softmax_cross_entropy takes np.log(softmax_forward(logits)): -inf for a large spread inside a row; others: reference code"

CELLS = {
    "softmax_cross_entropy": '''
def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits).  logits (N, C), y (N,) ints -> (loss float, dlogits (N, C))."""
    n = logits.shape[0]
    p = softmax_forward(logits)
    loss = float(-np.log(p[np.arange(n), y]).mean())
    dlogits = p.copy()
    dlogits[np.arange(n), y] -= 1.0
    return loss, dlogits / n
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
EXPECT_MESSAGES = {"test_softmax_cross_entropy": "unstable"}

EXPECT_HINT = {"test_softmax_cross_entropy": "log-of-softmax"}
