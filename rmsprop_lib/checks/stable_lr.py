"""The largest stable learning rate: ``largest_stable_lr(hessian, momentum) -> lr_max`` (notebook 06).

On a quadratic landscape ``f(x) = 0.5 * x @ H @ x`` (or near the minimum of any smooth one, with H
its Hessian there), gradient descent multiplies the component of x along each eigenvector of H by
``1 - lr * lam``: it converges exactly when ``lr < 2 / L``, with L the LARGEST eigenvalue (the
largest curvature). Momentum as the series writes it (``velocity = momentum * velocity + grad``,
``x = x - lr * velocity``, the heavy ball) converges exactly when ``lr < 2 * (1 + momentum) / L``.
The learner's function returns that limit, one number for the whole landscape.
"""
import numpy as np

from ._engine import Exercise, check, collector

MISTAKES = []
mistake = collector(MISTAKES)


def reference(hessian, momentum):
    return 2.0 * (1.0 + momentum) / np.linalg.eigvalsh(hessian).max()


def _largest(hessian):
    return np.linalg.eigvalsh(hessian).max()


_LIMIT = ("one step multiplies the distance along the steepest direction by `1 - lr * L` (L: the largest "
          "curvature); the run blows up once that factor drops below -1, at `lr = 2 / L`, and momentum "
          "raises the limit to `2 * (1 + momentum) / L`.")


@mistake("missing_factor_two", headline="the limit comes out half as large as it is",
         did="it returned `(1 + momentum) / L` (L: the largest curvature): for plain gradient descent that is "
             "`1 / L`, the learning rate that lands on the minimum of the steepest direction in one step. A "
             "run with a larger one still converges, zig-zagging.",
         look="what one step does to the distance along the steepest direction, as a factor: at which learning "
              "rate does that factor reach -1?",
         fix=_LIMIT)
def one_over_l(hessian, momentum):
    return (1 + momentum) / _largest(hessian)


@mistake("missing_factor_two", headline="the limit comes out far too small",
         did="it returned `1 / L` (L: the largest curvature) whatever the momentum.",
         look="two things: the factor one step multiplies the distance by (when does it reach -1?), and what "
              "momentum changes in that.",
         fix=_LIMIT)
def one_over_l_without_momentum(hessian, momentum):
    return 1 / _largest(hessian)


@mistake("inverted", headline="the limit is upside down",
         did="it returned `L / (2 * (1 + momentum))` (L: the largest curvature), which grows with the curvature.",
         look="how the limit should change when the landscape gets twice as steep.",
         fix="a steeper landscape needs a SMALLER learning rate: the limit is `2 * (1 + momentum) / L`, with the "
             "curvature L in the denominator.")
def upside_down(hessian, momentum):
    return _largest(hessian) / (2 * (1 + momentum))


@mistake("inverted", headline="the limit is upside down",
         did="it returned `(1 + momentum) * L / 2` (L: the largest curvature), which grows with the curvature.",
         look="how the limit should change when the landscape gets twice as steep.",
         fix="a steeper landscape needs a SMALLER learning rate: the limit is `2 * (1 + momentum) / L`, with the "
             "curvature L in the denominator.")
def upside_down_times(hessian, momentum):
    return (1 + momentum) * _largest(hessian) / 2


@mistake("smallest_curvature", headline="the limit is set by the flattest direction",
         did="it used the SMALLEST eigenvalue of the Hessian: that learning rate is stable along the flat "
             "direction, but blows up along the steep one.",
         look="which direction breaks first when the learning rate grows: the flat one or the steep one?",
         fix="every direction must be stable, so the steepest one decides: `L = np.linalg.eigvalsh(hessian)"
             ".max()` (the largest eigenvalue).")
def flattest(hessian, momentum):
    return 2 * (1 + momentum) / np.linalg.eigvalsh(hessian).min()


@mistake("diagonal_curvature", headline="the curvature is read off the diagonal",
         did="it used the largest DIAGONAL entry of the Hessian: those are the curvatures along x and y, but "
             "when the landscape's valley is tilted the steepest direction is diagonal, and steeper.",
         look="which direction is steepest when the Hessian has entries off its diagonal.",
         fix="the curvature along the steepest direction is the largest EIGENVALUE of the Hessian, "
             "`np.linalg.eigvalsh(hessian).max()`; it equals the largest diagonal entry only when the "
             "off-diagonal entries are 0.")
def largest_diagonal(hessian, momentum):
    return 2 * (1 + momentum) / np.max(np.diag(hessian))


