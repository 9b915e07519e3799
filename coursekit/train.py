"""A small minibatch training loop: :func:`fit` and its :class:`History`.

One epoch visits every example once, in minibatches of ``batch_size`` rows, reshuffled
every epoch with a generator seeded by ``seed`` (so a run is reproducible). Each step is

    out = model.forward(X_batch);  L, δ = loss(out, y_batch);  model.backward(δ)
    optimizer.step(model.parameters(), model.gradients())

The model is anything with ``forward``, ``backward``, ``parameters()`` and
``gradients()`` (a :class:`coursekit.layers.Sequential`); the optimizer anything with
``step(params, grads)`` updating the arrays in place (see ARCHITECTURE.md, Public interfaces); every optimizer, plain
:class:`coursekit.optim.GD` included, takes exactly this path. The minibatches come from
:func:`coursekit.optim.minibatches` (or consecutive slices with ``shuffle=False``).

Learning-rate schedules: ``schedule`` is a callable ``k -> η`` of the global step
counter k = 0, 1, 2, … (over all epochs). Before step k the loop sets
``optimizer.lr = schedule(k)`` — that attribute is the whole contract. A schedule that
also has a ``step(loss)`` method (e.g. :class:`coursekit.schedules.StepDecayOnPlateau`) is
told the epoch's loss after every epoch (the validation loss if there is validation
data, else the training loss), so it can decay η when the loss stagnates.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import numpy as np

from coursekit._validate import as_float_array, check_callable, check_int, check_methods, check_positive
from coursekit.losses import get_loss
from coursekit.optim import minibatches

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
    best_epoch : int or None — with early stopping (``patience``), the epoch (0-based) of the
        lowest validation loss, whose weights the model holds at the end
    stopped_early : bool — True if early stopping ended training before ``epochs``
    """

    train_loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)
    lr: list = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False

    @property
    def epochs(self):
        return len(self.train_loss)

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
        X_val=None, y_val=None, schedule=None, progress=True, patience=None):
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
    patience : int ≥ 1, optional — early stopping (needs X_val, y_val): stop once the validation
        loss has not improved for ``patience`` epochs and give the model back the weights of its
        best epoch (``History.best_epoch``)

    A model with ``train(mode)`` (a :class:`~coursekit.layers.Sequential`) is put in training
    mode for the steps and in evaluation mode (dropout off) for the validation pass; it is left
    in evaluation mode.

    Returns
    -------
    History
    """
    check_methods(model, "model", ("forward", "backward", "parameters", "gradients"),
                  "an object with forward/backward/parameters/gradients")
    check_methods(optimizer, "optimizer", ("step",), "an object with step(params, grads)")
    if schedule is not None:
        check_callable(schedule, "schedule", "a callable k -> learning rate")
    loss_fn = get_loss(loss)
    X = as_float_array(X, "X", ndim=2)
    y = np.asarray(y)
    if y.ndim == 0 or y.shape[0] != X.shape[0]:
        raise ValueError(f"y: expected {X.shape[0]} targets (one per row of X), got shape {y.shape}")
    epochs = check_int(epochs, "epochs", low=1)
    batch_size = check_int(batch_size, "batch_size", low=1)
    seed = check_int(seed, "seed", low=0)
    have_val = X_val is not None or y_val is not None
    if have_val:
        if X_val is None or y_val is None:
            raise ValueError("X_val, y_val: expected both or neither, got only one")
        X_val = as_float_array(X_val, "X_val", ndim=2)
        y_val = np.asarray(y_val)
        if y_val.ndim == 0 or y_val.shape[0] != X_val.shape[0]:
            raise ValueError(f"y_val: expected {X_val.shape[0]} targets (one per row of X_val), got shape {y_val.shape}")

    if patience is not None:
        patience = check_int(patience, "patience", low=1)
        if not have_val:
            raise ValueError("patience: early stopping watches the validation loss; pass X_val and y_val")
    set_mode = getattr(model, "train", None)
    set_mode = set_mode if callable(set_mode) else (lambda mode=True: model)
    best_loss, best_params, since_best = np.inf, None, 0

    predict = getattr(loss_fn, "predict", None)
    is_classifier = getattr(loss_fn, "is_classifier", False) and predict is not None
    n = X.shape[0]
    batch_size = min(batch_size, n)
    rng = np.random.default_rng(seed)
    # A Sequential's first layer can skip ∂L/∂x, which training never uses.
    backward_kw = {"input_grad": False} if "input_grad" in _parameters(model.backward) else {}
    history = History()
    k = 0

    from tqdm.auto import tqdm

    bar = tqdm(range(epochs), desc="epochs", disable=not progress, leave=True)
    for _epoch in bar:
        if shuffle:
            batches = minibatches(n, batch_size, rng)
        else:
            batches = (slice(start, start + batch_size) for start in range(0, n, batch_size))
        total, correct = 0.0, 0
        set_mode(True)
        for idx in batches:
            xb, yb = X[idx], y[idx]
            if schedule is not None:
                optimizer.lr = check_positive(schedule(k), f"schedule({k})")
            out = model.forward(xb)
            batch_loss, dout = loss_fn(out, yb)
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
        set_mode(False)
        if have_val:
            out = model.forward(X_val)
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
        if patience is not None:
            if history.val_loss[-1] < best_loss:
                best_loss, since_best = history.val_loss[-1], 0
                history.best_epoch = len(history.val_loss) - 1
                best_params = {k: v.copy() for k, v in model.parameters().items()}
            else:
                since_best += 1
                if since_best >= patience:
                    history.stopped_early = True
                    break
    bar.close()
    if best_params is not None:
        for k, v in model.parameters().items():
            v[...] = best_params[k]
    return history


def _flat(y):
    y = np.asarray(y)
    return y[:, 0] if (y.ndim == 2 and y.shape[1] == 1) else y


def _parameters(method):
    """The parameter names of ``method`` (empty if Python cannot tell)."""
    try:
        return inspect.signature(method).parameters
    except (TypeError, ValueError):
        return {}
