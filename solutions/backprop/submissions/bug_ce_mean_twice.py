"""softmax_cross_entropy divides dlogits by N twice (once in the one-hot step, once at the end)."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "softmax_cross_entropy divides dlogits by N twice (once in the one-hot step, once at the end); others: reference code"

CELLS = {
    "softmax_cross_entropy": '''
def softmax_cross_entropy(logits, y):
    n = logits.shape[0]
    logp = log_softmax(logits)
    loss = -np.mean(logp[np.arange(n), y])
    probs = np.exp(logp)
    onehot = np.zeros_like(probs)
    onehot[np.arange(n), y] = 1.0
    dlogits = (probs - onehot) / n
    return float(loss), dlogits / n
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

EXPECT_HINT = {"test_softmax_cross_entropy": "double-1/N"}
