"""Generate lectures/05_training.ipynb (lecture 05: training neural networks).

Run from the repository root, then execute and validate:

    .venv/bin/python tools/make_05_training.py
    .venv/bin/jupyter nbconvert --to notebook --execute --inplace lectures/05_training.ipynb
    .venv/bin/pytest lectures/05_training.ipynb -p no:cacheprovider

This file is the lecture's text and code cells in order, so it is as long as the lecture
(over ~500 lines by design: splitting it would split the lecture).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lecture_builder import LectureBuilder  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lectures" / "05_training.ipynb"

lecture = LectureBuilder()
md, code, cells = lecture.md, lecture.code, lecture.cells


# ----------------------------------------------------------------------------- title
md(r"""
# Lecture 05 — Training neural networks

*Seeds 001 (CMU deep learning: backprop, "2 vs not 2", Brady–Raghavan–Slawny, variance and
depth, saddle points, decaying learning rates), 002 (Mathematics of Deep Learning: empirical
risk, stochastic gradient descent on a linear regression with n = 10⁵, initialization) and
003/004 (ERM, mini-batches; loss functions as maximum likelihood).*

What we do here, all with `coursekit` (the same code the tests and the grader use):

1. **Empirical risk and minibatch SGD** — the stochastic gradient is an *unbiased* estimate of
   the full gradient, with variance ∝ 1/|S|; a panel with **batch size** and **learning rate**
   sliders.
2. **Output activations matched to targets** — linear / sigmoid / softmax outputs with squared
   error / BCE / CE are maximum likelihood for Gaussian / Bernoulli / categorical targets.
3. **Training on digits** — "2 vs not 2" (sigmoid + BCE), then ten classes (softmax + CE):
   loss curves, accuracies, a confusion matrix.
4. **Initialization** — uniform ±√(3/fan_in), Xavier, He: activation statistics per layer in a
   deep network, and training curves.
5. **Learning-rate decay** — the schedules of `coursekit.optim`.
6. **Backprop vs perceptron** on the Brady–Raghavan–Slawny example.
7. **Variance and depth**, and **saddle points**.

Every random number below comes from a fixed seed, so the printed numbers are reproducible.
""")

code(r"""
%matplotlib inline
import numpy as np
import matplotlib.pyplot as plt

from coursekit import datasets, losses, optim, style
from coursekit.layers import Sequential, Linear, Sigmoid, Tanh, ReLU
from coursekit.train import fit
from coursekit.widgets import sgd
from coursekit.widgets.panel import ERRORS

np.set_printoptions(precision=4, suppress=True)
style.use()
""")

# ----------------------------------------------------------------------------- 1. SGD
md(r"""
## 1. Empirical risk and minibatch SGD

Training minimizes the **empirical risk** (seed 002, eq. (1); seed 003)

$$\hat{\mathcal R}(\theta) = \frac1n\sum_{i=1}^n \ell\big(y_i, F(x_i, \theta)\big),
\qquad \nabla_\theta \hat{\mathcal R} = \frac1n\sum_{i=1}^n \nabla_\theta\,\ell\big(y_i, F(x_i,\theta)\big).$$

For large n the full gradient is expensive, so we average over a random **minibatch**
S ⊂ {1, …, n} instead: $\tilde\nabla = \frac1{|S|}\sum_{i\in S}\nabla_\theta\ell_i$. If S is
drawn uniformly at random, every index is in S with probability |S|/n, so

$$\mathbf E\big[\tilde\nabla\big] = \frac1{|S|}\sum_{i=1}^n \frac{|S|}{n}\nabla_\theta\ell_i = \nabla_\theta\hat{\mathcal R}
\qquad\text{(unbiased)},\qquad
\operatorname{Cov}\big[\tilde\nabla\big] = \frac{\Sigma}{|S|}\cdot\frac{n-|S|}{n-1},$$

where Σ is the covariance of the per-example gradients (the last factor is the
without-replacement correction, ≈ 1 for |S| ≪ n).

**Seed 002's example.** n = 10⁵ points (xᵢ, yᵢ) and
$L(\beta) = \frac1n\sum_i (y_i - \beta_0 - \beta_1 x_i)^2$ with the stochastic gradient

$$\tilde\nabla_\beta L = \frac{2}{|S|}\sum_{i\in S}\begin{bmatrix}\beta_0 + \beta_1x_i - y_i\\ x_i(\beta_0 + \beta_1 x_i - y_i)\end{bmatrix}.$$
""")

code(r"""
x, y = sgd.regression_data()          # coursekit.datasets.linear_regression(n=100_000, seed=0)
beta_star, loss_star = sgd.least_squares()
print(f"n = {x.size}, least squares: β* = ({beta_star[0]:.3f}, {beta_star[1]:.3f}), L(β*) = {loss_star:.4f}")

