"""Training the network of ``rmsprop_lib.mlp`` with any optimizer of the series (notebook 07)::

    result = train(net, Adam(lr=0.01), X, y, steps=300)                  # a TrainResult
    results = train_seeds(net, Adam(lr=0.01), X, y, seeds=(0, 1, 2))      # one per seed, computed together

Both run the package's one loop (``rmsprop_lib.run._descend``) on a stack of parameter vectors,
one row per network, so they stop on divergence as every other run does.
"""
import copy
import itertools
import numbers
from dataclasses import dataclass

import numpy as np

from . import _validate
from .mlp import MLP
from .loop import MAX_STEPS, _check_history, _descend
from .run import History, _check_label, _check_optimizer

#: The most networks ``train_seeds`` trains together.
MAX_SEEDS = 1000


@dataclass(kw_only=True)
class TrainResult(History):
    """The history of one training run.

    ``losses[k]`` is the (mini-batch) loss of the parameters before update k; the last entry
    is for the final parameters, so a run of ``steps`` updates has ``steps + 1`` entries (fewer
    if it diverged). ``status`` is ``"max_steps"`` or ``"diverged"`` (see ``History``); ``params``
    are the last parameters whose loss is recorded, and ``accuracy`` their accuracy on the whole
    training set. The gradients are not kept (a network has many parameters), so neither are the
    states.
    """

    params: np.ndarray
    losses: np.ndarray
    accuracy: float

    @property
    def steps(self):
        """How many updates were taken."""
        return len(self.losses) - 1

    @property
    def loss(self):
        """The loss of the final parameters."""
        return float(self.losses[-1])

    def __repr__(self):
        return (f"TrainResult(label={self.label!r}, steps={self.steps}, status={self.status!r}, "
                f"loss={self.loss:.4g}, accuracy={self.accuracy:.3f})")


def _check_training(model, optimizer, X, y, steps, label):
    if not isinstance(model, MLP):
        raise TypeError(f"model must be an MLP, got {type(model).__name__}")
    _check_optimizer(optimizer, example="Adam(lr=0.01)")
    X, y = model._data(X, y)
    steps = _validate.count("steps", steps, maximum=MAX_STEPS)
    _check_label(label)
    return X, y, steps


def _run(model, optimizer, params, steps, batch, XT, y, label):
    """Train a stack of R parameter vectors (shape (R, n_params)); one TrainResult per row.

    ``batch()`` gives the (transposed) data of the next step. A network that diverges keeps its
    last parameters with a finite loss and stops; the others go on.
    """
    _check_history(steps, params.shape[0])
    cache = {}

    def value(stack):
        loss, cache["grad"], _ = model._loss_and_grad(stack, *batch())
        return loss

    rule = copy.copy(optimizer)
    run = _descend(rule, params, steps, lambda stack: cache["grad"], value, rows=True, keep=("fs",),
                  source="the network's loss")
    name = optimizer.name if label is None else str(label)
    return [TrainResult(params=run.x[r].copy(), losses=run.fs[:end + 1, r].copy(), accuracy=_accuracy(model, run.x[r], XT, y),
                        status="diverged" if end < steps else "max_steps", label=name, optimizer=optimizer.name,
                        rule=rule)
            for r, end in enumerate(run.ended)]


def _accuracy(model, params, XT, y):
    with np.errstate(over="ignore", under="ignore", invalid="ignore"):
        log_probs = model._forward(params, XT)[2]
    return float(np.mean(log_probs.argmax(axis=0) == y))


def train(model, optimizer, X, y, params=None, steps=300, batch_size=None, seed=0, label=None):
    """Train ``model`` on ``(X, y)`` with any optimizer of the series; returns a :class:`TrainResult`.

    ``params`` is the start (default ``model.init(seed)``; it is never modified). Each step
    computes the gradient on the whole set (``batch_size=None``) or on the next mini-batch of
    a fresh shuffle every epoch (drawn from ``np.random.default_rng(seed)``), then does
    ``params = params - update``. A run that diverges stops and says so; no overflow warning
    is shown.
    """
    X, y, steps = _check_training(model, optimizer, X, y, steps, label)
    seed = _validate.count("seed", seed)
    params = model.init(seed) if params is None else model._params(params)
    n = len(y)
    if batch_size is not None:
        batch_size = _validate.count("batch_size", batch_size, minimum=1)
        if batch_size > n:
            raise ValueError(f"batch_size must be between 1 and the number of samples ({n}), got {batch_size}")
    model._check_activations(n if batch_size is None else batch_size)
    rng = np.random.default_rng(seed)
    order, cursor = np.arange(n), n
    XT = np.ascontiguousarray(X.T)

    def batch():
        nonlocal order, cursor
        if batch_size is None:
            return XT, y
        if cursor + batch_size > n:
            order, cursor = rng.permutation(n), 0
        rows = order[cursor:cursor + batch_size]
        cursor += batch_size
        return XT[:, rows], y[rows]

    return _run(model, optimizer, params[None, :], steps, batch, XT, y, label)[0]


def train_seeds(model, optimizer, X, y, seeds=(0, 1, 2, 3, 4), steps=300, label=None):
    """Full-batch training of one network per seed, all at once; returns a list of :class:`TrainResult`.

    Gives the same results as ``[train(model, optimizer, X, y, seed=s, steps=steps) for s in seeds]``
    (each start is ``model.init(s)``), but computes the networks side by side as one stack of
    parameter vectors, which is several times faster for small networks. The optimizer works on
    the stack element by element, exactly as on one vector.
    """
    X, y, steps = _check_training(model, optimizer, X, y, steps, label)
    if isinstance(seeds, (numbers.Number, str, bytes, dict)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a list of whole numbers such as (0, 1, 2), got {_validate.show(seeds)}")
    seeds = list(itertools.islice(seeds, MAX_SEEDS + 1))  # never more than that, even from an endless iterator
    if len(seeds) > MAX_SEEDS:
        raise ValueError(f"seeds must hold at most {MAX_SEEDS:,} seeds")
    seeds = [_validate.count(f"seeds[{i}]", s) for i, s in enumerate(seeds)]
    if not seeds:
        raise ValueError("seeds must not be empty")
    model._check_activations(len(y), len(seeds))
    XT = np.ascontiguousarray(X.T)
    params = np.stack([model.init(s) for s in seeds])
    return _run(model, optimizer, params, steps, lambda: (XT, y), XT, y, label)
