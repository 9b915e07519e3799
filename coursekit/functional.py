"""Reference kernels: forward/backward pairs and losses (see ARCHITECTURE.md, Public interfaces).

Every function here is pure: it never modifies its inputs and returns new float64
arrays. Arrays are batch-first: one example per row.

Notation follows the lectures. A linear layer computes ``z = W y + b`` for one
example; for a batch ``x`` of shape ``(N, D)`` that is ``out = x @ W.T + b`` with
``W (M, D)`` and ``b (M,)``. A ``*_backward(dout, ...)`` function receives the
upstream gradient ``dout = ∂L/∂out`` (the seeds' δ) and returns the gradient with
respect to its inputs.

The lecture ``lectures/03_backpropagation.ipynb`` derives each backward formula.

This is the one place each formula is written: layers, losses, the training loop, the
widgets, the lectures and the grader call these functions, and there is no faster second
copy. That is why the module is a little over 500 lines and stays one module: a new
activation adds its forward/backward pair here and nowhere else.
"""

from __future__ import annotations

import numpy as np
from scipy.special import erfc

from coursekit._validate import (as_float_array, check_in_range, check_instance, check_labels, check_positive,
                                 check_same_shape)

#: Underflow to 0 (e.g. e^(−1000)) is the correctly rounded result: never an error, even
#: inside a caller's ``np.errstate(all="raise")``.
_quiet_underflow = np.errstate(under="ignore")

__all__ = [
    "linear_forward",
    "linear_backward",
    "sigmoid_forward",
    "sigmoid_backward",
    "tanh_forward",
    "tanh_backward",
    "relu_forward",
    "relu_backward",
    "softplus_forward",
    "softplus_backward",
    "gelu_forward",
    "gelu_backward",
    "softmax_forward",
    "softmax_backward",
    "log_softmax",
    "mse_loss",
    "bce_loss",
    "bce_with_logits",
    "softmax_cross_entropy",
    "cross_entropy",
    "hinge_loss",
    "svm_objective",
    "l2_penalty",
    "dropout_mask",
    "dropout_forward",
    "dropout_backward",
    "mlp_forward",
    "mlp_loss_and_grads",
]


# --------------------------------------------------------------------------- linear
@_quiet_underflow
def linear_forward(x, W, b):
    """Affine map ``out = x @ W.T + b`` (the seeds' z = W y + b, one example per row).

    Parameters
    ----------
    x : ndarray (N, D)
    W : ndarray (M, D)
    b : ndarray (M,)

    Returns
    -------
    out : ndarray (N, M)
    """
    x = as_float_array(x, "x", ndim=2)
    W = as_float_array(W, "W", ndim=2)
    b = as_float_array(b, "b", ndim=1)
    if W.shape[1] != x.shape[1]:
        raise ValueError(f"W: expected shape (M, {x.shape[1]}) to match x's D={x.shape[1]}, got {W.shape}")
    if b.shape[0] != W.shape[0]:
        raise ValueError(f"b: expected shape ({W.shape[0]},) to match W's M={W.shape[0]}, got {b.shape}")
    return x @ W.T + b


@_quiet_underflow
def linear_backward(dout, x, W, *, need_dx=True):
    """Backward pass of :func:`linear_forward`.

    With δ = ``dout`` (N, M):  ``dx = δ W``,  ``dW = δᵀ x`` (a sum of outer products
    δᵢ xᵢᵀ over the batch),  ``db = Σᵢ δᵢ``.

    Parameters
    ----------
    dout : ndarray (N, M)  upstream gradient ∂L/∂out
    x : ndarray (N, D)     the forward input
    W : ndarray (M, D)     the forward weights
    need_dx : bool, default True
        False skips the product δ W and returns ``dx = None``: the first layer of a
        network needs no gradient with respect to its data (one matrix product less).

    Returns
    -------
    dx : ndarray (N, D)
    dW : ndarray (M, D)
    db : ndarray (M,)
    """
    dout = as_float_array(dout, "dout", ndim=2)
    x = as_float_array(x, "x", ndim=2)
    W = as_float_array(W, "W", ndim=2)
    if dout.shape != (x.shape[0], W.shape[0]):
        raise ValueError(
            f"dout: expected shape {(x.shape[0], W.shape[0])} (N from x, M from W), got {dout.shape}"
        )
    if W.shape[1] != x.shape[1]:
        raise ValueError(f"W: expected shape (M, {x.shape[1]}) to match x's D={x.shape[1]}, got {W.shape}")
    dx = dout @ W if need_dx else None
    dW = dout.T @ x
    db = dout.sum(axis=0)
    return dx, dW, db


