"""Layer objects and the :class:`Sequential` network, built on :mod:`coursekit.functional`.

A layer is a small object with

* ``forward(x)`` — computes the output and caches what ``backward`` needs;
* ``backward(dout) -> dx`` — receives δ = ∂L/∂out, stores the parameter gradients in
  ``grads`` and returns ∂L/∂x;
* ``params`` — dict name → array (the live arrays an optimizer updates in place);
* ``grads`` — dict with the same keys, filled by ``backward``.

Each formula has one implementation, in :mod:`coursekit.functional`: a layer's
``forward`` and ``backward`` call the kernel of the same name (step into
``Linear.backward`` and you land on the lines ``dx = δ W``, ``dW = δᵀ x``, ``db = Σᵢ δᵢ``
that lecture 03 derives). A layer only caches what its backward pass needs and keeps the
parameters and their gradients.

Example
-------
>>> from coursekit.layers import Sequential, Linear, ReLU
>>> model = Sequential(Linear(64, 32, init="he", rng=0), ReLU(), Linear(32, 10, rng=1))
>>> model.n_params
2410
"""

from __future__ import annotations

import numpy as np

from coursekit import functional as F
from coursekit._validate import as_float_array, check_in_range, check_int, check_methods
from coursekit.init import as_generator, get_initializer

