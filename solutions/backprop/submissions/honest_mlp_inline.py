"""mlp_loss_and_grads written out in full, without calling the helpers."""

ASSIGNMENT = "backprop"
KIND = "honest"
DESCRIPTION = "mlp_loss_and_grads inlines the forward and backward pass (stable log-softmax, in-place ds /= n on its own array); others: reference code"

CELLS = {
    "mlp_loss_and_grads": '''
def mlp_loss_and_grads(params, x, y):
    """Loss and gradients of x -> Linear(W1, b1) -> ReLU -> Linear(W2, b2) -> softmax CE."""
    n = x.shape[0]
    z1 = x @ params["W1"].T + params["b1"]
    h1 = np.maximum(z1, 0)
    s = h1 @ params["W2"].T + params["b2"]
    s = s - s.max(axis=1, keepdims=True)
    logp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(n), y].mean()
    ds = np.exp(logp)
    ds[np.arange(n), y] -= 1
    ds /= n
    dW2 = ds.T @ h1
    db2 = ds.sum(0)
    dh1 = ds @ params["W2"]
    dz1 = dh1 * (z1 > 0)
    dW1 = dz1.T @ x
    db1 = dz1.sum(0)
    return float(loss), {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
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
