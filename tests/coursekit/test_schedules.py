"""Schedules produce their formulas; bad hyperparameters raise naming the argument; minibatches."""

import math

import numpy as np
import pytest

from coursekit import optim


def test_decay_schedules_follow_their_formulas():
    k = np.arange(0, 50)
    lin, quad, ex = optim.LinearDecay(0.8), optim.QuadraticDecay(0.8), optim.ExponentialDecay(0.8, beta=0.1)
    np.testing.assert_allclose([lin(int(i)) for i in k], 0.8 / (k + 1), rtol=1e-15)
    np.testing.assert_allclose([quad(int(i)) for i in k], 0.8 / (k + 1) ** 2, rtol=1e-15)
    np.testing.assert_allclose([ex(int(i)) for i in k], [0.8 * math.exp(-0.1 * i) for i in k], rtol=1e-15)
    assert lin(0) == quad(0) == ex(0) == 0.8


def test_step_decay_on_plateau():
    s = optim.StepDecayOnPlateau(1.0, alpha=0.1, patience=2, rel_tol=0.0)
    lrs = [s.step(x) for x in [5.0, 4.0, 3.0, 3.0, 3.0, 2.0, 2.5, 2.5, 1.0]]
    # improvements keep η; two non-improving calls in a row → η ← αη (count restarts)
    np.testing.assert_allclose(lrs, [1.0, 1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.01, 0.01])
    assert s(123) == pytest.approx(0.01) and s.n_decays == 2


def test_schedule_drives_optimizer_lr_in_run():
    from coursekit import landscapes as L
    opt = optim.GD(lr=1.0)
    q = L.Quadratic.one_d(1.0)
    t = L.run(opt, q, w0=[1.0], n_steps=4, schedule=optim.LinearDecay(0.5))
    # w_{k+1} = (1 − η_k) w_k with η_k = 0.5/(k+1)
    expect = np.cumprod([1.0] + [1 - 0.5 / (k + 1) for k in range(4)])
    np.testing.assert_allclose(t.ws[:, 0], expect, rtol=1e-15)
    assert opt.lr == 0.5 / 4


@pytest.mark.parametrize("make,arg", [
    (lambda: optim.GD(lr=-0.1), "lr"),
    (lambda: optim.GD(lr=0.0), "lr"),
    (lambda: optim.Momentum(lr=0.1, beta=1.0), "beta"),
    (lambda: optim.Momentum(lr=0.1, beta=-0.1), "beta"),
    (lambda: optim.Nesterov(lr=-1, beta=0.9), "lr"),
    (lambda: optim.Nesterov(lr=0.1, beta=1.5), "beta"),
    (lambda: optim.AdaGrad(lr=0.1, eps=-1e-3), "eps"),
    (lambda: optim.RMSprop(lr=0.1, rho=1.0), "rho"),
    (lambda: optim.Adam(lr=0.1, beta1=1.0), "beta1"),
    (lambda: optim.Adam(lr=0.1, beta2=-0.5), "beta2"),
    (lambda: optim.Rprop(lr=0.1, alpha=0.9), "alpha"),
    (lambda: optim.Rprop(lr=0.1, beta=1.0), "beta"),
    (lambda: optim.Rprop(lr=0.1, step_min=1.0, step_max=0.5), "step_max"),
    (lambda: optim.Quickprop(lr=0.1, max_growth=0), "max_growth"),
    (lambda: optim.Newton(lr=float("nan")), "lr"),
    (lambda: optim.LinearDecay(-1.0), "lr"),
    (lambda: optim.QuadraticDecay(lr=0.0), "lr"),
    (lambda: optim.StepDecayOnPlateau(lr=-1.0), "lr"),
    (lambda: optim.ExponentialDecay(1.0, beta=0.0), "beta"),
    (lambda: optim.StepDecayOnPlateau(1.0, alpha=1.0), "alpha"),
    (lambda: optim.StepDecayOnPlateau(1.0, patience=0), "patience"),
])
def test_bad_hyperparameters_raise_naming_the_argument(make, arg):
    with pytest.raises(ValueError, match=rf"^{arg}: expected"):
        make()


def test_schedules_take_lr_like_the_optimizers():
    """One name for one idea: the (initial) learning rate is ``lr`` everywhere."""
    import inspect

    for cls in (optim.LinearDecay, optim.QuadraticDecay, optim.ExponentialDecay, optim.StepDecayOnPlateau):
        assert list(inspect.signature(cls).parameters)[0] == "lr", cls.__name__
    assert optim.LinearDecay(lr=0.6)(2) == pytest.approx(0.2)
    assert optim.QuadraticDecay(lr=0.9)(2) == pytest.approx(0.1)
    assert optim.ExponentialDecay(lr=2.0, beta=np.log(2.0))(3) == pytest.approx(0.25)
    assert optim.StepDecayOnPlateau(lr=0.3).lr == 0.3
    for cls in optim.OPTIMIZERS.values():
        assert list(inspect.signature(cls).parameters)[0] == "lr", cls.__name__


def test_bad_types_and_step_arguments():
    with pytest.raises(TypeError, match="lr"):
        optim.Adam(lr="fast")
    with pytest.raises(ValueError, match="k"):
        optim.LinearDecay(1.0)(-1)
    opt = optim.Momentum(lr=0.1)
    with pytest.raises(ValueError, match=r"grads\['w'\]: expected shape \(3,\)"):
        opt.step({"w": np.zeros(3)}, {"w": np.zeros(2)})
    with pytest.raises(TypeError, match="params"):
        opt.step([np.zeros(3)], {"w": np.zeros(3)})
    with pytest.raises(TypeError, match="hessians"):
        optim.Newton().step({"w": np.zeros(2)}, {"w": np.ones(2)})


def test_minibatches_cover_every_example_once_and_reshuffle_each_epoch():
    rng = np.random.default_rng(0)
    epochs = [list(optim.minibatches(10, 4, rng)) for _ in range(3)]
    for batches in epochs:
        assert [len(b) for b in batches] == [4, 4, 2]
        assert sorted(np.concatenate(batches).tolist()) == list(range(10))
    orders = [np.concatenate(b).tolist() for b in epochs]
    assert orders[0] != orders[1] or orders[1] != orders[2]
    # same seed, same batches (reproducible); equal to one permutation per epoch sliced in order
    rng2 = np.random.default_rng(0)
    for batches in epochs:
        perm = rng2.permutation(10)
        np.testing.assert_array_equal(np.concatenate(batches), perm)
    with pytest.raises(ValueError, match="batch_size"):
        list(optim.minibatches(10, 0, rng))
    with pytest.raises(TypeError, match="rng"):
        list(optim.minibatches(10, 2, 0))
