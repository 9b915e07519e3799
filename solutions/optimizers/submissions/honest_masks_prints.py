"""Rprop with boolean-mask assignments on copies, a debugging print, numpy.random imported."""

ASSIGNMENT = "optimizers"
KIND = "honest"
DESCRIPTION = ("rprop_step with boolean masks on copies (w[back] += ...) and a print; adam_step with np.power; "
               "an extra cell imports numpy.random; others: reference code")

EXTRA_CELLS = [
    ("before", "momentum_step", '''
import numpy.random
from numpy.random import default_rng
'''),
]

CELLS = {
    "adam_step": '''
def adam_step(w, m, v, t, grad, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step (t = 1, 2, ...). Returns (w, m, v)."""
    m_new = beta1 * m + (1 - beta1) * grad
    v_new = beta2 * v + (1 - beta2) * np.power(grad, 2)
    m_hat = m_new / (1 - np.power(beta1, t))
    v_hat = v_new / (1 - np.power(beta2, t))
    w_new = w - lr * m_hat / (np.sqrt(v_hat) + eps)
    return w_new, m_new, v_new
''',
    "rprop_step": '''
def rprop_step(w, prev_grad, size, grad, alpha=1.2, beta=0.5, step_min=1e-6, step_max=50.0):
    """One Rprop step after the first. Returns (w, prev_grad, size)."""
    w, prev_grad, size = w.copy(), prev_grad.copy(), size.copy()
    same = np.sign(prev_grad) == np.sign(grad)
    flip = ~same
    at_floor = flip & (size <= step_min)
    back = flip & ~at_floor
    w[back] += np.sign(prev_grad[back]) * size[back]
    size[same] = np.minimum(alpha * size[same], step_max)
    size[back] = np.maximum(beta * size[back], step_min)
    prev_grad[same | at_floor] = grad[same | at_floor]
    print("rprop: flipped", int(flip.sum()), "of", flip.size)
    return w - np.sign(prev_grad) * size, prev_grad, size
''',
}

EXPECT = {"test_momentum_step": 2, "test_nesterov_step": 2, "test_adam_step": 3, "test_rprop_step": 3}
