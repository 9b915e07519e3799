"""Every catalogued mistake written as a student would write it (not with the catalogue's own
functions): ``STUDENT_MISTAKES`` lists ``(assignment, function, expected key, implementation)``.

The implementations use numpy and the forward functions the notebooks give (coursekit's, here),
and differ in style from the catalogue (loops, other formula orders, in-place updates), so a
diagnosis that only recognises its own arithmetic would fail these tests."""

from __future__ import annotations

import numpy as np

from coursekit import functional as F


def sig(z):
    return F.sigmoid_forward(z)


# ------------------------------------------------------------------ linear_backward
def lin_no_upstream(dout, x, W):
    return dout @ W, dout.T @ x, np.full(W.shape[0], float(dout.shape[0]))


def lin_db_mean(dout, x, W):
    return dout @ W, dout.T @ x, np.mean(dout, axis=0)


def lin_dW_transposed(dout, x, W):
    return dout @ W, x.T @ dout, dout.sum(0)


def lin_dx_W_transposed(dout, x, W):
    return np.matmul(dout, W.T), dout.T @ x, dout.sum(0)


def lin_db_wrong_axis(dout, x, W):
    return dout @ W, dout.T @ x, np.sum(dout, axis=-1)


def lin_db_keepdims(dout, x, W):
    return dout @ W, dout.T @ x, np.sum(dout, axis=0, keepdims=True)


def lin_float32(dout, x, W):
    d32 = dout.astype(np.float32)
    return d32 @ W.astype(np.float32), d32.T @ x.astype(np.float32), d32.sum(axis=0)


def lin_in_place(dout, x, W):
    dx, dW = dout @ W, dout.T @ x
    dout /= 1.0  # "normalise" the upstream gradient
    dout[:] = dout
    x *= 1.0
    x[0, 0] += 1.0
    return dx, dW, dout.sum(axis=0)


# ------------------------------------------------------------------ activations
def sig_no_upstream(dout, z):
    return sig(z) * (1 - sig(z))


def sig_no_derivative(dout, z):
    return dout * 1.0


def sig_at_output(dout, z):
    return dout * (z - z ** 2)


def sig_of_dout(dout, z):
    s = 1.0 / (1.0 + np.exp(-dout))
    return s * (1.0 - s)


def sig_sign(dout, z):
    s = sig(z)
    return dout * s * (s - 1.0)


def sig_naive(dout, z):
    s = np.exp(z) / (1.0 + np.exp(z))
    return dout * s * (1 - s)


def sig_square(dout, z):
    return dout * sig(z) ** 2


def sig_tanh_derivative(dout, z):
    return dout * (1 - np.tanh(z) ** 2)


def sig_float32(dout, z):
    s = sig(z).astype(np.float32)
    return dout.astype(np.float32) * s * (1 - s)


def sig_in_place(dout, z):
    s = sig(z)
    dout *= s * (1 - s)
    return dout


def tanh_no_upstream(dout, z):
    return 1 - np.tanh(z) ** 2


def tanh_no_derivative(dout, z):
    return np.array(dout)


def tanh_at_output(dout, z):
    return dout * (1 - z * z)


def tanh_of_dout(dout, z):
    return dout * (1 - np.tanh(dout) ** 2)


def tanh_sign(dout, z):
    return dout * (np.tanh(z) ** 2 - 1)


def tanh_naive(dout, z):
    t = (np.exp(2 * z) - 1) / (np.exp(2 * z) + 1)
    return dout * (1 - t ** 2)


def tanh_no_square(dout, z):
    return dout * (1 - np.tanh(z))


def tanh_sigmoid_derivative(dout, z):
    s = 1 / (1 + np.exp(-z))
    return dout * s * (1 - s)


def tanh_float32(dout, z):
    return (dout * (1 - np.tanh(z) ** 2)).astype(np.float32)


def tanh_in_place(dout, z):
    dout *= 1 - np.tanh(z) ** 2
    return dout