@mistake("missing_one_plus_momentum", headline="momentum does not change your limit",
         did="it returned `2 / L` (L: the largest curvature) whatever the momentum: right for plain gradient "
             "descent (momentum 0), but a heavy ball stays stable at larger learning rates.",
         look="the momentum argument: run the playground's Momentum just above `2 / L` - does it blow up?",
         fix="with momentum the limit is `2 * (1 + momentum) / L` (for momentum 0.9: 3.8 / L).")
def momentum_ignored(hessian, momentum):
    return 2 / _largest(hessian)


@mistake("momentum_as_effective_lr", headline="momentum makes your limit smaller",
         did="it returned `2 * (1 - momentum) / L` (L: the largest curvature): it keeps the effective "
             "learning rate `lr / (1 - momentum)` below `2 / L`. That factor sets the update length on a steady "
             "slope, not where the run turns unstable.",
         look="the momentum argument: run the playground's Momentum just above your limit - does it blow up?",
         fix="the heavy ball is stable up to `lr = 2 * (1 + momentum) / L`: near the limit the velocity flips sign "
             "at every step, so the gradients it adds up cancel instead of building up.")
def effective_lr_below_limit(hessian, momentum):
    return 2 * (1 - momentum) / _largest(hessian)


@mistake("momentum_as_effective_lr", headline="momentum makes your limit smaller",
         did="it returned `2 / ((1 + momentum) * L)` (L: the largest curvature): the more momentum, the "
             "smaller your limit.",
         look="the momentum argument: run the playground's Momentum just above your limit - does it blow up?",
         fix="the heavy ball is stable up to `lr = 2 * (1 + momentum) / L`.")
def momentum_divides(hessian, momentum):
    return 2 / ((1 + momentum) * _largest(hessian))


def _rotated(eigenvalues, angle):
    c, s = np.cos(angle), np.sin(angle)
    q = np.array([[c, -s], [s, c]])
    return q @ np.diag(eigenvalues) @ q.T


def cases():
    return (
        # the elongated bowl x^2 + 10 y^2: Hessian diag(2, 20), plain gradient descent
        dict(hessian=np.array([[2.0, 0.0], [0.0, 20.0]]), momentum=0.0),
        # the same bowl with the playground's momentum 0.9
        dict(hessian=np.array([[2.0, 0.0], [0.0, 20.0]]), momentum=0.9),
        # a tilted valley: eigenvalues 1 and 9, diagonal entries 5 and 5
        dict(hessian=np.array([[5.0, 4.0], [4.0, 5.0]]), momentum=0.5),
        # Rosenbrock's Hessian at its minimum (1, 1): largest eigenvalue 1001.6, largest diagonal entry 802
        dict(hessian=np.array([[802.0, -400.0], [-400.0, 200.0]]), momentum=0.0),
        # three dimensions, the steep direction not on an axis
        dict(hessian=np.array([[3.0, 1.0, 0.0], [1.0, 3.0, 1.0], [0.0, 1.0, 3.0]]), momentum=0.3),
    )


def varied_case(rng):
    low, high = float(rng.uniform(0.5, 3.0)), float(rng.uniform(8.0, 60.0))
    momentum = float(rng.choice([0.0, 0.5, 0.9, round(float(rng.uniform(0.1, 0.95)), 2)]))
    return dict(hessian=_rotated([low, high], float(rng.uniform(0.2, 1.3))), momentum=momentum)


EXERCISE = Exercise(
    name="largest_stable_lr", args=("hessian", "momentum"), arrays=("hessian",), outputs=("lr_max",),
    rule=("L = np.linalg.eigvalsh(hessian).max()   # the largest curvature",
          "lr_max = 2 * (1 + momentum) / L"),
    reference=reference, mistakes=tuple(MISTAKES), cases=cases, varied_case=varied_case,
    about_cases="axis-aligned and tilted valleys, Rosenbrock's minimum, 2 and 3 dimensions, momentum 0 to 0.9",
    checker="check_largest_stable_lr", shapes=lambda case: ((),),
    shape_fix="the limit is ONE number for the whole landscape, and every direction must be stable at once: "
              "which of your numbers decides?",
)


def check_largest_stable_lr(fn, show=True, hint=False):
    """Check ``largest_stable_lr(hessian, momentum) -> lr_max``: the largest learning rate for which
    gradient descent (``momentum = 0``) or heavy-ball momentum converges on a quadratic with this Hessian.

    ``show=False`` returns the :class:`CheckResult` without showing it; ``hint=True`` shows the rule.
    """
    return check(EXERCISE, fn, show, hint)
