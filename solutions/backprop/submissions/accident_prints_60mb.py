"""A correct softmax_backward that prints about 60 MB over the five cases of its test."""

ASSIGNMENT = "backprop"
KIND = "accident"
DESCRIPTION = ("softmax_backward is correct but prints its result 40000 times per call, left from debugging "
               "(1-20 MB per call, about 60 MB over five cases); others: reference code")

CELLS = {
    "softmax_backward": '''
def softmax_backward(dout, z):
    """Backward pass of the row-wise softmax.  dout (N, C), z (N, C) logits -> dz (N, C)."""
    y = softmax_forward(z)
    dz = y * (dout - (dout * y).sum(axis=1, keepdims=True))
    text = str(dz)
    for _ in range(40000):   # was watching the values while I changed the formula
        print(text)
    return dz
''',
}

# Output never costs points (issue 12): what is printed beyond the cap is dropped, the function graded.
EXPECT = {
    "test_linear_backward": 2,
    "test_sigmoid_backward": 1,
    "test_tanh_backward": 1,
    "test_relu_backward": 1,
    "test_softmax_backward": 2,
    "test_softmax_cross_entropy": 2,
    "test_mlp_loss_and_grads": 3,
}
