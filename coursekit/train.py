"""A small minibatch training loop: :func:`fit` and its :class:`History`.

One epoch visits every example once, in minibatches of ``batch_size`` rows, reshuffled
every epoch with a generator seeded by ``seed`` (so a run is reproducible). Each step is

    out = model.forward(X_batch);  L, δ = loss(out, y_batch);  model.backward(δ)
    optimizer.step(model.parameters(), model.gradients())

The model is anything with ``forward``, ``backward``, ``parameters()`` and
``gradients()`` (a :class:`coursekit.layers.Sequential`); the optimizer anything with
``step(params, grads)`` updating the arrays in place (contract C). With a plain
:class:`coursekit.optim.GD` and a model that has ``sgd_step`` (a Sequential), the last two
calls are one, ``model.sgd_step(δ, optimizer.lr)``: the same update, fused into the backward
pass (the weight gradients are then not kept; see :meth:`Sequential.sgd_step`).

Learning-rate schedules: ``schedule`` is a callable ``k -> η`` of the global step
counter k = 0, 1, 2, … (over all epochs). Before step k the loop sets
``optimizer.lr = schedule(k)`` — that attribute is the whole contract. A schedule that
also has a ``step(loss)`` method (e.g. :class:`coursekit.optim.StepDecayOnPlateau`) is
told the epoch's loss after every epoch (the validation loss if there is validation
data, else the training loss), so it can decay η when the loss stagnates.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from coursekit._validate import as_float_array
from coursekit.losses import get_loss
from coursekit.optim import GD

__all__ = ["History", "fit", "accuracy"]


@dataclass
class History:
    """What :func:`fit` records.

    Attributes
    ----------
    train_loss : list of float, one per epoch — mean minibatch loss (weighted by batch size)
    train_accuracy : list of float, one per epoch — accuracy on the minibatches as they
        were seen during the epoch (classification losses only, else empty)
    val_loss, val_accuracy : lists, one per epoch (empty without X_val)
    step_loss : list of float, one per optimizer step
    lr : list of float, the learning rate used at each step
    """

    train_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)
    lr: list = field(default_factory=list)

    @property
    def epochs(self):
        return len(self.train_loss)

    def as_dict(self):
        return {k: list(v) for k, v in self.__dict__.items()}

    def __repr__(self):
        parts = [f"epochs={self.epochs}"]
        if self.train_loss:
            parts.append(f"train_loss={self.train_loss[-1]:.4g}")
        if self.val_loss:
            parts.append(f"val_loss={self.val_loss[-1]:.4g}")
        if self.val_accuracy:
            parts.append(f"val_accuracy={self.val_accuracy[-1]:.4f}")
        return f"History({', '.join(parts)})"


def accuracy(pred_labels, y):
    """Fraction of equal labels; ``y`` of shape (N,) or (N, 1)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    pred_labels = np.asarray(pred_labels)
    if pred_labels.shape != y.shape:
        raise ValueError(f"y: expected shape {pred_labels.shape} to match the predictions, got {y.shape}")
    return float(np.mean(pred_labels == y))


