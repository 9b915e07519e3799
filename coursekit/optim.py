"""Optimizers (see ARCHITECTURE.md, Public interfaces); the learning-rate schedules live in :mod:`coursekit.schedules`.

Every optimizer is a small class built with keyword hyperparameters. ``opt.step(params, grads)``
updates a dict of numpy arrays **in place**, keeping its state (velocities, running averages,
step sizes, ...) per key, so the same optimizer drives a 2-D landscape (``{"w": w}``) or a
whole network (``{"W1": ..., "b1": ..., ...}``). Every optimizer has a mutable ``lr`` (η): a
schedule (a callable ``k -> η``, see :mod:`coursekit.schedules`, whose classes are also
importable from here) is applied by setting ``opt.lr = schedule(k)`` before step k.

Notation follows the lectures: W the parameters, ∇ = ∂Loss/∂W the gradient, η the learning
rate, β the momentum, ΔW the previous step.

=============  =============================================================================
class          update for one array W with gradient ∇ (state initialised to 0)
=============  =============================================================================
GD             W ← W − η∇
Momentum       ΔW ← βΔW − η∇;   W ← W + ΔW
Nesterov       ΔW ← βΔW − η∇(W + βΔW);   W ← W + ΔW   (stored params = look-ahead point)
AdaGrad        G ← G + ∇²;   W ← W − η ∇ / (√G + ε)
RMSprop        v ← ρv + (1−ρ)∇²;   W ← W − η ∇ / (√v + ε)
Adam           m ← β₁m + (1−β₁)∇;  v ← β₂v + (1−β₂)∇²;  W ← W − η m̂ / (√v̂ + ε)
Rprop          per weight: grow the step ×α while ∂E/∂w keeps its sign, else go back and ×β
Quickprop      per weight: secant (finite-difference Newton) step on ∂E/∂w
Newton         W ← W − η H⁻¹∇   (needs the Hessian; see :class:`Newton`)
=============  =============================================================================

The module is about 500 lines, most of them the docstrings that state each update in the
lecture's notation and its correspondence with torch.optim; the optimizers stay together so
this table is the whole list.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from coursekit._validate import check_in_range, check_instance, check_int, check_positive
from coursekit.schedules import ExponentialDecay, LinearDecay, QuadraticDecay, StepDecayOnPlateau

__all__ = [
    "GD", "Momentum", "Nesterov", "AdaGrad", "RMSprop", "Adam", "Rprop", "Quickprop", "Newton",
    "OPTIMIZERS", "LinearDecay", "QuadraticDecay", "ExponentialDecay", "StepDecayOnPlateau",
    "minibatches",
]


def _check_step_args(params, grads):
    check_instance(params, "params", dict, "a dict name -> array")
    check_instance(grads, "grads", dict, "a dict name -> array")
    for k, g in grads.items():
        if k not in params:
            raise ValueError(f"grads: key {k!r} has no matching entry in params (keys {sorted(params)})")
        p = check_instance(params[k], f"params[{k!r}]", np.ndarray, "a numpy array (updated in place)")
        if np.shape(g) != p.shape:
            raise ValueError(f"grads[{k!r}]: expected shape {p.shape} (that of params[{k!r}]), got {np.shape(g)}")


class Optimizer:
    """Base class: a mutable learning rate ``lr`` and per-key state in ``self.state``."""

    #: True for optimizers whose ``step`` needs Hessians (only :class:`Newton`).
    needs_hessian = False

    def __init__(self, lr):
        self.lr = lr
        self.state: dict = {}

    @property
    def lr(self):
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = check_positive(value, "lr")

    def reset(self):
        """Forget all per-key state (start a fresh run)."""
        self.state = {}

    def step(self, params, grads):  # pragma: no cover - interface
        raise NotImplementedError

    def __repr__(self):
        """``Adam(lr=0.001, beta1=0.9, ...)``: the constructor's keywords with their current values."""
        names = inspect.signature(type(self)).parameters
        return f"{type(self).__name__}({', '.join(f'{k}={getattr(self, k)!r}' for k in names)})"

    def _zeros(self, k, like):
        """The state array of key ``k``, created as zeros shaped like ``like`` at the first step."""
        st = self.state.get(k)
        if st is None:
            st = self.state[k] = np.zeros_like(like, dtype=np.float64)
        return st



