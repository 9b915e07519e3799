"""The softmax_backward solution cell turned into a Markdown cell (M in command mode), no code fence."""

from autograder.submissions import to_markdown

ASSIGNMENT = "backprop"
KIND = "accident"
DESCRIPTION = ("correct code everywhere, but the softmax_backward cell was turned into a Markdown cell "
               "(no code fence); others: reference code")

CELLS = {
    "softmax_backward": '''
def softmax_backward(dout, z):
    """Backward pass of the row-wise softmax.  dout (N, C), z (N, C) logits -> dz (N, C)."""
    y = softmax_forward(z)
    return y * (dout - (dout * y).sum(axis=1, keepdims=True))
''',
}


def NOTEBOOK(nb):
    to_markdown(nb, "softmax_backward", fence=False)


# Recoverable accident: graded, with a note (issue 12: "a solution cell turned into Markdown or Raw
# (with or without a code fence) is graded, with a note in the report").
EXPECT = {
    "test_linear_backward": 2,
    "test_sigmoid_backward": 1,
    "test_tanh_backward": 1,
    "test_relu_backward": 1,
    "test_softmax_backward": 2,
    "test_softmax_cross_entropy": 2,
    "test_mlp_loss_and_grads": 3,
}
EXPECT_NOTES = ["softmax_backward.*(markdown|raw)"]
