"""softmax_backward with its own softmax np.exp(z) / sum, without subtracting the row maximum."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "softmax_backward with its own softmax np.exp(z) / sum, without subtracting the row maximum; others: reference code"

CELLS = {
    "softmax_backward": '''
def softmax_backward(dout, z):
    """Backward pass of the row-wise softmax.  dout (N, C), z (N, C) logits -> dz (N, C)."""
    e = np.exp(z)
    y = e / e.sum(axis=1, keepdims=True)
    return y * (dout - (dout * y).sum(axis=1, keepdims=True))
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
EXPECT_MESSAGES = {"test_softmax_backward": "unstable"}

EXPECT_HINT = {"test_softmax_backward": "unstable-exponent"}
