"""softmax_backward sums <dout, y> over the batch axis (axis 0) instead of the classes."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "softmax_backward sums <dout, y> over the batch axis (axis 0) instead of the classes; others: reference code"

CELLS = {
    "softmax_backward": '''
def softmax_backward(dout, z):
    y = softmax_forward(z)
    inner = np.sum(dout * y, axis=0, keepdims=True)
    return y * (dout - inner)
''',
}

EXPECT = {
    "test_linear_backward": 2,
    "test_sigmoid_backward": 1,
    "test_tanh_backward": 1,
    "test_relu_backward": 1,
    "test_softmax_backward": 0,
    "test_softmax_cross_entropy": 2,
    "test_mlp_loss_and_grads": 3,
}

EXPECT_HINT = {"test_softmax_backward": "wrong-axis"}