# --------------------------------------------------------------------- activations
@_quiet_underflow
def sigmoid_forward(z):
    """Logistic sigmoid σ(z) = 1 / (1 + e^(−z)), elementwise, without overflow.

    For z ≥ 0 it evaluates 1/(1+e^(−z)); for z < 0 the equal form e^z/(1+e^z), so
    no exponent is ever positive. Shape of ``z`` in, same shape out.
    """
    z = as_float_array(z, "z")
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


@_quiet_underflow
def sigmoid_backward(dout, z):
    """``dz = dout · σ(z)(1 − σ(z))``; ``z`` is the pre-activation (any shape)."""
    dout, z = _activation_args(dout, z)
    s = sigmoid_forward(z)
    return dout * s * (1.0 - s)


@_quiet_underflow
def tanh_forward(z):
    """Hyperbolic tangent, elementwise (any shape)."""
    return np.tanh(as_float_array(z, "z"))


@_quiet_underflow
def tanh_backward(dout, z):
    """``dz = dout · (1 − tanh²(z))``; ``z`` is the pre-activation (any shape)."""
    dout, z = _activation_args(dout, z)
    t = np.tanh(z)
    return dout * (1.0 - t * t)


@_quiet_underflow
def relu_forward(z):
    """ReLU max(0, z), elementwise (any shape)."""
    z = as_float_array(z, "z")
    return np.maximum(z, 0.0)


@_quiet_underflow
def relu_backward(dout, z):
    """``dz = dout · 1[z > 0]``; the derivative at exactly z = 0 is taken as 0."""
    dout, z = _activation_args(dout, z)
    return dout * (z > 0)


@_quiet_underflow
def softplus_forward(z):
    """Softplus log(1 + e^z), elementwise, stable for any |z|.

    Uses log(1 + e^z) = max(z, 0) + log1p(e^(−|z|)).
    """
    z = as_float_array(z, "z")
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


@_quiet_underflow
def softplus_backward(dout, z):
    """``dz = dout · σ(z)``: the derivative of softplus is the sigmoid."""
    dout, z = _activation_args(dout, z)
    return dout * sigmoid_forward(z)


@_quiet_underflow
def gelu_forward(z):
    """GELU (exact, not the tanh approximation): ``g(z) = z Φ(z)``, elementwise (any shape).

    Φ is the standard normal CDF, evaluated as Φ(z) = ½ erfc(−z/√2): in the left tail
    erfc keeps full relative precision where ½(1 + erf(z/√2)) would cancel to 0
    (e.g. Φ(−10) ≈ 7.6e-24). g(z) → z for z → +∞ and → 0⁻ for z → −∞.
    """
    z = as_float_array(z, "z")
    return z * (0.5 * erfc(-z / np.sqrt(2.0)))


@_quiet_underflow
def gelu_backward(dout, z):
    """``dz = dout · (Φ(z) + z φ(z))`` with φ(z) = e^(−z²/2)/√(2π); ``z`` is the pre-activation."""
    dout, z = _activation_args(dout, z)
    cdf = 0.5 * erfc(-z / np.sqrt(2.0))
    pdf = np.exp(-0.5 * z * z) / np.sqrt(2.0 * np.pi)
    return dout * (cdf + z * pdf)


