"""Layer objects and the :class:`Sequential` network, built on :mod:`coursekit.functional`.

A layer is a small object with

* ``forward(x)`` — computes the output and caches what ``backward`` needs;
* ``backward(dout) -> dx`` — receives δ = ∂L/∂out, stores the parameter gradients in
  ``grads`` and returns ∂L/∂x;
* ``params`` — dict name → array (the live arrays an optimizer updates in place);
* ``grads`` — dict with the same keys, filled by ``backward``.

Each derivative has one implementation, in :mod:`coursekit.functional`. Two layers sit
on the hot path of training and call the same numpy formulas directly instead of the
validated kernels: :class:`Linear` (``functional.linear_backward`` always computes dx,
which the first layer does not need — a third large matrix product — and its argument
checks scan x and W for NaN on every call) and :class:`ReLU` (``np.where`` is ~5×
slower than a multiply by the mask). Measured on a 784-512-10 SGD step (batch 256,
one BLAS thread): a step built from the functional kernels took 1.8× as long as the
layers below. ``tests/core`` asserts that both layers agree with the functional kernels.
:meth:`Sequential.sgd_step` (used by ``fit`` with plain GD) goes one step further and fuses
each weight update into the matrix product of its gradient (see :mod:`coursekit._blas`).

Example
-------
>>> from coursekit.layers import Sequential, Linear, ReLU
>>> model = Sequential(Linear(64, 32, init="he", rng=0), ReLU(), Linear(32, 10, rng=1))
>>> model.n_params
2410
"""

from __future__ import annotations

import numbers

import numpy as np

from coursekit import functional as F
from coursekit._blas import gemm_update
from coursekit._validate import as_float_array, check_positive
from coursekit.init import as_generator, get_initializer
from coursekit.optim import sgd_update

__all__ = [
    "Layer",
    "Linear",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "Softplus",
    "Softmax",
    "Step",
    "Sign",
    "Sequential",
    "NotDifferentiableError",
]


class NotDifferentiableError(RuntimeError):
    """Raised by ``backward`` of a layer whose derivative is useless for gradient descent."""


class Layer:
    """Base class: a parameter-free layer unless ``params`` is filled by a subclass.

    Subclasses implement ``forward(x)`` and ``backward(dout)``.
    """

    def __init__(self):
        self.params = {}
        self.grads = {}

    def forward(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, dout):  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, x):
        return self.forward(x)

    @property
    def n_params(self):
        """Number of scalar parameters."""
        return int(sum(p.size for p in self.params.values()))

    def __repr__(self):
        return f"{type(self).__name__}()"

    def _need_cache(self, attr):
        val = getattr(self, attr, None)
        if val is None:
            raise RuntimeError(f"{type(self).__name__}.backward: call forward(x) before backward(dout)")
        return val


def _check_dout(dout, shape, layer):
    """Cheap check of the upstream gradient: float64 ndarray of the forward output's shape."""
    if not (type(dout) is np.ndarray and dout.dtype == np.float64):
        dout = as_float_array(dout, "dout")
    if dout.shape != shape:
        raise ValueError(f"dout: expected shape {shape} (the output of {layer}.forward), got {dout.shape}")
    return dout


