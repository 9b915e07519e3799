"""Helper functions of the student's own, defined in extra cells and used by the graded functions."""

ASSIGNMENT = "backprop"
KIND = "honest"
DESCRIPTION = ("one_hot and row_softmax helpers in an extra cell, used by softmax_backward and "
               "softmax_cross_entropy; a sigmoid_prime helper in the sigmoid cell; others: reference code")

EXTRA_CELLS = [
    ("before", "softmax_backward", '''
def one_hot(y, num_classes):
    """(N,) integer labels -> (N, C) one-hot matrix."""
    out = np.zeros((len(y), num_classes))
    out[np.arange(len(y)), y] = 1.0
    return out


def row_softmax(z):
    """Softmax of every row, shifted by the row maximum."""
    e = np.exp(z - np.max(z, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)
'''),
]

CELLS = {
    "sigmoid_backward": '''
def sigmoid_prime(z):
    s = sigmoid_forward(z)
    return s * (1 - s)


def sigmoid_backward(dout, z):
    """dz = dout * sigma'(z).  dout and z have the same shape; returns dz of that shape."""
    return dout * sigmoid_prime(z)
''',
    "softmax_backward": '''
def softmax_backward(dout, z):
    """Backward pass of the row-wise softmax.  dout (N, C), z (N, C) logits -> dz (N, C)."""
    y = row_softmax(z)
    return y * dout - y * np.sum(y * dout, axis=-1, keepdims=True)
''',
    "softmax_cross_entropy": '''
def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits).  logits (N, C), y (N,) ints -> (loss float, dlogits (N, C))."""
    n, c = logits.shape
    Y = one_hot(y, c)
    logp = log_softmax(logits)
    loss = -np.sum(Y * logp) / n
    return float(loss), (row_softmax(logits) - Y) / n
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
