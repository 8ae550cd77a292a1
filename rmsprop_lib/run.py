"""Runs of an optimizer and what they keep: ``minimize`` (on a test function), ``follow`` (a fixed
sequence of gradients), and the results every run of the package returns (``History``, ``Trace``).

The loop itself is in ``rmsprop_lib.loop``, shared with ``regression.fit`` and ``training.train``.
"""
import copy
import math
import numbers
from dataclasses import dataclass, field
from functools import cached_property
from typing import Optional

import numpy as np

from . import _validate
from .loop import DIVERGENCE_LIMIT, MAX_HISTORY_BYTES, MAX_STEPS, _check_history, _descend  # noqa: F401
from .objectives import Objective
from .optimizers import Optimizer

def _check_label(label):
    if label is not None and (isinstance(label, bool) or not isinstance(label, (str, numbers.Number))):
        raise TypeError(f"label must be a string (or a number), got {type(label).__name__} {_validate.show(label)}")


def _check_optimizer(optimizer, example="RMSProp(lr=0.1)"):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimizer such as {example}, got {type(optimizer).__name__}")


# --------------------------------------------------------------------------- what a run keeps


@dataclass(kw_only=True)
class History:
    """What every run reports: how it ended, for which optimizer, and the gradients it took.

    ``status``: ``"max_steps"`` (every step taken), ``"converged"`` (``minimize``: the gradient norm
    reached ``tol``), ``"stopped"`` (``fit``: the stopping rule fired) or ``"diverged"`` (a value or
    gradient stopped being finite, a gradient grew too large for the rule to square, or a coordinate
    passed ``DIVERGENCE_LIMIT``; the step that failed is not recorded).

    The optimizer's states are not kept during the run: ``states`` and ``effective_lrs`` are
    recomputed from ``grads`` the first time they are read, by the same rule, so they are exactly
    those of the run, and cost memory only when asked for.
    """

    status: str
    label: str
    optimizer: str  #: the optimizer's name
    grads: Optional[np.ndarray] = field(default=None, repr=False)  #: ``grads[k]``: the gradient of update k
    #: A copy of the optimizer that ran, to recompute ``states`` and ``effective_lrs`` from ``grads``.
    rule: Optional[Optimizer] = field(default=None, repr=False)

    @property
    def steps(self):
        """How many updates were taken."""
        return len(self.grads)

    def _replay(self):
        """The optimizer's state after each update, recomputed from the gradients of the run."""
        if self.grads is None:
            raise AttributeError(f"this {type(self).__name__} keeps no gradients, so no states or effective "
                                 "learning rates")
        state = self.rule._init(self.grads.shape[1:])
        points = self._points()
        if points is None and self.rule.needs_x():
            raise AttributeError(f"this {type(self).__name__} keeps no points, which {self.rule.name}'s update needs, "
                                 "so no states or effective learning rates")
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for k, g in enumerate(self.grads):
                _, state = self.rule._update(g, state, None if points is None else points[k])
                yield state

    def _points(self):
        """The point each update started from (``None`` when the history keeps no points)."""
        return None

    @cached_property
    def effective_lrs(self):
        """The per-coordinate effective learning rate after each update, shaped like ``grads``.

        See ``Optimizer.effective_lr``; computed the first time it is read.
        """
        out = np.empty(self.grads.shape if self.grads is not None else 0)
        for k, state in enumerate(self._replay()):
            out[k] = self.rule._effective_lr(state)
        return out

    @cached_property
    def states(self):
        """The optimizer's state after each update, as ONE state whose array fields are stacked.

        Each array field gets a leading axis of length ``steps`` (``states.s[k]`` is s after update k);
        the count ``t`` becomes an array of counts; GradientDescent's ``shape`` stays the parameters'
        shape, and a field the rule leaves at None (Adam's ``v_max`` without amsgrad) stays None.
        Computed the first time it is read, into arrays of exactly that size.
        """
        fields = [name for name in self.rule.State._fields if name not in self.rule._unused()]
        stacked = {name: (np.zeros(len(self.grads), dtype=int) if name == "t" else
                          np.empty(self.grads.shape)) for name in fields if name != "shape"}
        for k, state in enumerate(self._replay()):
            for name in stacked:
                stacked[name][k] = getattr(state, name)
        if "shape" in fields:
            stacked["shape"] = self.grads.shape[1:]
        return self.rule.State(**stacked)


