"""A coursekit MLP on the 8×8 digits: ≥ 95 % test accuracy, deterministically."""

from __future__ import annotations

import numpy as np

from coursekit import datasets
from coursekit import layers as L
from coursekit.losses import SoftmaxCrossEntropyLoss
from coursekit.optim import GD
from coursekit.train import fit


def train_once():
    X_train, X_test, y_train, y_test = datasets.digits(test_size=0.25, seed=0)
    model = L.Sequential(L.Linear(64, 64, init="he", rng=0), L.ReLU(), L.Linear(64, 10, init="xavier", rng=1))
    hist = fit(model, SoftmaxCrossEntropyLoss(), X_train, y_train, GD(lr=0.2), epochs=20, batch_size=32,
               seed=0, X_val=X_test, y_val=y_test, progress=False)
    pred = model.predict(X_test)
    return model, hist, float(np.mean(pred == y_test)), pred


def test_digits_mlp_reaches_95_percent_deterministically():
    model1, hist1, acc1, pred1 = train_once()
    model2, hist2, acc2, pred2 = train_once()
    assert acc1 >= 0.95, acc1
    assert acc1 == acc2
    np.testing.assert_array_equal(pred1, pred2)
    for k, v in model1.parameters().items():
        np.testing.assert_array_equal(v, model2.parameters()[k])
    assert hist1.val_accuracy[-1] == acc1
    assert hist1.train_loss[-1] < hist1.train_loss[0] / 5
