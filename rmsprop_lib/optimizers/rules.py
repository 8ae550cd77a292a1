"""The update rules of the series, one small class each, and ``OPTIMIZERS``, the registry.

The Adam family (Adam, AdamW, Yogi) is in ``adam``; the registry lists every rule in the order of the series.

Each class states its hyperparameters (fields, with their checks), what the rest of the package
reads about it (label, colour, playground controls, the matching ``torch.optim`` class), and its
rule: ``_update`` is the equation of its docstring, line for line.
"""
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .._validate import decay_rate, flag, learning_rate, nonnegative, positive
from .adam import Adam, AdamState, AdamW, Yogi  # noqa: F401 - AdamState is exported with the others
from .base import Control, Optimizer, _divide, hyperparameter


# Every state ends with t, the number of updates taken (what a learning-rate schedule is called with);
# it has a default, so a state can be written without it: RMSPropState(s=s, g_avg=g_avg, velocity=velocity).

class GradientDescentState(NamedTuple):
    """Plain gradient descent keeps no numbers, only the shape of the parameters (to check gradients)."""

    shape: tuple  #: the shape of the parameters
    t: int = 0  #: number of updates taken so far


class MomentumState(NamedTuple):
    velocity: np.ndarray  #: the momentum buffer b <- mu * b + g
    t: int = 0  #: number of updates taken so far


class AdaGradState(NamedTuple):
    s: np.ndarray  #: running SUM of squared gradients
    t: int = 0  #: number of updates taken so far


class RMSPropState(NamedTuple):
    s: np.ndarray  #: moving average of squared gradients
    g_avg: np.ndarray  #: moving average of gradients (used when centered)
    velocity: np.ndarray  #: momentum buffer (used when momentum > 0)
    t: int = 0  #: number of updates taken so far


class AdadeltaState(NamedTuple):
    s: np.ndarray  #: moving average of squared gradients
    u: np.ndarray  #: moving average of squared updates (each divided by lr)
    t: int = 0  #: number of updates taken so far


