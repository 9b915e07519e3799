"""linear_backward sums dout over axis 1 for db."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "linear_backward sums dout over axis 1 for db; others: reference code"

CELLS = {
    "linear_backward": '''
def linear_backward(dout, x, W):
    dx = np.dot(dout, W)
    dW = np.dot(dout.T, x)
    db = np.sum(dout, axis=1)
    return dx, dW, db
''',
}

EXPECT = {
    "test_linear_backward": 0,
    "test_sigmoid_backward": 1,
    "test_tanh_backward": 1,
    "test_relu_backward": 1,
    "test_softmax_backward": 2,
    "test_softmax_cross_entropy": 2,
    "test_mlp_loss_and_grads": 3,
}

EXPECT_HINT = {"test_linear_backward": "db-wrong-axis"}