beta = np.array([-2.0, -2.0])
g_full = sgd.full_gradient(beta)
print(f"full gradient at β = (-2, -2):  {g_full[0]:.3f}, {g_full[1]:.3f}")
""")

md(r"""
**Unbiasedness, measured.** Draw 2000 minibatches of size |S| = 16 at the same β and average
their gradients; compare with the full gradient and with the standard error predicted by
Σ/|S|.
""")

code(r"""
G = sgd.gradient_estimates(beta, batch_size=16, n_draws=2000, seed=1)
Sigma = np.cov(sgd.per_example_gradients(beta).T)            # per-example gradient covariance
se = np.sqrt(np.diag(Sigma) / 16 / len(G))                    # standard error of the mean of 2000 draws
print("mean of 2000 minibatch gradients:", np.round(G.mean(axis=0), 3))
print("full gradient                   :", np.round(g_full, 3))
print("difference in standard errors   :", np.round((G.mean(axis=0) - g_full) / se, 2))
""")

md(r"""
**Variance ∝ 1/|S|.** The total variance tr Cov[∇̃] of the estimate for batch sizes 1 … 1024,
against the prediction tr Σ / |S| · (n − |S|)/(n − 1):
""")

code(r"""
sizes = [1, 4, 16, 64, 256, 1024]
n = x.size
emp = np.array([np.trace(np.cov(sgd.gradient_estimates(beta, b, 1000, seed=2).T)) for b in sizes])
pred = np.array([np.trace(Sigma) / b * (n - b) / (n - 1) for b in sizes])
for b, e, p in zip(sizes, emp, pred):
    print(f"|S| = {b:5d}:  measured variance {e:9.3f}   predicted {p:9.3f}   ratio {e / p:.2f}")

fig, ax = style.subplots(figsize=(5, 3.5))
ax.loglog(sizes, emp, "o", label="measured (1000 draws)")
ax.loglog(sizes, pred, "-", label="tr Σ / |S|")
ax.set_xlabel("batch size |S|")
ax.set_ylabel("tr Cov[stochastic gradient]")
ax.legend()
ax.set_title("the noise of SGD shrinks like 1/|S|")
plt.show()
""")

md(r"""
### The SGD panel

`sgd.simulate_sgd(batch_size, lr, n_steps, seed)` is a **pure** function: it runs
β ← β − η ∇̃L(β) from β = (−2, −2) and returns the path and the loss curve; the panel below only
draws it. Move the sliders:

* **batch size** small → a noisy path that keeps jittering around β*; large → close to full
  gradient descent (the excess risk goes down to a lower *noise floor*).
* **learning rate** — full-batch gradient descent on this quadratic is stable for
  η < 2/λ_max(∇²L) (printed under the sliders); beyond it the iteration **diverges**. Small
  batches become unstable earlier: a single example can have a much larger curvature
  2(1 + xᵢ²) than the average.
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
# (a live widget: its view and the captured figure differ between front ends)
panel = sgd.SGDPanel(batch_size=32, lr=0.05, n_steps=200, seed=0)
panel
""")

md(r"""
The sliders can also be moved from code — `panel.set(...)` does exactly what dragging them
does (the figure above redraws), and `panel.data` holds what `simulate_sgd` returned:
""")

code(r"""
# NBVAL_IGNORE_OUTPUT
# (the redraw goes into the widget above; some front ends echo the figure here)
moved = {}
for b in (1, 1024):
    panel.set(batch_size=b, lr=0.2)
    moved[b] = panel.data["losses"][-1] - panel.data["loss_star"]
panel.set(batch_size=32, lr=0.05);
""")

code(r"""
for b, gap in moved.items():
    print(f"|S| = {b:4d}, η = 0.2: excess risk after 200 steps {gap:.2e}")
print(f"panel back at |S| = {panel.data['batch_size']}, η = {panel.data['lr']}; redraws so far: {panel.renders}")
""")

md(r"""
The same experiment without sliders — 200 steps at η = 0.05, different batch sizes, and one
learning rate beyond the stability limit:
""")

code(r"""
fig, ax = style.subplots(figsize=(6, 3.5))
for b in [1, 16, 256, 4096]:
    run = sgd.simulate_sgd(batch_size=b, lr=0.05, n_steps=200, seed=0)
    gap = run["losses"] - run["loss_star"]
    ax.semilogy(gap, label=f"|S| = {b}")
    print(f"|S| = {b:5d}: mean excess risk over the last 50 steps {gap[-50:].mean():.2e}")
ax.set_xlabel("step k")
ax.set_ylabel("L(β_k) − L(β*)")
ax.legend()
plt.show()

lr_max = run["lr_max"]
for lr in [0.9 * lr_max, 1.1 * lr_max]:
    run = sgd.simulate_sgd(batch_size=4096, lr=lr, n_steps=200, seed=0)
    print(f"η = {lr:.3f} ({lr / lr_max:.1f} × 2/λ_max): diverged = {run['diverged']}")
""")

md(r"""
Each step of |S| = 1 costs 1/n of a full gradient, so for a fixed *computational* budget SGD
takes many more (noisier) steps — which is why minibatch SGD is the workhorse of deep learning
(seed 002: "Main technique: Stochastic Gradient Descent"). The noise floor at a constant η is
what learning-rate decay (section 5) removes.
""")

# ----------------------------------------------------------------------------- 2. outputs
md(r"""
## 2. Output activations matched to targets (maximum likelihood)

Seed 004 derives the loss functions as **maximum likelihood**: the network outputs the
parameters of a model distribution p(y | x; θ) and we minimize the negative log-likelihood
−(1/n) Σ log p(yᵢ | xᵢ; θ).

