"""mlp_loss_and_grads skips relu_backward: dW1, db1 computed from dh1 instead of dz1."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "mlp_loss_and_grads skips relu_backward: dW1, db1 computed from dh1 instead of dz1; others: reference code"
DEMO = True  # the typical bug of this function in `autograder demo` and the grading tests

CELLS = {
    "mlp_loss_and_grads": '''
def mlp_loss_and_grads(params, x, y):
    """Loss and gradients of x -> Linear(W1, b1) -> ReLU -> Linear(W2, b2) -> softmax CE."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    z1 = linear_forward(x, W1, b1)
    h1 = relu_forward(z1)
    s = linear_forward(h1, W2, b2)
    loss, ds = softmax_cross_entropy(s, y)
    dh1, dW2, db2 = linear_backward(ds, h1, W2)
    _, dW1, db1 = linear_backward(dh1, x, W1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}
''',
}

EXPECT = {
    "test_linear_backward": 2,
    "test_sigmoid_backward": 1,
    "test_tanh_backward": 1,
    "test_relu_backward": 1,
    "test_softmax_backward": 2,
    "test_softmax_cross_entropy": 2,
    "test_mlp_loss_and_grads": 0,
}

EXPECT_HINT = {"test_mlp_loss_and_grads": "no-relu-derivative"}
