"""tanh_backward uses 1 - tanh(z) (the square forgotten)."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "tanh_backward uses 1 - tanh(z) (the square forgotten); others: reference code"

CELLS = {
    "tanh_backward": '''
def tanh_backward(dout, z):
    t = np.tanh(z)
    return dout * (1.0 - t)
''',
}

EXPECT = {
    "test_linear_backward": 2,
    "test_sigmoid_backward": 1,
    "test_tanh_backward": 0,
    "test_relu_backward": 1,
    "test_softmax_backward": 2,
    "test_softmax_cross_entropy": 2,
    "test_mlp_loss_and_grads": 3,
}

EXPECT_HINT = {"test_tanh_backward": "product-misplaced"}