__all__ = [
    "Layer",
    "Linear",
    "Sigmoid",
    "Tanh",
    "ReLU",
    "Softplus",
    "GELU",
    "Softmax",
    "Dropout",
    "Step",
    "Sign",
    "Sequential",
    "NotDifferentiableError",
    "ACTIVATIONS",
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
    """The upstream gradient as a float64 array of the forward output's shape."""
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
        D = check_int(in_features, "in_features", low=1)
        M = check_int(out_features, "out_features", low=1)
        self.init = init
        init_fn = get_initializer(init)
        W = np.asarray(init_fn((M, D), as_generator(rng)), dtype=np.float64)
        if W.shape != (M, D):
            raise ValueError(f"init: expected the initializer to return shape {(M, D)}, got {W.shape}")
        self.params = {"W": W, "b": np.zeros(M)}
        self.grads = {"W": np.zeros((M, D)), "b": np.zeros(M)}
        self._x = None

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
        """x (N, D) → out = x Wᵀ + b (N, M) (:func:`coursekit.functional.linear_forward`); caches x."""
        x = as_float_array(x, "x", ndim=2)
        W = self.params["W"]
        if x.shape[1] != W.shape[1]:
            raise ValueError(f"x: expected shape (N, {W.shape[1]}) for {self!r}, got {x.shape}")
        self._x = x
        return F.linear_forward(x, W, self.params["b"])

    def backward(self, dout, need_dx=True):
        """δ (N, M) → dx = δ W (N, D); stores dW = δᵀ x and db = Σᵢ δᵢ in ``grads``.

        The formulas are :func:`coursekit.functional.linear_backward`'s. The gradients are
        written into the existing ``grads`` arrays (the dict that ``Sequential.gradients()``
        hands to an optimizer stays valid). ``need_dx=False`` skips the product δ W and
        returns None: the first layer of a network needs no gradient with respect to the data.
        """
        x = self._need_cache("_x")
        W = self.params["W"]
        dout = _check_dout(dout, (x.shape[0], W.shape[0]), "Linear")
        dx, dW, db = F.linear_backward(dout, x, W, need_dx=need_dx)
        self.grads["W"][...] = dW
        self.grads["b"][...] = db
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


class ReLU(_Elementwise):
    """max(0, z); backward dz = dout · 1[z > 0] (derivative 0 at exactly z = 0)."""

    _forward = staticmethod(F.relu_forward)
    _backward = staticmethod(F.relu_backward)


class GELU(_Elementwise):
    """Gaussian error linear unit z Φ(z) (exact, Φ the normal CDF); backward dz = dout · (Φ(z) + z φ(z))."""

    _forward = staticmethod(F.gelu_forward)
    _backward = staticmethod(F.gelu_backward)


class Dropout(Layer):
    """Inverted dropout (lecture 06): in training, each unit is muted with probability ``p``
    and the survivors scaled by ``1/(1 − p)``; in evaluation (``training = False``) the identity.

    forward: x (N, H) → y = x ⊙ m (training) or x (evaluation); backward: dout → dout ⊙ m.
    The mask ``m`` comes from :func:`coursekit.functional.dropout_mask` and a generator seeded
    once, so a run is reproducible. :meth:`Sequential.train` / :meth:`Sequential.eval` switch
    the mode; :func:`coursekit.train.fit` trains in training mode and evaluates in evaluation mode.
    """

    def __init__(self, p=0.5, seed=0):
        super().__init__()
        self.p = check_in_range(p, "p", 0.0, 1.0)
        self.training = True
        self._rng = as_generator(seed)
        self._m = None

    def forward(self, x):
        x = as_float_array(x, "x")
        if not self.training or self.p == 0.0:
            self._m = np.ones_like(x)
            return x
        self._m = F.dropout_mask(x.shape, self.p, self._rng)
        return F.dropout_forward(x, self._m)

    def backward(self, dout):
        m = self._need_cache("_m")
        dout = _check_dout(dout, m.shape, "Dropout")
        return F.dropout_backward(dout, m)

    def __repr__(self):
        return f"Dropout(p={self.p:g})"


#: The smooth elementwise activations by name (the playground's chooser lists these).
ACTIVATIONS = {"tanh": Tanh, "sigmoid": Sigmoid, "ReLU": ReLU, "softplus": Softplus, "GELU": GELU}


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
    ``optimizer.step(model.parameters(), model.gradients())`` (the :mod:`coursekit.optim` interface) trains the
    model in place. ``backward`` overwrites the gradient arrays; copy them to keep them.
    """

    def __init__(self, *layers):
        if len(layers) == 1 and isinstance(layers[0], (list, tuple)):
            layers = tuple(layers[0])
        if not layers:
            raise ValueError("layers: expected at least one layer, got none")
        for i, layer in enumerate(layers):
            check_methods(layer, f"layers[{i}]", ("forward", "backward"), "a Layer with forward/backward")
        self.layers = list(layers)

    # ---- passes
    def forward(self, x):
        """x (N, D) → output of the last layer; every layer caches what backward needs."""
        out = as_float_array(x, "x", ndim=2)
        for layer in self.layers:
            out = layer.forward(out)
        return out

    __call__ = forward

    def backward(self, dloss, input_grad=True):
        """Backpropagate δ = ∂L/∂output through every layer, last to first.

        Parameters
        ----------
        dloss : ndarray, shape of the last forward output
        input_grad : bool, default True
            If False, a first Linear layer skips its (unused) gradient with respect
            to the data, one matrix product less; the return value is then None.

        Returns
        -------
        dx : ndarray (N, D), ∂L/∂x (or None if ``input_grad`` is False and skipped).
        """
        d = dloss
        for i in range(len(self.layers) - 1, 0, -1):
            d = self.layers[i].backward(d)
        first = self.layers[0]
        if not input_grad and isinstance(first, Linear):
            return first.backward(d, need_dx=False)
        return first.backward(d)

    # ---- modes
    def train(self, mode=True):
        """Training mode (``mode=True``) or evaluation mode for the layers that differ (Dropout);
        returns the network, so ``model.eval().predict(x)`` reads naturally."""
        for layer in self.layers:
            if hasattr(layer, "training"):
                layer.training = bool(mode)
        return self

    def eval(self):
        """Evaluation mode: dropout off (same as ``train(False)``)."""
        return self.train(False)

    # ---- parameters
    def parameters(self):
        """dict "i.name" → live parameter array of layer i."""
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in getattr(layer, "params", {}).items()}

    def gradients(self):
        """dict "i.name" → gradient array from the last ``backward`` (same keys as parameters())."""
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in getattr(layer, "grads", {}).items()}

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

