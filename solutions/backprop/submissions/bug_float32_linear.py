"""linear_backward computes in float32 (casts its inputs to save memory) and returns float32 arrays."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "linear_backward computes in float32 (casts its inputs to save memory) and returns float32 arrays; others: reference code"

CELLS = {
    "linear_backward": '''
def linear_backward(dout, x, W):
    """Backward pass of out = x @ W.T + b."""
    # float32 is enough for gradients (and twice as fast on a GPU)
    dout, x, W = dout.astype(np.float32), x.astype(np.float32), W.astype(np.float32)
    dx = dout @ W
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
EXPECT_MESSAGES = {"test_linear_backward": "float32"}

EXPECT_HINT = {"test_linear_backward": "float32"}