# --------------------------------------------------------------------------- Linear
class Linear(Layer):
    """Fully connected layer ``out = x @ W.T + b`` (seed notation z = W y + b).

    Parameters
    ----------
    in_features : int
        D, the size of each input row.
    out_features : int
        M, the number of units.
    init : {"uniform", "xavier", "he", ...} or callable, default "uniform"
        Weight initializer (see :mod:`coursekit.init`); "uniform" is the seeds' rule of
        thumb U[−√(3/D), √(3/D)]. Biases start at 0.
    rng : None, int or numpy.random.Generator
        Randomness for the initializer (an int seed makes it reproducible).

    Attributes
    ----------
    params : {"W": (M, D), "b": (M,)}
    grads : {"W": (M, D), "b": (M,)}, overwritten in place by every ``backward``.

    Forward / backward
    ------------------
    forward: x (N, D) → out (N, M).
    backward: δ = dout (N, M) → dx = δ W (N, D);  dW = δᵀ x (M, D);  db = Σᵢ δᵢ (M,).
    """

    def __init__(self, in_features, out_features, init="uniform", rng=None):
        super().__init__()
        D = _check_count(in_features, "in_features")
        M = _check_count(out_features, "out_features")
        self.init = init
        init_fn = get_initializer(init)
        W = np.asarray(init_fn((M, D), as_generator(rng)), dtype=np.float64)
        if W.shape != (M, D):
            raise ValueError(f"init: expected the initializer to return shape {(M, D)}, got {W.shape}")
        self.params = {"W": W, "b": np.zeros(M)}
        self.grads = {"W": np.zeros((M, D)), "b": np.zeros(M)}
        self._x = None
        self._scratch = {}  # for the update in _backward_sgd

    @classmethod
    def from_weights(cls, W, b):
        """A Linear layer with given weights ``W (M, D)`` and bias ``b (M,)`` (copied)."""
        W = as_float_array(W, "W", ndim=2, copy=True)
        b = as_float_array(b, "b", ndim=1, copy=True)
        if b.shape != (W.shape[0],):
            raise ValueError(f"b: expected shape ({W.shape[0]},) to match W's M={W.shape[0]}, got {b.shape}")
        layer = cls(W.shape[1], W.shape[0], init="zeros")
        layer.params["W"][...] = W
        layer.params["b"][...] = b
        return layer

    @property
    def in_features(self):
        return self.params["W"].shape[1]

    @property
    def out_features(self):
        return self.params["W"].shape[0]

    def forward(self, x):
        """x (N, D) → out = x Wᵀ + b (N, M); caches x."""
        if not (type(x) is np.ndarray and x.dtype == np.float64 and x.ndim == 2):
            x = as_float_array(x, "x", ndim=2)
        W, b = self.params["W"], self.params["b"]
        if x.shape[1] != W.shape[1]:
            raise ValueError(f"x: expected shape (N, {W.shape[1]}) for {self!r}, got {x.shape}")
        self._x = x
        out = x @ W.T  # same formula as functional.linear_forward, without re-validating W
        out += b
        return out

    def backward(self, dout, need_dx=True):
        """δ (N, M) → dx (N, D); stores dW = δᵀ x and db = Σᵢ δᵢ in ``grads``.

        ``need_dx=False`` skips the product δ W (returns None): the first layer of a
        network needs no gradient with respect to the data. Same formulas as
        :func:`coursekit.functional.linear_backward`.
        """
        x = self._need_cache("_x")
        W = self.params["W"]
        dout = _check_dout(dout, (x.shape[0], W.shape[0]), "Linear")
        gW, gb = self.grads.get("W"), self.grads.get("b")
        if gW is None or gW.shape != W.shape:
            gW = self.grads["W"] = np.empty_like(W)
        if gb is None or gb.shape != self.params["b"].shape:
            gb = self.grads["b"] = np.empty_like(self.params["b"])
        np.matmul(dout.T, x, out=gW)
        np.sum(dout, axis=0, out=gb)
        return dout @ W if need_dx else None

    def _backward_sgd(self, dout, lr, need_dx=True):
        """:meth:`backward` and the gradient-descent step ``W ← W − η δᵀx``, ``b ← b − η Σᵢδᵢ``.

        dx = δ W uses the weights *before* the step. The weight update is one BLAS call,
        ``W ← W + (−η)·δᵀx`` (:func:`coursekit._blas.gemm_update`), so the gradient δᵀx is
        never stored: ``grads["W"]`` becomes None (``grads["b"]`` is filled as usual). Where
        that call is unavailable, ∇W goes into ``grads["W"]`` and W is updated from it.
        """
        x = self._need_cache("_x")
        W, b = self.params["W"], self.params["b"]
        dout = _check_dout(dout, (x.shape[0], W.shape[0]), "Linear")
        dx = dout @ W if need_dx else None
        gb = self.grads.get("b")
        if gb is None or gb.shape != b.shape:
            gb = self.grads["b"] = np.empty_like(b)
        np.sum(dout, axis=0, out=gb)
        if gemm_update(W, dout, x, -lr, trans_a=True):
            self.grads["W"] = None
        else:
            gW = self.grads.get("W")
            if gW is None or gW.shape != W.shape:
                gW = self.grads["W"] = np.empty_like(W)
            np.matmul(dout.T, x, out=gW)
            sgd_update(W, gW, lr, self._scratch)
        sgd_update(b, gb, lr, self._scratch)
        return dx

    def __repr__(self):
        init = self.init if isinstance(self.init, str) else getattr(self.init, "__name__", "custom")
        return f"Linear({self.in_features} → {self.out_features}, init={init!r})"


