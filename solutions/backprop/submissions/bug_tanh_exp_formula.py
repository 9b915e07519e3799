"""tanh_backward computes tanh(z) as (e^z - e^-z)/(e^z + e^-z): inf/inf = nan for |z| > 710."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "tanh_backward computes tanh(z) as (e^z - e^-z)/(e^z + e^-z): inf/inf = nan for |z| > 710; others: reference code"

CELLS = {
    "tanh_backward": '''
def tanh_backward(dout, z):
    """dz = dout * (1 - tanh(z)**2)."""
    t = (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
    return dout * (1 - t ** 2)
''',
}

EXPECT = {
    "test_linear_backward": 2,
    "test_sigmoid_backward": 1,
    "test_tanh_backward": 0,
    "test_relu_backward": 1,
    "test_softmax_backward": 2,
    "test_softmax_cross_entropy": 2,
    "test_mlp_loss_and_grads": 3,
}

EXPECT_HINT = {"test_tanh_backward": "unstable-exponent"}
