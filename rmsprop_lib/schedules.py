"""Learning-rate schedules: the learning rate as a function of how many updates were taken.

A schedule is any callable ``schedule(k) -> lr`` where ``k = 0, 1, 2, ...`` is the number of updates
already taken, so the first update uses ``schedule(0)``. Each function below returns one, and each
computes, update for update, what the PyTorch scheduler named in its docstring gives when
``scheduler.step()`` is called after every ``optimizer.step()``::

    lr = cosine_decay(0.1, total_steps=1000)
    [lr(k) for k in range(3)]       # 0.1, 0.09999975..., 0.0999990...

The one difference: after ``total_steps`` updates PyTorch's cosine climbs back up (it is a periodic
function); here it stays at ``min_lr``, as optax's cosine schedules do.
"""
import math
from dataclasses import dataclass

from . import _validate


def _fraction(name, value, low_open=True):
    """A number in (0, 1] (or [0, 1] when ``low_open`` is False)."""
    value = _validate.number(name, value)
    if not ((0 < value if low_open else 0 <= value) and value <= 1):
        raise ValueError(f"{name} must be in {'(0' if low_open else '[0'}, 1], got {_validate.show(value)}")
    return value


def _updates_taken(k):
    return _validate.count("k (the number of updates already taken)", k)


@dataclass(frozen=True)
class Schedule:
    """A learning-rate schedule: call it with the number of updates already taken."""

    name: str
    rule: object  #: the function of k that gives the learning rate
    arguments: tuple  #: (name, value) pairs, for the repr

    def __call__(self, k):
        return self.rule(_updates_taken(k))

    def __repr__(self):
        args = ", ".join(f"{name}={value!r}" for name, value in self.arguments)
        return f"{self.name}({args})"


def step_decay(lr, step_size, gamma=0.1):
    """``lr`` times ``gamma`` after every ``step_size`` updates (PyTorch's ``StepLR``)."""
    lr = _validate.positive("lr", lr)
    step_size = _validate.count("step_size", step_size, minimum=1)
    gamma = _fraction("gamma", gamma)
    return Schedule("step_decay", lambda k: lr * gamma ** (k // step_size),
                    (("lr", lr), ("step_size", step_size), ("gamma", gamma)))


def _cosine(lr, total_steps, min_lr):
    def rule(k):
        k = min(k, total_steps)
        return min_lr + (lr - min_lr) * (1 + math.cos(math.pi * k / total_steps)) / 2
    return rule


def _min_lr(min_lr, lr):
    min_lr = _validate.nonnegative("min_lr", min_lr)
    if min_lr > lr:
        raise ValueError(f"min_lr must be at most lr ({lr!r}), got {_validate.show(min_lr)}")
    return min_lr


def cosine_decay(lr, total_steps, min_lr=0.0):
    """From ``lr`` down to ``min_lr`` along half a cosine, reached after ``total_steps`` updates.

    PyTorch's ``CosineAnnealingLR(T_max=total_steps, eta_min=min_lr)``.
    """
    lr = _validate.positive("lr", lr)
    total_steps = _validate.count("total_steps", total_steps, minimum=1)
    min_lr = _min_lr(min_lr, lr)
    return Schedule("cosine_decay", _cosine(lr, total_steps, min_lr),
                    (("lr", lr), ("total_steps", total_steps), ("min_lr", min_lr)))


def _warmup(lr, warmup_steps, start_factor):
    def rule(k):
        return lr * (start_factor + (1 - start_factor) * min(k, warmup_steps) / warmup_steps)
    return rule


def linear_warmup(lr, warmup_steps, start_factor=1 / 3):
    """From ``start_factor * lr`` up to ``lr`` in a straight line over ``warmup_steps`` updates, then ``lr``.

    PyTorch's ``LinearLR(start_factor, end_factor=1.0, total_iters=warmup_steps)`` (1/3 is its default).
    """
    lr = _validate.positive("lr", lr)
    warmup_steps = _validate.count("warmup_steps", warmup_steps, minimum=1)
    start_factor = _fraction("start_factor", start_factor)
    return Schedule("linear_warmup", _warmup(lr, warmup_steps, start_factor),
                    (("lr", lr), ("warmup_steps", warmup_steps), ("start_factor", start_factor)))


def warmup_cosine(lr, warmup_steps, total_steps, min_lr=0.0, start_factor=1 / 3):
    """A linear warm-up over ``warmup_steps`` updates, then a cosine down to ``min_lr`` at ``total_steps``.

    PyTorch's ``SequentialLR([LinearLR(start_factor, 1.0, total_iters=warmup_steps),
    CosineAnnealingLR(T_max=total_steps - warmup_steps, eta_min=min_lr)], milestones=[warmup_steps])``.
    """
    lr = _validate.positive("lr", lr)
    warmup_steps = _validate.count("warmup_steps", warmup_steps, minimum=1)
    total_steps = _validate.count("total_steps", total_steps, minimum=1)
    if total_steps <= warmup_steps:
        raise ValueError(f"total_steps must be larger than warmup_steps ({warmup_steps}), got {total_steps}")
    min_lr = _min_lr(min_lr, lr)
    start_factor = _fraction("start_factor", start_factor)
    warm = _warmup(lr, warmup_steps, start_factor)
    cool = _cosine(lr, total_steps - warmup_steps, min_lr)
    return Schedule("warmup_cosine", lambda k: warm(k) if k < warmup_steps else cool(k - warmup_steps),
                    (("lr", lr), ("warmup_steps", warmup_steps), ("total_steps", total_steps),
                     ("min_lr", min_lr), ("start_factor", start_factor)))