def relu_no_upstream(dout, z):
    return (z > 0).astype(float)


def relu_no_derivative(dout, z):
    return dout + 0.0


def relu_kink(dout, z):
    return dout * (z >= 0)


def relu_of_dout(dout, z):
    return np.maximum(dout, 0)


def relu_float32(dout, z):
    return (dout * (z > 0)).astype(np.float32)


def relu_in_place(dout, z):
    dout[z <= 0] = 0.0
    return dout


# ------------------------------------------------------------------ softmax_backward
def sm_diagonal(dout, z):
    y = F.softmax_forward(z)
    return dout * (y - y * y)


def sm_no_derivative(dout, z):
    return dout.copy()


def sm_no_upstream(dout, z):
    y = F.softmax_forward(z)
    return y * (1 - y.sum(axis=1, keepdims=True))


def sm_wrong_axis(dout, z):
    y = F.softmax_forward(z)
    return y * (dout - np.sum(dout * y, axis=0))


def sm_naive(dout, z):
    e = np.exp(z)
    y = e / np.sum(e, axis=1)[:, None]
    return y * dout - y * np.einsum("ij,ij->i", y, dout)[:, None]


def sm_float32(dout, z):
    return F.softmax_backward(dout, z).astype(np.float32)


def sm_in_place(dout, z):
    y = F.softmax_forward(z)
    dout -= (dout * y).sum(axis=1, keepdims=True)
    dout *= y
    return dout


# ------------------------------------------------------------------ softmax_cross_entropy
def _logp(z):
    s = z - z.max(axis=1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=1, keepdims=True))


def ce_no_onehot(logits, y):
    n = len(y)
    logp = _logp(logits)
    return -logp[np.arange(n), y].sum() / n, np.exp(logp) / n


def ce_missing_1_over_n(logits, y):
    n = len(y)
    logp = _logp(logits)
    d = np.exp(logp)
    d[np.arange(n), y] -= 1
    return float(np.mean(-logp[np.arange(n), y])), d


def ce_double_1_over_n(logits, y):
    n = len(y)
    logp = _logp(logits)
    d = np.exp(logp) - np.eye(logits.shape[1])[y]
    return float(np.mean(-logp[np.arange(n), y])), d / n / n


def ce_loss_sum(logits, y):
    n = len(y)
    logp = _logp(logits)
    d = np.exp(logp) - np.eye(logits.shape[1])[y]
    return float(-logp[np.arange(n), y].sum()), d / n


def ce_log_of_softmax(logits, y):
    n = len(y)
    p = F.softmax_forward(logits)
    loss = -np.mean(np.log(p[range(n), y]))
    d = p.copy()
    d[range(n), y] -= 1
    return float(loss), d / n


def ce_naive(logits, y):
    n = len(y)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    onehot = np.zeros_like(p)
    onehot[np.arange(n), y] = 1.0
    return float(-np.log(p[np.arange(n), y]).mean()), (p - onehot) / n


def ce_logsumexp_unshifted(logits, y):
    n = len(y)
    loss = np.mean(np.log(np.sum(np.exp(logits), axis=1)) - logits[np.arange(n), y])
    return float(loss), F.softmax_cross_entropy(logits, y)[1]


def ce_float32(logits, y):
    loss, d = F.softmax_cross_entropy(logits, y)
    return loss, d.astype(np.float32)


def ce_in_place(logits, y):
    n = len(y)
    logits -= logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    d = np.exp(logp)
    d[np.arange(n), y] -= 1
    return float(-logp[np.arange(n), y].mean()), d / n