class GD(Optimizer):
    """Plain (stochastic) gradient descent: ``W ← W − η ∇W``.

    Parameters
    ----------
    lr : float
        The learning rate η > 0.
    """

    def __init__(self, lr=0.1):
        super().__init__(lr)

    def step(self, params, grads):
        _check_step_args(params, grads)
        for k, g in grads.items():
            params[k] -= self.lr * np.asarray(g, dtype=np.float64)


class Momentum(Optimizer):
    """Gradient descent with (heavy-ball) momentum, in the lecture's form.

    .. math::  ΔW^{(k)} = β ΔW^{(k-1)} − η ∇Loss(W^{(k-1)}),\\qquad W^{(k)} = W^{(k-1)} + ΔW^{(k)}

    with ΔW^{(0)} = 0. Writing ΔW = −η b gives torch.optim.SGD(momentum=β)'s form
    b ← βb + ∇, W ← W − ηb, so at constant η the two trajectories are identical. (When η
    changes, the lecture's form keeps the old η inside ΔW, torch's rescales the whole velocity.)

    Parameters
    ----------
    lr : float
        η > 0.
    beta : float
        β in [0, 1); 0 is plain gradient descent.
    """

    def __init__(self, lr=0.01, beta=0.9):
        super().__init__(lr)
        self.beta = check_in_range(beta, "beta", 0.0, 1.0)

    def step(self, params, grads):
        _check_step_args(params, grads)
        for k, g in grads.items():
            dW = self._zeros(k, params[k])
            dW *= self.beta
            dW -= self.lr * np.asarray(g, dtype=np.float64)
            params[k] += dW


class Nesterov(Momentum):
    """Nesterov's accelerated gradient, in the lecture's form.

    The lecture's update (gradient at the look-ahead point W + βΔW):

    .. math::  ΔW^{(k)} = β ΔW^{(k-1)} − η ∇Loss(W^{(k-1)} + βΔW^{(k-1)}),\\qquad W^{(k)} = W^{(k-1)} + ΔW^{(k)}

    ``step(params, grads)`` is given only the gradient at the point stored in ``params``, so the
    stored point is the **look-ahead** point Ŵ = W + βΔW (ΔW^{(0)} = 0, so Ŵ^{(0)} = W^{(0)}).
    The change of variables: with ∇ = ∇Loss(Ŵ^{(k-1)}),

        Ŵ^{(k)} − Ŵ^{(k-1)} = ΔW^{(k)} + βΔW^{(k)} − βΔW^{(k-1)} = βΔW^{(k)} − η∇,

    so one step is ``ΔW ← βΔW − η∇; Ŵ ← Ŵ + βΔW − η∇``. Writing ΔW = −ηb this is exactly
    torch.optim.SGD(momentum=β, nesterov=True): b ← βb + ∇, Ŵ ← Ŵ − η(∇ + βb), so at constant η
    the trajectories are identical. At convergence ΔW → 0 and Ŵ → W.

    Parameters
    ----------
    lr : float
        η > 0.
    beta : float
        β in [0, 1). (Hyperparameters and state — ΔW per key — are :class:`Momentum`'s;
        only the step differs.)
    """

    def step(self, params, grads):
        _check_step_args(params, grads)
        for k, g in grads.items():
            g = np.asarray(g, dtype=np.float64)
            dW = self._zeros(k, params[k])
            dW *= self.beta
            dW -= self.lr * g
            params[k] += self.beta * dW - self.lr * g


class AdaGrad(Optimizer):
    """AdaGrad with torch.optim.Adagrad's formula (lr_decay = 0, initial accumulator 0).

    .. math::  G ← G + ∇⊙∇,\\qquad W ← W − η\\,∇ / (\\sqrt{G} + ε)

    (ε outside the square root.) Each weight gets its own effective rate η/√G, which only
    decreases.

    Parameters
    ----------
    lr : float
        η > 0.
    eps : float
        ε ≥ 0 added to √G.
    """

    def __init__(self, lr=0.01, eps=1e-10):
        super().__init__(lr)
        self.eps = check_positive(eps, "eps", allow_zero=True)

    def step(self, params, grads):
        _check_step_args(params, grads)
        for k, g in grads.items():
            g = np.asarray(g, dtype=np.float64)
            G = self._zeros(k, params[k])
            G += g * g
            params[k] -= self.lr * g / (np.sqrt(G) + self.eps)


