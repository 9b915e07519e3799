"""softmax_backward uses only the diagonal of the Jacobian: dout * y * (1 - y)."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "softmax_backward uses only the diagonal of the Jacobian: dout * y * (1 - y); others: reference code"
DEMO = True  # the typical bug of this function in `autograder demo` and the grading tests

CELLS = {
    "softmax_backward": '''
def softmax_backward(dout, z):
    """Backward pass of the row-wise softmax."""
    y = softmax_forward(z)
    return dout * y * (1 - y)
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

EXPECT_HINT = {"test_softmax_backward": "jacobian-diagonal"}
