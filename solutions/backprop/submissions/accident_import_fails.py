"""The tanh_backward cell starts with an import of a package the course does not have."""

ASSIGNMENT = "backprop"
KIND = "accident"
DESCRIPTION = ("the tanh_backward cell begins with `import seaborn as sns` (not installed): the cell raises "
               "before the def runs, so tanh_backward is undefined; others: reference code")

CELLS = {
    "tanh_backward": '''
import seaborn as sns  # to plot tanh and its derivative

def tanh_backward(dout, z):
    """dz = dout * (1 - tanh(z)**2).  dout and z have the same shape; returns dz of that shape."""
    t = np.tanh(z)
    return dout * (1.0 - t * t)
''',
}

# Not recoverable: the function does not exist in a kernel either, so its test is 0; the message
# must report the real exception (issue 12, finding 10), not only "is not defined".
EXPECT = {
    "test_linear_backward": 2,
    "test_sigmoid_backward": 1,
    "test_tanh_backward": 0,
    "test_relu_backward": 1,
    "test_softmax_backward": 2,
    "test_softmax_cross_entropy": 2,
    "test_mlp_loss_and_grads": 3,
}
EXPECT_MESSAGES = {"test_tanh_backward": "seaborn"}
