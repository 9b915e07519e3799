"""linear_backward averages db over the batch instead of summing it."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "linear_backward averages db over the batch instead of summing it; others: reference code"

CELLS = {
    "linear_backward": '''
def linear_backward(dout, x, W):
    """Backward pass of out = x @ W.T + b."""
    dx = dout @ W
    dW = dout.T @ x
    db = dout.mean(axis=0)
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

EXPECT_HINT = {"test_linear_backward": "db-mean"}