@_quiet_underflow
def softmax_forward(z):
    """Row-wise softmax ``yᵢⱼ = e^(zᵢⱼ) / Σₖ e^(zᵢₖ)``, stable for huge |z|.

    The row maximum is subtracted first (softmax is shift invariant), so the
    largest exponent is e⁰ = 1.

    Parameters
    ----------
    z : ndarray (N, C)

    Returns
    -------
    y : ndarray (N, C), rows sum to 1
    """
    z = as_float_array(z, "z", ndim=2)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@_quiet_underflow
def log_softmax(z):
    """Row-wise log-softmax ``z − logsumexp(z)`` (N, C), stable for huge |z|."""
    z = as_float_array(z, "z", ndim=2)
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


@_quiet_underflow
def softmax_backward(dout, z):
    """Backward through softmax, a *vector* activation.

    Each output yⱼ depends on every input zₖ: the Jacobian of one row is
    ``J = diag(y) − y yᵀ`` (∂yⱼ/∂zₖ = yⱼ(δⱼₖ − yₖ)). The vector-Jacobian product is

        dz = Jᵀ dout = y ⊙ (dout − ⟨dout, y⟩)

    computed row by row without forming J.

    Parameters
    ----------
    dout : ndarray (N, C)  upstream gradient ∂L/∂y
    z : ndarray (N, C)     pre-activation (logits)

    Returns
    -------
    dz : ndarray (N, C)
    """
    dout = as_float_array(dout, "dout", ndim=2)
    z = as_float_array(z, "z", ndim=2)
    check_same_shape(dout, "dout", z, "z")
    y = softmax_forward(z)
    return y * (dout - (dout * y).sum(axis=1, keepdims=True))


# --------------------------------------------------------------------------- losses
@_quiet_underflow
def mse_loss(pred, target):
    """Squared error, averaged over examples: ``L = (1/N) Σᵢ ‖predᵢ − targetᵢ‖²``.

    Parameters
    ----------
    pred, target : ndarray (N,) or (N, K), same shape

    Returns
    -------
    loss : float
    dpred : ndarray, shape of pred — ``2 (pred − target) / N``
    """
    pred = as_float_array(pred, "pred")
    target = as_float_array(target, "target")
    check_same_shape(pred, "pred", target, "target")
    if pred.ndim == 0:
        raise ValueError("pred: expected an array of shape (N,) or (N, K), got a scalar")
    n = pred.shape[0]
    diff = pred - target
    loss = float(np.sum(diff * diff) / n)
    return loss, 2.0 * diff / n


@_quiet_underflow
def bce_loss(p, y):
    """Mean binary cross-entropy ``L = −(1/N) Σ [y log p + (1 − y) log(1 − p)]``.

    Parameters
    ----------
    p : ndarray (N,) or (N, 1), probabilities strictly inside (0, 1)
    y : ndarray, same shape, values in {0, 1}

    Returns
    -------
    loss : float
    dp : ndarray, shape of p — ``(p − y) / (p (1 − p) N)``
    """
    p = as_float_array(p, "p")
    y = as_float_array(y, "y")
    check_same_shape(p, "p", y, "y")
    if p.ndim == 0:
        raise ValueError("p: expected an array of shape (N,) or (N, 1), got a scalar")
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError(
            "p: expected probabilities strictly inside (0, 1), got values in "
            f"[{p.min():.3g}, {p.max():.3g}]; for logits use a sigmoid output or BCE-with-logits"
        )
    if np.any((y != 0) & (y != 1)):
        raise ValueError(f"y: expected labels in {{0, 1}}, got values {np.unique(y)[:5]}")
    n = p.shape[0]
    loss = float(-np.sum(y * np.log(p) + (1 - y) * np.log1p(-p)) / n)
    dp = (p - y) / (p * (1 - p) * n)
    return loss, dp


