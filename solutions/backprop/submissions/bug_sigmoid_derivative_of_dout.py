"""sigmoid_backward applies the derivative sigma'(.) to dout instead of z (and forgets to multiply by dout)."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "sigmoid_backward applies the derivative sigma'(.) to dout instead of z (and forgets to multiply by dout); others: reference code"

CELLS = {
    "sigmoid_backward": '''
def sigmoid_backward(dout, z):
    """dz = dout * sigma'(z)."""
    s = sigmoid_forward(dout)
    return s * (1 - s)
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

EXPECT_HINT = {"test_sigmoid_backward": "derivative-of-dout"}
