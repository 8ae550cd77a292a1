"""The one training loop of the package.

Every run goes through ``_descend``: ``run.minimize`` (a test function), ``run.follow`` (a fixed
sequence of gradients), ``regression.fit`` (linear regression, mini-batches) and ``training.train``
(the network). So every run stops on divergence by the same test and reports it in the same words.
"""
import math
from typing import NamedTuple, Optional

import numpy as np

from . import _validate
from .optimizers import MAX_SQUARED_ENTRY, _squared_norm

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


_FLOAT64 = np.dtype(np.float64)


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
            update, state = step(g, state, x)  # x: the point the update starts from (weight decay reads it)
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