| target | model p(y \| x) | output activation | NLL = loss |
|---|---|---|---|
| real y | Gaussian N(ŷ, σ²) | linear, ŷ = z | ‖ŷ − y‖²/(2σ²) + const → **squared error** |
| y ∈ {0, 1} | Bernoulli(p) | sigmoid, p = σ(z) | −y log p − (1 − y) log(1 − p) → **BCE** |
| y ∈ {1..C} | categorical(p) | softmax, p = softmax(z) | −log p_y → **cross-entropy** |

We check the three identities numerically against `scipy.stats`' log-densities:
""")

code(r"""
from scipy import stats
from coursekit import functional as F

rng = np.random.default_rng(0)
z = rng.normal(size=(8, 1))
y_real = rng.normal(size=(8, 1))
mse, _ = F.mse_loss(z, y_real)                     # (1/N) Σ (ŷ − y)²
nll_gauss = -stats.norm.logpdf(y_real, loc=z, scale=1.0).mean()
print(f"Gaussian:    NLL = {nll_gauss:.4f} = MSE/2 + log(2π)/2 = {mse / 2 + np.log(2 * np.pi) / 2:.4f}")

y01 = rng.integers(0, 2, size=8)
p = F.sigmoid_forward(z[:, 0])
bce, _ = F.bce_loss(p, y01)
print(f"Bernoulli:   NLL = {-stats.bernoulli.logpmf(y01, p).mean():.4f} = BCE = {bce:.4f}")

logits = rng.normal(size=(8, 10))
yc = rng.integers(0, 10, size=8)
ce, _ = F.softmax_cross_entropy(logits, yc)
probs = F.softmax_forward(logits)
nll_cat = -np.mean([stats.multinomial.logpmf(np.eye(10)[k], 1, probs[i]) for i, k in enumerate(yc)])
print(f"categorical: NLL = {nll_cat:.4f} = CE = {ce:.4f}")
""")

md(r"""
A consequence seen in lecture 03: with the *matched* pair the output error signal is simply
δ = ∂L/∂z = (ŷ − y)/N (times 2 for the squared error) — the activation's derivative cancels. With a
mismatched pair, e.g. sigmoid + squared error, δ carries an extra factor σ′(z), which vanishes
when the unit saturates (|z| large): a confidently *wrong* unit then barely learns. We will meet
this again in section 6.
""")

code(r"""
zz = np.array([-8.0, -2.0, 0.0, 2.0, 8.0])
target = np.ones(5)
pp = F.sigmoid_forward(zz)
d_bce = pp - target                                     # sigmoid + BCE:  δ = p − y
d_l2 = 2 * (pp - target) * pp * (1 - pp)                # sigmoid + L2:   δ = 2(p − y) σ'(z)
for zi, a, b in zip(zz, d_bce, d_l2):
    print(f"z = {zi:5.1f}, target 1:  δ(BCE) = {a:8.4f}   δ(L2) = {b:8.4f}")
""")

# ----------------------------------------------------------------------------- 3. digits
md(r"""
## 3. Training on digits

Seed 001's running example: 8×8 images of handwritten digits (scikit-learn's copy of the UCI
set, pixels scaled to [0, 1]).

### "2" or "not 2" — one sigmoid output, binary cross-entropy
""")

code(r"""
Xtr, Xte, ytr, yte = datasets.digits(seed=0)
print(f"train {Xtr.shape}, test {Xte.shape}, classes {np.unique(ytr)}")

fig, axes = style.subplots(1, 10, figsize=(10, 1.3))
for k, ax in enumerate(axes):
    ax.imshow(Xtr[np.flatnonzero(ytr == k)[0]].reshape(8, 8), cmap=style.CMAPS["digits"])
    ax.set_title(str(k))
    ax.axis("off")
plt.show()
""")

code(r"""
t_tr = (ytr == 2).astype(np.int64)
t_te = (yte == 2).astype(np.int64)
net2 = Sequential(Linear(64, 32, init="he", rng=0), ReLU(), Linear(32, 1, rng=1), Sigmoid())
hist2 = fit(net2, losses.BCELoss(), Xtr, t_tr, optim.GD(lr=0.5), epochs=20, batch_size=32, seed=0,
            progress=False)
acc2 = np.mean(net2.predict(Xte) == t_te)
print(f"2 vs not 2: test accuracy {acc2:.3f} (always saying 'not 2' scores {np.mean(t_te == 0):.3f})")
""")

md(r"""
Note the baseline: only about 1 in 10 images is a "2", so a constant "not 2" is already ≈ 90 %
accurate — accuracy alone hides how well the rare class is found. Count the 2s we find:
""")

code(r"""
pred2 = net2.predict(Xte)
tp = int(np.sum((pred2 == 1) & (t_te == 1)))
print(f"found {tp} of {int(t_te.sum())} twos; {int(np.sum((pred2 == 1) & (t_te == 0)))} false alarms")
""")

md(r"""
### Ten classes — softmax output, cross-entropy

The output layer has 10 units; the softmax turns the logits into a distribution, and the fused
`softmax_cross_entropy` computes −log softmax(z)_y stably with δ = softmax(z) − onehot(y).
""")

code(r"""
net10 = Sequential(Linear(64, 64, init="he", rng=0), ReLU(), Linear(64, 10, rng=1))
hist10 = fit(net10, losses.SoftmaxCrossEntropyLoss(), Xtr, ytr, optim.GD(lr=0.2), epochs=20,
             batch_size=32, seed=0, X_val=Xte, y_val=yte, progress=False)
