"""Run an optimizer on an objective and keep everything a plot needs."""
from dataclasses import dataclass

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
    effective_lrs: np.ndarray
    status: str
    label: str
    optimizer: str
    objective: str

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


def minimize(objective, optimizer, x0=None, steps=100, tol=None, label=None):
    """Take up to ``steps`` updates of ``optimizer`` on ``objective`` from ``x0``.

    Stops early with status ``"converged"`` when the gradient norm drops to ``tol`` or below,
    and with ``"diverged"`` when a value stops being finite or a coordinate exceeds
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
    xs, fs, grads, updates, lrs = [x], [float(objective.value(x))], [], [], []
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
            if not (np.isfinite(f_new) and np.abs(x_new).max() <= DIVERGENCE_LIMIT):
                status = "diverged"
                break
            x = x_new
            grads.append(g)
            updates.append(update)
            lr = optimizer.effective_lr(state)
            lrs.append(lr if np.shape(lr) == x.shape else np.full(x.shape, lr))
            xs.append(x)
            fs.append(f_new)

    def stack(rows):
        return np.array(rows, dtype=float).reshape((len(rows),) + x.shape)

    return Trace(
        xs=stack(xs), fs=np.array(fs), grads=stack(grads), updates=stack(updates),
        effective_lrs=stack(lrs), status=status,
        label=optimizer.name if label is None else str(label),
        optimizer=optimizer.name, objective=objective.name,
    )