# ------------------------------------------------------------------ mlp_loss_and_grads
def _mlp(params, x, y, *, mask=True, w2_from_z=False, softmax="stable", scale=1.0, lam=0.0):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = x.shape[0]
    z1 = x @ W1.T + b1
    h1 = np.maximum(0, z1)
    s = h1 @ W2.T + b2
    if softmax == "stable":
        loss, ds = F.softmax_cross_entropy(s, y)
    else:
        p = F.softmax_forward(s) if softmax == "log" else np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
        loss = float(-np.log(p[np.arange(n), y]).mean())
        ds = p.copy()
        ds[np.arange(n), y] -= 1
        ds /= n
    ds = ds * scale
    dh1 = ds @ W2
    dz1 = dh1 * (z1 > 0) if mask else dh1
    loss = loss + 0.5 * lam * (np.sum(W1 * W1) + np.sum(W2 * W2))
    return loss, {"W1": dz1.T @ x + lam * W1, "b1": dz1.sum(0), "W2": ds.T @ (z1 if w2_from_z else h1) + lam * W2,
                  "b2": ds.sum(0)}


def mlp_no_relu(params, x, y):
    return _mlp(params, x, y, mask=False)


def mlp_z_for_h(params, x, y):
    return _mlp(params, x, y, w2_from_z=True)


def mlp_log_of_softmax(params, x, y):
    return _mlp(params, x, y, softmax="log")


def mlp_naive(params, x, y):
    return _mlp(params, x, y, softmax="naive")


def mlp_naive_gradient_only(params, x, y):
    loss, _ = F.mlp_loss_and_grads(params, x, y)
    _, grads = _mlp(params, x, y, softmax="naive")
    return loss, grads


def mlp_missing_1_over_n(params, x, y):
    return _mlp(params, x, y, scale=float(x.shape[0]))


def mlp_weight_decay(params, x, y):
    return _mlp(params, x, y, lam=1e-3)


def mlp_float32(params, x, y):
    loss, g = F.mlp_loss_and_grads(params, x, y)
    return loss, {k: v.astype(np.float32) for k, v in g.items()}


def mlp_in_place(params, x, y):
    loss, g = F.mlp_loss_and_grads(params, x, y)
    params["W1"] -= 0.0 * g["W1"] + 1e-3  # "a little step to check the loss goes down"
    return loss, g


# ------------------------------------------------------------------ momentum / nesterov
def mom_gradient_sign(w, dw, grad, lr, beta):
    v = beta * dw + lr * grad
    return w + v, v


def mom_velocity_convention(w, dw, grad, lr, beta):
    v = beta * dw + lr * grad
    return w - v, v


def mom_old_step(w, dw, grad, lr, beta):
    w_new = w + dw
    return w_new, beta * dw - lr * grad


def mom_no_beta(w, dw, grad, lr, beta):
    step = -lr * grad
    return w + step, step


def mom_nesterov(w, dw, grad, lr, beta):
    v = beta * dw - lr * grad
    return w - lr * grad + beta * v, v


def mom_float32(w, dw, grad, lr, beta):
    v = (beta * dw - lr * grad).astype(np.float32)
    return (w + v).astype(np.float32), v


def mom_in_place(w, dw, grad, lr, beta):
    dw *= beta
    dw -= lr * grad
    w += dw
    return w, dw


def nes_plain(w, dw, grad, lr, beta):
    v = beta * dw - lr * grad
    return w + v, v


def nes_gradient_sign(w, dw, grad, lr, beta):
    v = beta * dw + lr * grad
    return w + beta * v + lr * grad, v


def nes_torch(w, dw, grad, lr, beta):
    b = beta * dw + grad
    return w - lr * (grad + beta * b), b


def nes_float32(w, dw, grad, lr, beta):
    v = beta * dw - lr * grad
    return np.float32(1) * (w + beta * v - lr * grad).astype(np.float32), v.astype(np.float32)


def nes_in_place(w, dw, grad, lr, beta):
    dw *= beta
    dw -= lr * grad
    w += beta * dw - lr * grad
    return w, dw