pred10 = net10.predict(Xte)
acc10 = np.mean(pred10 == yte)
print(f"10 classes: train accuracy {np.mean(net10.predict(Xtr) == ytr):.3f}, test accuracy {acc10:.3f}")

fig, (ax0, ax1) = style.subplots(1, 2, figsize=(11, 4))
ax0.plot(hist2.train_loss, label="2 vs not 2 (BCE)")
ax0.plot(hist10.train_loss, label="10 classes (CE): train")
ax0.plot(hist10.val_loss, "--", label="10 classes (CE): test")
ax0.set_xlabel("epoch")
ax0.set_ylabel("loss")
ax0.set_yscale("log")
ax0.legend()
ax0.set_title("loss curves")
cm = np.zeros((10, 10), dtype=int)
np.add.at(cm, (yte, pred10), 1)
im = ax1.imshow(cm, cmap=style.CMAPS["counts"])
for i in range(10):
    for j in range(10):
        if cm[i, j]:
            ax1.text(j, i, cm[i, j], ha="center", va="center", fontsize=style.FONT["small"],
                     color=style.COLORS["minimum" if cm[i, j] > cm.max() / 2 else "text"])
ax1.set_xticks(range(10))
ax1.set_yticks(range(10))
ax1.set_xlabel("predicted")
ax1.set_ylabel("true")
ax1.set_title("confusion matrix (test)")
plt.show()
""")

code(r"""
off = cm - np.diag(np.diag(cm))
i, j = np.unravel_index(off.argmax(), off.shape)
print(f"most frequent confusion: true {i} predicted as {j} ({off[i, j]} times)")
""")

# ----------------------------------------------------------------------------- 3b. ten-class SVM
md(r"""
### Ten classes with a kernel SVM: one-vs-one

An SVM separates *two* classes. For ten, `coursekit.svm.KernelSVM` does what scikit-learn's `SVC`
(LIBSVM) does, **one-vs-one**: one soft-margin SVM for each of the $\binom{10}{2} = 45$ pairs of
digits $(i, j)$, trained on the images of those two digits only, with decision function
$f_{ij}(x) = \sum_{k \in \mathrm{SV}_{ij}} y_k \alpha_k \, k(x_k, x) + \beta_{0,ij}$. Each pair casts one
vote, for $i$ if $f_{ij}(x) > 0$ and for $j$ otherwise, and the digit with the most votes wins
(at most 9, one per rival). Same split as the network above; RBF kernel
$k(x, x') = e^{-\gamma \lVert x - x' \rVert^2}$ with $\gamma = 1 / (d \cdot \mathrm{Var}\,X)$
(`gamma="scale"`) and $C = 1$.
""")

code(r"""
from sklearn.svm import SVC
from coursekit.svm import KernelSVM

svm10 = KernelSVM(C=1.0, kernel="rbf", gamma="scale").fit(Xtr, ytr)
pred_svm = svm10.predict(Xte)
acc_svm = np.mean(pred_svm == yte)
print(f"{len(svm10.intercept_)} pairwise SVMs; {svm10.support_.size} of {len(ytr)} training images are "
      f"support vectors (per digit: {svm10.n_support_.tolist()})")
# decision_function gives per digit its votes plus a tie-breaker in (−1/3, 1/3): rounding recovers the votes
votes = np.rint(svm10.decision_function(Xte[:3])).astype(int)
for k in range(3):
    print(f"test image {k}, a {yte[k]}: votes per digit {votes[k].tolist()} → predicted {pred_svm[k]}")
print(f"test accuracy: kernel SVM {acc_svm:.3f}, MLP {acc10:.3f}")
print(f"test errors (of {len(yte)}): kernel SVM {np.sum(pred_svm != yte)}, MLP {np.sum(pred10 != yte)}; "
      f"images both get wrong: {np.sum((pred_svm != yte) & (pred10 != yte))}")
sk10 = SVC(C=1.0, kernel="rbf", gamma="scale").fit(Xtr, ytr)
print(f"scikit-learn's SVC predicts the same digit on {np.mean(sk10.predict(Xte) == pred_svm):.1%} of the test images")
""")

md(r"""
Reading the numbers: the kernel SVM gets 98.7 % of the test digits right against the MLP's
96.9 % (6 errors instead of 14), and all 6 images it gets wrong are among the MLP's 14, so these
are hard images for both rather than a blind spot of one method. It needed no learning rate, no
epochs and no initialization: each of the 45 duals is a convex problem that SMO solves to its
tolerance, which is why it predicts exactly what scikit-learn's `SVC` predicts. The price is at
prediction time: every test image is compared (one kernel evaluation each) with all 617 support
vectors, almost half of the training set, where the MLP needs two small matrix products.
""")

# ----------------------------------------------------------------------------- 4. init
md(r"""
## 4. Initialization

Seed 002's rule of thumb: $w[u\to v]\sim U[-c, c]$ with $c=\sqrt{3/\text{fan\_in}}$ — a
uniform variable on [−c, c] has variance c²/3 = 1/fan_in, so z = W y keeps
Var[z] ≈ Var[y] when the inputs are roughly unit-variance. Xavier/Glorot uses
2/(fan_in + fan_out) (keeps the *backward* pass balanced too); He uses 2/fan_in, doubling
the variance because a ReLU zeroes half of its inputs. (`coursekit.init` lists them.)

