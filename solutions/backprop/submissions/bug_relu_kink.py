"""relu_backward passes the gradient where z >= 0: derivative 1 at the kink z == 0."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "relu_backward passes the gradient where z >= 0: derivative 1 at the kink z == 0; others: reference code"

CELLS = {
    "relu_backward": '''
def relu_backward(dout, z):
    """dz = dout where z > 0, else 0."""
    return np.where(z >= 0, dout, 0.0)
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

EXPECT_HINT = {"test_relu_backward": "kink"}