@_quiet_underflow
def bce_with_logits(logits, y):
    """Binary cross-entropy on logits, stable for any |z|.

    With p = σ(z): ``L = −(1/N) Σ [y log p + (1 − y) log(1 − p)] = (1/N) Σ [softplus(z) − y z]``
    (because log σ(z) = −softplus(−z) and softplus(z) − softplus(−z) = z); the
    softplus is evaluated stably, so |z| ≥ 1000 gives no overflow.
    Gradient: ``dz = (σ(z) − y) / N``.

    Parameters
    ----------
    logits : ndarray (N,) or (N, 1)
    y : ndarray, same shape, values in {0, 1}

    Returns
    -------
    loss : float
    dlogits : ndarray, shape of logits
    """
    z = as_float_array(logits, "logits")
    y = as_float_array(y, "y")
    check_same_shape(z, "logits", y, "y")
    if z.ndim == 0:
        raise ValueError("logits: expected an array of shape (N,) or (N, 1), got a scalar")
    if np.any((y != 0) & (y != 1)):
        raise ValueError(f"y: expected labels in {{0, 1}}, got values {np.unique(y)[:5]}")
    n = z.shape[0]
    loss = float(np.sum(softplus_forward(z) - y * z) / n)
    return loss, (sigmoid_forward(z) - y) / n


@_quiet_underflow
def softmax_cross_entropy(logits, y):
    """Softmax followed by cross-entropy, fused and stable.

    ``L = −(1/N) Σᵢ log softmax(logitsᵢ)[yᵢ]`` computed through log-sum-exp, so it is
    finite for |logits| ≥ 1000. Its gradient is the famous ``(softmax − onehot)/N``:
    the loss layer only changes δ at the output (seed 004).

    Parameters
    ----------
    logits : ndarray (N, C)
    y : ndarray (N,) of integer labels in [0, C)

    Returns
    -------
    loss : float
    dlogits : ndarray (N, C)
    """
    logits = as_float_array(logits, "logits", ndim=2)
    n, c = logits.shape
    y = check_labels(y, "y", n_classes=c, n=n)
    logp = log_softmax(logits)
    loss = float(-logp[np.arange(n), y].sum() / n)
    dlogits = np.exp(logp)
    dlogits[np.arange(n), y] -= 1.0
    return loss, dlogits / n


@_quiet_underflow
def cross_entropy(probs, y):
    """Cross-entropy of given probabilities (no softmax inside).

    ``L = −(1/N) Σᵢ log probsᵢ[yᵢ]``; use after an explicit softmax layer to see the
    un-fused gradient ``−1/(N pᵢ)`` at the true class.

    Parameters
    ----------
    probs : ndarray (N, C), rows of probabilities in (0, 1]
    y : ndarray (N,) of integer labels

    Returns
    -------
    loss : float
    dprobs : ndarray (N, C)
    """
    probs = as_float_array(probs, "probs", ndim=2)
    n, c = probs.shape
    y = check_labels(y, "y", n_classes=c, n=n)
    p_true = probs[np.arange(n), y]
    if np.any(p_true <= 0):
        raise ValueError("probs: the probability of a true class is 0, so its log is −∞")
    loss = float(-np.log(p_true).sum() / n)
    dprobs = np.zeros_like(probs)
    dprobs[np.arange(n), y] = -1.0 / (n * p_true)
    return loss, dprobs


