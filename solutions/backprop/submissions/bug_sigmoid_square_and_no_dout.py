"""sigmoid_backward returns sigma(z)**2, without dout: two mistakes at once."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "sigmoid_backward returns sigma(z)**2, without dout: two mistakes at once; others: reference code"

CELLS = {
    "sigmoid_backward": '''
def sigmoid_backward(dout, z):
    s = sigmoid_forward(z)
    return s ** 2
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

EXPECT_HINT = {"test_sigmoid_backward": None}  # two mistakes at once: no single catalogued mistake explains it
