"""Run an optimizer on an objective and keep everything a plot needs."""
import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from . import _validate
from .objectives import Objective
from .optimizers import Optimizer

#: A run whose coordinates grow past this size is stopped and reported as diverged.
DIVERGENCE_LIMIT = 1e10


@dataclass
class Trace:
    """The history of one run. Step k goes from ``xs[k]`` to ``xs[k + 1] = xs[k] - updates[k]``.

    ``xs`` includes the start point (``steps + 1`` rows, fewer if the run stopped early);
    ``fs[k] = f(xs[k])``; ``grads[k]`` and ``effective_lrs[k]`` belong to step k.
    ``status`` is ``"max_steps"``, ``"converged"`` (gradient norm <= tol) or ``"diverged"``.
    """

    xs: np.ndarray
    fs: np.ndarray
    grads: np.ndarray
    updates: np.ndarray
    status: str
    label: str
    optimizer: str
    objective: str
    #: The optimizer's state after each step (kept by reference: no copy is made).
    states: list = field(default_factory=list, repr=False)
    #: The optimizer object that ran, to compute ``effective_lrs`` from ``states``.
    rule: Optimizer = field(default=None, repr=False)

    @cached_property
    def effective_lrs(self):
        """The per-coordinate step size after each step, shaped like ``updates``.

        Computed from ``states`` the first time it is read, so runs that never plot it do not pay for it.
        """
        shape = self.xs.shape[1:]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            rows = [np.broadcast_to(self.rule.effective_lr(state), shape) for state in self.states]
        return np.array(rows, dtype=float).reshape((len(rows),) + shape)

    @property
    def steps(self):
        """How many updates were taken."""
        return len(self.updates)

    @property
    def x(self):
        """The last point reached."""
        return self.xs[-1]

    @property
    def f(self):
        """The value at the last point reached."""
        return self.fs[-1]

    def __repr__(self):
        return (f"Trace(label={self.label!r}, steps={self.steps}, status={self.status!r}, "
                f"x={np.array2string(self.x, precision=4)}, f={self.f:.4g})")


def _within_limit(x):
    """Is every coordinate finite and at most DIVERGENCE_LIMIT in size?"""
    # The squared norm (one cheap call) bounds every coordinate; only a large or non-finite
    # one needs the exact test.
    return np.vdot(x, x) <= DIVERGENCE_LIMIT**2 or bool(np.abs(x).max() <= DIVERGENCE_LIMIT)


def minimize(objective, optimizer, x0=None, steps=100, tol=None, label=None):
    """Take up to ``steps`` updates of ``optimizer`` on ``objective`` from ``x0``.

    Stops early with status ``"converged"`` when the gradient norm drops to ``tol`` or below,
    and with ``"diverged"`` when f stops being finite or a coordinate exceeds
    ``DIVERGENCE_LIMIT`` (the non-finite point is not recorded, and no overflow warning is shown).
    ``x0`` defaults to the objective's suggested start; ``label`` (for legends) to the optimizer's name.
    """
    if not isinstance(objective, Objective):
        raise TypeError(f"objective must be an Objective (see rmsprop_lib.objectives), got {type(objective).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimizer such as RMSProp(lr=0.1), got {type(optimizer).__name__}")
    x = _validate.finite_array("x0", objective.start if x0 is None else x0)
    steps = _validate.count("steps", steps)
    if tol is not None:
        tol = _validate.nonnegative("tol", tol)
    if objective.dim is not None and x.shape != (objective.dim,):
        raise ValueError(f"x0 must have shape ({objective.dim},) for {objective.name}, got {x.shape}")

    objective.reset()
    state = optimizer.init(x)
    xs, fs, grads, updates, states = [x], [float(objective.value(x))], [], [], []
    status = "max_steps"
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(steps):
            g = objective.grad(x)
            if tol is not None and np.linalg.norm(g) <= tol:
                status = "converged"
                break
            update, state = optimizer.step(g, state)
            x_new = x - update
            f_new = float(objective.value(x_new))
            if not (math.isfinite(f_new) and _within_limit(x_new)):
                status = "diverged"
                break
            x = x_new
            grads.append(g)
            updates.append(update)
            states.append(state)
            xs.append(x)
            fs.append(f_new)

    def stack(rows):
        return np.array(rows, dtype=float).reshape((len(rows),) + x.shape)

    return Trace(
        xs=stack(xs), fs=np.array(fs), grads=stack(grads), updates=stack(updates),
        status=status, label=optimizer.name if label is None else str(label),
        optimizer=optimizer.name, objective=objective.name, states=states, rule=optimizer,
    )
