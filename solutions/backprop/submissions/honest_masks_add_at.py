"""Boolean masks multiplied in, [:, None] instead of keepdims, np.add.at for the one-hot."""

ASSIGNMENT = "backprop"
KIND = "honest"
DESCRIPTION = ("relu_backward as dout * (z > 0), softmax_backward without keepdims, softmax_cross_entropy "
               "with np.add.at for the one-hot; others: reference code")

CELLS = {
    "relu_backward": '''
def relu_backward(dout, z):
    """dz = dout where z > 0, else 0 (also at z == 0)."""
    return dout * (z > 0)
''',
    "softmax_backward": '''
def softmax_backward(dout, z):
    """Backward pass of the row-wise softmax.  dout (N, C), z (N, C) logits -> dz (N, C)."""
    y = softmax_forward(z)
    s = np.sum(dout * y, axis=1)
    return y * (dout - s[:, np.newaxis])
''',
    "softmax_cross_entropy": '''
def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits).  logits (N, C), y (N,) ints -> (loss float, dlogits (N, C))."""
    n = len(y)
    shifted = logits - logits.max(axis=1)[:, None]
    log_norm = np.log(np.exp(shifted).sum(axis=1))
    loss = np.mean(log_norm - shifted[np.arange(n), y])
    probs = np.exp(shifted - log_norm[:, None])
    onehot = np.zeros_like(probs)
    np.add.at(onehot, (np.arange(n), y), 1.0)
    return float(loss), (probs - onehot) / n
''',
}

EXPECT = {
    "test_linear_backward": 2,
    "test_sigmoid_backward": 1,
    "test_tanh_backward": 1,
    "test_relu_backward": 1,
    "test_softmax_backward": 2,
    "test_softmax_cross_entropy": 2,
    "test_mlp_loss_and_grads": 3,
}