We push 1000 random inputs through a 10-layer network of width 100 and look at the standard
deviation of each layer's activations:
""")

code(r"""
from coursekit import init as ck_init

def activation_stds(act, init_name, depth=10, width=100, seed=0):
    rng = np.random.default_rng(seed)
    h = rng.normal(size=(1000, width))
    stds = []
    for k in range(depth):
        layer = Linear(width, width, init=init_name, rng=seed + k)
        h = act().forward(layer.forward(h))
        stds.append(h.std())
    return np.array(stds)

fig, axes = style.subplots(1, 2, figsize=(11, 3.5))
for ax, act in zip(axes, [Tanh, ReLU]):
    for name in ["uniform", "xavier", "he"]:
        s = activation_stds(act, name)
        ax.semilogy(range(1, 11), s, "o-", label=name)
        print(f"{act.__name__:4s} {name:8s}: std of layer 1 {s[0]:.3f}, layer 10 {s[-1]:.3f}")
    ax.set_title(f"{act.__name__} network")
    ax.set_xlabel("layer")
    ax.set_ylabel("std of activations")
    ax.legend()
plt.show()
""")

md(r"""
With tanh, the fan-in rule and Xavier (identical here since fan_in = fan_out) keep the signal
alive but slowly shrinking; with ReLU only He keeps the standard deviation constant, while
the variance-1/fan_in rules halve the *variance* at every layer (a factor 2¹⁰ ≈ 1000 after
ten layers). Training curves of a deep (6 hidden layers) ReLU net on digits with each
initializer (inputs standardized to mean 0, variance 1 per pixel, as the variance argument
assumes):
""")

code(r"""
def deep_net(init_name, seed=0, depth=6, width=32):
    layers, d = [], 64
    for k in range(depth):
        layers += [Linear(d, width, init=init_name, rng=seed + k), ReLU()]
        d = width
    return Sequential(*layers, Linear(d, 10, init=init_name, rng=seed + depth))

mu, sd = Xtr.mean(axis=0), Xtr.std(axis=0) + 1e-8
Xtr_s, Xte_s = (Xtr - mu) / sd, (Xte - mu) / sd
fig, ax = style.subplots(figsize=(6, 3.5))
for name in ["uniform", "xavier", "he"]:
    net = deep_net(name)
    h = fit(net, losses.SoftmaxCrossEntropyLoss(), Xtr_s, ytr, optim.GD(lr=0.05), epochs=8, batch_size=32,
            seed=0, progress=False)
    ax.plot(h.train_loss, "o-", label=name)
    print(f"{name:8s}: loss after epoch 1 {h.train_loss[0]:.3f}, after epoch 8 {h.train_loss[-1]:.3f}, "
          f"test accuracy {np.mean(net.predict(Xte_s) == yte):.3f}")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss")
ax.legend()
ax.set_title("deep ReLU net, SGD η = 0.05")
plt.show()
""")

# ----------------------------------------------------------------------------- 5. decay
md(r"""
## 5. Learning-rate decay

Seed 001 lists typical decay schedules: η_k = η₀/(k+1), η₀/(k+1)², η₀e^{−βk} (and step decay
by a factor α when the loss stagnates). With a constant η, SGD does not converge: it keeps
jittering at a noise floor set by η and |S| (section 1). Robbins–Monro: with Σ η_k = ∞ and
Σ η_k² < ∞ the iterates converge.
""")

code(r"""
eta0 = 0.2
schedules = {
    "constant": lambda k: eta0,
    "η₀/(k+1)": optim.LinearDecay(eta0),
    "η₀/(k+1)²": optim.QuadraticDecay(eta0),
    "η₀ e^(−0.01k)": optim.ExponentialDecay(eta0, beta=0.01),
}
fig, (ax0, ax1) = style.subplots(1, 2, figsize=(11, 3.5))
for name, sch in schedules.items():
    run = sgd.simulate_sgd(batch_size=4, lr=eta0, n_steps=500, seed=0, schedule=sch)
    gap = run["losses"] - run["loss_star"]
    ax0.semilogy(run["lrs"], label=name)
    ax1.semilogy(gap, label=name, lw=0.8)
    print(f"{name:15s}: excess risk at step 500 {gap[-1]:.2e}, final β = {np.round(run['betas'][-1], 3)}")
