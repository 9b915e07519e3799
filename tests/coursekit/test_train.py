"""The training loop: minibatches, reshuffling, schedules, History, equivalence with hand-written SGD."""

from __future__ import annotations

import numpy as np
import pytest

from coursekit import layers as L
from coursekit import optim
from coursekit.losses import MSELoss, SoftmaxCrossEntropyLoss
from coursekit.optim import GD
from coursekit.train import History, fit


class Recorder:
    """A duck-typed model with one parameter that records the rows it is shown."""

    def __init__(self):
        self.seen = []
        self.w = np.zeros((1, 1))
        self.g = np.zeros((1, 1))

    def forward(self, x):
        self.seen.append(x[:, 0].copy())
        return x[:, :1] * 0.0 + self.w[0, 0]

    def backward(self, dout):
        self.g[0, 0] = dout.sum()
        return None

    def parameters(self):
        return {"w": self.w}

    def gradients(self):
        return {"w": self.g}


class LrRecorder(GD):
    def __init__(self, lr):
        super().__init__(lr)
        self.used = []

    def step(self, params, grads):
        self.used.append(self.lr)
        super().step(params, grads)


def test_every_epoch_visits_each_row_once_in_a_new_order():
    X = np.arange(50.0)[:, None]
    y = np.zeros(50)
    model = Recorder()
    hist = fit(model, MSELoss(), X, y, GD(0.01), epochs=3, batch_size=16, seed=5, progress=False)
    assert [len(b) for b in model.seen] == [16, 16, 16, 2] * 3
    epochs = [np.concatenate(model.seen[i * 4:(i + 1) * 4]) for i in range(3)]
    for e in epochs:
        np.testing.assert_array_equal(np.sort(e), np.arange(50.0))
    assert not np.array_equal(epochs[0], epochs[1]) and not np.array_equal(epochs[1], epochs[2])
    assert len(hist.step_loss) == 12 and len(hist.train_loss) == 3 and hist.epochs == 3
    # same seed → same order; another seed → another order; shuffle=False → in order
    again = Recorder()
    fit(again, MSELoss(), X, y, GD(0.01), epochs=3, batch_size=16, seed=5, progress=False)
    np.testing.assert_array_equal(np.concatenate(again.seen), np.concatenate(model.seen))
    other = Recorder()
    fit(other, MSELoss(), X, y, GD(0.01), epochs=1, batch_size=16, seed=6, progress=False)
    assert not np.array_equal(np.concatenate(other.seen), epochs[0])
    ordered = Recorder()
    fit(ordered, MSELoss(), X, y, GD(0.01), epochs=2, batch_size=16, shuffle=False, progress=False)
    np.testing.assert_array_equal(np.concatenate(ordered.seen), np.tile(np.arange(50.0), 2))


def test_train_loss_is_the_size_weighted_mean_of_step_losses():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 3)), rng.normal(size=50)
    model = L.Sequential(L.Linear(3, 1, rng=0))
    hist = fit(model, MSELoss(), X, y, GD(0.05), epochs=2, batch_size=16, progress=False)
    sizes = np.array([16, 16, 16, 2])
    for e in range(2):
        steps = np.array(hist.step_loss[4 * e:4 * (e + 1)])
        assert hist.train_loss[e] == pytest.approx(np.sum(steps * sizes) / 50, rel=1e-12)
    assert hist.train_accuracy == [] and hist.val_loss == []


