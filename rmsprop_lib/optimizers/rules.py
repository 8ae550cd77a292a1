"""The update rules of the series, one small class each, and ``OPTIMIZERS``, the registry.

Each class states its hyperparameters (fields, with their checks), what the rest of the package
reads about it (label, colour, playground controls, the matching ``torch.optim`` class), and its
rule: ``_update`` is the equation of its docstring, line for line.
"""
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from .._validate import decay_rate, flag, nonnegative
from .base import Control, Optimizer, _divide, hyperparameter


class GradientDescentState(NamedTuple):
    """Plain gradient descent keeps no numbers, only the shape of the parameters (to check gradients)."""

    shape: tuple  #: the shape of the parameters


class MomentumState(NamedTuple):
    velocity: np.ndarray  #: the momentum buffer b <- mu * b + g


class AdaGradState(NamedTuple):
    s: np.ndarray  #: running SUM of squared gradients


class RMSPropState(NamedTuple):
    s: np.ndarray  #: moving average of squared gradients
    g_avg: np.ndarray  #: moving average of gradients (used when centered)
    velocity: np.ndarray  #: momentum buffer (used when momentum > 0)


class AdamState(NamedTuple):
    m: np.ndarray  #: moving average of gradients (first moment)
    v: np.ndarray  #: moving average of squared gradients (second moment)
    t: int  #: number of updates taken so far


@dataclass(frozen=True)
class GradientDescent(Optimizer):
    r"""Gradient descent: :math:`\text{update} = \eta\, g`.

    Parameters: ``lr`` (eta, required, > 0).
    """

    label = "Gradient descent"
    color = "#000000"  # black
    torch_name = "SGD"
    State = GradientDescentState

    def torch_kwargs(self):
        return {"lr": self.lr, "momentum": 0.0, "dampening": 0.0, "nesterov": False, "weight_decay": 0.0}

    def _init(self, shape):
        return GradientDescentState(shape=shape)

    def _update(self, g, state):
        return self.lr * g, state

    def _effective_lr(self, state):
        return np.full(state.shape, self.lr)


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

    def _update(self, g, state):
        velocity = self.momentum * state.velocity + g
        if self.nesterov:
            return self.lr * (g + self.momentum * velocity), MomentumState(velocity)
        return self.lr * velocity, MomentumState(velocity)

    def _effective_lr(self, state):
        return np.full(state.velocity.shape, self.lr / (1 - self.momentum))


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

    def _update(self, g, state):
        s = state.s + g * g
        return self.lr * _divide(g, np.sqrt(s) + self.eps, self.eps), AdaGradState(s)

    def _effective_lr(self, state):
        return _divide(self.lr, np.sqrt(state.s) + self.eps, self.eps)


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

    def _update(self, g, state):
        s = self.rho * state.s + (1 - self.rho) * g * g
        if self.centered or self.momentum > 0 or self.eps_inside_sqrt:
            return self._update_with_options(g, s, state)
        return self.lr * _divide(g, np.sqrt(s) + self.eps, self.eps), RMSPropState(s, state.g_avg, state.velocity)

    def _update_with_options(self, g, s, state):
        g_avg = self.rho * state.g_avg + (1 - self.rho) * g if self.centered else state.g_avg
        scaled = _divide(g, self._denominator(s, g_avg), self.eps)
        if self.momentum > 0:
            velocity = self.momentum * state.velocity + scaled
            return self.lr * velocity, RMSPropState(s, g_avg, velocity)
        return self.lr * scaled, RMSPropState(s, g_avg, state.velocity)

    def _denominator(self, s, g_avg):
        """``sqrt(s) + eps``, with ``s - g_avg^2`` in place of s when centered, eps inside the root if asked."""
        # s - g_avg^2 is a variance, never negative in exact arithmetic; rounding can push it
        # just below zero, where sqrt would give NaN (PyTorch does). Clip that rounding away.
        spread = np.maximum(s - g_avg * g_avg, 0.0) if self.centered else s
        if self.eps_inside_sqrt:
            return np.sqrt(spread + self.eps)
        return np.sqrt(spread) + self.eps

    def _effective_lr(self, state):
        return _divide(self.lr / (1 - self.momentum), self._denominator(state.s, state.g_avg), self.eps)


@dataclass(frozen=True)
class Adam(Optimizer):
    r"""Adam: momentum (first moment) plus RMSProp (second moment), with bias correction.

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
        \hat m = \frac{m}{1-\beta_1^t}, \quad \hat v = \frac{v}{1-\beta_2^t}, \quad
        \text{update} = \eta\, \frac{\hat m}{\sqrt{\hat v} + \epsilon}

    Defaults: ``beta1=0.9``, ``beta2=0.999``, ``eps=1e-8`` (outside the root),
    ``bias_correction=True``; ``lr`` is required. ``t`` counts the updates taken (1 on the first).
    """

    beta1: float = hyperparameter(0.9, check=decay_rate)
    beta2: float = hyperparameter(0.999, check=decay_rate)
    eps: float = hyperparameter(1e-8, check=nonnegative)
    bias_correction: bool = hyperparameter(True, check=flag)

    label = "Adam"
    color = "#D55E00"  # vermillion
    controls = (Control("beta1", low=0.0, high=0.999, default=0.9, label="Adam beta1"),
                Control("beta2", low=0.9, high=0.9999, default=0.999, label="Adam beta2"))
    torch_name = "Adam"
    State = AdamState
    squares_gradient = True

    def torch_kwargs(self):
        if not self.bias_correction:
            raise ValueError("bias_correction must be True for torch.optim.Adam, which always corrects")
        return {"lr": self.lr, "betas": (self.beta1, self.beta2), "eps": self.eps, "weight_decay": 0.0,
                "amsgrad": False}

    def _init(self, shape):
        return AdamState(m=np.zeros(shape), v=np.zeros(shape), t=0)

    def _update(self, g, state):
        t = state.t + 1
        m = self.beta1 * state.m + (1 - self.beta1) * g
        v = self.beta2 * state.v + (1 - self.beta2) * g * g
        c1, c2 = (1 - self.beta1**t, 1 - self.beta2**t) if self.bias_correction else (1.0, 1.0)
        # update = lr * m_hat / (sqrt(v_hat) + eps) with m_hat = m / c1 and v_hat = v / c2. Multiplied
        # through by sqrt(c2) it is the same number, computed in one new array (on 10^6 parameters
        # each new array and each pass costs about as much as the arithmetic), as torch.optim.Adam does:
        root_c2 = math.sqrt(c2)
        update = _divide(m, np.sqrt(v) + self.eps * root_c2, self.eps)
        update *= self.lr * root_c2 / c1
        return update, AdamState(m, v, t)

    def _effective_lr(self, state):
        """``lr / (sqrt(v_hat) + eps)``: the factor applied to the corrected first moment ``m_hat``."""
        c2 = 1 - self.beta2**state.t if self.bias_correction and state.t > 0 else 1.0  # t = 0: v is still 0
        return _divide(self.lr, np.sqrt(state.v / c2) + self.eps, self.eps)


#: The registry: name -> class, in the order of the series (and of legends).
OPTIMIZERS = {cls.name: cls for cls in (GradientDescent, Momentum, AdaGrad, RMSProp, Adam)}

__all__ = ["OPTIMIZERS", *OPTIMIZERS, *(cls.State.__name__ for cls in OPTIMIZERS.values())]
