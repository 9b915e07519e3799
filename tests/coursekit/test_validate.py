"""Bad input raises ValueError/TypeError naming the argument, the expected and the received."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import layers as L
from coursekit import losses


@pytest.mark.parametrize("call,exc,pattern", [
    (lambda: L.Linear(2, 3, rng=0).forward(np.ones((4, 5))), ValueError, r"^x: expected shape \(N, 2\).*got \(4, 5\)"),
    (lambda: L.Linear(2, 3, rng=0).forward(np.ones(2)), ValueError, r"^x: expected a 2-D array, got shape \(2,\)"),
    (lambda: L.Linear("2", 3), TypeError, r"^in_features: expected an integer, got str"),
    (lambda: L.Linear(2, 0), ValueError, r"^out_features: expected an integer ≥ 1, got 0"),
    (lambda: L.Linear(2, 3, init="bogus"), ValueError, r"^init: expected one of"),
    (lambda: L.Linear(2, 3, rng=1.5), TypeError, r"^rng: expected None, an int seed or a numpy Generator"),
    (lambda: L.Linear.from_weights(np.ones((3, 2)), np.ones(2)), ValueError, r"^b: expected shape \(3,\)"),
    (lambda: L.Sequential("relu"), TypeError, r"^layers\[0\]: expected a Layer"),
    (lambda: L.Sequential(), ValueError, r"^layers: expected at least one layer"),
    (lambda: L.Sequential(L.ReLU()).forward([["a", "b"]]), TypeError, r"^x: expected"),
    (lambda: L.Sequential(L.ReLU()).forward(np.array([[np.nan, 1.0]])), ValueError, r"^x: expected finite values"),
    (lambda: losses.SoftmaxCrossEntropyLoss()(np.zeros((2, 3)), np.array([0, 3])), ValueError,
     r"^y: expected labels in \[0, 3\), got values in \[0, 3\]"),
    (lambda: losses.SoftmaxCrossEntropyLoss()(np.zeros((2, 3)), np.array([0.5, 1])), TypeError,
     r"^y: expected integer labels, got dtype float64"),
    (lambda: losses.SoftmaxCrossEntropyLoss()(np.zeros((2, 3)), np.array([0, 1, 2])), ValueError,
     r"^y: expected 2 labels"),
    (lambda: losses.BCELoss()(np.array([[0.5], [1.0]]), np.array([0, 1])), ValueError,
     r"^p: expected probabilities strictly inside \(0, 1\)"),
    (lambda: losses.BCEWithLogitsLoss()(np.zeros((2, 1)), np.array([0, 2])), ValueError, r"^y: expected labels in \{0, 1\}"),
    (lambda: losses.HingeLoss()(np.zeros(2), np.array([0, 1])), ValueError, r"^y: expected labels in \{-1, \+1\}"),
    (lambda: losses.MSELoss()(np.zeros((3, 2)), np.zeros((3, 1))), ValueError, r"^target: expected the shape of pred \(3, 2\), got \(3, 1\)"),
    (lambda: losses.get_loss(42), TypeError, r"^loss: expected a loss name"),
])
def test_error_names_argument_expected_and_received(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_layer_backward_checks_dout_shape():
    layer = L.Linear(2, 3, rng=0)
    layer.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"^dout: expected shape \(4, 3\).*got \(4, 2\)"):
        layer.backward(np.ones((4, 2)))
    relu = L.ReLU()
    relu.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"^dout: expected shape \(4, 2\)"):
        relu.backward(np.ones((2, 4)))
    sig = L.Sigmoid()
    sig.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"^dout: expected shape \(4, 2\) \(the output of Sigmoid.forward\)"):
        sig.backward(np.ones((2, 4)))
    soft = L.Softmax()
    soft.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"^dout: expected shape \(4, 2\)"):
        soft.backward(np.ones((4, 3)))


def test_finiteness_is_always_checked_and_overflowing_sums_are_not_mistaken_for_it():
    from coursekit.losses import MSELoss
    from coursekit.optim import GD
    from coursekit.train import fit

    model = L.Sequential(L.Linear(2, 1, rng=0))
    for bad_value in (np.nan, np.inf, -np.inf):
        bad = np.array([[bad_value, 1.0], [0.0, 1.0]])
        with pytest.raises(ValueError, match=r"^x: expected finite values"):
            model.forward(bad)
        with pytest.raises(ValueError, match=r"^x: expected finite values"):
            model[0].forward(bad)
    bad = np.array([[np.nan, 1.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match=r"^X: expected finite values"):
        fit(model, MSELoss(), bad, np.zeros(2), GD(0.1), progress=False)
    big = np.array([[1e308, 1e308]])  # the sum overflows, the entries are finite: still accepted
    assert model.forward(big).shape == (1, 1)
