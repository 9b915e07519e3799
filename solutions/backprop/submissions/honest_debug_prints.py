"""Prints left in while debugging, extra imports, and a top-level experiment in an extra cell."""

ASSIGNMENT = "backprop"
KIND = "honest"
DESCRIPTION = ("prints shapes in linear_backward and mlp_loss_and_grads, imports numpy.random and default_rng "
               "in an extra cell and runs its own experiment at top level; others: reference code")

EXTRA_CELLS = [
    ("before", "linear_backward", '''
import numpy.random
from numpy.random import default_rng

rng = default_rng(0)
'''),
    ("after", "mlp_loss_and_grads", '''
# my own test before running the self-check
x_try = rng.normal(size=(4, 3))
params_try = {"W1": rng.normal(size=(5, 3)), "b1": np.zeros(5),
              "W2": rng.normal(size=(2, 5)), "b2": np.zeros(2)}
loss_try, grads_try = mlp_loss_and_grads(params_try, x_try, np.array([0, 1, 1, 0]))
print("loss", loss_try, {k: g.shape for k, g in grads_try.items()})
'''),
]

CELLS = {
    "linear_backward": '''
def linear_backward(dout, x, W):
    """Backward pass of out = x @ W.T + b."""
    print("linear_backward: dout", dout.shape, "x", x.shape, "W", W.shape)
    dx = dout @ W
    dW = dout.T @ x
    db = dout.sum(axis=0)
    print("  -> dx", dx.shape, "dW", dW.shape, "db", db.shape)
    return dx, dW, db
''',
    "mlp_loss_and_grads": '''
def mlp_loss_and_grads(params, x, y):
    """Loss and gradients of x -> Linear(W1, b1) -> ReLU -> Linear(W2, b2) -> softmax CE."""
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    z1 = linear_forward(x, W1, b1)
    h1 = relu_forward(z1)
    s = linear_forward(h1, W2, b2)
    loss, ds = softmax_cross_entropy(s, y)
    print("loss =", loss)
    dh1, dW2, db2 = linear_backward(ds, h1, W2)
    dz1 = relu_backward(dh1, z1)
    _, dW1, db1 = linear_backward(dz1, x, W1)
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
    "test_mlp_loss_and_grads": 3,
}