# ---------------------------------------------------------------------- activations
class _Elementwise(Layer):
    """An elementwise activation y = g(z); caches the pre-activation z.

    forward: z (any shape) → y (same shape); backward: dout (same shape) → dz = dout ⊙ g'(z).
    """

    _forward = None
    _backward = None

    def __init__(self):
        super().__init__()
        self._z = None

    def forward(self, z):
        z = as_float_array(z, "z")
        self._z = z
        return type(self)._forward(z)

    def backward(self, dout):
        z = self._need_cache("_z")
        dout = _check_dout(dout, z.shape, type(self).__name__)
        return type(self)._backward(dout, z)


class Sigmoid(_Elementwise):
    """σ(z) = 1/(1 + e^(−z)); backward dz = dout · σ(z)(1 − σ(z)). Stable for any |z|."""

    _forward = staticmethod(F.sigmoid_forward)
    _backward = staticmethod(F.sigmoid_backward)


class Tanh(_Elementwise):
    """tanh(z); backward dz = dout · (1 − tanh² z)."""

    _forward = staticmethod(F.tanh_forward)
    _backward = staticmethod(F.tanh_backward)


class Softplus(_Elementwise):
    """log(1 + e^z); backward dz = dout · σ(z). Stable for any |z|."""

    _forward = staticmethod(F.softplus_forward)
    _backward = staticmethod(F.softplus_backward)


class ReLU(Layer):
    """max(0, z); backward dz = dout · 1[z > 0] (derivative 0 at exactly z = 0).

    Same convention and values as :func:`coursekit.functional.relu_backward`, computed
    as a multiply by the cached mask (measured ~5× faster than ``np.where``).
    """

    def __init__(self):
        super().__init__()
        self._mask = None

    def forward(self, z):
        if not (type(z) is np.ndarray and z.dtype == np.float64):
            z = as_float_array(z, "z")
        self._mask = z > 0
        return np.maximum(z, 0.0)

    def backward(self, dout):
        mask = self._need_cache("_mask")
        dout = _check_dout(dout, mask.shape, "ReLU")
        return dout * mask  # equals np.where(z > 0, dout, 0.0) (−0.0 == 0.0) for finite dout

    # Private in-place variants for :class:`Sequential`, used only on a freshly computed
    # float64 array that nothing else holds (the output of a preceding Linear layer, or
    # the δ returned by a following one): same values, one 1-MB temporary fewer each.
    def _forward_owned(self, z):
        self._mask = z > 0
        return np.maximum(z, 0.0, out=z)

    def _backward_owned(self, dout):
        mask = self._need_cache("_mask")
        if dout.shape != mask.shape:
            raise ValueError(f"dout: expected shape {mask.shape} (the output of ReLU.forward), got {dout.shape}")
        return np.multiply(dout, mask, out=dout)


class Softmax(Layer):
    """Row-wise softmax, a *vector* activation: z (N, C) → y (N, C), rows sum to 1.

    backward: dout (N, C) → dz = Jᵀ dout with the full Jacobian J = diag(y) − y yᵀ per
    row, i.e. dz = y ⊙ (dout − ⟨dout, y⟩) (:func:`coursekit.functional.softmax_backward`).
    Follow it with :class:`coursekit.losses.CrossEntropyLoss`; the fused
    :class:`coursekit.losses.SoftmaxCrossEntropyLoss` on logits is the stable shortcut.
    """

    def __init__(self):
        super().__init__()
        self._z = None

    def forward(self, z):
        z = as_float_array(z, "z", ndim=2)
        self._z = z
        return F.softmax_forward(z)

    def backward(self, dout):
        z = self._need_cache("_z")
        return F.softmax_backward(_check_dout(dout, z.shape, "Softmax"), z)


class _Threshold(Layer):
    """A forward-only threshold unit for the perceptron examples."""

    def forward(self, z):
        z = as_float_array(z, "z")
        return self._threshold(z)

    def backward(self, dout):
        name = type(self).__name__
        raise NotDifferentiableError(
            f"{name}.backward: the derivative of a {name.lower()} function is 0 almost everywhere "
            "and undefined at 0, so backpropagation gets no signal and gradient descent cannot "
            "train it. Train a threshold unit with the perceptron rule, or use a smooth "
            "activation (Sigmoid, Tanh) for gradient descent."
        )


class Step(_Threshold):
    """Heaviside step: 1 if z ≥ 0 else 0 (forward only; backward raises)."""

    @staticmethod
    def _threshold(z):
        return (z >= 0).astype(np.float64)


