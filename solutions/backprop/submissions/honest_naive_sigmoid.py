"""sigmoid as 1/(1+np.exp(-z)): correct, with an overflow RuntimeWarning for z < -709."""

ASSIGNMENT = "backprop"
KIND = "honest"
DESCRIPTION = "sigmoid_backward with its own s = 1/(1+np.exp(-z)) (overflow warnings, right values); others: reference code"

CELLS = {
    "sigmoid_backward": '''
def sigmoid_backward(dout, z):
    """dz = dout * sigma'(z).  dout and z have the same shape; returns dz of that shape."""
    s = 1 / (1 + np.exp(-z))
    return dout * s * (1 - s)
''',
}

EXPECT = {
    "test_linear_backward": 2,
    "test_sigmoid_backward": 1,
    "test_tanh_backward": 1,
    "test_relu_backward": 1,
    "test_softmax_backward": 2,
    "test_softmax_cross_entropy": 2,
    "test_mlp_loss_and_grads": 3,
}