@dataclass(kw_only=True)
class Trace(History):
    """The history of one run of ``minimize`` or ``follow``. Update k goes from ``xs[k]`` to
    ``xs[k + 1] = xs[k] - updates[k]``.

    ``xs`` includes the start point (``steps + 1`` rows, fewer if the run stopped early);
    ``fs[k] = f(xs[k])`` (``None`` for ``follow``, which has no function); ``grads[k]`` and
    ``effective_lrs[k]`` belong to update k. See ``History`` for ``status``, ``states`` and
    ``effective_lrs``.
    """

    xs: np.ndarray
    fs: Optional[np.ndarray]
    updates: np.ndarray
    objective: Optional[str] = None  #: the objective's name (None for ``follow``)

    @property
    def x(self):
        """The last point reached."""
        return self.xs[-1]

    def _points(self):
        return self.xs

    @property
    def f(self):
        """The value at the last point reached."""
        return self.fs[-1]

    def __repr__(self):
        value = "" if self.fs is None else f", f={self.f:.4g}"
        return (f"Trace(label={self.label!r}, steps={self.steps}, status={self.status!r}, "
                f"x={np.array2string(self.x, precision=4)}{value})")


# --------------------------------------------------------------------------- minimize and follow


def _number_from(objective):
    """Turns what ``objective.f`` returned into a float, with a clear error for anything but one real number."""
    def number(v):
        if (isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))) or \
                (isinstance(v, np.ndarray) and v.shape == () and v.dtype.kind in "iuf"):
            try:
                return float(v)
            except OverflowError:  # a Python int beyond float64
                return math.inf
        raise TypeError(f"the function of objective {objective.name!r} must return one real number per point, "
                        f"got {_validate.show(v)}")
    return number


def minimize(objective, optimizer, x0=None, steps=100, tol=None, label=None):
    """Take up to ``steps`` updates of ``optimizer`` on ``objective`` from ``x0``; return a ``Trace``.

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
    _check_optimizer(optimizer)
    x = _validate.finite_array("x0", objective.start if x0 is None else x0)
    steps = _validate.count("steps", steps, maximum=MAX_STEPS)
    if tol is not None:
        tol = _validate.nonnegative("tol", tol)
    _check_label(label)
    if objective.dim is not None and x.shape != (objective.dim,):
        raise ValueError(f"x0 must have shape ({objective.dim},) for {objective.name}, got shape {x.shape}")
    _check_history(steps, 3 * x.size + 1)

    objective.reset()
    rule = copy.copy(optimizer)  # the trace recomputes states from it: later changes must not matter
    try:
        run = _descend(rule, x, steps, objective.gradient, objective.f, tol=tol, keep=("xs", "fs", "grads", "updates"),
                      number=_number_from(objective), source=f"objective {objective.name!r}")
    except ValueError as exc:
        if "read-only" in str(exc):
            raise ValueError(f"the functions of objective {objective.name!r} must not change their input x "
                             "(compute the result into a new array)") from exc
        raise
    return Trace(xs=run.xs, fs=run.fs, grads=run.grads, updates=run.updates, status=run.status,
                 label=optimizer.name if label is None else str(label), optimizer=optimizer.name,
                 objective=objective.name, rule=rule)


def follow(optimizer, grads, x0=None, label=None):
    """Feed ``optimizer`` a fixed sequence of gradients; return the ``Trace`` of the updates it makes.

    ``grads[k]`` is the gradient of update k: an array of shape ``(steps,) + shape``, or a 1-D
    sequence of numbers for one coordinate (then the parameters have shape ``(1,)``). The run starts
    at ``x0`` (default zeros) and keeps ``xs``, ``updates``, ``grads``, and on request ``effective_lrs``
    and ``states``; it has no function values (``fs`` is None). It stops as ``"diverged"`` as
    ``minimize`` does.
    """
    _check_optimizer(optimizer)
    grads = _validate.finite_array("grads", grads)
    if grads.ndim == 0 or len(grads) == 0:
        raise ValueError(f"grads must be a sequence of at least one gradient (shape (steps,) + shape), "
                         f"got shape {grads.shape}")
    if grads.ndim == 1:
        grads = grads[:, None]
    shape = grads.shape[1:]
    x = np.zeros(shape) if x0 is None else _validate.finite_array("x0", x0, shape=shape)
    _check_label(label)
    _check_history(len(grads), 3 * x.size)
    rule = copy.copy(optimizer)
    feed = iter(grads)
    run = _descend(rule, x, len(grads), lambda x: next(feed), keep=("xs", "grads", "updates"), source="grads")
    return Trace(xs=run.xs, fs=None, grads=run.grads, updates=run.updates, status=run.status,
                 label=optimizer.name if label is None else str(label), optimizer=optimizer.name, rule=rule)