@dataclass(frozen=True)
class GradientDescent(Optimizer):
    r"""Gradient descent: :math:`\text{update} = \eta\, g`.

    Parameters: ``lr`` (eta, required: a number > 0 or a schedule).
    """

    label = "Gradient descent"
    color = "#000000"  # black
    torch_name = "SGD"
    State = GradientDescentState

    def torch_kwargs(self):
        return {"lr": self.lr, "momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0}

    def _init(self, shape):
        return GradientDescentState(shape=shape)

    def _update(self, g, state, x=None):
        return self._lr(state.t) * g, GradientDescentState(state.shape, state.t + 1)

    def _effective_lr(self, state):
        return np.full(state.shape, self._last_lr(state))


@dataclass(frozen=True)
class Momentum(Optimizer):
    r"""Gradient descent with (heavy-ball or Nesterov) momentum, as in ``torch.optim.SGD``.

    .. math::
        b \leftarrow \mu b + g, \qquad
        \text{update} = \eta b \quad\text{or, with Nesterov,}\quad \eta\,(g + \mu b)

    Parameters: ``lr`` (eta, required), ``momentum`` (mu, default 0.9, in [0, 1)),
    ``nesterov`` (default False). The velocity b starts at zero, so the first update is ``lr * g``;
    a steady gradient builds up to the update ``lr * g / (1 - mu)`` (the effective learning rate).
    """

    momentum: float = hyperparameter(0.9, check=decay_rate)
    nesterov: bool = hyperparameter(False, check=flag)

    label = "Momentum"
    color = "#E69F00"  # orange
    controls = (Control("momentum", low=0.0, high=0.99, default=0.9),)
    torch_name = "SGD"
    State = MomentumState

    def __post_init__(self):
        super().__post_init__()
        if self.nesterov and self.momentum == 0:
            raise ValueError(f"momentum must be > 0 for nesterov=True, got {self.momentum}")

    def torch_kwargs(self):
        return {"lr": self.lr, "momentum": self.momentum, "dampening": 0.0, "nesterov": self.nesterov,
                "weight_decay": 0.0}

    def _init(self, shape):
        return MomentumState(velocity=np.zeros(shape))

    def _update(self, g, state, x=None):
        lr = self._lr(state.t)
        velocity = self.momentum * state.velocity + g
        if self.nesterov:
            return lr * (g + self.momentum * velocity), MomentumState(velocity, state.t + 1)
        return lr * velocity, MomentumState(velocity, state.t + 1)

    def _effective_lr(self, state):
        return np.full(state.velocity.shape, self._last_lr(state) / (1 - self.momentum))


@dataclass(frozen=True)
class AdaGrad(Optimizer):
    r"""AdaGrad: a per-coordinate update from the running SUM of squared gradients.

    .. math::
        s \leftarrow s + g^2, \qquad
        \text{update} = \eta\, \frac{g}{\sqrt{s} + \epsilon}

    Parameters: ``lr`` (eta, required), ``eps`` (default 1e-8, outside the root, >= 0),
    ``initial_accumulator`` (starting value of s, default 0.0 as in PyTorch; Keras uses 0.1).
    """

    eps: float = hyperparameter(1e-8, check=nonnegative)
    initial_accumulator: float = hyperparameter(0.0, check=nonnegative)

    label = "AdaGrad"
    color = "#009E73"  # bluish green
    torch_name = "Adagrad"
    State = AdaGradState
    squares_gradient = True

    def torch_kwargs(self):
        return {"lr": self.lr, "eps": self.eps, "initial_accumulator_value": self.initial_accumulator,
                "lr_decay": 0.0, "weight_decay": 0.0}

    def _init(self, shape):
        return AdaGradState(s=np.full(shape, self.initial_accumulator))

    def _update(self, g, state, x=None):
        s = state.s + g * g
        return self._lr(state.t) * _divide(g, np.sqrt(s) + self.eps, self.eps), AdaGradState(s, state.t + 1)

    def _effective_lr(self, state):
        return _divide(self._last_lr(state), np.sqrt(state.s) + self.eps, self.eps)


@dataclass(frozen=True)
class RMSProp(Optimizer):
    r"""RMSProp: a per-coordinate update from a moving AVERAGE of squared gradients.

    .. math::
        s \leftarrow \rho s + (1 - \rho)\, g^2, \qquad
        \text{update} = \eta\, \frac{g}{\sqrt{s} + \epsilon}

    Options, as in ``torch.optim.RMSprop`` (where rho is called ``alpha``), in ``_update_with_options``:

    - ``centered=True``: also average the gradient, :math:`\bar g \leftarrow \rho \bar g + (1-\rho) g`,
      and divide by :math:`\sqrt{s - \bar g^2} + \epsilon` (an estimate of the gradient's spread).
    - ``momentum=mu > 0``: :math:`b \leftarrow \mu b + g / (\sqrt{s} + \epsilon)`, update :math:`= \eta b`.
    - ``eps_inside_sqrt=True``: divide by :math:`\sqrt{s + \epsilon}` instead (Keras, TensorFlow 1, optax).

    Defaults: ``rho=0.9``, ``eps=1e-8``, ``centered=False``, ``momentum=0.0``,
    ``eps_inside_sqrt=False``; ``lr`` is required.
    """

    rho: float = hyperparameter(0.9, check=decay_rate)
    eps: float = hyperparameter(1e-8, check=nonnegative)
    centered: bool = hyperparameter(False, check=flag)
    momentum: float = hyperparameter(0.0, check=decay_rate)
    eps_inside_sqrt: bool = hyperparameter(False, check=flag)

    label = "RMSProp"
    color = "#0072B2"  # blue
    controls = (Control("rho", low=0.0, high=0.999, default=0.9, label="RMSProp rho"),)
    torch_name = "RMSprop"
    State = RMSPropState
    squares_gradient = True

    def torch_kwargs(self):
        if self.eps_inside_sqrt:
            raise ValueError("eps_inside_sqrt must be False for torch.optim.RMSprop, which adds eps outside the root")
        return {"lr": self.lr, "alpha": self.rho, "eps": self.eps, "momentum": self.momentum,
                "centered": self.centered, "weight_decay": 0.0}

    def _init(self, shape):
        return RMSPropState(s=np.zeros(shape), g_avg=np.zeros(shape), velocity=np.zeros(shape))

    def _update(self, g, state, x=None):
        s = self.rho * state.s + (1 - self.rho) * g * g
        if self.centered or self.momentum > 0 or self.eps_inside_sqrt:
            return self._update_with_options(g, s, state)
        return (self._lr(state.t) * _divide(g, np.sqrt(s) + self.eps, self.eps),
                RMSPropState(s, state.g_avg, state.velocity, state.t + 1))

    def _update_with_options(self, g, s, state):
        lr = self._lr(state.t)
        g_avg = self.rho * state.g_avg + (1 - self.rho) * g if self.centered else state.g_avg
        scaled = _divide(g, self._denominator(s, g_avg), self.eps)
        if self.momentum > 0:
            velocity = self.momentum * state.velocity + scaled
            return lr * velocity, RMSPropState(s, g_avg, velocity, state.t + 1)
        return lr * scaled, RMSPropState(s, g_avg, state.velocity, state.t + 1)

    def _denominator(self, s, g_avg):
        """``sqrt(s) + eps``, with ``s - g_avg^2`` in place of s when centered, eps inside the root if asked."""
        # s - g_avg^2 is a variance, never negative in exact arithmetic; rounding can push it
        # just below zero, where sqrt would give NaN (PyTorch does). Clip that rounding away.
        spread = np.maximum(s - g_avg * g_avg, 0.0) if self.centered else s
        if self.eps_inside_sqrt:
            return np.sqrt(spread + self.eps)
        return np.sqrt(spread) + self.eps

    def _effective_lr(self, state):
        return _divide(self._last_lr(state) / (1 - self.momentum), self._denominator(state.s, state.g_avg), self.eps)


@dataclass(frozen=True)
class Adadelta(Optimizer):
    r"""Adadelta (Zeiler 2012): RMSProp whose numerator is a moving average of the past updates.

    .. math::
        s \leftarrow \rho s + (1-\rho) g^2, \quad
        \Delta = \frac{\sqrt{u + \epsilon}}{\sqrt{s + \epsilon}}\, g, \quad
        u \leftarrow \rho u + (1-\rho) \Delta^2, \quad
        \text{update} = \eta\, \Delta

    :math:`\sqrt{u + \epsilon}` carries the units of x, so :math:`\Delta` has them too and Zeiler's rule
    needs no learning rate (``lr=1.0``, the default). What ``torch.optim.Adadelta`` computes: eps is
    inside both roots, u averages the squares of Delta (the update divided by lr), both start at zero,
    so the first updates are about ``lr * sqrt(eps)`` long.

    Defaults: ``lr=1.0``, ``rho=0.9``, ``eps=1e-6`` (> 0: with eps = 0, u would stay 0 and x would
    never move). ``effective_lr`` is ``lr * sqrt(u + eps) / sqrt(s + eps)``: the factor the next
    update applies to a steady gradient (it uses u before this update's Delta is averaged in).
    """

    lr: float = hyperparameter(1.0, check=learning_rate)
    rho: float = hyperparameter(0.9, check=decay_rate)
    eps: float = hyperparameter(1e-6, check=positive)

    label = "Adadelta"
    color = "#56B4E9"  # sky blue
    controls = (Control("rho", low=0.0, high=0.999, default=0.9),  # one slider with RMSProp's rho
                Control("eps", low=1e-8, high=1e-2, default=1e-6, log=True, label="Adadelta eps"))
    torch_name = "Adadelta"
    State = AdadeltaState
    squares_gradient = True

    def torch_kwargs(self):
        return {"lr": self.lr, "rho": self.rho, "eps": self.eps, "weight_decay": 0.0}

    def _init(self, shape):
        return AdadeltaState(s=np.zeros(shape), u=np.zeros(shape))

    def _update(self, g, state, x=None):
        s = self.rho * state.s + (1 - self.rho) * g * g
        delta = np.sqrt(state.u + self.eps) / np.sqrt(s + self.eps) * g
        u = self.rho * state.u + (1 - self.rho) * delta * delta
        return self._lr(state.t) * delta, AdadeltaState(s, u, state.t + 1)

    def _effective_lr(self, state):
        return self._last_lr(state) * np.sqrt(state.u + self.eps) / np.sqrt(state.s + self.eps)


#: The registry: name -> class, in the order of the series (and of legends).
OPTIMIZERS = {cls.name: cls for cls in (GradientDescent, Momentum, AdaGrad, RMSProp, Adam, AdamW, Adadelta, Yogi)}

__all__ = ["OPTIMIZERS", *OPTIMIZERS, *dict.fromkeys(cls.State.__name__ for cls in OPTIMIZERS.values())]
