"""softmax_backward through the explicit Jacobian diag(y) - y y^T of every row."""

ASSIGNMENT = "backprop"
KIND = "honest"
DESCRIPTION = "softmax_backward builds the full C x C Jacobian of each row and multiplies; others: reference code"

CELLS = {
    "softmax_backward": '''
def softmax_backward(dout, z):
    """Backward pass of the row-wise softmax.  dout (N, C), z (N, C) logits -> dz (N, C)."""
    y = softmax_forward(z)
    dz = np.empty_like(dout)
    for i in range(z.shape[0]):
        J = np.diag(y[i]) - np.outer(y[i], y[i])   # dy_j / dz_k
        dz[i] = J.T @ dout[i]
    return dz
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