class RMSprop(Optimizer):
    """RMSprop with torch.optim.RMSprop's formula (no momentum, not centered).

    .. math::  v ← ρv + (1 − ρ)∇⊙∇,\\qquad W ← W − η\\,∇ / (\\sqrt{v} + ε)

    ρ is torch's ``alpha``. ε is added outside the square root.

    Parameters
    ----------
    lr : float
        η > 0.
    rho : float
        Decay ρ in [0, 1).
    eps : float
        ε ≥ 0.
    """

    def __init__(self, lr=0.01, rho=0.99, eps=1e-8):
        super().__init__(lr)
        self.rho = check_in_range(rho, "rho", 0.0, 1.0)
        self.eps = check_positive(eps, "eps", allow_zero=True)

    def step(self, params, grads):
        _check_step_args(params, grads)
        for k, g in grads.items():
            g = np.asarray(g, dtype=np.float64)
            v = self._zeros(k, params[k])
            v *= self.rho
            v += (1.0 - self.rho) * g * g
            params[k] -= self.lr * g / (np.sqrt(v) + self.eps)


class Adam(Optimizer):
    """Adam with torch.optim.Adam's formula (bias-corrected, ε outside the square root).

    At step t = 1, 2, ...:

    .. math::
        m ← β₁m + (1 − β₁)∇,\\quad v ← β₂v + (1 − β₂)∇⊙∇,\\quad
        \\hat m = m/(1 − β₁^t),\\quad \\hat v = v/(1 − β₂^t),\\quad
        W ← W − η\\,\\hat m/(\\sqrt{\\hat v} + ε)

    Parameters
    ----------
    lr : float
        η > 0.
    beta1, beta2 : float
        Decay rates in [0, 1).
    eps : float
        ε ≥ 0.
    """

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(lr)
        self.beta1 = check_in_range(beta1, "beta1", 0.0, 1.0)
        self.beta2 = check_in_range(beta2, "beta2", 0.0, 1.0)
        self.eps = check_positive(eps, "eps", allow_zero=True)

    def step(self, params, grads):
        _check_step_args(params, grads)
        for k, g in grads.items():
            g = np.asarray(g, dtype=np.float64)
            st = self.state.get(k)
            if st is None:
                z = np.zeros_like(params[k], dtype=np.float64)
                st = self.state[k] = {"t": 0, "m": z, "v": z.copy()}
            st["t"] += 1
            t, m, v = st["t"], st["m"], st["v"]
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            bc1 = 1.0 - self.beta1 ** t
            bc2 = 1.0 - self.beta2 ** t
            denom = np.sqrt(v) / math.sqrt(bc2) + self.eps
            params[k] -= (self.lr / bc1) * m / denom