def test_fit_equals_hand_written_minibatch_sgd():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(40, 3)), rng.integers(0, 3, 40)
    model = L.Sequential(L.Linear(3, 4, rng=0), L.Tanh(), L.Linear(4, 3, rng=1))
    W1, b1 = model[0].params["W"].copy(), model[0].params["b"].copy()
    W2, b2 = model[2].params["W"].copy(), model[2].params["b"].copy()
    fit(model, SoftmaxCrossEntropyLoss(), X, y, GD(0.3), epochs=3, batch_size=12, shuffle=False, progress=False)
    lr = 0.3
    for _ in range(3):
        for s in range(0, 40, 12):
            xb, yb = X[s:s + 12], y[s:s + 12]
            n = len(yb)
            a1 = np.tanh(xb @ W1.T + b1)
            lo = a1 @ W2.T + b2
            p = np.exp(lo - lo.max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            d2 = (p - np.eye(3)[yb]) / n
            d1 = (d2 @ W2) * (1 - a1 ** 2)
            W2, b2 = W2 - lr * d2.T @ a1, b2 - lr * d2.sum(0)
            W1, b1 = W1 - lr * d1.T @ xb, b1 - lr * d1.sum(0)
    for got, want in ((model[0].params["W"], W1), (model[0].params["b"], b1),
                      (model[2].params["W"], W2), (model[2].params["b"], b2)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_every_optimizer_plain_gd_included_takes_backward_then_step():
    """fit's step is the documented loop for every optimizer: the minibatches of
    coursekit.optim.minibatches, model.backward, then optimizer.step with all gradients."""
    from coursekit.optim import minibatches

    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(40, 3)), rng.integers(0, 3, 40)

    def make():
        return L.Sequential(L.Linear(3, 5, rng=0), L.ReLU(), L.Linear(5, 3, rng=1))

    model, opt, seen = make(), GD(lr=0.2), []
    plain_step = opt.step

    def recording_step(params, grads):
        seen.append(sorted(grads))
        plain_step(params, grads)

    opt.step = recording_step
    fit(model, SoftmaxCrossEntropyLoss(), X, y, opt, epochs=2, batch_size=16, seed=3, progress=False)
    assert seen == [["0.W", "0.b", "2.W", "2.b"]] * 6  # 3 batches per epoch, every gradient each step
    ref, loss, order = make(), SoftmaxCrossEntropyLoss(), np.random.default_rng(3)
    for _ in range(2):
        for idx in minibatches(40, 16, order):
            _, d = loss(ref.forward(X[idx]), y[idx])
            ref.backward(d)
            GD(lr=0.2).step(ref.parameters(), ref.gradients())
    for k, v in ref.parameters().items():
        np.testing.assert_array_equal(model.parameters()[k], v, err_msg=k)


def test_schedule_sets_lr_before_each_step_and_validation_is_recorded():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(30, 2)), rng.integers(0, 2, 30)
    model = L.Sequential(L.Linear(2, 2, rng=0))
    opt = LrRecorder(1.0)
    sched = lambda k: 0.5 / (1 + k)  # noqa: E731
    hist = model.fit(SoftmaxCrossEntropyLoss(), X, y, opt, epochs=2, batch_size=10, X_val=X[:7], y_val=y[:7],
                     schedule=sched, progress=False)
    assert isinstance(hist, History)
    assert opt.used == [0.5 / (1 + k) for k in range(6)] == hist.lr
    assert len(hist.val_loss) == len(hist.val_accuracy) == len(hist.train_accuracy) == 2
    acc = np.mean(model.predict(X[:7]) == y[:7])
    assert hist.val_accuracy[-1] == acc
    logits = model.forward(X[:7])
    assert hist.val_loss[-1] == pytest.approx(SoftmaxCrossEntropyLoss()(logits, y[:7])[0], rel=1e-12)


def test_linear_regression_reaches_least_squares():
    from coursekit.datasets import linear_regression

    X, y = linear_regression(n=2000, beta0=1.0, beta1=-2.0, noise=0.3, seed=1)
    model = L.Sequential(L.Linear(1, 1, rng=0))
    fit(model, MSELoss(), X, y, GD(0.05), epochs=15, batch_size=20, seed=0, progress=False)
    beta, *_ = np.linalg.lstsq(np.column_stack([np.ones(len(y)), X[:, 0]]), y, rcond=None)
    np.testing.assert_allclose([model[0].params["b"][0], model[0].params["W"][0, 0]], beta, atol=0.03)


def test_progress_bar_on_and_off(capsys):
    X, y = np.zeros((4, 1)), np.zeros(4)
    fit(L.Sequential(L.Linear(1, 1, rng=0)), MSELoss(), X, y, GD(0.1), epochs=2, progress=False)
    assert capsys.readouterr().err == ""
    fit(L.Sequential(L.Linear(1, 1, rng=0)), MSELoss(), X, y, GD(0.1), epochs=2, progress=True)
    assert "epochs" in capsys.readouterr().err


