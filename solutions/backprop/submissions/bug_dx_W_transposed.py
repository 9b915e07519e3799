"""linear_backward computes dx = dout @ W.T (shapes only agree when W is square)."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "linear_backward computes dx = dout @ W.T (shapes only agree when W is square); others: reference code"

CELLS = {
    "linear_backward": '''
def linear_backward(dout, x, W):
    """Backward pass of out = x @ W.T + b."""
    dx = dout @ W.T
    dW = dout.T @ x
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

EXPECT_HINT = {"test_linear_backward": "dx-W-transposed"}
