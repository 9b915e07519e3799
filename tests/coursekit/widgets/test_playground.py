"""The playground's pure simulator and its panel (lecture 02).

References are independent of the code under test: scikit-learn's log_loss and
accuracy_score, and the data generators called directly.
"""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, log_loss

from coursekit import datasets
from coursekit.widgets import panel as panel_mod
from coursekit.widgets.playground import (
    PlaygroundPanel,
    make_playground_model,
    playground_data,
    simulate_playground,
)


pytestmark = pytest.mark.usefixtures("close_figures")  # the panels and plots draw many figures


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("activation", ["tanh", "ReLU"])
def test_xor_needs_more_than_one_hidden_unit(activation):
    one = simulate_playground("XOR", hidden_units=1, lr=0.5, activation=activation)
    four = simulate_playground("XOR", hidden_units=4, lr=0.5, activation=activation)
    # One hidden unit: the output is a monotone function of one projection w·x + b, so the
    # decision region is a half-plane and at most 3 of XOR's 4 clusters are right.
    assert one["accuracy"] <= 0.80
    assert four["accuracy"] >= 0.98
    assert four["final_loss"] < 0.1 < one["final_loss"]


def test_more_hidden_units_fit_spirals_better():
    losses = [simulate_playground("spirals", hidden_units=h, lr=0.5, activation="ReLU")["final_loss"]
              for h in (2, 8, 32)]
    assert losses[0] > losses[1] > losses[2]
    assert losses[0] - losses[2] > 0.15


def test_losses_and_accuracy_match_sklearn():
    d = simulate_playground("circles", hidden_units=3, lr=0.3, activation="sigmoid", epochs=120, seed=2)
    X, y = d["X"], d["y"]
    # the data are coursekit.datasets' circles with the playground's settings
    Xr, yr = datasets.circles(n=200, noise=0.08, seed=2)
    np.testing.assert_array_equal(X, Xr)
    np.testing.assert_array_equal(y, yr)
    # initial loss: the freshly initialised model (same seed) scored by scikit-learn
    init = make_playground_model(3, "sigmoid", seed=2)
    assert d["losses"][0] == pytest.approx(log_loss(y, _softmax(init.forward(X)), labels=[0, 1]), rel=1e-10)
    # final loss and accuracy of the returned model
    p = _softmax(d["model"].forward(X))
    assert d["final_loss"] == pytest.approx(log_loss(y, p, labels=[0, 1]), rel=1e-10)
    assert d["accuracy"] == pytest.approx(accuracy_score(y, p.argmax(axis=1)))
    assert d["losses"].shape == (121,)
    # the grid holds P(class 1) of the final model
    pts = np.column_stack([d["xx"].ravel(), d["yy"].ravel()])
    np.testing.assert_allclose(d["proba"].ravel(), _softmax(d["model"].forward(pts))[:, 1], rtol=1e-12)
    assert d["xx"].min() < X[:, 0].min() and d["xx"].max() > X[:, 0].max()


def test_small_learning_rate_decreases_the_loss_monotonically():
    d = simulate_playground("XOR", hidden_units=4, lr=0.05, activation="tanh", epochs=200)
    assert np.all(np.diff(d["losses"]) < 0)


def test_one_step_is_gradient_descent():
    """Loss after one step with a tiny η ≈ L₀ − η‖∇L‖² (first-order Taylor), ∇L by finite differences."""
    eta = 1e-4
    d = simulate_playground("XOR", hidden_units=3, lr=eta, activation="tanh", epochs=1, seed=4)
    X, y = d["X"], d["y"]
    model = make_playground_model(3, "tanh", seed=4)
    params = model.parameters()

    def L():
        return log_loss(y, _softmax(model.forward(X)), labels=[0, 1])

    sq = 0.0
    for v in params.values():
        flat = v.reshape(-1)
        for i in range(flat.size):
            old = flat[i]
            flat[i] = old + 1e-6
            lp = L()
            flat[i] = old - 1e-6
            lm = L()
            flat[i] = old
            sq += ((lp - lm) / 2e-6) ** 2
    assert d["losses"][0] - d["losses"][1] == pytest.approx(eta * sq, rel=1e-3)