ax0.set_xlabel("step k")
ax0.set_ylabel("η_k")
ax0.legend()
ax1.set_xlabel("step k")
ax1.set_ylabel("L(β_k) − L(β*)")
ax1.set_title("SGD with |S| = 4 on seed 002's regression")
plt.show()
""")

md(r"""
η₀/(k+1)² decays so fast that Σ η_k = η₀π²/6 ≈ 0.33 is too small a total step: the iterates
stop before reaching β* (a "too cautious" schedule). η₀/(k+1) (Σ η_k = ∞, Σ η_k² < ∞: the
Robbins–Monro conditions) first makes fast progress and then averages out the noise. The
exponential schedule also has a finite total step, Σ η_k = η₀/(1 − e^(−0.01)) ≈ 20, but that is
plenty here: it moves fast while η is large and freezes once it is small — on a longer horizon
the choice of β decides where it freezes.
""")

md(r"""
The same on digits, through the training loop: `fit(..., schedule=...)` sets `optimizer.lr`
before every minibatch step. A large constant η = 0.5 against η₀e^(−0.005k):
""")

code(r"""
fig, (ax0, ax1) = style.subplots(1, 2, figsize=(11, 3.5))
for name, sch in [("constant η = 0.5", None), ("η₀ e^(−0.005k), η₀ = 0.5", optim.ExponentialDecay(0.5, beta=0.005))]:
    net = Sequential(Linear(64, 64, init="he", rng=0), ReLU(), Linear(64, 10, rng=1))
    h = fit(net, losses.SoftmaxCrossEntropyLoss(), Xtr, ytr, optim.GD(lr=0.5), epochs=10, batch_size=32,
            seed=0, schedule=sch, X_val=Xte, y_val=yte, progress=False)
    ax0.semilogy(h.step_loss, lw=0.6, label=name)
    ax1.plot(range(1, 11), h.val_accuracy, "o-", label=name)
    print(f"{name:26s}: last η {h.lr[-1]:.3f}, spread (std) of the last epoch's minibatch losses "
          f"{np.std(h.step_loss[-43:]):.3f}, test accuracy per epoch {np.round(h.val_accuracy, 2).tolist()}")
ax0.set_xlabel("step k")
ax0.set_ylabel("minibatch loss")
ax0.legend()
ax1.set_xlabel("epoch")
ax1.set_ylabel("test accuracy")
ax1.legend()
plt.show()
""")

md(r"""
With the constant large step the iterate keeps jumping: the test accuracy after an epoch depends
on where the last steps happened to land. The decayed schedule settles.
""")

# ----------------------------------------------------------------------------- 6. BRS
md(r"""
## 6. Backprop vs perceptron (Brady, Raghavan & Slawny, 1989)

