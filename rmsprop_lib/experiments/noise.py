"""The noise floors of notebook 06: the loss gap of runs whose every gradient carries Gaussian noise."""
import numpy as np

from .. import _validate
from ..loop import MAX_STEPS, _descend
from ..objectives import NoisyObjective, get_objective
from ..optimizers import Optimizer
from .chaos import _Stacked


def noisy_loss_gaps(optimizer, lrs, runs=4, steps=300, landscape="elongated_bowl", sigma=0.5, seed=0):
    """The loss gap f - f* of ``optimizer`` at every step, with Gaussian noise of size ``sigma`` added to
    every gradient: an array of shape ``(len(lrs), runs, steps + 1)``, one row per learning rate in ``lrs``
    and noise stream, all started at the landscape's start (inf after a run diverged).

    The ``runs`` noise streams come from ``np.random.default_rng(seed)``; every learning rate sees the same
    streams, so two learning rates differ by the learning rate alone. All runs go side by side in one loop.
    ``noisy_loss_gaps_of`` does the same for several optimizers at once.
    """
    return noisy_loss_gaps_of([(optimizer, lrs)], runs, steps, landscape, sigma, seed)[0]


def noisy_loss_gaps_of(groups, runs=4, steps=300, landscape="elongated_bowl", sigma=0.5, seed=0):
    """``[noisy_loss_gaps(optimizer, lrs, ...) for optimizer, lrs in groups]``, every run in one loop (and
    every optimizer seeing the same noise streams)."""
    if isinstance(groups, (str, bytes)) or not hasattr(groups, "__iter__"):
        raise TypeError(f"groups must be a list of (optimizer, lrs) pairs, got {_validate.show(groups)}")
    checked = []
    for group in groups:
        if isinstance(group, (str, bytes)) or not hasattr(group, "__len__") or len(group) != 2:
            raise TypeError(f"groups must be a list of (optimizer, lrs) pairs, got {_validate.show(group)}")
        optimizer, lrs = group
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"optimizer must be an optimizer such as Adam(lr=0.05), got {_validate.show(optimizer)}")
        checked.append((optimizer, np.array([_validate.positive("lrs", lr) for lr in np.atleast_1d(lrs)])))
    if not checked:
        raise ValueError("groups must hold at least one (optimizer, lrs) pair")
    runs = _validate.count("runs", runs, minimum=1, maximum=1000)
    steps = _validate.count("steps", steps, minimum=1, maximum=MAX_STEPS)
    sigma = _validate.nonnegative("sigma", sigma)
    seed = _validate.count("seed", seed)
    objective = get_objective(landscape)
    if isinstance(objective, NoisyObjective):
        raise ValueError(f"landscape must be a landscape without noise (sigma adds the noise), got {landscape!r}")
    start = np.asarray(objective.start, dtype=float)
    rng = np.random.default_rng(seed)
    blocks = sum(len(lrs) for _, lrs in checked)  # one block of `runs` rows per (optimizer, lr)

    def gradient(rows):
        return objective.gradient(rows.T).T + np.tile(sigma * rng.standard_normal((runs, start.size)), (blocks, 1))

    rule = _Stacked([(optimizer, np.repeat(lrs, runs)) for optimizer, lrs in checked])
    run = _descend(rule, np.tile(start, (blocks * runs, 1)), steps, gradient, lambda rows: objective.f(rows.T),
                   rows=True, keep=("fs",), source=f"objective {objective.name!r}")
    gaps = np.full((steps + 1, blocks * runs), np.inf)
    gaps[:len(run.fs)] = run.fs - (objective.min_value or 0.0)
    gaps[np.arange(steps + 1)[:, None] > run.ended] = np.inf
    gaps = gaps.T.reshape(blocks, runs, steps + 1)
    ends = np.cumsum([len(lrs) for _, lrs in checked])
    return [gaps[end - len(lrs):end] for (_, lrs), end in zip(checked, ends)]
