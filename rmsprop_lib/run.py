"""The one training loop of the package, and what a run keeps.

Every run goes through ``_descend``: ``minimize`` (a test function), ``follow`` (a fixed sequence of
gradients), ``regression.fit`` (linear regression, mini-batches) and ``training.train`` (the
network). So every run stops the same way on divergence and reports it in the same words.
"""
import copy
import math
import numbers
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple, Optional

import numpy as np

from . import _validate
from .objectives import Objective
from .optimizers import MAX_SQUARED_ENTRY, Optimizer, _squared_norm

#: A run whose coordinates grow past this size is stopped and reported as diverged.
DIVERGENCE_LIMIT = 1e10

#: The most updates one run may take (``minimize``'s ``steps``, ``fit``'s epochs times batches):
#: about 3 minutes of a 2-D run on a laptop.
MAX_STEPS = 10_000_000

#: The most memory a run's history may need (its points, gradients, updates and values): 2 GiB.
MAX_HISTORY_BYTES = 2 * 1024**3

_FLOAT64 = np.dtype(np.float64)


def _check_history(steps, numbers_per_step, name="steps"):
    """Refuse a run whose history would need more than ``MAX_HISTORY_BYTES`` (8 bytes a number)."""
    needed = (steps + 1) * numbers_per_step * 8
    if needed > MAX_HISTORY_BYTES:
        most = MAX_HISTORY_BYTES // (numbers_per_step * 8) - 1
        raise ValueError(f"{name} must be smaller: keeping the history of {steps:,} updates would need "
                         f"{needed / 1e9:.1f} GB (at most {MAX_HISTORY_BYTES / 1e9:.1f} GB); with this many "
                         f"parameters at most {most:,} updates fit")


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
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for g in self.grads:
                _, state = self.rule._update(g, state)
                yield state

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
        Adam's ``t`` becomes an array of counts; GradientDescent's ``shape`` stays the parameters' shape.
        Computed the first time it is read, into arrays of exactly that size.
        """
        fields = self.rule.State._fields
        stacked = {name: (np.zeros(len(self.grads), dtype=int) if name == "t" else
                          np.empty(self.grads.shape)) for name in fields if name != "shape"}
        for k, state in enumerate(self._replay()):
            for name, value in zip(fields, state):
                if name != "shape":
                    stacked[name][k] = value
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

    @property
    def f(self):
        """The value at the last point reached."""
        return self.fs[-1]

    def __repr__(self):
        value = "" if self.fs is None else f", f={self.f:.4g}"
        return (f"Trace(label={self.label!r}, steps={self.steps}, status={self.status!r}, "
                f"x={np.array2string(self.x, precision=4)}{value})")


# --------------------------------------------------------------------------- the loop


class _Run(NamedTuple):
    """What ``_descend`` hands back to the function that called it."""

    status: str  #: see History; for a stack of runs, the status of the whole stack
    steps: int  #: updates taken
    x: np.ndarray  #: the last point recorded
    xs: Optional[np.ndarray]
    fs: Optional[np.ndarray]
    grads: Optional[np.ndarray]
    updates: Optional[np.ndarray]
    ended: Optional[np.ndarray]  #: for a stack: the index of each run's last recorded value


def _within(a, limit, rows):
    """The divergence test: every entry finite and at most ``limit`` in size (for each row of a stack)."""
    ok = np.isfinite(a) & (np.abs(a) <= limit)
    return ok.reshape(len(a), -1).all(axis=1) if rows else bool(ok.all())


def _descend(rule, x, steps, gradient, value=None, tol=None, rows=False, keep=("xs", "grads", "updates"),
            checkpoint=None, number=float, source="the objective"):
    """Take up to ``steps`` updates ``x <- x - update`` of the optimizer ``rule`` from ``x``; return a ``_Run``.

    - ``value(x)`` is called at the start and at every point reached, before ``gradient(x)`` at
      that point (so a mini-batch problem draws its next batch in ``value``). ``value=None``: no
      values. ``number`` turns a value that is not a float64 into one (or raises a clear error).
    - ``keep`` names what is recorded at every step: ``"xs"``, ``"fs"``, ``"grads"``, ``"updates"``.
    - ``tol``: stop as ``"converged"`` when the gradient norm is at most ``tol``.
    - ``checkpoint=(k, function)``: after update k, ``function(k, x)`` is called; it returns the next
      k to be called at, or None to stop the run as ``"stopped"`` (e.g. at the end of each epoch).
    - ``rows=True``: ``x`` is a stack of independent runs, one per row (``value`` gives one number per
      row). A run that diverges keeps its last recorded point and stops; the others go on.
    - ``source`` names where the gradients come from, in error messages.

    The callers check their inputs; the divergence test is the same for every run.
    """
    shape = x.shape
    keep_x, keep_f, keep_g, keep_u = ("xs" in keep), ("fs" in keep), ("grads" in keep), ("updates" in keep)
    xs = np.empty((steps + 1,) + shape) if keep_x else None
    fs = np.empty((steps + 1,) + (shape[:1] if rows else ())) if keep_f else None
    grads = np.empty((steps,) + shape) if keep_g else None
    updates = np.empty((steps,) + shape) if keep_u else None
    alive = np.ones(shape[0], dtype=bool) if rows else None
    ended = np.full(shape[0], steps) if rows else None
    step = rule._update  # the rule's unchecked update (the loop has checked g)
    state = rule._init(shape)
    vector = x.ndim == 1 and x.size <= 10_000  # its .dot is the fastest squared norm
    # A NaN or inf in the gradient shows in x_new for rules that do not square it; check it when the rule
    # squares it (an overflow there would stop the run without a sign), for tol, or per row of a stack.
    check_gradient = rule.squares_gradient or tol is not None or rows
    g_limit = MAX_SQUARED_ENTRY if rule.squares_gradient else np.inf
    limit2 = DIVERGENCE_LIMIT**2
    next_check, check = checkpoint if checkpoint is not None else (-1, None)
    status, k = "max_steps", 0  # k: updates taken

    def fail(ok, k):
        """Mark the runs of a stack that fail (``ok`` False) as ended at k; True when none is left."""
        bad = alive & ~ok
        ended[bad], alive[bad] = k, False
        return not alive.any()

    x.setflags(write=False)  # the objective's functions get a read-only x
    if keep_x:
        xs[0] = x
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        if value is not None:
            v = value(x)
            if not rows and type(v) is not np.float64:
                v = number(v)
            if keep_f:
                fs[0] = v
            if not (np.isfinite(v).all() if rows else math.isfinite(v)):
                if not rows or fail(np.isfinite(v), 0):
                    status, steps = "diverged", 0
        for _ in range(steps):
            # The divergence test (_within) has its fast path written out: one squared norm bounds every
            # entry. This loop is what every run of the series pays for.
            g = gradient(x)
            if not (type(g) is np.ndarray and g.dtype is _FLOAT64 and g.shape == shape):
                g = _validate.real_array(f"the gradient of {source}", g, shape=shape)
            if rows and not alive.all():
                g = np.where(alive[:, None], g, 0.0)  # stopped runs: no NaN enters the state
            if check_gradient:
                gg = g.dot(g) if vector else _squared_norm(g)
                if not gg <= 1e300 and not (not rows and _within(g, g_limit, False)):
                    if not rows or fail(_within(g, g_limit, True), k):
                        status = "diverged"
                        break
                    g = np.where(alive[:, None], g, 0.0)
                if tol is not None and math.sqrt(gg) <= tol:
                    status = "converged"
                    break
            update, state = step(g, state)  # the rules that use x (AdamW) will get it here: (g, state, x)
            x_new = x - update
            if not (x_new.dot(x_new) if vector else _squared_norm(x_new)) <= limit2:
                if not rows and not _within(x_new, DIVERGENCE_LIMIT, False) or \
                        rows and fail(_within(x_new, DIVERGENCE_LIMIT, True), k):
                    status = "diverged"
                    break
            if rows and not alive.all():
                x_new = np.where(alive[:, None], x_new, x)  # stopped runs keep their last point
            x_new.setflags(write=False)
            if value is not None:
                v = value(x_new)
                if rows:
                    if not np.isfinite(v).all():
                        if fail(np.isfinite(v), k):
                            status = "diverged"
                            break
                        x_new = np.where(alive[:, None], x_new, x)
                        x_new.setflags(write=False)
                else:
                    if type(v) is not np.float64:
                        v = number(v)
                    if not math.isfinite(v):
                        status = "diverged"
                        break
                if keep_f:
                    fs[k + 1] = v
            x = x_new
            if keep_g:
                grads[k] = g
            if keep_u:
                updates[k] = update
            k += 1
            if keep_x:
                xs[k] = x
            if k == next_check:
                next_check = check(k, x)
                if next_check is None:
                    status = "stopped"
                    break

    def trim(array, n):
        return array if array is None or n == len(array) else array[:n].copy()  # a copy frees the unused rows

    return _Run(status, k, x, trim(xs, k + 1), trim(fs, k + 1), trim(grads, k), trim(updates, k), ended)


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
