"""Run an optimizer on an objective and keep everything a plot needs."""
import copy
import math
import numbers
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from . import _validate
from .objectives import Objective
from .optimizers import Optimizer, _squared_norm

#: A run whose coordinates grow past this size is stopped and reported as diverged.
DIVERGENCE_LIMIT = 1e10

#: The most updates one run may take (``minimize``'s ``steps``, ``fit``'s epochs times batches):
#: about 3 minutes of a 2-D run on a laptop.
MAX_STEPS = 10_000_000

#: The most memory a run's history may need (its points, gradients, updates, values and
#: effective learning rates): 2 GiB.
MAX_HISTORY_BYTES = 2 * 1024**3


def _check_history(steps, numbers_per_step, name="steps"):
    """Refuse a run whose history would need more than ``MAX_HISTORY_BYTES`` (8 bytes a number)."""
    needed = (steps + 1) * numbers_per_step * 8
    if needed > MAX_HISTORY_BYTES:
        most = MAX_HISTORY_BYTES // (numbers_per_step * 8) - 1
        raise ValueError(f"{name} must be smaller: keeping the history of {steps:,} updates would need "
                         f"{needed / 1e9:.1f} GB (at most {MAX_HISTORY_BYTES / 1e9:.1f} GB); with this many "
                         f"parameters at most {most:,} updates fit")


@dataclass
class Trace:
    """The history of one run. Step k goes from ``xs[k]`` to ``xs[k + 1] = xs[k] - updates[k]``.

    ``xs`` includes the start point (``steps + 1`` rows, fewer if the run stopped early);
    ``fs[k] = f(xs[k])``; ``grads[k]`` and ``effective_lrs[k]`` belong to step k.
    ``status`` is ``"max_steps"``, ``"converged"`` (gradient norm <= tol: a stationary point,
    which may also be a saddle) or ``"diverged"`` (see ``minimize``).

    The optimizer's states are not kept during the run (they would cost more memory than the
    rest of the history): ``states`` and ``effective_lrs`` are recomputed from ``grads`` the
    first time they are read, by the same rule, so they are exactly those of the run.
    """

    xs: np.ndarray
    fs: np.ndarray
    grads: np.ndarray
    updates: np.ndarray
    status: str
    label: str
    optimizer: str
    objective: str
    #: A copy of the optimizer that ran, to recompute ``states`` and ``effective_lrs`` from ``grads``.
    rule: Optimizer = field(default=None, repr=False)

    def _replay(self):
        """The optimizer's state after each step, recomputed from the gradients of the run."""
        state = self.rule._init(self.xs.shape[1:])
        for g in self.grads:
            _, state = self.rule._step(g, state)
            yield state

    @cached_property
    def effective_lrs(self):
        """The per-coordinate effective learning rate after each step, shaped like ``updates``.

        See ``Optimizer.effective_lr``; computed the first time it is read.
        """
        out = np.empty(self.updates.shape)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for k, state in enumerate(self._replay()):
                out[k] = self.rule._effective_lr(state)
        return out

    @cached_property
    def states(self):
        """The optimizer's state after each step, as ONE state whose array fields are stacked.

        Each array field gets a leading axis of length ``steps`` (``states.s[k]`` is s after step k);
        Adam's ``t`` becomes an array of counts; GradientDescent's ``shape`` stays the parameters' shape.
        Computed the first time it is read.
        """
        rows = {name: [] for name in self.rule.State._fields}
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for state in self._replay():
                for name, value in zip(state._fields, state):
                    rows[name].append(value)
        stacked = {}
        for name, values in rows.items():
            if name == "shape":
                stacked[name] = self.xs.shape[1:]
            elif name == "t":
                stacked[name] = np.array(values, dtype=int)
            else:
                stacked[name] = np.array(values, dtype=float).reshape(self.updates.shape)
        return self.rule.State(**stacked)

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
    return _squared_norm(x) <= DIVERGENCE_LIMIT**2 or bool(np.abs(x).max() <= DIVERGENCE_LIMIT)


def _checked_gradient(objective, g, shape):
    """A gradient that is not already a float64 array of the right shape, converted (NaN and inf allowed)."""
    return _validate.real_array(f"the gradient of objective {objective.name!r}", g, shape=shape)


def _checked_value(objective, f):
    """A value that is not already a float64 number, converted to one (NaN and inf allowed)."""
    if (isinstance(f, numbers.Real) and not isinstance(f, (bool, np.bool_))) or \
            (isinstance(f, np.ndarray) and f.shape == () and f.dtype.kind in "iuf"):
        try:
            return float(f)
        except OverflowError:  # a Python int beyond float64
            return math.inf
    raise TypeError(f"the function of objective {objective.name!r} must return one real number per point, "
                    f"got {_validate.show(f)}")