Seed 001: "Backprop fails to separate where perceptron succeeds." Three points — (1, 0) and
(0, 1) of class +1 and (−1, 0) of class −1 — and one logistic unit y = σ(w_x x + w_y y' + b)
trained with the L2 divergence Div = (y − d)². Take the targets d = 1 − ε for class +1 and
d = ε for class −1 ("1 − ε is the actual achievable value"; we take ε = 0.1, the seed's
example is ε = 0.01 — the argument is the same, the smaller ε only makes gradient descent
slower), and u = σ⁻¹(1 − ε) = log 9 ≈ 2.197. The three equations

$$w_x + b = u,\qquad w_y + b = u,\qquad -w_x + b = -u$$

have the unique solution w_x = w_y = u, b = 0 (the seed's slide prints "w_x = u, w_x = u": a
typo for w_y), the line x + y' = 0, and it fits all three points perfectly (loss 0).

Now add the **spoiler** (0, −t) of class +1, far away (t large). The four points are still
linearly separable (e.g. the line x = −½), so the perceptron finds a separator. But near the
three-point solution the spoiler sits deep in the flat tail of the sigmoid: its contribution
to the gradient, 2(σ(z₄) − d₄) σ′(z₄) ∂z₄/∂w with z₄ = −w_y t + b, vanishes exponentially in
t. The three-point optimum is a broad *local* minimum of the four-point problem.
""")

code(r"""
from coursekit.layers import Sign

t, eps = 10.0, 0.1
X4, y4 = datasets.spoiler(t=t)                 # labels ±1; the spoiler is the last row
print("points:", X4.tolist(), "labels:", y4.tolist())
d4 = np.where(y4 > 0, 1 - eps, eps)            # L2 targets for the logistic unit

def separates(w, b, X, y):
    return bool(np.all(np.sign(X @ w + b) == y))

# The perceptron rule (Rosenblatt): on a mistake (y·z ≤ 0), w ← w + y x, b ← b + y.
percep = Sequential(Linear(2, 1, init="zeros"), Sign())
lin = percep[0]
updates = 0
for epoch in range(1000):
    mistakes = 0
    for xi, yi in zip(X4, y4):
        if yi * lin.forward(xi[None])[0, 0] <= 0:
            lin.params["W"][0] += yi * xi
            lin.params["b"][0] += yi
            mistakes += 1
    updates += mistakes
    if mistakes == 0:
        break
w_p, b_p = lin.params["W"][0].copy(), lin.params["b"][0]
print(f"perceptron: w = {np.round(w_p, 3)}, b = {b_p:.3f} after {updates} updates; "
      f"separates all four points: {separates(w_p, b_p, X4, y4)}")
print("perceptron predictions (Sign layer):", percep.predict(X4).tolist())
""")

md(r"""
Backprop: a `Linear(2, 1)` + `Sigmoid` network trained by gradient descent on the mean L2
divergence (`losses.MSELoss`). First on the three points (as if the spoiler arrived later), then
on all four, starting from where it was:
""")

code(r"""
def train_logistic_l2(X, d, w0, b0, lr=5.0, epochs=1500):
    net = Sequential(Linear.from_weights(np.array([w0], float), np.array([b0], float)), Sigmoid())
    fit(net, losses.MSELoss(), X, d[:, None], optim.GD(lr=lr), epochs=epochs, batch_size=len(X),
        seed=0, shuffle=False, progress=False)
    return net[0].params["W"][0].copy(), float(net[0].params["b"][0])

def r3(v):
    return np.round(v, 3) + 0.0          # + 0.0 turns −0.0 into 0.0 for printing

w3, b3 = train_logistic_l2(X4[:3], d4[:3], [0.0, 0.0], 0.0)
print(f"backprop, 3 points: w = {r3(w3)}, b = {r3(b3):.3f}   (theory: w_x = w_y = u = {np.log((1 - eps) / eps):.3f}, b = 0)")
w_b, b_b = train_logistic_l2(X4, d4, w3, b3)
print(f"backprop, 4 points: w = {r3(w_b)}, b = {r3(b_b):.3f}; separates all four points: "
      f"{separates(w_b, b_b, X4, y4)}")
z4 = -w_b[1] * t + b_b
print(f"spoiler: z₄ = {z4:.1f}, σ(z₄) = {1 / (1 + np.exp(-z4)):.1e}, σ'(z₄)·t = {t * np.exp(z4):.1e}")
""")

code(r"""
fig, ax = style.subplots(figsize=(5, 5))
for lab, m, c in [(1, "o", style.COLORS["class1"]), (-1, "s", style.COLORS["class0"])]:
    sel = y4 == lab
    ax.scatter(X4[sel, 0], X4[sel, 1], marker=m, s=80, c=c, label=f"class {lab:+d}", zorder=3)
xs = np.linspace(-2, 2, 2)
ax.plot(xs, -(w_b[0] * xs + b_b) / w_b[1], **style.line("classifier"), label="backprop (logistic + L2)")
if abs(w_p[1]) > 1e-12:
    ax.plot(xs, -(w_p[0] * xs + b_p) / w_p[1], **style.line("bound"), label="perceptron")
else:
    ax.axvline(-b_p / w_p[0], **style.line("bound"), label="perceptron")
ax.set_xlim(-2, 2)
ax.set_ylim(-t - 1, 2)
ax.set_xlabel("x")
ax.set_ylabel("y'")
ax.legend(loc="center right")
ax.set_title(f"spoiler at (0, −{t:g})")
plt.show()
""")

md(r"""
How often does this happen from a *random* start? From 12 random initializations (seed 002's
U[−c, c], c = √(3/fan_in)), trained directly on the four points:
""")

code(r"""
rng = np.random.default_rng(0)
c = np.sqrt(3 / 2)
found = [separates(*train_logistic_l2(X4, d4, rng.uniform(-c, c, 2), rng.uniform(-c, c), epochs=500), X4, y4)
         for _ in range(12)]
print(f"random starts that end separating: {sum(found)} of 12")
""")

md(r"""
So backprop does not *always* get stuck — but whenever it starts near the three-point
solution (for instance because the spoiler arrived after the others were learned), it stays
there: the L2 divergence is only a *proxy* for the classification error. Seed 001's reading:
the perceptron has low bias but **high variance** (one new point moves it wildly), backprop
"prefers consistency over perfection" — a low-variance estimator at the cost of bias.
""")

# ----------------------------------------------------------------------------- 7. variance/depth
md(r"""
## 7. Variance and depth; saddle points

### Variance of decision boundaries

Seed 001 (anecdotal): the variance of the learned decision boundary decreases with depth and
with data. We train the same architecture from 5 random initializations (and minibatch orders)
on the same data and measure, over a grid, the fraction of points on which the 5 networks
**disagree** — a small-scale estimate of the boundary's variance, for a shallow (1 hidden
layer of 16) and a deeper (3 hidden layers of 16) net, and for 100 vs 400 training points.
""")

code(r"""
g0, g1 = np.meshgrid(np.linspace(-1.5, 2.5, 80), np.linspace(-1.0, 1.5, 60))
grid = np.column_stack([g0.ravel(), g1.ravel()])

def boundary_runs(n_points, depth, n_seeds=5):
    X, yy = datasets.moons(n=n_points, noise=0.25, seed=0)
    preds = []
    for s in range(n_seeds):
        layers, d = [], 2
        for k in range(depth):
            layers += [Linear(d, 16, init="xavier", rng=100 * s + k), Tanh()]
            d = 16
        net = Sequential(*layers, Linear(d, 1, rng=100 * s + 99), Sigmoid())
        fit(net, losses.BCELoss(), X, yy, optim.GD(lr=1.0), epochs=150, batch_size=n_points // 2, seed=s,
            progress=False)
        preds.append(net.predict(grid))
    preds = np.array(preds)
    disagree = np.mean(preds.min(axis=0) != preds.max(axis=0))
    return X, yy, preds, disagree

fig, axes = style.subplots(2, 2, figsize=(10, 7), sharex=True, sharey=True)
for row, n_points in enumerate([100, 400]):
    for col, depth in enumerate([1, 3]):
        X, yy, preds, dis = boundary_runs(n_points, depth)
        ax = axes[row, col]
        for p in preds:
            ax.contour(g0, g1, p.reshape(g0.shape), levels=[0.5], colors=style.COLORS["boundary"], linewidths=0.8, alpha=0.7)
        ax.scatter(X[:, 0], X[:, 1], c=yy, cmap=style.CMAPS["classes"], s=8)
        ax.set_title(f"n = {n_points}, {depth} hidden layer(s): disagreement {dis:.2f}")
        print(f"n = {n_points:3d}, depth {depth}: fraction of the grid where the 5 nets disagree {dis:.2f}")
