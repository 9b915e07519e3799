"""mlp_loss_and_grads keeps an L2 penalty 0.5*1e-3*(|W1|^2 + |W2|^2) from an experiment."""

ASSIGNMENT = "backprop"
KIND = "buggy"
DESCRIPTION = "mlp_loss_and_grads keeps an L2 penalty 0.5*1e-3*(|W1|^2 + |W2|^2) from an experiment; others: reference code"

CELLS = {
    "mlp_loss_and_grads": '''
def mlp_loss_and_grads(params, x, y):
    reg = 1e-3
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    z1 = linear_forward(x, W1, b1)
    h1 = relu_forward(z1)
    s = linear_forward(h1, W2, b2)
    loss, ds = softmax_cross_entropy(s, y)
    loss += 0.5 * reg * (np.sum(W1 ** 2) + np.sum(W2 ** 2))
    dh1, dW2, db2 = linear_backward(ds, h1, W2)
    dz1 = relu_backward(dh1, z1)
    _, dW1, db1 = linear_backward(dz1, x, W1)
    return loss, {"W1": dW1 + reg * W1, "b1": db1, "W2": dW2 + reg * W2, "b2": db2}
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

EXPECT_HINT = {"test_mlp_loss_and_grads": "regularisation-left-in"}
