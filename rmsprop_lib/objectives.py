"""Test functions with analytic gradients.

Every objective takes points with the coordinates on the FIRST axis, so one call works for a
single point and for a whole grid::

    bowl.value(np.array([1.0, 2.0]))           # a number
    bowl.value(np.stack([X, Y]))               # an array shaped like X
    bowl.grad(np.array([1.0, 2.0]))            # array([2., 4.])

The quadratics (``bowl``, ``elongated_bowl``, ``quadratic``) work in any dimension; the
others are 2-D. Each objective carries plotting ``bounds``, its known ``minima`` and a
suggested ``start``.
"""
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from . import _validate


#: The largest grid side ``Objective.grid`` (and so the plots) will evaluate: 2000 x 2000 points.
MAX_GRID_SIZE = 2000


@dataclass(frozen=True)
class Objective:
    """A function to minimise, its gradient and what is known about it.

    ``f`` and ``gradient`` take points with the coordinates on the first axis (``value`` and
    ``grad`` check the points, then call them). Every field is checked when the objective is made.
    """

    name: str
    f: Callable = field(repr=False)
    gradient: Callable = field(repr=False)
    bounds: tuple = ((-2.0, 2.0), (-2.0, 2.0))  #: ((xmin, xmax), (ymin, ymax)) for plots
    minima: tuple = ()  #: known minimisers, as arrays
    start: tuple = (1.5, 1.5)  #: a start point that shows the landscape's character
    dim: Optional[int] = 2  #: number of coordinates, or None for any
    formula: str = ""  #: LaTeX, for titles
    min_value: Optional[float] = None  #: the lowest value, where known
    lipschitz: Optional[float] = None  #: largest curvature L, where constant (quadratics)

    def __post_init__(self):
        def set_(name, value):
            object.__setattr__(self, name, value)

        for name in ("name", "formula"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{name} must be a string, got {_validate.show(getattr(self, name))}")
        for name in ("f", "gradient"):
            if not callable(getattr(self, name)):
                raise TypeError(f"{name} must be a function of the points x, got {_validate.show(getattr(self, name))}")
        if self.dim is not None:
            set_("dim", _validate.count("dim", self.dim, minimum=1, maximum=10**9))
        shape = None if self.dim is None else (self.dim,)
        set_("bounds", _validate.bounds("bounds", self.bounds))
        if isinstance(self.minima, (str, bytes)) or not isinstance(self.minima, (tuple, list)):
            raise TypeError(f"minima must be a tuple of points, got {_validate.show(self.minima)}")
        set_("minima", tuple(_validate.finite_array(f"minima[{i}]", m, shape=shape) for i, m in enumerate(self.minima)))
        start = _validate.finite_array("start", self.start, shape=shape)
        if start.ndim == 0:
            raise ValueError(f"start must be a point (an array of coordinates), got {_validate.show(self.start)}")
        set_("start", tuple(start.tolist()))
        if self.min_value is not None:
            set_("min_value", _validate.number("min_value", self.min_value))
        if self.lipschitz is not None:
            set_("lipschitz", _validate.positive("lipschitz", self.lipschitz))

    def _check(self, x):
        if not (type(x) is np.ndarray and x.dtype == np.float64):
            x = _validate.real_array("x", x)
        if x.ndim == 0 or (self.dim is not None and x.shape[0] != self.dim):
            want = f"{self.dim}" if self.dim is not None else "at least 1"
            raise ValueError(
                f"x must be points with {want} coordinates on the first axis for {self.name}, got shape {x.shape}"
            )
        if not np.isfinite(x).all():
            raise ValueError(f"x must contain only finite numbers (a point of {self.name})")
        return x

    def value(self, x):
        """f(x); x has the coordinates on its first axis."""
        return self.f(self._check(x))

    def grad(self, x):
        """The gradient, shaped like x."""
        return self.gradient(self._check(x))

    def __call__(self, x):
        return self.value(x)

    def grid(self, n=200, bounds=None):
        """``(X, Y, Z)`` on an n x n grid over ``bounds`` (default: the objective's own); 2-D objectives only."""
        if self.dim != 2:
            raise ValueError(f"grid needs a 2-D objective (dim=2), {self.name} has dim={self.dim}")
        n = _validate.count("n", n, minimum=2, maximum=MAX_GRID_SIZE)
        (x0, x1), (y0, y1) = self.bounds if bounds is None else _validate.bounds("bounds", bounds)
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self.value(np.stack([X, Y]))

    def start_point(self):
        """The suggested start, as a fresh array."""
        return np.array(self.start, dtype=float)

    def reset(self):
        """Called by ``minimize`` before a run; only noisy objectives use it."""


def _column(scales, x):
    return np.asarray(scales, dtype=float).reshape((-1,) + (1,) * (x.ndim - 1))


def quadratic(scales, name="quadratic", start=None, bounds=None):
    r"""The axis-aligned quadratic :math:`f(x) = \sum_i c_i x_i^2` in any dimension.

    Its curvature along coordinate i is 2 c_i, so gradient descent converges exactly when
    ``lr < 2 / L`` with ``L = 2 max(c_i)`` (the attribute ``lipschitz``).
    """
    scales = _validate.finite_array("scales", scales)
    if scales.ndim != 1 or np.any(scales <= 0):
        raise ValueError(f"scales must be a 1-D list of numbers > 0, got {_validate.show(scales.tolist())}")
    n = scales.size
    names = ["x", "y"] if n == 2 else [f"x_{{{i + 1}}}" for i in range(n)]
    terms = " + ".join(("" if c == 1 else f"{c:g}\\,") + f"{v}^2" for c, v in zip(scales, names))
    return Objective(
        name=name,
        f=lambda x: np.sum(_column(scales, x) * x**2, axis=0),
        gradient=lambda x: 2 * _column(scales, x) * x,
        bounds=((-5.0, 5.0), (-5.0, 5.0)) if bounds is None else bounds,
        minima=(np.zeros(n),),
        start=start if start is not None else tuple([4.0] + [3.0] * (n - 1)),
        dim=n,
        formula=terms,
        min_value=0.0,
        lipschitz=2 * float(scales.max()),
    )


def elongated_bowl(condition=10.0):
    r"""The ill-conditioned bowl :math:`x^2 + \kappa y^2`; ``condition`` is kappa (the condition number)."""
    condition = _validate.positive("condition", condition)
    if condition < 1:
        raise ValueError(f"condition must be >= 1, got {condition}")
    return quadratic([1.0, condition], name="elongated_bowl", start=(-4.5, 1.5),
                     bounds=((-5.0, 5.0), (-2.0, 2.0)))


def _rosenbrock_f(x):
    return (1 - x[0]) ** 2 + 100 * (x[1] - x[0] ** 2) ** 2


def _rosenbrock_g(x):
    return np.stack([-2 * (1 - x[0]) - 400 * x[0] * (x[1] - x[0] ** 2), 200 * (x[1] - x[0] ** 2)])


def _beale_terms(x):
    a, b = x[0], x[1]
    return 1.5 - a + a * b, 2.25 - a + a * b**2, 2.625 - a + a * b**3


def _beale_f(x):
    t1, t2, t3 = _beale_terms(x)
    return t1**2 + t2**2 + t3**2


def _beale_g(x):
    a, b = x[0], x[1]
    t1, t2, t3 = _beale_terms(x)
    da = 2 * t1 * (b - 1) + 2 * t2 * (b**2 - 1) + 2 * t3 * (b**3 - 1)
    db = 2 * t1 * a + 2 * t2 * 2 * a * b + 2 * t3 * 3 * a * b**2
    return np.stack([da, db])


def _himmelblau_f(x):
    return (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2


def _himmelblau_g(x):
    a = x[0] ** 2 + x[1] - 11
    b = x[0] + x[1] ** 2 - 7
    return np.stack([4 * x[0] * a + 2 * b, 2 * a + 4 * x[1] * b])


bowl = quadratic([1.0, 1.0], name="bowl", start=(4.0, 3.0))

rosenbrock = Objective(
    name="rosenbrock",
    f=_rosenbrock_f,
    gradient=_rosenbrock_g,
    bounds=((-2.0, 2.0), (-1.0, 3.0)),
    minima=(np.array([1.0, 1.0]),),
    start=(-1.5, 2.0),
    formula=r"(1-x)^2 + 100\,(y-x^2)^2",
    min_value=0.0,
)

beale = Objective(
    name="beale",
    f=_beale_f,
    gradient=_beale_g,
    bounds=((-4.5, 4.5), (-4.5, 4.5)),
    minima=(np.array([3.0, 0.5]),),
    start=(1.0, 1.5),
    formula=r"(1.5-x+xy)^2 + (2.25-x+xy^2)^2 + (2.625-x+xy^3)^2",
    min_value=0.0,
)

himmelblau = Objective(
    name="himmelblau",
    f=_himmelblau_f,
    gradient=_himmelblau_g,
    bounds=((-5.0, 5.0), (-5.0, 5.0)),
    minima=(
        np.array([3.0, 2.0]),
        np.array([-2.805118086952745, 3.131312518250573]),
        np.array([-3.779310253377747, -3.283185991286170]),
        np.array([3.584428340330492, -1.848126526964404]),
    ),
    start=(0.0, 0.0),
    formula=r"(x^2+y-11)^2 + (x+y^2-7)^2",
    min_value=0.0,
)

# A saddle point at the origin between two minima at (0, -1) and (0, 1): escaping it is the test.
saddle = Objective(
    name="saddle",
    f=lambda x: x[0] ** 2 + 0.25 * x[1] ** 4 - 0.5 * x[1] ** 2,
    gradient=lambda x: np.stack([2 * x[0], x[1] ** 3 - x[1]]),
    bounds=((-2.0, 2.0), (-2.0, 2.0)),
    minima=(np.array([0.0, -1.0]), np.array([0.0, 1.0])),
    start=(1.5, 1e-3),
    formula=r"x^2 + \frac{y^4}{4} - \frac{y^2}{2}",
    min_value=-0.25,
)



class NoisyObjective(Objective):
    """The same function, with Gaussian noise of size ``sigma`` added to every gradient.

    The noise comes from ``np.random.default_rng(seed)``, restarted by ``reset()`` (which
    ``minimize`` calls), so every run on the same noisy objective sees the same noise sequence.
    """

    def __init__(self, base, sigma, seed=0):
        if not isinstance(base, Objective):
            raise TypeError(f"base must be an Objective, got {type(base).__name__}")
        sigma = _validate.nonnegative("sigma", sigma)
        seed = _validate.count("seed", seed)
        fields = {k: getattr(base, k) for k in Objective.__dataclass_fields__}
        fields.update(name=f"noisy_{base.name}", gradient=self._noisy_gradient)
        super().__init__(**fields)
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "sigma", sigma)
        object.__setattr__(self, "seed", seed)
        self.reset()

    def _noisy_gradient(self, x):
        g = self.base.gradient(x)
        return g + self.sigma * self._rng.standard_normal(np.shape(g))

    def reset(self):
        object.__setattr__(self, "_rng", np.random.default_rng(self.seed))


def with_noise(objective, sigma, seed=0):
    """A copy of ``objective`` whose gradients carry Gaussian noise of size ``sigma`` (seeded)."""
    if not isinstance(objective, Objective):
        raise TypeError(f"objective must be an Objective, got {type(objective).__name__}")
    return NoisyObjective(objective, sigma, seed)


OBJECTIVES = {
    "bowl": lambda: bowl,
    "elongated_bowl": lambda: elongated_bowl(10.0),
    "rosenbrock": lambda: rosenbrock,
    "beale": lambda: beale,
    "himmelblau": lambda: himmelblau,
    "saddle": lambda: saddle,
}


def get_objective(name):
    """The objective called ``name`` (one of ``OBJECTIVES``); ``noisy_<name>`` adds gradient noise 0.5."""
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {_validate.show(name)}")
    if name.startswith("noisy_") and name[len("noisy_"):] in OBJECTIVES:
        return with_noise(OBJECTIVES[name[len("noisy_"):]](), sigma=0.5, seed=0)
    if name not in OBJECTIVES:
        raise ValueError(f"unknown objective {_validate.show(name)}: name must be one of {sorted(OBJECTIVES)}, "
                         "optionally with the prefix 'noisy_'")
    return OBJECTIVES[name]()