plt.show()
""")

md(r"""
Read the numbers rather than the slogan. In this small experiment (5 nets per panel, only 300
minibatch steps each) the deeper nets' boundaries disagree *more* than the shallow ones', and
4× more data does not shrink the spread: the nets are far from trained to their optimum, and
away from the data (the corners of the grid) each one extrapolates its own way. Seed 001 calls
its claim "anecdotal": it is about heavily over-designed networks (660 hidden neurons, 1000 and
10000 points) and it *assumes the global optimum is found* — which the next paragraph
questions. A fair test needs many seeds, sizes and long training; the code above is the
template (try `epochs=1000`).

### Saddle points

A saddle point has zero slope while the surface rises in some directions and falls in others:
the Hessian has eigenvalues of **both signs**. The simplest one is f(x, y) = x² − y² at the
origin, with ∇²f = diag(2, −2). Gradient descent started almost on the stable axis
(y₀ = 10⁻⁶) rushes to the saddle and then **stalls**: |∇f| is tiny for many steps, until the
unstable direction has grown enough to escape.
""")

code(r"""
from coursekit import landscapes


class Saddle(landscapes.Landscape):
    # f(x, y) = x² − y²:  ∇f = (2x, −2y),  ∇²f = diag(2, −2)
    name, dim = "saddle x² − y²", 2

    def _value(self, w):
        return w[0] ** 2 - w[1] ** 2

    def _grad(self, w):
        return np.array([2 * w[0], -2 * w[1]])

    def _hessian(self, w):
        return np.diag([2.0, -2.0])


saddle = Saddle()
H = saddle.hessian(np.zeros(2))
print("Hessian at the origin:\n", H, "\neigenvalues:", np.linalg.eigvalsh(H))
traj = landscapes.run(optim.GD(lr=0.05), saddle, np.array([1.0, 1e-6]), n_steps=150)
gnorm = np.array([np.linalg.norm(saddle.grad(w)) for w in traj.ws])
stall = np.flatnonzero(gnorm < 1e-2)
print(f"|∇f| < 0.01 from step {stall[0]} to step {stall[-1]} ({stall.size} steps near the saddle)")

fig, (ax0, ax1) = style.subplots(1, 2, figsize=(11, 4))
u, v = np.meshgrid(np.linspace(-1.2, 1.2, 101), np.linspace(-1.2, 1.2, 101))
ax0.contour(u, v, u ** 2 - v ** 2, levels=21, cmap=style.CMAPS["proba"])
ax0.plot(traj.ws[:, 0], traj.ws[:, 1], ".-", color=style.COLORS["path"], ms=3)
ax0.plot(0, 0, "*", color=style.COLORS["optimum"], mec=style.COLORS["edge"], ms=12)
ax0.set_xlim(-1.2, 1.2)
ax0.set_ylim(-1.2, 1.2)
ax0.set_title("GD on f = x² − y², start (1, 10⁻⁶)")
ax1.semilogy(gnorm)
ax1.set_xlabel("step k")
ax1.set_ylabel("|∇f(w_k)|")
ax1.set_title("the gradient nearly vanishes near the saddle")
plt.show()
""")

md(r"""
Started *exactly* on the stable axis (y₀ = 0) gradient descent never leaves: it converges to the
saddle, where ∇f = 0 — "stuck". A little noise in each step, as minibatch gradients have,
is enough to escape:
""")

code(r"""
stuck = landscapes.run(optim.GD(lr=0.05), saddle, np.array([1.0, 0.0]), n_steps=100)
print(f"plain GD from (1, 0):  after 100 steps |w| = {np.linalg.norm(stuck.ws[-1]):.1e}, "
      f"|∇f| = {np.linalg.norm(saddle.grad(stuck.ws[-1])):.1e}  (converged to the saddle)")
rng = np.random.default_rng(0)
w = np.array([1.0, 0.0])
for k in range(100):
    w = w - 0.05 * saddle.grad(w) + 1e-3 * rng.normal(size=2)
print(f"GD + noise of size 10⁻³ per step: f(w) after 100 steps = {saddle.value(w):.1f}, escaped: {saddle.value(w) < -1}")
""")

md(r"""
In a network the same happens in high dimension: Dauphin et al. (2015, in seed 001) argue
that saddle points, not bad local minima, are what slows training of large networks — and the
noise of SGD (section 1) helps to leave them.

## Summary

* Minibatch gradients are unbiased estimates of the full gradient; their variance shrinks like
  1/|S|, and too large a learning rate diverges.
* Match the output activation to the target distribution: linear + squared error (Gaussian),
  sigmoid + BCE (Bernoulli), softmax + CE (categorical).
* Initialize so activations neither vanish nor explode (fan-in rule, Xavier for tanh, He for
  ReLU).
* Decay the learning rate to go below the noise floor.
* The loss is a proxy: backprop can settle on a non-separating solution where the perceptron
  separates (Brady–Raghavan–Slawny); more data (and, anecdotally, depth) lowers the variance of
  what is learned; saddle points slow gradient descent down.
""")

code(r"""
assert not ERRORS, ERRORS        # no widget callback raised during this run
print("panel callbacks without errors:", len(ERRORS) == 0)
""")


def main():
    lecture.write(OUT)


if __name__ == "__main__":
    main()
