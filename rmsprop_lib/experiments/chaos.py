"""Runs whose end is a matter of chance, so that they get a word instead of a number.

``gap_and_chaos`` (notebooks 03 and 06): twin starts a billionth apart end more than a factor 2 apart.
``bounces`` (notebook 07): the loss climbed back above twice its lowest value. Also the machinery that
runs many starts or learning rates side by side, as the rows of one stack, in one loop.
"""
import copy
import dataclasses

import numpy as np

from .. import _validate
from ..loop import MAX_STEPS, _descend
from ..objectives import NoisyObjective, Objective
from ..optimizers import Optimizer
from ..run import minimize

#: How far the twin starts of ``gap_and_chaos`` are moved: a billionth, far less than anyone would
#: ever notice in a start point.
NUDGE = 1e-9


def final_gap(trace, objective):
    """The loss gap f - f* at the end of ``trace`` (f itself where f* is unknown); inf if the run diverged."""
    if trace.status == "diverged":
        return np.inf
    return trace.f - (objective.min_value or 0.0)


def _chaotic(gaps):
    """The chaos rule of ``gap_and_chaos``, along the last axis of ``gaps`` (a run and its twins): True where
    the largest final gap is more than twice the smallest."""
    gaps = np.asarray(gaps)
    return gaps.max(axis=-1) > 2 * gaps.min(axis=-1)


def gap_and_chaos(objective, optimizer, steps, x0=None, nudge=NUDGE):
    """The final loss gap of a run, and whether that number is chance (``(gap, chaotic)``).

    The run is repeated from twin starts: ``x0`` (default: the objective's start) moved by ``nudge``
    in one coordinate at a time (in x, then in y). ``chaotic`` is True when the final gaps of the
    run and its twins differ by more than a factor 2 (the largest above twice the smallest): then
    where the run ends is decided by a billionth in the start - and by the rounding of the computer -
    not by the settings. A run that diverges has gap inf: so it is chaotic when only some twins diverge.
    """
    if not isinstance(objective, Objective):
        raise TypeError(f"objective must be an Objective such as rosenbrock, got {_validate.show(objective)}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimizer such as RMSProp(lr=0.1), got {_validate.show(optimizer)}")
    nudge = _validate.positive("nudge", nudge)
    steps = _validate.count("steps", steps, minimum=1, maximum=MAX_STEPS)
    start = _validate.finite_array("x0", objective.start if x0 is None else x0)
    if objective.dim is not None and start.shape != (objective.dim,):
        raise ValueError(f"x0 must have shape ({objective.dim},) for {objective.name}, got shape {start.shape}")
    starts = np.vstack([start, start + nudge * np.eye(start.size)])  # one row per run: the start, then its twins
    if isinstance(objective, NoisyObjective):  # each run must see the same noise: one after the other
        gaps = [final_gap(minimize(objective, optimizer, x0=s, steps=steps), objective) for s in starts]
    else:  # the runs side by side, as the rows of one stack: one loop instead of one per run
        gaps = _final_gaps_side_by_side(objective, optimizer, starts, steps)
    return gaps[0], bool(_chaotic(gaps))


