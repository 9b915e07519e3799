"""relu_backward zeroes dout in place and returns it (modifies its input)."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "relu_backward zeroes dout in place and returns it (modifies its input); others: reference code"
DEMO = True  # the typical bug of this function in `autograder demo` and the grading tests

CELLS = {
    "relu_backward": '''
def relu_backward(dout, z):
    """dz = dout where z > 0, else 0."""
    dout[z <= 0] = 0
    return dout
''',
}

EXPECT = {
    "test_linear_backward": 2,
    "test_sigmoid_backward": 1,
    "test_tanh_backward": 1,
    "test_relu_backward": 0,
    "test_softmax_backward": 2,
    "test_softmax_cross_entropy": 2,
    "test_mlp_loss_and_grads": 3,
}

EXPECT_HINT = {"test_relu_backward": "in-place"}