def test_pure_and_deterministic():
    a = simulate_playground("spirals", hidden_units=5, lr=0.4, activation="softplus", epochs=50, seed=1)
    b = simulate_playground("spirals", hidden_units=5, lr=0.4, activation="softplus", epochs=50, seed=1)
    np.testing.assert_array_equal(a["losses"], b["losses"])
    np.testing.assert_array_equal(a["proba"], b["proba"])
    X, _ = playground_data("spirals", 1)
    assert not X.flags.writeable


def test_divergence_is_reported_not_raised():
    d = simulate_playground("circles", hidden_units=16, lr=1e4, activation="ReLU", epochs=50)
    assert d["diverged"]
    assert np.isnan(d["accuracy"])
    assert np.all(d["proba"] == 0.5)


@pytest.mark.parametrize(
    "kwargs, exc, word",
    [
        ({"dataset": "moons"}, ValueError, "dataset"),
        ({"hidden_units": 0}, ValueError, "hidden_units"),
        ({"hidden_units": 2.5}, TypeError, "hidden_units"),
        ({"lr": -1.0}, ValueError, "lr"),
        ({"lr": "fast"}, TypeError, "lr"),
        ({"activation": "swish"}, ValueError, "activation"),
        ({"epochs": 0}, ValueError, "epochs"),
    ],
)
def test_bad_input_names_the_argument(kwargs, exc, word):
    with pytest.raises(exc, match=word):
        simulate_playground(**kwargs)


def test_panel_redraws_when_controls_move():
    before = len(panel_mod.ERRORS)
    p = PlaygroundPanel(dataset="XOR", hidden_units=4, lr=0.5, activation="tanh", epochs=100)
    assert p.controls["hidden_units"].description == "hidden units"
    assert p.controls["lr"].description == "learning rate"
    first_proba, renders = p.data["proba"].copy(), p.renders
    p.set(hidden_units=1)
    assert p.data["hidden_units"] == 1 and p.renders == renders + 1
    assert not np.allclose(p.data["proba"], first_proba)
    p.set(dataset="spirals", activation="ReLU")
    assert p.data["dataset"] == "spirals" and p.data["activation"] == "ReLU"
    np.testing.assert_array_equal(p.data["X"], datasets.spirals(n=200, noise=0.1, seed=0)[0])
    lr_before = p.data["losses"].copy()
    p.controls["lr"].value = 0.05          # as a student moving the slider
    assert p.data["lr"] == pytest.approx(0.05)
    assert not np.allclose(p.data["losses"], lr_before)
    assert "training accuracy" in p.readout.value
    assert len(panel_mod.ERRORS) == before


def test_init_seed_changes_the_start_not_the_data():
    a = simulate_playground("XOR", hidden_units=2, lr=0.5, activation="tanh", epochs=5, seed=0)
    b = simulate_playground("XOR", hidden_units=2, lr=0.5, activation="tanh", epochs=5, seed=0, init_seed=7)
    same = simulate_playground("XOR", hidden_units=2, lr=0.5, activation="tanh", epochs=5, seed=0, init_seed=0)
    np.testing.assert_array_equal(a["X"], b["X"])
    assert a["losses"][0] != b["losses"][0]             # another starting point
    np.testing.assert_array_equal(a["losses"], same["losses"])
    # the start is make_playground_model(..., seed=init_seed), scored independently
    start = make_playground_model(2, "tanh", seed=7)
    assert b["losses"][0] == pytest.approx(log_loss(b["y"], _softmax(start.forward(b["X"]))), rel=1e-12)
    with pytest.raises(ValueError, match="init_seed"):
        simulate_playground("XOR", hidden_units=2, epochs=1, init_seed=-1)