# ------------------------------------------------------------------ adam
def _adam(w, m, v, t, grad, lr, beta1, beta2, eps, *, correct=True, dt=0, root_eps=False, square=True, sign=1.0):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * (grad ** 2 if square else grad)
    tt = t + dt
    mh = m / (1 - beta1 ** tt) if correct else m
    vh = v / (1 - beta2 ** tt) if correct else v
    return w - sign * lr * mh / (np.sqrt(vh + eps) if root_eps else np.sqrt(vh) + eps), m, v


def adam_no_bias_correction(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, m, v, t, grad, lr, beta1, beta2, eps, correct=False)


def adam_t_plus_one(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, m, v, t, grad, lr, beta1, beta2, eps, dt=1)


def adam_eps_in_sqrt(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, m, v, t, grad, lr, beta1, beta2, eps, root_eps=True)


def adam_v_not_squared(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad
    return w - lr * (m / (1 - beta1 ** t)) / (np.sqrt(np.abs(v) / (1 - beta2 ** t)) + eps), m, v


def adam_uphill(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return _adam(w, m, v, t, grad, lr, beta1, beta2, eps, sign=-1.0)


def adam_float32(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    return tuple(a.astype(np.float32) for a in _adam(w, m, v, t, grad, lr, beta1, beta2, eps))


def adam_in_place(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * grad
    v *= beta2
    v += (1 - beta2) * grad * grad
    w -= lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps)
    return w, m, v


# ------------------------------------------------------------------ rprop
def _rprop(w, prev, size, grad, alpha, beta, step_min, step_max, *, ret=True, floor=True, keep=True, clip=True,
           sign_only=True, downhill=True):
    w, prev, size = w.copy(), prev.copy(), size.copy()
    for i in np.ndindex(w.shape):
        if np.sign(prev[i]) == np.sign(grad[i]):
            size[i] = min(alpha * size[i], step_max) if clip else alpha * size[i]
            prev[i] = grad[i]
        elif floor and size[i] <= step_min:
            prev[i] = grad[i]
        else:
            if ret:
                w[i] += np.sign(prev[i]) * size[i]
            size[i] = max(beta * size[i], step_min) if clip else beta * size[i]
            if not keep:
                prev[i] = grad[i]
        move = (np.sign(prev[i]) if sign_only else prev[i]) * size[i]
        w[i] = w[i] - move if downhill else w[i] + move
    return w, prev, size


def rp_no_return(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    return _rprop(w, prev_grad, size, grad, alpha, beta, step_min, step_max, ret=False)


def rp_no_floor(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    return _rprop(w, prev_grad, size, grad, alpha, beta, step_min, step_max, floor=False)


def rp_prev_updated(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    return _rprop(w, prev_grad, size, grad, alpha, beta, step_min, step_max, keep=False)


def rp_no_clip(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    return _rprop(w, prev_grad, size, grad, alpha, beta, step_min, step_max, clip=False)


def rp_gradient(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    return _rprop(w, prev_grad, size, grad, alpha, beta, step_min, step_max, sign_only=False)


def rp_uphill(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    return _rprop(w, prev_grad, size, grad, alpha, beta, step_min, step_max, downhill=False)


def rp_swapped(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    return _rprop(w, prev_grad, size, grad, beta, alpha, step_min, step_max)


def rp_float32(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    return tuple(a.astype(np.float32) for a in _rprop(w, prev_grad, size, grad, alpha, beta, step_min, step_max))


def rp_in_place(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    w2, p2, s2 = _rprop(w, prev_grad, size, grad, alpha, beta, step_min, step_max)
    w[...], prev_grad[...], size[...] = w2, p2, s2
    return w, prev_grad, size


# ------------------------------------------------------------------ svm
def _hinge(w, b, X, y, C, *, avg=False, reg=0.5, reg_grad=1.0, loss_reg=True, side="<", sign=1.0, db_mode="ok"):
    n = len(y)
    m = y * (X @ w + b)
    act = m < 1 if side == "<" else m > 1
    k = C / n if avg else C
    loss = (reg * np.dot(w, w) if loss_reg else 0.0) + k * np.clip(1 - m, 0, None).sum()
    dw = reg_grad * w - sign * k * (X[act] * y[act, None]).sum(axis=0)
    db = -sign * k * y[act].sum()
    if db_mode == "reg":
        db = db + b
    return float(loss), dw, float(db)


def hinge_averaged(w, b, X, y, C):
    return _hinge(w, b, X, y, C, avg=True)


def hinge_no_w_grad(w, b, X, y, C):
    return _hinge(w, b, X, y, C, reg_grad=0.0)


def hinge_no_reg(w, b, X, y, C):
    return _hinge(w, b, X, y, C, loss_reg=False)


def hinge_reg_squared(w, b, X, y, C):
    return _hinge(w, b, X, y, C, reg=1.0, reg_grad=2.0)


def hinge_margin_side(w, b, X, y, C):
    return _hinge(w, b, X, y, C, side=">")


def hinge_sign(w, b, X, y, C):
    return _hinge(w, b, X, y, C, sign=-1.0)


def hinge_db_regularised(w, b, X, y, C):
    return _hinge(w, b, X, y, C, db_mode="reg")


def hinge_float32(w, b, X, y, C):
    loss, dw, db = _hinge(w, b, X, y, C)
    return loss, dw.astype(np.float32), db


def hinge_in_place(w, b, X, y, C):
    out = _hinge(w, b, X, y, C)
    y *= 1.0
    y[0] = -y[0]
    return out


def _train(X, y, C, lr, epochs, *, decay=True, best=True, update_b=True):
    w, b = np.zeros(X.shape[1]), 0.0
    bw, bb, bl = w, b, np.inf
    for t in range(epochs):
        loss, dw, db = F.svm_objective(w, b, X, y, C)
        if loss < bl:
            bw, bb, bl = w.copy(), b, loss
        eta = lr / np.sqrt(t + 1) if decay else lr
        w = w - eta * dw
        if update_b:
            b -= eta * db
    return (bw, float(bb)) if best else (w, float(b))


def train_constant_step(X, y, C, lr, epochs, seed):
    return _train(X, y, C, lr, epochs, decay=False)


def train_b_frozen(X, y, C, lr, epochs, seed):
    return _train(X, y, C, lr, epochs, update_b=False)


def train_unseeded(X, y, C, lr, epochs, seed):
    n = len(y)
    w, b = np.zeros(X.shape[1]), 0.0
    bw, bb, bl = w, b, np.inf
    rng = np.random.default_rng()
    for ep in range(1, epochs + 1):
        for i in rng.permutation(n):
            g_w = w / n - (C * y[i] * X[i] if y[i] * (X[i] @ w + b) < 1 else 0.0)
            g_b = -C * y[i] if y[i] * (X[i] @ w + b) < 1 else 0.0
            w, b = w - lr / np.sqrt(ep) * g_w, b - lr / np.sqrt(ep) * g_b
        loss = F.svm_objective(w, b, X, y, C)[0]
        if loss < bl:
            bw, bb, bl = w.copy(), b, loss
    return bw, float(bb)


def train_float32(X, y, C, lr, epochs, seed):
    w, b = _train(X, y, C, lr, epochs)
    return w.astype(np.float32), b


def train_in_place(X, y, C, lr, epochs, seed):
    out = _train(X, y, C, lr, epochs)
    X -= 0.0
    X[0] = 0.0
    return out


STUDENT_MISTAKES = [
    ("backprop", "linear_backward", "no-upstream", lin_no_upstream),
    ("backprop", "linear_backward", "db-mean", lin_db_mean),
    ("backprop", "linear_backward", "dW-transposed", lin_dW_transposed),
    ("backprop", "linear_backward", "dx-W-transposed", lin_dx_W_transposed),
    ("backprop", "linear_backward", "db-wrong-axis", lin_db_wrong_axis),
    ("backprop", "linear_backward", "db-keepdims", lin_db_keepdims),
    ("backprop", "linear_backward", "float32", lin_float32),
    ("backprop", "linear_backward", "in-place", lin_in_place),
    ("backprop", "sigmoid_backward", "no-upstream", sig_no_upstream),
    ("backprop", "sigmoid_backward", "no-derivative", sig_no_derivative),
    ("backprop", "sigmoid_backward", "derivative-at-output", sig_at_output),
    ("backprop", "sigmoid_backward", "derivative-of-dout", sig_of_dout),
    ("backprop", "sigmoid_backward", "sign", sig_sign),
    ("backprop", "sigmoid_backward", "unstable-exponent", sig_naive),
    ("backprop", "sigmoid_backward", "product-misplaced", sig_square),
    ("backprop", "sigmoid_backward", "wrong-activation", sig_tanh_derivative),
    ("backprop", "sigmoid_backward", "float32", sig_float32),
    ("backprop", "sigmoid_backward", "in-place", sig_in_place),
    ("backprop", "tanh_backward", "no-upstream", tanh_no_upstream),
    ("backprop", "tanh_backward", "no-derivative", tanh_no_derivative),
    ("backprop", "tanh_backward", "derivative-at-output", tanh_at_output),
    ("backprop", "tanh_backward", "derivative-of-dout", tanh_of_dout),
    ("backprop", "tanh_backward", "sign", tanh_sign),
    ("backprop", "tanh_backward", "unstable-exponent", tanh_naive),
    ("backprop", "tanh_backward", "product-misplaced", tanh_no_square),
    ("backprop", "tanh_backward", "wrong-activation", tanh_sigmoid_derivative),
    ("backprop", "tanh_backward", "float32", tanh_float32),
    ("backprop", "tanh_backward", "in-place", tanh_in_place),
    ("backprop", "relu_backward", "no-upstream", relu_no_upstream),
    ("backprop", "relu_backward", "no-derivative", relu_no_derivative),
    ("backprop", "relu_backward", "kink", relu_kink),
    ("backprop", "relu_backward", "derivative-of-dout", relu_of_dout),
    ("backprop", "relu_backward", "float32", relu_float32),
    ("backprop", "relu_backward", "in-place", relu_in_place),
    ("backprop", "softmax_backward", "jacobian-diagonal", sm_diagonal),
    ("backprop", "softmax_backward", "no-derivative", sm_no_derivative),
    ("backprop", "softmax_backward", "no-upstream", sm_no_upstream),
    ("backprop", "softmax_backward", "wrong-axis", sm_wrong_axis),
    ("backprop", "softmax_backward", "unstable-exponent", sm_naive),
    ("backprop", "softmax_backward", "float32", sm_float32),
    ("backprop", "softmax_backward", "in-place", sm_in_place),
    ("backprop", "softmax_cross_entropy", "no-onehot", ce_no_onehot),
    ("backprop", "softmax_cross_entropy", "missing-1/N", ce_missing_1_over_n),
    ("backprop", "softmax_cross_entropy", "double-1/N", ce_double_1_over_n),
    ("backprop", "softmax_cross_entropy", "loss-sum", ce_loss_sum),
    ("backprop", "softmax_cross_entropy", "log-of-softmax", ce_log_of_softmax),
    ("backprop", "softmax_cross_entropy", "unstable-exponent", ce_naive),
    ("backprop", "softmax_cross_entropy", "unstable", ce_logsumexp_unshifted),
    ("backprop", "softmax_cross_entropy", "float32", ce_float32),
    ("backprop", "softmax_cross_entropy", "in-place", ce_in_place),
    ("backprop", "mlp_loss_and_grads", "no-relu-derivative", mlp_no_relu),
    ("backprop", "mlp_loss_and_grads", "z-for-h", mlp_z_for_h),
    ("backprop", "mlp_loss_and_grads", "log-of-softmax", mlp_log_of_softmax),
    ("backprop", "mlp_loss_and_grads", "unstable-exponent", mlp_naive),
    ("backprop", "mlp_loss_and_grads", "unstable", mlp_naive_gradient_only),
    ("backprop", "mlp_loss_and_grads", "missing-1/N", mlp_missing_1_over_n),
    ("backprop", "mlp_loss_and_grads", "regularisation-left-in", mlp_weight_decay),
    ("backprop", "mlp_loss_and_grads", "float32", mlp_float32),
    ("backprop", "mlp_loss_and_grads", "in-place", mlp_in_place),
    ("optimizers", "momentum_step", "gradient-sign", mom_gradient_sign),
    ("optimizers", "momentum_step", "velocity-convention", mom_velocity_convention),
    ("optimizers", "momentum_step", "old-step", mom_old_step),
    ("optimizers", "momentum_step", "no-beta", mom_no_beta),
    ("optimizers", "momentum_step", "nesterov-for-momentum", mom_nesterov),
    ("optimizers", "momentum_step", "float32", mom_float32),
    ("optimizers", "momentum_step", "in-place", mom_in_place),
    ("optimizers", "nesterov_step", "plain-momentum", nes_plain),
    ("optimizers", "nesterov_step", "gradient-sign", nes_gradient_sign),
    ("optimizers", "nesterov_step", "velocity-convention", nes_torch),
    ("optimizers", "nesterov_step", "float32", nes_float32),
    ("optimizers", "nesterov_step", "in-place", nes_in_place),
    ("optimizers", "adam_step", "no-bias-correction", adam_no_bias_correction),
    ("optimizers", "adam_step", "t-off-by-one", adam_t_plus_one),
    ("optimizers", "adam_step", "eps-in-sqrt", adam_eps_in_sqrt),
    ("optimizers", "adam_step", "v-not-squared", adam_v_not_squared),
    ("optimizers", "adam_step", "update-sign", adam_uphill),
    ("optimizers", "adam_step", "float32", adam_float32),
    ("optimizers", "adam_step", "in-place", adam_in_place),
    ("optimizers", "rprop_step", "no-return", rp_no_return),
    ("optimizers", "rprop_step", "no-floor-rule", rp_no_floor),
    ("optimizers", "rprop_step", "prev-updated-on-flip", rp_prev_updated),
    ("optimizers", "rprop_step", "no-clip", rp_no_clip),
    ("optimizers", "rprop_step", "gradient-not-sign", rp_gradient),
    ("optimizers", "rprop_step", "step-uphill", rp_uphill),
    ("optimizers", "rprop_step", "factors-swapped", rp_swapped),
    ("optimizers", "rprop_step", "float32", rp_float32),
    ("optimizers", "rprop_step", "in-place", rp_in_place),
    ("svm", "hinge_loss_and_grad", "hinge-averaged", hinge_averaged),
    ("svm", "hinge_loss_and_grad", "no-regularizer-grad", hinge_no_w_grad),
    ("svm", "hinge_loss_and_grad", "no-regularizer", hinge_no_reg),
    ("svm", "hinge_loss_and_grad", "regularizer-squared", hinge_reg_squared),
    ("svm", "hinge_loss_and_grad", "margin-side", hinge_margin_side),
    ("svm", "hinge_loss_and_grad", "hinge-sign", hinge_sign),
    ("svm", "hinge_loss_and_grad", "db-wrong", hinge_db_regularised),
    ("svm", "hinge_loss_and_grad", "float32", hinge_float32),
    ("svm", "hinge_loss_and_grad", "in-place", hinge_in_place),
    ("svm", "train_linear_svm", "constant-step", train_constant_step),
    ("svm", "train_linear_svm", "b-frozen", train_b_frozen),
    ("svm", "train_linear_svm", "unseeded", train_unseeded),
    ("svm", "train_linear_svm", "float32", train_float32),
    ("svm", "train_linear_svm", "in-place", train_in_place),
]