@_quiet_underflow
def hinge_loss(scores, y):
    """Mean hinge loss ``L = (1/N) Σᵢ max(0, 1 − yᵢ sᵢ)`` for labels yᵢ ∈ {−1, +1}.

    Subgradient: ``−yᵢ/N`` where the margin yᵢ sᵢ < 1, else 0 — including exactly at
    the kink yᵢ sᵢ = 1, where 0 is a valid subgradient.

    Parameters
    ----------
    scores : ndarray (N,)
    y : ndarray (N,), values in {−1, +1}

    Returns
    -------
    loss : float
    dscores : ndarray (N,)
    """
    scores = as_float_array(scores, "scores", ndim=1)
    y = as_float_array(y, "y", ndim=1)
    check_same_shape(scores, "scores", y, "y")
    if np.any((y != 1) & (y != -1)):
        raise ValueError(f"y: expected labels in {{-1, +1}}, got values {np.unique(y)[:5]}")
    n = scores.shape[0]
    margins = 1.0 - y * scores
    loss = float(np.maximum(margins, 0.0).sum() / n)
    dscores = np.where(margins > 0, -y / n, 0.0)
    return loss, dscores


def svm_objective(w, b, X, y, C):
    """Primal soft-margin SVM objective and a subgradient (scikit-learn's C), on the hinge loss.

    ``J(w, b) = ½‖w‖² + C Σᵢ max(0, 1 − yᵢ(w·xᵢ + b))``;
    ``∂J/∂w = w − C Σ_{yᵢfᵢ<1} yᵢ xᵢ``, ``∂J/∂b = −C Σ_{yᵢfᵢ<1} yᵢ`` (0 at the kink yᵢfᵢ = 1),
    i.e. :func:`hinge_loss` of the scores ``f = X w + b`` with δ = N·C·dscores.

    Parameters
    ----------
    w : ndarray (D,)
    b : float
    X : ndarray (N, D)
    y : ndarray (N,), values in {−1, +1}
    C : float, > 0

    Returns
    -------
    J : float
    dw : ndarray (D,)
    db : float
    """
    w = as_float_array(w, "w", ndim=1)
    X = as_float_array(X, "X", ndim=2)
    n = X.shape[0]
    mean_hinge, dscores = hinge_loss(X @ w + b, y)
    delta = (C * n) * dscores
    return 0.5 * float(w @ w) + C * n * mean_hinge, w + X.T @ delta, float(delta.sum())


# ------------------------------------------------------------ regularisation
def l2_penalty(W, lam):
    """Weight decay: the penalty ``λ R(W) = (λ/2) ‖W‖²`` and its gradient ``λ W``.

    Added to a loss, it shrinks the hypothesis class (lecture 06): the gradient step
    ``W ← W − η(∇L + λW) = (1 − ηλ) W − η∇L`` decays every weight towards 0.

    Parameters
    ----------
    W : ndarray, any shape
    lam : float, ≥ 0 — the regularisation strength λ

    Returns
    -------
    penalty : float, (λ/2) Σ W²
    dW : ndarray, shape of W, λ W
    """
    W = as_float_array(W, "W")
    lam = check_positive(lam, "lam", allow_zero=True)
    return 0.5 * lam * float(np.sum(W * W)), lam * W


def dropout_mask(shape, p, rng):
    """The scaled keep-mask of inverted dropout: ``m = keep / (1 − p)``, ``keep ~ Bernoulli(1 − p)``.

    Each unit is muted with probability ``p``; survivors are scaled by ``1/(1 − p)`` so that
    ``E[m] = 1`` and the expected activation is unchanged (at test time dropout is the identity).

    Parameters
    ----------
    shape : tuple of int
    p : float in [0, 1) — the probability of muting a unit
    rng : numpy.random.Generator

    Returns
    -------
    m : ndarray of ``shape``, values 0 or 1/(1 − p)
    """
    p = check_in_range(p, "p", 0.0, 1.0)
    check_instance(rng, "rng", np.random.Generator, "a numpy.random.Generator (np.random.default_rng(seed))")
    keep = rng.random(shape) >= p
    return keep / (1.0 - p)


def dropout_forward(x, m):
    """Inverted dropout: ``y = x ⊙ m`` with the scaled mask ``m`` of :func:`dropout_mask`.

    x (N, H), m (N, H) -> y (N, H)
    """
    x = as_float_array(x, "x")
    m = as_float_array(m, "m")
    check_same_shape(m, "m", x, "x")
    return x * m


