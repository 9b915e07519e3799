"""np.einsum everywhere a product or a sum appears."""

ASSIGNMENT = "backprop"
KIND = "honest"
DESCRIPTION = "linear_backward, softmax_backward and mlp_loss_and_grads written with np.einsum; others: reference code"

CELLS = {
    "linear_backward": '''
def linear_backward(dout, x, W):
    """Backward pass of out = x @ W.T + b.

    dout (N, M), x (N, D), W (M, D) -> (dx (N, D), dW (M, D), db (M,))
    """
    dx = np.einsum("nm,md->nd", dout, W)
    dW = np.einsum("nm,nd->md", dout, x)
    db = np.einsum("nm->m", dout)
    return dx, dW, db
''',
    "softmax_backward": '''
def softmax_backward(dout, z):
    """Backward pass of the row-wise softmax.  dout (N, C), z (N, C) logits -> dz (N, C)."""
    y = softmax_forward(z)
    inner = np.einsum("nc,nc->n", dout, y)   # <dout_i, y_i> for every row
    return y * (dout - inner[:, None])
''',
    "mlp_loss_and_grads": '''
def mlp_loss_and_grads(params, x, y):
    """Loss and gradients of x -> Linear(W1, b1) -> ReLU -> Linear(W2, b2) -> softmax CE."""
    z1 = np.einsum("nd,hd->nh", x, params["W1"]) + params["b1"]
    h1 = relu_forward(z1)
    s = np.einsum("nh,ch->nc", h1, params["W2"]) + params["b2"]
    loss, ds = softmax_cross_entropy(s, y)
    dh1, dW2, db2 = linear_backward(ds, h1, params["W2"])
    dz1 = relu_backward(dh1, z1)
    _, dW1, db1 = linear_backward(dz1, x, params["W1"])
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
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