class Sign(_Threshold):
    """Sign unit: +1 if z ≥ 0 else −1 (never 0, so it is a class label; forward only)."""

    @staticmethod
    def _threshold(z):
        return np.where(z >= 0, 1.0, -1.0)


# ------------------------------------------------------------------------ Sequential
class Sequential:
    """A feed-forward network: layers applied one after another.

    Parameters
    ----------
    *layers : Layer
        E.g. ``Sequential(Linear(2, 3), Sigmoid(), Linear(3, 1), Sigmoid())``.

    Notes
    -----
    ``parameters()`` and ``gradients()`` return dicts keyed ``"<layer index>.<name>"``
    ("0.W", "0.b", "2.W", …) whose values are the layers' *live* arrays, so
    ``optimizer.step(model.parameters(), model.gradients())`` (contract C) trains the
    model in place. ``backward`` overwrites the gradient arrays; copy them to keep them.
    """

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        if not layers:
            raise ValueError("layers: expected at least one layer, got none")
        for i, layer in enumerate(layers):
            if not (callable(getattr(layer, "forward", None)) and callable(getattr(layer, "backward", None))):
                raise TypeError(f"layers[{i}]: expected a Layer with forward/backward, got {type(layer).__name__}")
        self.layers = list(layers)
        self._scratch = {}  # for sgd_step's updates of non-Linear parameters

    # ---- passes
    def forward(self, x, check=True):
        """x (N, D) → output of the last layer; every layer caches what backward needs.

        ``check=False`` skips the scan of x for NaN/inf (dtype and shape are still
        checked): :func:`coursekit.train.fit` validates the whole data set once and then
        passes its minibatches unchecked.
        """
        if type(x) is np.ndarray and x.dtype == np.float64 and x.ndim == 2 and (not check or _finite_sum(x)):
            out = x  # fast path
        else:
            out = as_float_array(x, "x", ndim=2)
        owned = False  # True when `out` is a fresh array that only this loop holds
        for layer in self.layers:
            if owned and type(layer) is ReLU:
                out = layer._forward_owned(out)
            else:
                out = layer.forward(out)
            owned = type(layer) is Linear  # Linear.forward returns a new array
        return out

    __call__ = forward

    def backward(self, dloss, input_grad=True):
        """Backpropagate δ = ∂L/∂output through every layer, last to first.

        Parameters
        ----------
        dloss : ndarray, shape of the last forward output
        input_grad : bool, default True
            If False, the first Linear layer skips its (unused) gradient with respect
            to the data, one matrix product less; the return value is then None.

        Returns
        -------
        dx : ndarray (N, D), ∂L/∂x (or None if ``input_grad`` is False and skipped).
        """
        return self._backprop(dloss, input_grad, None)

    def sgd_step(self, dloss, lr, input_grad=False):
        """Backpropagate δ and take one plain gradient-descent step ``W ← W − η ∇W`` on the way.

        The same update as ``backward(dloss)`` followed by
        ``GD(lr).step(parameters(), gradients())``, but each Linear layer applies its step as
        soon as its δ is known, and its weight step is fused into the matrix product that
        forms the gradient: ``W ← W + (−η) δᵀx`` is one BLAS ``dgemm`` call (see
        :mod:`coursekit._blas`), which saves a pass over two weight-sized arrays per layer
        (~10 % of a 784-512-10 step). :func:`coursekit.train.fit` uses it for a
        :class:`coursekit.optim.GD` optimizer.

        The weight gradients are therefore not kept: afterwards ``gradients()`` lists only
        what was stored (the biases'; all of them if the fused call is unavailable). Call
        :meth:`backward` to inspect gradients. The result equals the two-step update bit
        for bit for batches up to 256 rows (OpenBLAS adds the product to W in one piece);
        for larger batches the last bit can differ.

        Parameters
        ----------
        dloss : ndarray, shape of the last forward output
        lr : float, η > 0
        input_grad : bool, default False — also return ∂L/∂x (computed with the weights
            before the step)

        Returns
        -------
        dx : ndarray (N, D) or None
        """
        lr = check_positive(lr, "lr")
        return self._backprop(dloss, input_grad, lr)

    def _backprop(self, dloss, input_grad, lr):
        d = dloss
        last = len(self.layers) - 1
        owned = False  # True when `d` is a fresh array that only this loop holds
        for i in range(last, -1, -1):
            layer = self.layers[i]
            need_dx = i > 0 or input_grad
            if type(layer) is Linear:
                if lr is not None:
                    d = layer._backward_sgd(d, lr, need_dx=need_dx)
                else:
                    d = layer.backward(d, need_dx=need_dx)
                if d is None:
                    return None
                owned = True  # Linear.backward returns a new δ W
                continue
            if i == 0 and not input_grad and isinstance(layer, Linear):
                d = layer.backward(d, need_dx=False)  # a Linear subclass
            elif owned and type(layer) is ReLU:
                d = layer._backward_owned(d)
            else:
                d = layer.backward(d)
            owned = False
            if lr is not None:  # any other layer with parameters: the update after its backward
                for k, g in getattr(layer, "grads", {}).items():
                    if g is not None and k in layer.params:
                        sgd_update(layer.params[k], g, lr, self._scratch)
        return d

    # ---- parameters
    def parameters(self):
        """dict "i.name" → live parameter array of layer i."""
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in getattr(layer, "params", {}).items()}

    def gradients(self):
        """dict "i.name" → gradient array from the last ``backward`` (same keys as parameters()).

        After :meth:`sgd_step` the fused weight gradients were never stored and are left out.
        """
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers)
                for k, v in getattr(layer, "grads", {}).items() if v is not None}

    @property
    def n_params(self):
        """Total number of scalar parameters."""
        return int(sum(v.size for v in self.parameters().values()))

    # ---- predictions
    def predict_proba(self, x):
        """Class probabilities (N, C) for classifiers.

        * last layer Softmax → its output;
        * last layer Sigmoid with one output → columns [1 − p, p];
        * otherwise the outputs are taken as logits: softmax over C > 1 columns, or
          sigmoid of a single column (the fused losses' convention).
        """
        out = self.forward(x)
        lastl = self.layers[-1]
        if out.ndim != 2:
            raise ValueError(f"predict_proba: expected a 2-D network output, got shape {out.shape}")
        if isinstance(lastl, Softmax):
            return out
        if out.shape[1] == 1:
            p = out[:, 0] if isinstance(lastl, Sigmoid) else F.sigmoid_forward(out[:, 0])
            return np.column_stack([1.0 - p, p])
        if isinstance(lastl, (Sigmoid, _Threshold)):
            raise ValueError("predict_proba: a multi-output Sigmoid/threshold network has no class distribution")
        return F.softmax_forward(out)

    def predict(self, x):
        """Class labels (N,) for a classifier network.

        * C > 1 outputs → ``argmax`` over columns (labels 0..C−1);
        * one output after Sigmoid → 1 if p > 0.5 else 0; after Step → the step value
          (0/1); after Sign → the sign value (−1/+1); otherwise (a logit or an SVM-style
          score) → 1 if the output > 0 else 0.

        For regression use ``forward(x)`` (or ``model(x)``), which returns raw outputs.
        """
        out = self.forward(x)
        if out.ndim != 2:
            raise ValueError(f"predict: expected a 2-D network output, got shape {out.shape}")
        if out.shape[1] > 1:
            return out.argmax(axis=1)
        lastl = self.layers[-1]
        o = out[:, 0]
        if isinstance(lastl, Sign):
            return o.astype(np.int64)
        if isinstance(lastl, Step):
            return o.astype(np.int64)
        thr = 0.5 if isinstance(lastl, Sigmoid) else 0.0
        return (o > thr).astype(np.int64)

    def fit(self, loss, X, y, optimizer, **kwargs):
        """Train in place with :func:`coursekit.train.fit`; returns its History."""
        from coursekit.train import fit

        return fit(self, loss, X, y, optimizer, **kwargs)

    # ---- container protocol
    def __len__(self):
        return len(self.layers)

    def __getitem__(self, i):
        return self.layers[i]

    def __iter__(self):
        return iter(self.layers)

    def __repr__(self):
        lines = [f"  ({i}): {layer!r}" for i, layer in enumerate(self.layers)]
        return "Sequential(\n" + "\n".join(lines) + f"\n)  # {self.n_params:,} parameters"


def _finite_sum(x):
    """True if Σx is finite, which implies every entry is (one pass, no temporary array).

    False can also mean the sum overflowed; the caller then does the full check.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.isfinite(x.sum()))


def _check_count(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected a positive int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name}: expected a positive int, got {value}")
    return int(value)