class Rprop(Optimizer):
    """Resilient propagation, the lecture's version (per weight, signs only).

    The lecture's loop for one weight w with step Δw (α = 1.2, β = 0.5)::

        prevD = dE/dw;  Δw = sign(prevD)·Δ₀;
        while not converged:
            w = w − Δw
            D = dE/dw
            if sign(prevD) == sign(D):          # same direction: accelerate
                Δw = min(αΔw, Δmax);  prevD = D
            else:                               # overshot a minimum
                w = w + Δw                      #   return to the previous location
                Δw = max(βΔw, Δmin)             #   shrink the step (prevD is kept)

    (min/max act on the magnitude |Δw|; the sign of Δw is always sign(prevD).) ``step(params,
    grads)`` receives D at the current point, so one call finishes one pass of the loop and
    starts the next with ``w = w − Δw``. The first call sets prevD and takes the first step.

    Two edge cases the lecture leaves open, handled here:

    * a weight whose gradient is exactly 0 has no direction: it does not move, and the next
      non-zero gradient becomes its prevD;
    * with the floor, the loop can freeze a weight: if the step is already at Δmin, "return and
      step forward by Δmin" cancels out and prevD is never updated. Then (only then) the
      direction is reversed instead: prevD ← D and the weight steps by Δmin the new way, so
      it ends up oscillating within Δmin of the minimum along that weight.

    The learning rate ``lr`` is the initial step Δ₀ (what torch.optim.Rprop calls lr too);
    changing it later has no effect on steps already adapted.

    Parameters
    ----------
    lr : float
        Initial step size Δ₀ > 0.
    alpha : float
        Growth factor α > 1 (1.2).
    beta : float
        Shrink factor β in (0, 1) (0.5).
    step_min, step_max : float
        Floor Δmin ≥ 0 and ceiling Δmax > Δmin on |Δw|.
    """

    def __init__(self, lr=0.1, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
        super().__init__(lr)
        self.alpha = check_positive(alpha, "alpha")
        if self.alpha <= 1.0:
            raise ValueError(f"alpha: expected a growth factor > 1, got {alpha!r}")
        self.beta = check_in_range(beta, "beta", 0.0, 1.0, low_inclusive=False)
        self.step_min = check_positive(step_min, "step_min", allow_zero=True)
        self.step_max = check_positive(step_max, "step_max")
        if self.step_max <= self.step_min:
            raise ValueError(f"step_max: expected a ceiling > step_min = {self.step_min!r}, got {step_max!r}")

    def step(self, params, grads):
        _check_step_args(params, grads)
        for k, g in grads.items():
            D = np.asarray(g, dtype=np.float64)
            w = params[k]
            st = self.state.get(k)
            if st is None:
                # initialise: prevD = D, Δw = sign(prevD)·Δ₀, then the loop's w = w − Δw
                size = np.full(w.shape, min(max(self.lr, self.step_min), self.step_max))
                st = self.state[k] = {"prevD": D.copy(), "size": size}
                w -= np.sign(D) * size
                continue
            prevD, size = st["prevD"], st["size"]
            s_prev, s_now = np.sign(prevD), np.sign(D)
            undirected = s_prev == 0                      # no direction yet: adopt D's sign
            same = (s_prev == s_now) & ~undirected
            flip = ~same & ~undirected
            frozen = flip & (size <= self.step_min)       # at the floor: reverse (see docstring)
            back = flip & ~frozen
            # same sign: Δw = min(αΔw, Δmax); prevD = D
            size[same] = np.minimum(self.alpha * size[same], self.step_max)
            # sign change: w = w + Δw (return); Δw = max(βΔw, Δmin)
            w[back] += s_prev[back] * size[back]
            size[back] = np.maximum(self.beta * size[back], self.step_min)
            upd = same | frozen | undirected
            prevD[upd] = D[upd]
            # the next pass of the loop: w = w − Δw with Δw = sign(prevD)·|Δw|
            w -= np.sign(prevD) * size


class Quickprop(Optimizer):
    """Quickprop: a per-weight Newton step with a finite-difference second derivative.

    For each weight, with E' = ∂E/∂w and s^{(k-1)} = w^{(k)} − w^{(k-1)} the previous step,

    .. math::  E'' ≈ \\frac{E'(w^{(k)}) − E'(w^{(k-1)})}{s^{(k-1)}},\\qquad
               s^{(k)} = −E'(w^{(k)}) / E''  =  \\frac{E'(w^{(k)})}{E'(w^{(k-1)}) − E'(w^{(k)})}\\, s^{(k-1)},
               \\qquad w^{(k+1)} = w^{(k)} + s^{(k)}

    (The lecture slide writes Δw^{(k)} = Δw^{(k-1)} E'^{(k)}/(E'^{(k)} − E'^{(k-1)}) with
    w^{(k+1)} = w^{(k)} − Δw^{(k)}; with that sign convention the denominator must be
    E'^{(k-1)} − E'^{(k)}, otherwise a quadratic is not solved — the formula above is the
    secant/Newton step, checked on E = ½aw².)

    Safeguards (Fahlman 1988): the first step, and any weight whose previous step is 0 or whose
    curvature estimate E'' is not positive (zero or wrong-signed denominator: the secant points
    uphill or nowhere), take a plain gradient step s = −η E'. A secant step is limited to
    ``max_growth`` (μ) times the previous step: |s^{(k)}| ≤ μ |s^{(k-1)}|.

    Parameters
    ----------
    lr : float
        η > 0 for the gradient steps.
    max_growth : float
        μ > 0 (1.75 in Fahlman's paper).
    """

    def __init__(self, lr=0.01, max_growth=1.75):
        super().__init__(lr)
        self.max_growth = check_positive(max_growth, "max_growth")

    def step(self, params, grads):
        _check_step_args(params, grads)
        for k, g in grads.items():
            g = np.asarray(g, dtype=np.float64)
            st = self.state.get(k)
            if st is None:
                s = -self.lr * g
                self.state[k] = {"prev_g": g.copy(), "prev_s": s.copy()}
                params[k] += s
                continue
            prev_g, prev_s = st["prev_g"], st["prev_s"]
            dg = g - prev_g
            with np.errstate(divide="ignore", invalid="ignore"):
                curv = dg / prev_s                        # E'' estimate
                secant = -g / curv
            ok = (prev_s != 0) & np.isfinite(curv) & (curv > 0)
            cap = self.max_growth * np.abs(prev_s)
            s = np.where(ok, np.clip(np.where(ok, secant, 0.0), -cap, cap), -self.lr * g)
            params[k] += s
            st["prev_g"] = g.copy()
            st["prev_s"] = s


class Newton(Optimizer):
    """Newton's method (the lecture's "normalized update rule"): ``W ← W − η H⁻¹ ∇``.

    η = 1 is Newton's method proper: on a quadratic ½WᵀAW + bᵀW + c (H = A) one step lands on
    the minimum −A⁻¹b. ``step(params, grads, hessians)`` needs, for every key, the Hessian of
    the loss with respect to that array flattened: shape (n, n) for an array of n entries
    (the landscapes' ``hessian(w)``; :func:`coursekit.landscapes.run` passes it). A singular
    Hessian gets the minimum-norm least-squares step H⁺∇. H is not checked for positive
    definiteness: on a non-convex surface Newton can walk away from the minima, towards a
    saddle or a maximum (the lecture shows it).

    Parameters
    ----------
    lr : float
        η > 0 (1.0 for pure Newton).
    """

    needs_hessian = True

    def __init__(self, lr=1.0):
        super().__init__(lr)

    def step(self, params, grads, hessians=None):
        _check_step_args(params, grads)
        check_instance(hessians, "hessians", dict,
                       "a dict name -> Hessian (n, n) of each flattened parameter array (Newton.step needs it)")
        for k, g in grads.items():
            g = np.asarray(g, dtype=np.float64).ravel()
            if k not in hessians:
                raise ValueError(f"hessians: missing the Hessian for key {k!r}")
            H = np.asarray(hessians[k], dtype=np.float64)
            if H.shape != (g.size, g.size):
                raise ValueError(f"hessians[{k!r}]: expected shape {(g.size, g.size)}, got {H.shape}")
            try:
                step = np.linalg.solve(H, g)
            except np.linalg.LinAlgError:            # singular H: the minimum-norm (pseudo-inverse) step
                step = np.linalg.lstsq(H, g, rcond=None)[0]
            params[k] -= self.lr * step.reshape(params[k].shape)


#: Method name (as shown in the panel) -> optimizer class.
OPTIMIZERS = {
    "GD": GD, "momentum": Momentum, "Nesterov": Nesterov, "AdaGrad": AdaGrad,
    "RMSprop": RMSprop, "Adam": Adam, "Rprop": Rprop, "Quickprop": Quickprop, "Newton": Newton,
}


# --------------------------------------------------------------------------- minibatches
def minibatches(n, batch_size, rng):
    """Yield index arrays covering ``range(n)`` once, in a fresh random order (one epoch).

    Call it once per epoch: each call reshuffles. The last batch is smaller when
    ``batch_size`` does not divide ``n``.

    Parameters
    ----------
    n : int
        Number of examples (≥ 1).
    batch_size : int
        Examples per batch (≥ 1); ``batch_size >= n`` is full-batch gradient descent.
    rng : numpy.random.Generator
        Source of the permutation (pass a seeded one for reproducible runs).
    """
    n = check_int(n, "n", low=1)
    batch_size = check_int(batch_size, "batch_size", low=1)
    check_instance(rng, "rng", np.random.Generator, "a numpy.random.Generator")
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]
