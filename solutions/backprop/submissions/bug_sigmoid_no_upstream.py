"""sigmoid_backward returns s(1 - s) without multiplying by dout."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "sigmoid_backward returns s(1 - s) without multiplying by dout; others: reference code"
DEMO = True  # the typical bug of this function in `autograder demo` and the grading tests

CELLS = {
    "sigmoid_backward": '''
def sigmoid_backward(dout, z):
    """dz = dout * sigma'(z)."""
    s = sigmoid_forward(z)
    return s * (1.0 - s)
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

EXPECT_HINT = {"test_sigmoid_backward": "no-upstream"}
