"""sigmoid_backward uses z * (1 - z): the derivative at the output, as if z were sigmoid(z)."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "sigmoid_backward uses z * (1 - z): the derivative at the output, as if z were sigmoid(z); others: reference code"

CELLS = {
    "sigmoid_backward": '''
def sigmoid_backward(dout, z):
    """dz = dout * sigma'(z)."""
    return dout * z * (1 - z)
''',
}

EXPECT = {
    "test_linear_backward": 2,
    "test_sigmoid_backward": 0,
    "test_tanh_backward": 1,
    "test_relu_backward": 1,
    "test_softmax_backward": 2,
    "test_softmax_cross_entropy": 2,
    "test_mlp_loss_and_grads": 3,
}

EXPECT_HINT = {"test_sigmoid_backward": "derivative-at-output"}
