"""linear_backward returns dW = x.T @ dout (transposed)."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "linear_backward returns dW = x.T @ dout (transposed); others: reference code"
DEMO = True  # the typical bug of this function in `autograder demo` and the grading tests

CELLS = {
    "linear_backward": '''
def linear_backward(dout, x, W):
    """Backward pass of out = x @ W.T + b."""
    dx = dout @ W
    dW = x.T @ dout
    db = dout.sum(axis=0)
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

EXPECT_HINT = {"test_linear_backward": "dW-transposed"}
