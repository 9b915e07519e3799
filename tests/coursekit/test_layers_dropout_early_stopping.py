"""The Dropout layer, Sequential's train/eval modes and fit's early stopping (lecture 06)."""

import numpy as np
import pytest

from coursekit import datasets, optim
from coursekit.layers import Dropout, Linear, ReLU, Sequential
from coursekit.train import fit


def test_dropout_layer_trains_and_evaluates():
    x = np.ones((200, 50))
    layer = Dropout(0.5, seed=0)
    y = layer.forward(x)
    assert set(np.unique(y)) == {0.0, 2.0}
    dx = layer.backward(np.ones_like(x))
    np.testing.assert_array_equal(dx, y)               # d(x ⊙ m)/dx applied to ones is m
    layer.training = False
    np.testing.assert_array_equal(layer.forward(x), x)
    np.testing.assert_array_equal(layer.backward(np.full_like(x, 3.0)), np.full_like(x, 3.0))
    with pytest.raises(ValueError, match="p: expected a number in"):
        Dropout(1.5)


def test_sequential_modes_switch_dropout_only():
    net = Sequential(Linear(3, 8, rng=0), ReLU(), Dropout(0.5, seed=1), Linear(8, 1, rng=2))
    x = np.random.default_rng(0).standard_normal((10, 3))
    a, b = net.forward(x), net.forward(x)
    assert not np.allclose(a, b)                       # training: a new mask per pass
    net.eval()
    np.testing.assert_array_equal(net.forward(x), net.forward(x))
    assert net.train() is net and net.layers[2].training


def test_early_stopping_stops_and_restores_the_best_epoch():
    X, y = datasets.moons(n=260, noise=0.3, seed=1)
    Xtr, ytr, Xva, yva = X[:60], y[:60], X[60:], y[60:]

    def net():
        return Sequential(Linear(2, 32, init="he", rng=0), ReLU(), Linear(32, 32, init="he", rng=1), ReLU(),
                          Linear(32, 1, rng=2))

    full = fit(net(), "bce_with_logits", Xtr, ytr, optim.Adam(lr=0.01), epochs=300, batch_size=60,
               X_val=Xva, y_val=yva, progress=False)
    model = net()
    h = fit(model, "bce_with_logits", Xtr, ytr, optim.Adam(lr=0.01), epochs=300, batch_size=60,
            X_val=Xva, y_val=yva, progress=False, patience=20)
    best = int(np.argmin(full.val_loss))
    assert h.stopped_early and h.best_epoch == best and h.epochs == best + 1 + 20
    assert h.val_loss[:h.epochs] == pytest.approx(full.val_loss[:h.epochs])   # same run until it stops
    from coursekit import functional as F
    restored = F.bce_with_logits(model.forward(Xva)[:, 0], yva)[0]
    assert restored == pytest.approx(full.val_loss[best], rel=1e-12)
    with pytest.raises(ValueError, match="patience: early stopping watches the validation loss"):
        fit(net(), "bce_with_logits", Xtr, ytr, optim.Adam(lr=0.01), epochs=3, progress=False, patience=2)
