"""tanh_backward uses 1 - z**2: the derivative at the output, as if z were tanh(z)."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "tanh_backward uses 1 - z**2: the derivative at the output, as if z were tanh(z); others: reference code"
DEMO = True  # the typical bug of this function in `autograder demo` and the grading tests

CELLS = {
    "tanh_backward": '''
def tanh_backward(dout, z):
    """dz = dout * (1 - tanh(z)**2)."""
    return dout * (1 - z ** 2)
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

EXPECT_HINT = {"test_tanh_backward": "derivative-at-output"}