_FLOAT64 = np.dtype(np.float64)


def minimize(objective, optimizer, x0=None, steps=100, tol=None, label=None):
    """Take up to ``steps`` updates of ``optimizer`` on ``objective`` from ``x0``.

    Stops early with status ``"converged"`` when the gradient norm drops to ``tol`` or below,
    and with ``"diverged"`` when a coordinate exceeds ``DIVERGENCE_LIMIT``, f or the gradient stops
    being finite, or the gradient grows too large for the rule to square (above
    ``MAX_SQUARED_ENTRY`` for AdaGrad, RMSProp and Adam); the point that failed is not recorded and
    no overflow warning is shown. ``x0`` defaults to the objective's suggested start; ``label``
    (for legends, a string or a number) to the optimizer's name. ``steps`` is at most ``MAX_STEPS``.

    The objective's functions are called with a read-only x: one that tries to change its input
    gets a clear error instead of silently corrupting the run.
    """
    if not isinstance(objective, Objective):
        raise TypeError(f"objective must be an Objective (see rmsprop_lib.objectives), got {type(objective).__name__}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimizer such as RMSProp(lr=0.1), got {type(optimizer).__name__}")
    x = _validate.finite_array("x0", objective.start if x0 is None else x0)
    steps = _validate.count("steps", steps, maximum=MAX_STEPS)
    if tol is not None:
        tol = _validate.nonnegative("tol", tol)
    if label is not None and (isinstance(label, bool) or not isinstance(label, (str, numbers.Number))):
        raise TypeError(f"label must be a string (or a number), got {type(label).__name__} {_validate.show(label)}")
    if objective.dim is not None and x.shape != (objective.dim,):
        raise ValueError(f"x0 must have shape ({objective.dim},) for {objective.name}, got shape {x.shape}")
    _check_history(steps, 4 * x.size + 1)

    objective.reset()
    rule = copy.copy(optimizer)  # the trace recomputes states from it: later changes must not matter
    state = rule._init(x.shape)
    f, gradient, step = objective.f, objective.gradient, rule._step
    shape, vector = x.shape, x.ndim == 1 and x.size <= 10_000  # vector: its .dot is the fastest squared norm
    # For rules that do not square the gradient a NaN or inf in it shows in x_new; check it only
    # when the rule squares it (an overflow there would stop the run without a sign) or for tol.
    check_gradient = rule.squares_gradient or tol is not None
    xs, fs = np.empty((steps + 1,) + shape), np.empty(steps + 1)
    grads, updates = np.empty((steps,) + shape), np.empty((steps,) + shape)
    x.setflags(write=False)  # the objective's functions get a read-only x
    limit2 = DIVERGENCE_LIMIT**2
    xs[0] = x
    status, k = "max_steps", 0  # k: updates taken
    try:
        fs[0] = _checked_value(objective, f(x))
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for _ in range(steps):
                # the checks of _checked_gradient, _checked_value and _within_limit have their fast
                # paths written out here: this loop is what every run of the series pays for
                g = gradient(x)
                if not (type(g) is np.ndarray and g.dtype is _FLOAT64 and g.shape == shape):
                    g = _checked_gradient(objective, g, shape)
                if check_gradient:
                    gg = g.dot(g) if vector else _squared_norm(g)
                    if not (gg <= 1e300 or rule._usable(g)):  # not finite, or too large to square
                        status = "diverged"
                        break
                    if tol is not None and math.sqrt(gg) <= tol:
                        status = "converged"
                        break
                update, state = step(g, state)
                x_new = x - update
                if not ((x_new.dot(x_new) if vector else _squared_norm(x_new)) <= limit2 or _within_limit(x_new)):
                    status = "diverged"
                    break
                x_new.setflags(write=False)
                f_new = f(x_new)
                if type(f_new) is not np.float64:
                    f_new = _checked_value(objective, f_new)
                if not math.isfinite(f_new):
                    status = "diverged"
                    break
                x = x_new
                grads[k] = g
                updates[k] = update
                k += 1
                xs[k] = x
                fs[k] = f_new
    except ValueError as exc:
        if "read-only" in str(exc):
            raise ValueError(f"the functions of objective {objective.name!r} must not change their input x "
                             "(compute the result into a new array)") from exc
        raise

    def keep(array, n):
        return array if n == len(array) else array[:n].copy()  # a copy frees the unused rows

    return Trace(
        xs=keep(xs, k + 1), fs=keep(fs, k + 1), grads=keep(grads, k), updates=keep(updates, k),
        status=status, label=optimizer.name if label is None else str(label),
        optimizer=optimizer.name, objective=objective.name, rule=rule,
    )
