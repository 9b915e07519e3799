"""softmax_cross_entropy returns softmax(s)/N as the gradient: the one-hot is not subtracted."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "softmax_cross_entropy returns softmax(s)/N as the gradient: the one-hot is not subtracted; others: reference code"

CELLS = {
    "softmax_cross_entropy": '''
def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits)."""
    n = logits.shape[0]
    logp = log_softmax(logits)
    loss = float(-logp[np.arange(n), y].mean())
    return loss, np.exp(logp) / n
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

EXPECT_HINT = {"test_softmax_cross_entropy": "no-onehot"}