def fit(model, loss, X, y, optimizer, epochs=10, batch_size=32, seed=0, shuffle=True,
        X_val=None, y_val=None, schedule=None, progress=True):
    """Train ``model`` in place by minibatch gradient descent.

    Parameters
    ----------
    model : Sequential (or any object with forward, backward, parameters, gradients)
    loss : Loss, a name from :data:`coursekit.losses.LOSSES`, or a callable
        ``(out, y_batch) -> (loss, dout)``.
    X : ndarray (N, D)
    y : ndarray (N,) or (N, K) — whatever ``loss`` expects as target
    optimizer : object with ``step(params, grads)`` (e.g. ``coursekit.optim.GD(lr=0.1)``)
    epochs : int ≥ 1
    batch_size : int ≥ 1 (clipped to N; N is one full-batch step per epoch)
    seed : int — seeds the per-epoch shuffling
    shuffle : bool — reshuffle the rows every epoch (else fixed order)
    X_val, y_val : optional validation data, evaluated after every epoch
    schedule : callable k -> η, optional; sets ``optimizer.lr`` before step k (and, if it
        has ``step(loss)``, is given each epoch's loss)
    progress : bool — show a tqdm progress bar over epochs

    Returns
    -------
    History
    """
    for attr in ("forward", "backward", "parameters", "gradients"):
        if not callable(getattr(model, attr, None)):
            raise TypeError(f"model: expected an object with forward/backward/parameters/gradients, "
                            f"got {type(model).__name__} (no {attr})")
    if not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer: expected an object with step(params, grads), got {type(optimizer).__name__}")
    if schedule is not None and not callable(schedule):
        raise TypeError(f"schedule: expected a callable k -> learning rate, got {type(schedule).__name__}")
    loss_fn = get_loss(loss)
    X = as_float_array(X, "X", ndim=2)
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y: expected {X.shape[0]} targets (one per row of X), got shape {y.shape}")
    epochs = _check_int(epochs, "epochs")
    batch_size = _check_int(batch_size, "batch_size")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed: expected an int, got {type(seed).__name__}")
    have_val = X_val is not None or y_val is not None
    if have_val:
        if X_val is None or y_val is None:
            raise ValueError("X_val, y_val: expected both or neither, got only one")
        X_val = as_float_array(X_val, "X_val", ndim=2)
        y_val = np.asarray(y_val)
        if y_val.ndim == 0 or y_val.shape[0] != X_val.shape[0]:
            raise ValueError(f"y_val: expected {X_val.shape[0]} targets (one per row of X_val), got shape {y_val.shape}")

    predict = getattr(loss_fn, "predict", None)
    is_classifier = getattr(loss_fn, "is_classifier", False) and predict is not None
    n = X.shape[0]
    batch_size = min(batch_size, n)
    rng = np.random.default_rng(seed)
    backward_kw = {"input_grad": False} if _accepts(model.backward, "input_grad") else {}
    forward_kw = {"check": False} if _accepts(model.forward, "check") else {}  # X was validated above
    # Plain GD on a Sequential: the update is fused into the backward pass (same result; see
    # Sequential.sgd_step). Any other optimizer (or a GD subclass) gets backward + step.
    fused = type(optimizer) is GD and callable(getattr(model, "sgd_step", None))
    history = History()
    k = 0

    from tqdm.auto import tqdm

    bar = tqdm(range(epochs), desc="epochs", disable=not progress, leave=True)
    for _epoch in bar:
        order = rng.permutation(n) if shuffle else None
        total, correct = 0.0, 0
        for start in range(0, n, batch_size):
            if order is None:
                xb, yb = X[start:start + batch_size], y[start:start + batch_size]
            else:
                idx = order[start:start + batch_size]
                xb, yb = X[idx], y[idx]
            if schedule is not None:
                optimizer.lr = _check_lr(schedule(k), k)
            out = model.forward(xb, **forward_kw)
            batch_loss, dout = loss_fn(out, yb)
            if fused:
                model.sgd_step(dout, optimizer.lr)
            else:
                model.backward(dout, **backward_kw)
                optimizer.step(model.parameters(), model.gradients())
            batch_loss = float(batch_loss)
            history.step_loss.append(batch_loss)
            history.lr.append(float(getattr(optimizer, "lr", np.nan)))
            total += batch_loss * xb.shape[0]
            if is_classifier:
                correct += int(np.sum(predict(out) == _flat(yb)))
            k += 1
        history.train_loss.append(total / n)
        if is_classifier:
            history.train_accuracy.append(correct / n)
        postfix = {"loss": f"{history.train_loss[-1]:.4f}"}
        if have_val:
            out = model.forward(X_val, **forward_kw)
            vloss, _ = loss_fn(out, y_val)
            history.val_loss.append(float(vloss))
            postfix["val_loss"] = f"{history.val_loss[-1]:.4f}"
            if is_classifier:
                history.val_accuracy.append(accuracy(predict(out), y_val))
                postfix["val_acc"] = f"{history.val_accuracy[-1]:.3f}"
        if schedule is not None and callable(getattr(schedule, "step", None)):
            schedule.step(history.val_loss[-1] if have_val else history.train_loss[-1])
        if progress:
            bar.set_postfix(postfix)
    bar.close()
    return history


def _flat(y):
    y = np.asarray(y)
    return y[:, 0] if (y.ndim == 2 and y.shape[1] == 1) else y


def _accepts(method, keyword):
    """Whether ``method`` takes ``keyword`` (Sequential's forward(check=) and backward(input_grad=))."""
    import inspect

    try:
        return keyword in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


def _check_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected a positive int, got {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{name}: expected a positive int, got {value}")
    return int(value)


def _check_lr(lr, k):
    try:
        lr = float(lr)
    except (TypeError, ValueError):
        raise TypeError(f"schedule: expected a number from schedule({k}), got {type(lr).__name__}") from None
    if not np.isfinite(lr) or lr <= 0:
        raise ValueError(f"schedule: expected a learning rate > 0 from schedule({k}), got {lr!r}")
    return lr