def lr_sweep(objective, optimizer, lrs, steps):
    """``[gap_and_chaos(objective, optimizer at lr, steps) for lr in lrs]``: the final loss gap at every learning
    rate in ``lrs``, from the objective's start, and whether it is chance - every run and its twin starts side
    by side in one loop (a noisy objective's runs one after the other, so each sees the same noise). The
    gaps agree with ``gap_and_chaos``'s up to rounding (the rule runs at lr 1 and its update is multiplied by lr)."""
    if not isinstance(objective, Objective):
        raise TypeError(f"objective must be an Objective such as rosenbrock, got {_validate.show(objective)}")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an optimizer such as RMSProp(lr=0.1), got {_validate.show(optimizer)}")
    lrs = np.array([_validate.positive("lrs", lr) for lr in np.atleast_1d(lrs)])
    if lrs.size == 0:
        raise ValueError("lrs must hold at least one learning rate")
    steps = _validate.count("steps", steps, minimum=1, maximum=MAX_STEPS)
    if isinstance(objective, NoisyObjective):
        return [gap_and_chaos(objective, dataclasses.replace(optimizer, lr=float(lr)), steps) for lr in lrs]
    start = np.asarray(objective.start, dtype=float)
    twins = np.vstack([start, start + NUDGE * np.eye(start.size)])
    gaps = _final_gaps_side_by_side(objective, _PerRowLR(optimizer, np.repeat(lrs, len(twins))),
                                    np.tile(twins, (len(lrs), 1)), steps)
    gaps = np.reshape(gaps, (len(lrs), len(twins)))
    return [(row[0], bool(flag)) for row, flag in zip(gaps, _chaotic(gaps))]


class _PerRowLR:
    """``optimizer`` with a learning rate of its own for each row of a stack of runs: the rule run at
    lr 1, its update multiplied by ``lrs`` (one per row). Every rule of the series multiplies its whole
    update by lr and keeps lr out of its state, so each row is the run at its own learning rate (up
    to rounding: the product is taken in another order)."""

    def __init__(self, optimizer, lrs):
        self.rule = dataclasses.replace(optimizer, lr=1.0)
        self.squares_gradient = self.rule.squares_gradient
        self.lrs = np.asarray(lrs, dtype=float)[:, None]

    def _init(self, shape):
        return self.rule._init(shape)

    def _update(self, g, state, *x):  # x: the current point, for the rules that read it (weight decay)
        update, state = self.rule._update(g, state, *x)
        return update * self.lrs, state


class _Stacked:
    """Several optimizers, each on its own block of rows of one stack (``_PerRowLR`` each): ``groups`` is a
    list of ``(optimizer, lrs)``, the rows in that order."""

    def __init__(self, groups):
        self.parts = [_PerRowLR(optimizer, lrs) for optimizer, lrs in groups]
        self.squares_gradient = any(part.squares_gradient for part in self.parts)
        ends = np.cumsum([len(part.lrs) for part in self.parts])
        self.rows = [slice(end - len(part.lrs), end) for part, end in zip(self.parts, ends)]

    def _init(self, shape):
        return tuple(part._init((rows.stop - rows.start,) + shape[1:]) for part, rows in zip(self.parts, self.rows))

    def _update(self, g, state, *x):
        pieces = [part._update(g[rows], part_state, *(a[rows] for a in x))
                  for part, rows, part_state in zip(self.parts, self.rows, state)]
        return np.concatenate([update for update, _ in pieces]), tuple(new for _, new in pieces)


def _final_gaps_side_by_side(objective, optimizer, starts, steps):
    """The final gap of a run from each row of ``starts`` (inf for a run that diverged), in one loop."""
    objective.reset()
    run = _descend(copy.copy(optimizer), starts, steps, lambda rows: objective.gradient(rows.T).T,
                   lambda rows: objective.f(rows.T), rows=True, keep=("fs",), source=f"objective {objective.name!r}")
    finals = run.fs[run.ended, np.arange(len(starts))] - (objective.min_value or 0.0)
    return list(np.where(run.ended < steps, np.inf, finals))


def bounces(losses, window=50):
    """True when, in the last ``window`` values of ``losses``, the loss climbed back above twice its lowest
    value so far (a loss that only falls never bounces, however fast it falls).

    Where such a run stops is a matter of luck, so its last loss is no measure of its settings
    (notebook 07; a diverged run is a different matter and is not tested here)."""
    losses = _validate.real_array("losses", losses)
    window = _validate.count("window", window, minimum=1)
    if losses.ndim != 1 or losses.size == 0:
        raise ValueError(f"losses must be a non-empty sequence of numbers, got shape {losses.shape}")
    tail = losses[-window:]
    return bool(np.any(tail > 2 * np.minimum.accumulate(tail)))