def dropout_backward(dout, m):
    """Backward pass of :func:`dropout_forward`: ``dx = dout ⊙ m`` (muted units pass no gradient).

    dout (N, H), m (N, H) -> dx (N, H)
    """
    dout = as_float_array(dout, "dout")
    m = as_float_array(m, "m")
    check_same_shape(m, "m", dout, "dout")
    return dout * m


# ---------------------------------------------------------------- two-layer network
_MLP_KEYS = ("W1", "b1", "W2", "b2")


def _check_mlp_params(params, x):
    check_instance(params, "params", dict, f"a dict with keys {_MLP_KEYS}")
    missing = [k for k in _MLP_KEYS if k not in params]
    if missing:
        raise ValueError(f"params: expected keys {_MLP_KEYS}, missing {missing}")
    W1 = as_float_array(params["W1"], "params['W1']", ndim=2)
    b1 = as_float_array(params["b1"], "params['b1']", ndim=1)
    W2 = as_float_array(params["W2"], "params['W2']", ndim=2)
    b2 = as_float_array(params["b2"], "params['b2']", ndim=1)
    H, D = W1.shape
    C = W2.shape[0]
    if x.shape[1] != D:
        raise ValueError(f"x: expected shape (N, {D}) to match params['W1'] (H, D)={W1.shape}, got {x.shape}")
    if b1.shape != (H,):
        raise ValueError(f"params['b1']: expected shape ({H},), got {b1.shape}")
    if W2.shape != (C, H):
        raise ValueError(f"params['W2']: expected shape (C, {H}), got {W2.shape}")
    if b2.shape != (C,):
        raise ValueError(f"params['b2']: expected shape ({C},), got {b2.shape}")
    return W1, b1, W2, b2


@_quiet_underflow
def mlp_forward(params, x):
    """Logits of the two-layer network ``x → Linear(W1, b1) → ReLU → Linear(W2, b2)``.

    Returns ``(logits (N, C), cache)`` where cache holds z1, h1 for the backward pass.
    """
    x = as_float_array(x, "x", ndim=2)
    W1, b1, W2, b2 = _check_mlp_params(params, x)
    z1 = linear_forward(x, W1, b1)
    h1 = relu_forward(z1)
    logits = linear_forward(h1, W2, b2)
    return logits, (z1, h1)


@_quiet_underflow
def mlp_loss_and_grads(params, x, y):
    """Loss and gradients of a two-layer ReLU network with softmax cross-entropy.

    Forward: z1 = x W1ᵀ + b1, h1 = relu(z1), s = h1 W2ᵀ + b2, L = CE(softmax(s), y).
    Backward: δ₂ = (softmax(s) − onehot(y))/N, dW2 = δ₂ᵀ h1, db2 = Σ δ₂,
    δ₁ = (δ₂ W2) ⊙ 1[z1 > 0], dW1 = δ₁ᵀ x, db1 = Σ δ₁.

    Parameters
    ----------
    params : dict with "W1" (H, D), "b1" (H,), "W2" (C, H), "b2" (C,)
    x : ndarray (N, D)
    y : ndarray (N,) integer labels in [0, C)

    Returns
    -------
    loss : float
    grads : dict with the same keys and shapes as params
    """
    x = as_float_array(x, "x", ndim=2)
    W1, b1, W2, b2 = _check_mlp_params(params, x)
    logits, (z1, h1) = mlp_forward(params, x)
    loss, dlogits = softmax_cross_entropy(logits, y)
    dh1, dW2, db2 = linear_backward(dlogits, h1, W2)
    dz1 = relu_backward(dh1, z1)
    _, dW1, db1 = linear_backward(dz1, x, W1)
    return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}


# ------------------------------------------------------------------------- helpers
def _activation_args(dout, z):
    dout = as_float_array(dout, "dout")
    z = as_float_array(z, "z")
    check_same_shape(dout, "dout", z, "z")
    return dout, z