@pytest.mark.parametrize("kw,exc,arg", [
    ({"optimizer": object()}, TypeError, "optimizer"),
    ({"y": np.zeros(3)}, ValueError, "y"),
    ({"epochs": 0}, ValueError, "epochs"),
    ({"batch_size": "8"}, TypeError, "batch_size"),
    ({"schedule": lambda k: -1.0}, ValueError, r"schedule\(0\)"),
    ({"schedule": 0.1}, TypeError, "schedule"),
    ({"X_val": np.zeros((2, 2))}, ValueError, "X_val, y_val"),
    ({"loss": "l2"}, ValueError, "loss"),
])
def test_fit_rejects_bad_arguments(kw, exc, arg):
    args = {"model": L.Sequential(L.Linear(2, 1, rng=0)), "loss": MSELoss(), "X": np.zeros((4, 2)),
            "y": np.zeros(4), "optimizer": GD(0.1), "progress": False}
    args.update(kw)
    with pytest.raises(exc, match=rf"^{arg}: expected"):
        fit(**args)


def test_plateau_schedule_is_told_each_epoch_loss():
    class Plateau:
        def __init__(self):
            self.losses = []

        def step(self, loss):
            self.losses.append(loss)

        def __call__(self, k):
            return 0.1 / (1 + len(self.losses))

    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(20, 2)), rng.normal(size=20)
    sched = Plateau()
    hist = fit(L.Sequential(L.Linear(2, 1, rng=0)), MSELoss(), X, y, GD(1.0), epochs=3, batch_size=10,
               schedule=sched, progress=False)
    assert sched.losses == hist.train_loss
    assert hist.lr == [0.1, 0.1, 0.05, 0.05, 0.1 / 3, 0.1 / 3]


def test_fit_drives_momentum_adam_and_a_schedule():
    from coursekit import optim

    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(60, 2)), rng.integers(0, 2, 60)
    for opt in (optim.Momentum(lr=0.1, beta=0.9), optim.Adam(lr=0.05)):
        model = L.Sequential(L.Linear(2, 8, rng=0), L.Tanh(), L.Linear(8, 2, rng=1))
        hist = fit(model, SoftmaxCrossEntropyLoss(), X, y, opt, epochs=5, batch_size=20, progress=False)
        assert hist.train_loss[-1] < hist.train_loss[0]
    sched = optim.LinearDecay(0.2)
    opt = optim.GD(lr=1.0)
    hist = fit(L.Sequential(L.Linear(2, 2, rng=0)), SoftmaxCrossEntropyLoss(), X, y, opt, epochs=2, batch_size=30,
               schedule=sched, progress=False)
    np.testing.assert_allclose(hist.lr, [0.2 / (k + 1) for k in range(4)])


def _net(seed):
    from coursekit.layers import Linear, ReLU, Sequential
    return Sequential(Linear(2, 16, rng=seed), ReLU(), Linear(16, 2, rng=seed + 1))


@pytest.mark.parametrize("name,lr", [("GD", 0.5), ("momentum", 0.1), ("Nesterov", 0.1), ("AdaGrad", 0.1),
                                     ("RMSprop", 0.01), ("Adam", 0.01), ("Rprop", 0.01), ("Quickprop", 0.05)])
def test_optimizers_plug_into_the_sequential_training_loop(name, lr):
    from sklearn.datasets import make_moons
    from coursekit.train import fit

    X, y = make_moons(200, noise=0.1, random_state=0)
    model = _net(0)
    hist = fit(model, "softmax_cross_entropy", X, y, optim.OPTIMIZERS[name](lr=lr), epochs=30,
               batch_size=200 if name in ("Rprop", "Quickprop") else 32, seed=0, progress=False)
    assert hist.train_loss[-1] < 0.6 * hist.train_loss[0]
    assert hist.train_accuracy[-1] > 0.85


def test_schedule_sets_lr_in_the_training_loop():
    from sklearn.datasets import make_moons
    from coursekit.train import fit

    X, y = make_moons(64, noise=0.1, random_state=1)
    opt = optim.Momentum(lr=1.0, beta=0.9)
    hist = fit(_net(3), "softmax_cross_entropy", X, y, opt, epochs=3, batch_size=16, seed=0,
               schedule=optim.ExponentialDecay(0.1, beta=0.5), progress=False)
    np.testing.assert_allclose(hist.lr, 0.1 * np.exp(-0.5 * np.arange(12)), rtol=1e-15)
