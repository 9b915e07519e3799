"""SGD on seed 002's linear regression: unbiasedness, variance ∝ 1/|S|, divergence, the panel."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression

from coursekit.widgets import sgd
from coursekit.widgets.panel import ERRORS

BETA = np.array([-2.0, -2.0])


def test_data_is_seed_002_regression(xy):
    x, y = xy
    assert x.shape == y.shape == (100_000,)
    assert x.dtype == y.dtype == np.float64


def test_full_gradient_matches_finite_differences(xy, loss_fn, num_grad):
    x, y = xy
    for beta in (BETA, np.array([0.5, 3.0])):
        ref = num_grad(lambda b: loss_fn(b, x, y), beta)
        np.testing.assert_allclose(sgd.full_gradient(beta), ref, rtol=1e-6, atol=1e-8)
        assert sgd.loss(beta) == pytest.approx(loss_fn(beta, x, y), rel=1e-12)


def test_minibatch_gradient_is_the_seed_formula(xy):
    x, y = xy
    idx = np.array([3, 17, 99_999, 42])
    r = BETA[0] + BETA[1] * x[idx] - y[idx]
    ref = 2.0 / idx.size * np.array([r.sum(), (x[idx] * r).sum()])
    np.testing.assert_allclose(sgd.minibatch_gradient(BETA, idx), ref, rtol=1e-12)
    # the whole index set gives the full gradient
    np.testing.assert_allclose(sgd.minibatch_gradient(BETA, np.arange(x.size)), sgd.full_gradient(BETA), rtol=1e-10)


def test_mean_of_minibatch_gradients_is_the_full_gradient(xy, loss_fn, num_grad):
    """E[∇̃L] = ∇L: the mean of K draws is within 4 standard errors (per component)."""
    x, y = xy
    K, b = 4000, 8
    G = sgd.gradient_estimates(BETA, batch_size=b, n_draws=K, seed=7)
    full = num_grad(lambda beta: loss_fn(beta, x, y), BETA)
    r = BETA[0] + BETA[1] * x - y
    per_example = 2.0 * np.column_stack([r, x * r])          # gᵢ written out here, not from coursekit
    se = per_example.std(axis=0) / np.sqrt(b) / np.sqrt(K)
    z = (G.mean(axis=0) - full) / se
    assert np.all(np.abs(z) < 4.0), z
    # ... and the draws really are noisy (not the full gradient every time)
    assert np.all(G.std(axis=0) > 10 * se)


@pytest.mark.parametrize("b", [2, 32, 512])
def test_variance_matches_sigma_over_batch_size(xy, b):
    """Cov[∇̃L] = Σ/|S| · (n − |S|)/(n − 1) — total variance within 15 % (K = 3000 draws)."""
    x, y = xy
    n = x.size
    r = BETA[0] + BETA[1] * x - y
    Sigma = np.cov(2.0 * np.column_stack([r, x * r]).T)
    predicted = np.trace(Sigma) / b * (n - b) / (n - 1)
    G = sgd.gradient_estimates(BETA, batch_size=b, n_draws=3000, seed=11)
    measured = np.trace(np.cov(G.T))
    assert measured == pytest.approx(predicted, rel=0.15)


def test_larger_batch_gives_lower_variance():
    v = [np.trace(np.cov(sgd.gradient_estimates(BETA, b, 1500, seed=3).T)) for b in (1, 16, 256)]
    assert v[0] > 8 * v[1] > 0 and v[1] > 8 * v[2] > 0, v


def test_sgd_converges_to_least_squares(xy):
    x, y = xy
    ref = LinearRegression().fit(x[:, None], y)
    beta_ref = np.array([ref.intercept_, ref.coef_[0]])
    beta_star, loss_star = sgd.least_squares()
    np.testing.assert_allclose(beta_star, beta_ref, atol=1e-10)
    run = sgd.simulate_sgd(batch_size=512, lr=0.1, n_steps=300, seed=0)
    assert not run["diverged"]
    assert np.linalg.norm(run["betas"][-1] - beta_ref) < 0.05
    assert run["betas"].shape == (301, 2) and run["losses"].shape == (301,)
    np.testing.assert_array_equal(run["betas"][0], [-2.0, -2.0])
    # the stored losses are the full empirical risk of the stored β (hand formula)
    for k in (0, 10, 300):
        b = run["betas"][k]
        assert run["losses"][k] == pytest.approx(np.mean((y - b[0] - b[1] * x) ** 2), rel=1e-9)
    assert run["losses"][-1] < 1e-3 * run["losses"][0] + loss_star


def test_small_batches_are_noisier_at_the_same_learning_rate():
    gap = {}
    for b in (1, 1024):
        run = sgd.simulate_sgd(batch_size=b, lr=0.05, n_steps=300, seed=0)
        gap[b] = np.mean(run["losses"][-100:] - run["loss_star"])
    assert gap[1] > 10 * gap[1024] > 0


def test_learning_rate_too_large_diverges(xy, loss_fn):
    """Full-batch GD on the quadratic L is stable iff η < 2/λ_max(∇²L); the Hessian here is
    computed by finite differences of the hand-written loss, independently of coursekit."""
    x, y = xy
    h = 1e-3
    H = np.zeros((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h, np.eye(2)[j] * h
            H[i, j] = (loss_fn(BETA + ei + ej, x, y) - loss_fn(BETA + ei - ej, x, y)
                       - loss_fn(BETA - ei + ej, x, y) + loss_fn(BETA - ei - ej, x, y)) / (4 * h * h)
    lr_max = 2.0 / np.linalg.eigvalsh(H).max()
    full = x.size
    ok = sgd.simulate_sgd(batch_size=full, lr=0.9 * lr_max, n_steps=200, seed=0)
    bad = sgd.simulate_sgd(batch_size=full, lr=1.1 * lr_max, n_steps=200, seed=0)
    assert ok["lr_max"] == pytest.approx(lr_max, rel=1e-4)
    assert not ok["diverged"] and ok["losses"][-1] < ok["losses"][0]
    assert bad["diverged"]
    assert np.isnan(bad["betas"][-1]).all()            # stopped: no fake numbers after divergence
    # a clearly too large step diverges for every batch size
    for b in (1, 64, 4096):
        assert sgd.simulate_sgd(batch_size=b, lr=2.0, n_steps=200, seed=0)["diverged"]


def test_schedule_is_applied_and_removes_the_noise_floor():
    const = sgd.simulate_sgd(batch_size=4, lr=0.2, n_steps=500, seed=0)
    decay = sgd.simulate_sgd(batch_size=4, lr=0.2, n_steps=500, seed=0, schedule=lambda k: 0.2 / (k + 1))
    np.testing.assert_allclose(decay["lrs"][:3], [0.2, 0.1, 0.2 / 3])
    assert np.all(const["lrs"] == 0.2)
    tail = slice(-100, None)
    assert np.mean(decay["losses"][tail] - decay["loss_star"]) < 0.2 * np.mean(const["losses"][tail] - const["loss_star"])


def test_simulate_is_pure_and_seeded():
    a = sgd.simulate_sgd(batch_size=8, lr=0.1, n_steps=50, seed=3)
    b = sgd.simulate_sgd(batch_size=8, lr=0.1, n_steps=50, seed=3)
    c = sgd.simulate_sgd(batch_size=8, lr=0.1, n_steps=50, seed=4)
    np.testing.assert_array_equal(a["betas"], b["betas"])
    assert not np.allclose(a["betas"], c["betas"])
    x, y = sgd.regression_data()
    assert not x.flags.writeable and not y.flags.writeable


@pytest.mark.parametrize(
    "kwargs, exc, words",
    [
        ({"batch_size": 0}, ValueError, ["batch_size", "0"]),
        ({"batch_size": 2.5}, TypeError, ["batch_size", "float"]),
        ({"batch_size": 200_000}, ValueError, ["batch_size", "200000"]),
        ({"lr": -0.1}, ValueError, ["lr", "-0.1"]),
        ({"lr": "fast"}, TypeError, ["lr", "str"]),
        ({"n_steps": 0}, ValueError, ["n_steps"]),
        ({"beta_init": (1.0, 2.0, 3.0)}, ValueError, ["beta", "(3,)"]),
        ({"schedule": 0.1}, TypeError, ["schedule", "float"]),
        ({"schedule": lambda k: -1.0}, ValueError, ["schedule(0)"]),
    ],
)
def test_bad_input_names_the_argument(kwargs, exc, words):
    with pytest.raises(exc) as info:
        sgd.simulate_sgd(**kwargs)
    for w in words:
        assert w in str(info.value)


def test_gradient_estimates_bad_input():
    with pytest.raises(ValueError, match="n_draws"):
        sgd.gradient_estimates(BETA, 4, 0)
    with pytest.raises(ValueError, match="beta"):
        sgd.gradient_estimates([1.0], 4, 10)


# ----------------------------------------------------------------------------- the panel
def test_panel_has_the_two_sliders():
    import ipywidgets as widgets

    panel = sgd.SGDPanel()
    bs, lr = panel.controls["batch_size"], panel.controls["lr"]
    assert isinstance(bs, widgets.SelectionSlider) and bs.description == "batch size"
    assert list(bs.options) == [2 ** k for k in range(13)]
    assert isinstance(lr, widgets.FloatLogSlider) and lr.description == "learning rate"
    assert panel.figure is not None and panel.renders == 1


def test_panel_set_reruns_the_simulation():
    panel = sgd.SGDPanel(batch_size=32, lr=0.05, n_steps=100, seed=0)
    before = panel.data
    np.testing.assert_array_equal(before["betas"], sgd.simulate_sgd(32, 0.05, 100, 0)["betas"])
    panel.set(batch_size=1, lr=0.2)
    after = panel.data
    assert after is not before and after["batch_size"] == 1 and after["lr"] == 0.2
    np.testing.assert_array_equal(after["betas"], sgd.simulate_sgd(1, 0.2, 100, 0)["betas"])
    assert panel.renders == 2
    assert "β*" in panel.readout.value
    # moving one slider directly (as in the browser) redraws too
    panel.controls["lr"].value = 1.5
    assert panel.renders == 3 and panel.data["lr"] == 1.5 and panel.data["diverged"]
    assert "diverged" in panel.readout.value
    axes_titles = [ax.get_title() for ax in panel.figure.axes]
    assert "diverged" in axes_titles
    assert not ERRORS


def test_panel_rejects_unknown_controls_and_bad_values():
    panel = sgd.SGDPanel(n_steps=20)
    with pytest.raises(ValueError, match="momentum"):
        panel.set(momentum=0.9)
    with pytest.raises(ValueError, match="batch_size"):
        sgd.SGDPanel(batch_size=3)
