"""Loss surfaces with value, gradient and Hessian, and a runner for any optimizer.

Every landscape has ``value(w) -> float``, ``grad(w) -> (d,)`` and ``hessian(w) -> (d, d)`` for a
1-D array ``w`` of length ``d``, plus ``minima`` (known minimizers, shape (m, d)), a ``name`` and
a default ``start`` and plotting ``box`` ((x₁min, x₁max), (x₂min, x₂max)) for the 2-D ones.

- :class:`Quadratic` — E(w) = ½wᵀAw + bᵀw + c, 1-D or n-D; constructors ``axis_aligned`` and
  ``rotated`` with chosen eigenvalues, ``with_condition_number``.
- :class:`InterestingLandscape` — seed 002's f(x) = (x₁² − 1)² + (x₁²x₂ − x₁ − 1)².
- :class:`Rosenbrock` — (a − x₁)² + b(x₂ − x₁²)².
- :func:`narrow_valley` — a rotated, ill-conditioned quadratic (κ = 50 by default).

:func:`run` drives any optimizer of :mod:`coursekit.optim` on a landscape and returns a
:class:`Trajectory` (ws (n+1, d), losses (n+1,)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coursekit._validate import as_float_array, check_choice, check_instance, check_int, check_methods, check_positive

__all__ = ["Landscape", "Quadratic", "InterestingLandscape", "Rosenbrock", "narrow_valley", "Trajectory", "run",
           "LANDSCAPES", "get_landscape"]


class Landscape:
    """Base class: subclasses implement ``_value``, ``_grad``, ``_hessian`` on a checked w."""

    name = "landscape"
    dim = 2
    start = None
    box = None
    minima = None

    def _w(self, w):
        w = as_float_array(w, "w", ndim=1, allow_nonfinite=True)
        if w.shape[0] != self.dim:
            raise ValueError(f"w: expected a 1-D array of length {self.dim}, got shape {w.shape}")
        return w

    def value(self, w):
        """E(w), a float."""
        return float(self._value(self._w(w)))

    def grad(self, w):
        """∇E(w), shape (d,)."""
        return self._grad(self._w(w))

    def hessian(self, w):
        """∇²E(w), shape (d, d)."""
        return self._hessian(self._w(w))

    def value_grid(self, X1, X2):
        """E on a 2-D grid (vectorised, for contour plots): X1, X2 of equal shape."""
        W = np.stack([np.ravel(X1), np.ravel(X2)], axis=1)
        return np.array([self._value(w) for w in W]).reshape(np.shape(X1))

    def __repr__(self):
        return f"<{type(self).__name__} {self.name!r} (d={self.dim})>"


class Quadratic(Landscape):
    """E(w) = ½ wᵀAw + bᵀw + c with A symmetric positive definite.

    ∇E = Aw + b, ∇²E = A, minimizer w* = −A⁻¹b, minimum c − ½bᵀA⁻¹b. The eigenvalues
    λ₁ ≥ … ≥ λₙ of A are the curvatures along its eigenvectors: plain gradient descent with
    step η contracts the error along eigenvector i by (1 − ηλᵢ) per step, so η_i,opt = 1/λᵢ and
    it converges iff η < 2/λ_max; the condition number is κ = λ_max/λ_min.

    Parameters
    ----------
    A : array (d, d) or float
        Symmetric positive definite (a float a > 0 gives the 1-D E = ½aw² + bw + c).
    b : array (d,) or float, optional (default 0)
    c : float (default 0)
    """

    def __init__(self, A, b=None, c=0.0, name=None, start=None, box=None):
        A = np.atleast_2d(as_float_array(A, "A"))
        if A.ndim != 2 or A.shape[0] != A.shape[1]:
            raise ValueError(f"A: expected a square matrix (d, d) or a number, got shape {A.shape}")
        if not np.allclose(A, A.T, rtol=1e-12, atol=1e-12 * np.abs(A).max()):
            raise ValueError("A: expected a symmetric matrix, got an asymmetric one")
        A = 0.5 * (A + A.T)
        lam = np.linalg.eigvalsh(A)
        if lam[0] <= 0:
            raise ValueError(f"A: expected a positive definite matrix, got smallest eigenvalue {lam[0]:.3g}")
        self.A = A
        self.dim = A.shape[0]
        self.b = np.zeros(self.dim) if b is None else np.atleast_1d(as_float_array(b, "b"))
        if self.b.shape != (self.dim,):
            raise ValueError(f"b: expected shape ({self.dim},), got {self.b.shape}")
        self.c = float(c)
        self.eigenvalues = lam[::-1].copy()            # λ₁ ≥ … ≥ λₙ
        self.w_star = -np.linalg.solve(A, self.b)
        self.minima = self.w_star[None, :]
        self.min_value = self.c + 0.5 * float(self.b @ self.w_star)
        self.name = name or (f"quadratic (κ = {self.condition_number:.3g})" if self.dim > 1 else "1-D quadratic")
        if start is None:
            start = self.w_star + (np.array([-3.0, 2.0]) if self.dim == 2 else np.ones(self.dim))
        self.start = np.asarray(start, dtype=np.float64)
        if box is None and self.dim == 2:
            r = 1.3 * float(np.max(np.abs(self.start - self.w_star)))
            box = ((self.w_star[0] - r, self.w_star[0] + r), (self.w_star[1] - r, self.w_star[1] + r))
        self.box = box

    @property
    def condition_number(self):
        """κ = λ_max / λ_min."""
        return float(self.eigenvalues[0] / self.eigenvalues[-1])

    @property
    def eta_max(self):
        """The divergence bound 2/λ_max: plain GD converges iff η < eta_max."""
        return 2.0 / float(self.eigenvalues[0])

    def optimal_momentum(self):
        """(α*, β*) for heavy-ball momentum (Goh 2017, "Why momentum really works").

        α* = (2/(√λ₁ + √λₙ))², β* = ((√κ − 1)/(√κ + 1))²; the error then shrinks like
        ((√κ − 1)/(√κ + 1))^k instead of GD's ((κ − 1)/(κ + 1))^k at its best step 2/(λ₁ + λₙ).
        """
        l1, ln = float(self.eigenvalues[0]), float(self.eigenvalues[-1])
        sk = np.sqrt(l1 / ln)
        return (2.0 / (np.sqrt(l1) + np.sqrt(ln))) ** 2, ((sk - 1.0) / (sk + 1.0)) ** 2

    def _value(self, w):
        return 0.5 * w @ self.A @ w + self.b @ w + self.c

    def _grad(self, w):
        return self.A @ w + self.b

    def _hessian(self, w):
        return self.A.copy()

    def value_grid(self, X1, X2):
        W = np.stack([np.ravel(X1), np.ravel(X2)], axis=1)
        v = 0.5 * np.einsum("ni,ij,nj->n", W, self.A, W) + W @ self.b + self.c
        return v.reshape(np.shape(X1))

    # ------------------------------------------------------------------ constructors
    @classmethod
    def one_d(cls, a, b=0.0, c=0.0):
        """E(w) = ½aw² + bw + c (w of length 1): η_opt = 1/a."""
        a = check_positive(a, "a")
        return cls(np.array([[a]]), np.array([float(b)]), c)

    @classmethod
    def axis_aligned(cls, eigenvalues, b=None, c=0.0, **kw):
        """A = diag(eigenvalues): the coordinates are uncoupled, η_i,opt = 1/a_ii."""
        lam = as_float_array(eigenvalues, "eigenvalues", ndim=1)
        if lam.size == 0 or np.any(lam <= 0):
            raise ValueError(f"eigenvalues: expected positive numbers, got {lam.tolist()}")
        return cls(np.diag(lam), b, c, **kw)

    @classmethod
    def rotated(cls, eigenvalues, angle=np.pi / 6, b=None, c=0.0, rng=None, **kw):
        """A = R diag(eigenvalues) Rᵀ with R a rotation.

        In 2-D R rotates by ``angle`` (radians); in n-D a random orthogonal R is drawn from
        ``rng`` (a seeded ``numpy.random.Generator``; default seed 0).
        """
        lam = as_float_array(eigenvalues, "eigenvalues", ndim=1)
        if lam.size == 0 or np.any(lam <= 0):
            raise ValueError(f"eigenvalues: expected positive numbers, got {lam.tolist()}")
        if lam.size == 2:
            ct, st = np.cos(angle), np.sin(angle)
            R = np.array([[ct, -st], [st, ct]])
        else:
            rng = np.random.default_rng(0) if rng is None else rng
            R, _ = np.linalg.qr(rng.standard_normal((lam.size, lam.size)))
        return cls(R @ np.diag(lam) @ R.T, b, c, **kw)

    @classmethod
    def with_condition_number(cls, kappa, dim=2, lam_min=1.0, angle=np.pi / 6, **kw):
        """Rotated quadratic with eigenvalues spread geometrically from lam_min to κ·lam_min."""
        kappa = check_positive(kappa, "kappa")
        if kappa < 1:
            raise ValueError(f"kappa: expected a condition number ≥ 1, got {kappa!r}")
        lam = lam_min * np.geomspace(kappa, 1.0, dim)
        return cls.rotated(lam, angle=angle, **kw)


class InterestingLandscape(Landscape):
    """Seed 002's "more interesting landscape" f(x) = (x₁² − 1)² + (x₁²x₂ − x₁ − 1)².

    With r = x₁²x₂ − x₁ − 1:
    ∂f/∂x₁ = 4x₁(x₁² − 1) + 2(2x₁x₂ − 1) r,  ∂f/∂x₂ = 2x₁² r (the seed's gradient is right);
    f ≥ 0 with two global minima f = 0 at (1, 2) and (−1, 0), in curved narrow valleys.
    """

    name = "interesting (seed 002)"
    dim = 2

    def __init__(self):
        self.minima = np.array([[1.0, 2.0], [-1.0, 0.0]])
        self.min_value = 0.0
        self.start = np.array([-0.3, 2.5])
        self.box = ((-2.0, 2.0), (-1.0, 3.0))

    def _value(self, w):
        x1, x2 = w
        return (x1 ** 2 - 1) ** 2 + (x1 ** 2 * x2 - x1 - 1) ** 2

    def value_grid(self, X1, X2):
        return (X1 ** 2 - 1) ** 2 + (X1 ** 2 * X2 - X1 - 1) ** 2

    def _grad(self, w):
        x1, x2 = w
        r = x1 ** 2 * x2 - x1 - 1
        return np.array([4 * x1 * (x1 ** 2 - 1) + 2 * (2 * x1 * x2 - 1) * r, 2 * x1 ** 2 * r])

    def _hessian(self, w):
        x1, x2 = w
        r = x1 ** 2 * x2 - x1 - 1
        r1, r2 = 2 * x1 * x2 - 1, x1 ** 2          # ∂r/∂x₁, ∂r/∂x₂
        h11 = 12 * x1 ** 2 - 4 + 2 * r1 ** 2 + 2 * (2 * x2) * r
        h12 = 2 * r2 * r1 + 2 * (2 * x1) * r
        h22 = 2 * r2 ** 2
        return np.array([[h11, h12], [h12, h22]])


class Rosenbrock(Landscape):
    """Rosenbrock's banana f(x) = (a − x₁)² + b(x₂ − x₁²)², minimum 0 at (a, a²)."""

    dim = 2

    def __init__(self, a=1.0, b=100.0):
        self.a = float(a)
        self.b = check_positive(b, "b")
        self.name = "Rosenbrock"
        self.minima = np.array([[self.a, self.a ** 2]])
        self.min_value = 0.0
        self.start = np.array([-1.2, 1.0])
        self.box = ((-2.0, 2.0), (-1.0, 3.0))

    def _value(self, w):
        x1, x2 = w
        return (self.a - x1) ** 2 + self.b * (x2 - x1 ** 2) ** 2

    def value_grid(self, X1, X2):
        return (self.a - X1) ** 2 + self.b * (X2 - X1 ** 2) ** 2

    def _grad(self, w):
        x1, x2 = w
        return np.array([-2 * (self.a - x1) - 4 * self.b * x1 * (x2 - x1 ** 2), 2 * self.b * (x2 - x1 ** 2)])

    def _hessian(self, w):
        x1, x2 = w
        return np.array([[2 - 4 * self.b * (x2 - 3 * x1 ** 2), -4 * self.b * x1],
                         [-4 * self.b * x1, 2 * self.b]])


def narrow_valley(kappa=50.0, angle=np.pi / 6):
    """A narrow valley: rotated 2-D quadratic with λ = (κ, 1), minimum at the origin.

    GD must use η < 2/κ and then crawls along the valley floor (rate 1 − η·1 per step).
    """
    q = Quadratic.rotated([float(kappa), 1.0], angle=angle, name=f"narrow valley (κ = {kappa:g})",
                          start=None)
    return q


#: Landscape chooser: display name -> factory.
LANDSCAPES = {
    "quadratic (κ = 10)": lambda: Quadratic.with_condition_number(10.0, name="quadratic (κ = 10)"),
    "narrow valley (κ = 50)": lambda: narrow_valley(50.0),
    "interesting (seed 002)": InterestingLandscape,
    "Rosenbrock": Rosenbrock,
}

_CACHE: dict = {}


def get_landscape(name):
    """The landscape called ``name`` in :data:`LANDSCAPES` (one shared instance per name)."""
    if isinstance(name, Landscape):
        return name
    check_choice(name, "landscape", LANDSCAPES)
    if name not in _CACHE:
        _CACHE[name] = LANDSCAPES[name]()
    return _CACHE[name]


@dataclass
class Trajectory:
    """Result of :func:`run`: ``ws`` (n+1, d) the iterates w⁽⁰⁾…w⁽ⁿ⁾, ``losses`` (n+1,) E(w⁽ᵏ⁾).

    A run that blows up stops early (``diverged`` True): the remaining rows are copies of the
    last finite iterate with loss ``inf``, so shapes stay (n+1, d) and (n+1,).
    """

    ws: np.ndarray
    losses: np.ndarray
    diverged: bool = False

    @property
    def final(self):
        return self.ws[-1]


def run(optimizer, landscape, w0=None, n_steps=100, schedule=None, blowup=1e8):
    """Run ``optimizer`` for ``n_steps`` steps on ``landscape`` from ``w0``.

    The optimizer sees ``params = {"w": w}`` and ``grads = {"w": ∇E(w)}`` (and, if it
    ``needs_hessian``, ``hessians = {"w": ∇²E(w)}``). If ``schedule`` (a callable k -> η) is
    given, ``optimizer.lr = schedule(k)`` before step k. A fresh copy of ``w0`` is used; the
    optimizer's state is reset first.

    Returns
    -------
    Trajectory with ws (n_steps+1, d) and losses (n_steps+1,).
    """
    check_methods(optimizer, "optimizer", ("step",), "an optimizer with .step(params, grads)")
    check_instance(landscape, "landscape", Landscape, "a coursekit.landscapes landscape")
    n_steps = check_int(n_steps, "n_steps", low=0)
    w = landscape._w(landscape.start if w0 is None else w0).copy()
    if hasattr(optimizer, "reset"):
        optimizer.reset()
    d = landscape.dim
    ws = np.empty((n_steps + 1, d))
    losses = np.empty(n_steps + 1)
    ws[0], losses[0] = w, landscape._value(w)
    params = {"w": w}
    diverged = False
    for k in range(n_steps):
        if schedule is not None:
            optimizer.lr = schedule(k)
        g = landscape._grad(params["w"])
        if getattr(optimizer, "needs_hessian", False):
            optimizer.step(params, {"w": g}, {"w": landscape._hessian(params["w"])})
        else:
            optimizer.step(params, {"w": g})
        wk = params["w"]
        with np.errstate(over="ignore", invalid="ignore"):
            lk = landscape._value(wk)
        if not (np.all(np.isfinite(wk)) and np.isfinite(lk) and np.max(np.abs(wk)) < blowup):
            ws[k + 1:] = ws[k]
            losses[k + 1:] = np.inf
            diverged = True
            break
        ws[k + 1], losses[k + 1] = wk, lk
    return Trajectory(ws, losses, diverged)


# ----------------------------------------------------------------------- momentum on a quadratic
def momentum_matrix(eta, beta, lam):
    """The 2×2 iteration matrix of heavy-ball momentum along one eigen-direction of a quadratic.

    With x = qᵢᵀ(w − w*) the error along the eigenvector qᵢ (curvature λ = λᵢ) and Δ the last
    step along it, one step of :class:`coursekit.optim.Momentum` (Δ ← βΔ − ηλx, x ← x + Δ) is

        [Δ⁽ᵏ⁺¹⁾, x⁽ᵏ⁺¹⁾]ᵀ = R [Δ⁽ᵏ⁾, x⁽ᵏ⁾]ᵀ,   R = [[β, −ηλ], [β, 1 − ηλ]]

    (lecture 04, section 8; Goh 2017 writes the same matrix for z = −Δ/η, α = η).

    Parameters
    ----------
    eta, beta, lam : float or arrays broadcasting together
        Learning rate η > 0, momentum β ∈ [0, 1), curvature λ > 0.

    Returns
    -------
    array (..., 2, 2) — one matrix per broadcast element.
    """
    eta, beta, lam = (as_float_array(v, n) for v, n in ((eta, "eta"), (beta, "beta"), (lam, "lam")))
    if np.any(eta <= 0):
        raise ValueError(f"eta: expected learning rates > 0, got min {eta.min():.3g}")
    if np.any((beta < 0) | (beta >= 1)):
        raise ValueError(f"beta: expected momenta in [0, 1), got range [{beta.min():.3g}, {beta.max():.3g}]")
    if np.any(lam <= 0):
        raise ValueError(f"lam: expected curvatures > 0, got min {lam.min():.3g}")
    eta, beta, lam = np.broadcast_arrays(eta, beta, lam)
    R = np.empty(eta.shape + (2, 2))
    R[..., 0, 0], R[..., 0, 1] = beta, -eta * lam
    R[..., 1, 0], R[..., 1, 1] = beta, 1.0 - eta * lam
    return R


def momentum_rate(eta, beta, eigenvalues):
    """Per-step convergence rate of heavy-ball momentum on a quadratic: max |σ| over all eigenvalues σ
    of :func:`momentum_matrix` for every curvature in ``eigenvalues``.

    The error shrinks like rate^k (it diverges when rate > 1); β = 0 gives plain gradient
    descent's max |1 − ηλᵢ|. ``eta`` and ``beta`` may be arrays of one shape (a grid); the result
    has that shape.
    """
    lam = as_float_array(eigenvalues, "eigenvalues", ndim=1)
    eta, beta = np.broadcast_arrays(as_float_array(eta, "eta"), as_float_array(beta, "beta"))
    R = momentum_matrix(eta[..., None], beta[..., None], lam)        # (..., n, 2, 2)
    return np.abs(np.linalg.eigvals(R)).max(axis=(-1, -2))


# ----------------------------------------------------------------------- quasi-Newton (scipy)
def scipy_minimize(landscape, method="BFGS", w0=None, gtol=1e-10, maxiter=10_000):
    """Minimize ``landscape`` with ``scipy.optimize.minimize`` (BFGS, L-BFGS-B, CG, …), recording the path.

    scipy is given the landscape's ``value`` and ``grad`` (one call of each is one evaluation).

    Returns
    -------
    (Trajectory, evals, result) — the iterates w⁽⁰⁾, w⁽¹⁾, … (one row per scipy iteration) and
    their losses; ``evals[k]`` the number of function-and-gradient evaluations scipy had made
    when it reported iterate k; scipy's ``OptimizeResult``.
    """
    from scipy.optimize import minimize

    check_instance(landscape, "landscape", Landscape, "a coursekit.landscapes landscape")
    check_choice(method, "method", ("BFGS", "L-BFGS-B", "CG", "Newton-CG", "trust-exact"))
    w = landscape._w(landscape.start if w0 is None else w0).copy()
    count = [0]

    def fun(x):
        count[0] += 1
        return landscape._value(x), landscape._grad(x)

    ws, evals = [w.copy()], [0]

    def callback(xk, *args):
        ws.append(np.array(xk, dtype=np.float64))
        evals.append(count[0])

    extra = {"hess": lambda x: landscape._hessian(x)} if method in ("Newton-CG", "trust-exact") else {}
    opts = {"maxiter": check_int(maxiter, "maxiter", low=1), "gtol": check_positive(gtol, "gtol")}
    res = minimize(fun, w, jac=True, method=method, callback=callback, options=opts, **extra)
    ws = np.array(ws)
    losses = np.array([landscape._value(x) for x in ws])
    return Trajectory(ws, losses, False), np.array(evals), res
