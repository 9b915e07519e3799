"""Loops over the batch and over entries; tanh' as 1/cosh(z)**2 (overflow warnings at |z| > 710)."""

ASSIGNMENT = "backprop"
KIND = "honest"
DESCRIPTION = ("linear_backward, relu_backward and softmax_cross_entropy with Python loops; "
               "tanh_backward as dout / cosh(z)**2; others: reference code")

CELLS = {
    "linear_backward": '''
def linear_backward(dout, x, W):
    """Backward pass of out = x @ W.T + b.

    dout (N, M), x (N, D), W (M, D) -> (dx (N, D), dW (M, D), db (M,))
    """
    N, M = dout.shape
    D = x.shape[1]
    dx = np.zeros((N, D))
    dW = np.zeros((M, D))
    db = np.zeros(M)
    for i in range(N):              # one example at a time, like on the board
        dx[i] = W.T @ dout[i]
        dW += np.outer(dout[i], x[i])
        db += dout[i]
    return dx, dW, db
''',
    "tanh_backward": '''
def tanh_backward(dout, z):
    """dz = dout * (1 - tanh(z)**2).  dout and z have the same shape; returns dz of that shape."""
    # 1 - tanh^2 = 1 / cosh^2
    return dout / np.cosh(z) ** 2
''',
    "relu_backward": '''
def relu_backward(dout, z):
    """dz = dout where z > 0, else 0 (also at z == 0).  dout and z have the same shape; returns dz of that shape."""
    dz = np.zeros_like(dout)
    for idx in np.ndindex(z.shape):
        if z[idx] > 0:
            dz[idx] = dout[idx]
    return dz
''',
    "softmax_cross_entropy": '''
def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits).  logits (N, C), y (N,) ints -> (loss float, dlogits (N, C))."""
    n, c = logits.shape
    loss = 0.0
    dlogits = np.zeros((n, c))
    for i in range(n):
        row = logits[i] - np.max(logits[i])
        log_p = row - np.log(np.sum(np.exp(row)))
        loss -= log_p[y[i]]
        dlogits[i] = np.exp(log_p)
        dlogits[i, y[i]] -= 1.0
    return loss / n, dlogits / n
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
