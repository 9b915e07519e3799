"""Everything as asked, plus the student's own experiment on a random quadratic in an extra cell."""

ASSIGNMENT = "optimizers"
KIND = "honest"
DESCRIPTION = ("momentum_step and nesterov_step written with a velocity variable v; an extra cell runs the four "
               "optimizers on a random quadratic from np.random.default_rng(7); others: reference code")

CELLS = {
    "momentum_step": '''
def momentum_step(w, dw, grad, lr, beta):
    """One heavy-ball momentum step: dw <- beta*dw - lr*grad; w <- w + dw. Returns (w, dw)."""
    v = beta * dw - lr * grad
    return w + v, v
''',
    "nesterov_step": '''
def nesterov_step(w, dw, grad, lr, beta):
    """One Nesterov step on the look-ahead point w. Returns (w, dw)."""
    v = beta * dw - lr * grad
    w_next = w + beta * v - lr * grad
    return w_next, v
''',
}

EXTRA_CELLS = [
    ("after", "rprop_step", '''
# does it work? a random quadratic 0.5 * sum(a * w**2)
rng = np.random.default_rng(7)
a = rng.uniform(0.5, 5.0, size=5)
w0 = rng.normal(size=5)
w, dw = w0.copy(), np.zeros(5)
for _ in range(200):
    w, dw = momentum_step(w, dw, a * w, lr=0.05, beta=0.9)
print("momentum ends at |w| =", np.linalg.norm(w))
w, m, v = w0.copy(), np.zeros(5), np.zeros(5)
for t in range(1, 201):
    w, m, v = adam_step(w, m, v, t, a * w, lr=0.05)
print("adam ends at |w| =", np.linalg.norm(w))
'''),
]

EXPECT = {"test_momentum_step": 2, "test_nesterov_step": 2, "test_adam_step": 3, "test_rprop_step": 3}
