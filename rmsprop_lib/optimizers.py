"""The update rules of the series, one small class each.

Every optimizer works the same way::

    opt = RMSProp(lr=0.1, rho=0.9, eps=1e-6)
    state = opt.init(x0)                    # a NamedTuple of arrays shaped like x0
    update, state = opt.step(grad, state)   # pure: grad and state are never modified
    x = x - update                          # the update is SUBTRACTED
    opt.effective_lr(state)                 # per-coordinate step size, for plots

With default options each rule computes what ``torch.optim`` computes for the same
hyperparameters (SGD, Adagrad, RMSprop with ``alpha=rho``, Adam): epsilon is added
outside the square root and every accumulator starts at zero.
"""
from typing import NamedTuple

import numpy as np

from . import _validate


class GradientDescentState(NamedTuple):
    """Plain gradient descent keeps no state."""


class MomentumState(NamedTuple):
    velocity: np.ndarray  #: running sum  v <- mu * v + g


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


class Optimizer:
    """Shared plumbing: hyperparameters, a readable repr and gradient checks."""

    name = "Optimizer"

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"

    def hyperparameters(self):
        """The constructor arguments, as a dict."""
        return dict(self._hyper)

    def init(self, x0):
        """The starting state for parameters shaped like ``x0``."""
        raise NotImplementedError

    def step(self, grad, state):
        """Return ``(update, new_state)``; the caller does ``x = x - update``."""
        raise NotImplementedError

    def effective_lr(self, state):
        """The per-coordinate step size: the factor the (averaged) gradient is multiplied by."""
        raise NotImplementedError

    @staticmethod
    def _zeros(x0):
        return np.zeros(np.shape(x0), dtype=float)

    @staticmethod
    def _grad(grad, like):
        grad = np.asarray(grad, dtype=float)
        if grad.shape != like.shape:
            raise ValueError(
                f"grad has shape {grad.shape} but the optimizer state has shape {like.shape}: "
                "call init() with a start point shaped like the parameters"
            )
        return grad


class GradientDescent(Optimizer):
    r"""Gradient descent: :math:`x \leftarrow x - \eta\, g`.

    Parameters: ``lr`` (eta, required, > 0).
    """

    name = "GradientDescent"

    def __init__(self, lr):
        self.lr = _validate.positive("lr", lr)
        self._hyper = {"lr": self.lr}

    def init(self, x0):
        return GradientDescentState()

    def step(self, grad, state):
        if not isinstance(state, GradientDescentState):
            raise TypeError(f"state must be a GradientDescentState, got {type(state).__name__}")
        return self.lr * np.asarray(grad, dtype=float), state

    def effective_lr(self, state):
        return self.lr


class Momentum(Optimizer):
    r"""Gradient descent with (heavy-ball or Nesterov) momentum, as in ``torch.optim.SGD``.

    .. math::
        v \leftarrow \mu v + g, \qquad
        \text{update} = \eta v \quad\text{or, with Nesterov,}\quad \eta\,(g + \mu v)

    Parameters: ``lr`` (eta, required), ``momentum`` (mu, default 0.9, in [0, 1)),
    ``nesterov`` (default False). The velocity starts at zero, so the first update is ``lr * g``.
    """

    name = "Momentum"

    def __init__(self, lr, momentum=0.9, nesterov=False):
        self.lr = _validate.positive("lr", lr)
        self.momentum = _validate.unit_interval("momentum", momentum)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be True or False, got {nesterov!r}")
        if nesterov and self.momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0")
        self.nesterov = nesterov
        self._hyper = {"lr": self.lr, "momentum": self.momentum, "nesterov": nesterov}

    def init(self, x0):
        return MomentumState(velocity=self._zeros(x0))

    def step(self, grad, state):
        g = self._grad(grad, state.velocity)
        v = self.momentum * state.velocity + g
        direction = g + self.momentum * v if self.nesterov else v
        return self.lr * direction, MomentumState(velocity=v)

    def effective_lr(self, state):
        return np.full(state.velocity.shape, self.lr)


class AdaGrad(Optimizer):
    r"""AdaGrad: a per-coordinate step from the running SUM of squared gradients.

    .. math::
        s \leftarrow s + g^2, \qquad
        \text{update} = \eta\, \frac{g}{\sqrt{s} + \epsilon}

    Parameters: ``lr`` (eta, required), ``eps`` (default 1e-8, outside the root),
    ``initial_accumulator`` (starting value of s, default 0.0 as in PyTorch; Keras uses 0.1).
    """

    name = "AdaGrad"

    def __init__(self, lr, eps=1e-8, initial_accumulator=0.0):
        self.lr = _validate.positive("lr", lr)
        self.eps = _validate.nonnegative("eps", eps)
        self.initial_accumulator = _validate.nonnegative("initial_accumulator", initial_accumulator)
        self._hyper = {"lr": self.lr, "eps": self.eps, "initial_accumulator": self.initial_accumulator}

    def init(self, x0):
        return AdaGradState(s=np.full(np.shape(x0), self.initial_accumulator))

    def step(self, grad, state):
        g = self._grad(grad, state.s)
        s = state.s + g * g
        return self.lr * (g / (np.sqrt(s) + self.eps)), AdaGradState(s=s)

    def effective_lr(self, state):
        return self.lr / (np.sqrt(state.s) + self.eps)


class RMSProp(Optimizer):
    r"""RMSProp: a per-coordinate step from a moving AVERAGE of squared gradients.

    .. math::
        s \leftarrow \rho s + (1 - \rho)\, g^2, \qquad
        \text{update} = \eta\, \frac{g}{\sqrt{s} + \epsilon}

    Options, as in ``torch.optim.RMSprop`` (where rho is called ``alpha``):

    - ``centered=True``: also average the gradient, :math:`\bar g \leftarrow \rho \bar g + (1-\rho) g`,
      and divide by :math:`\sqrt{s - \bar g^2} + \epsilon` (an estimate of the gradient's spread).
    - ``momentum=mu > 0``: :math:`b \leftarrow \mu b + g / (\sqrt{s} + \epsilon)`, update :math:`= \eta b`.
    - ``eps_inside_sqrt=True``: divide by :math:`\sqrt{s + \epsilon}` instead (Keras, TensorFlow 1, optax).

    Defaults: ``rho=0.9``, ``eps=1e-8``, ``centered=False``, ``momentum=0.0``,
    ``eps_inside_sqrt=False``; ``lr`` is required.
    """

    name = "RMSProp"

    def __init__(self, lr, rho=0.9, eps=1e-8, centered=False, momentum=0.0, eps_inside_sqrt=False):
        self.lr = _validate.positive("lr", lr)
        self.rho = _validate.unit_interval("rho", rho)
        self.eps = _validate.nonnegative("eps", eps)
        self.momentum = _validate.unit_interval("momentum", momentum)
        for flag_name, flag in (("centered", centered), ("eps_inside_sqrt", eps_inside_sqrt)):
            if not isinstance(flag, bool):
                raise TypeError(f"{flag_name} must be True or False, got {flag!r}")
        self.centered = centered
        self.eps_inside_sqrt = eps_inside_sqrt
        self._hyper = {"lr": self.lr, "rho": self.rho, "eps": self.eps, "centered": centered,
                       "momentum": self.momentum, "eps_inside_sqrt": eps_inside_sqrt}

    def init(self, x0):
        return RMSPropState(s=self._zeros(x0), g_avg=self._zeros(x0), velocity=self._zeros(x0))

    def _denominator(self, s, g_avg):
        # s - g_avg^2 is a variance, never negative in exact arithmetic; rounding can push it
        # just below zero, where sqrt would give NaN (PyTorch does). Clip that rounding away.
        spread = np.maximum(s - g_avg * g_avg, 0.0) if self.centered else s
        if self.eps_inside_sqrt:
            return np.sqrt(spread + self.eps)
        return np.sqrt(spread) + self.eps

    def step(self, grad, state):
        g = self._grad(grad, state.s)
        s = self.rho * state.s + (1 - self.rho) * g * g
        g_avg = state.g_avg + (1 - self.rho) * (g - state.g_avg) if self.centered else state.g_avg
        scaled = g / self._denominator(s, g_avg)
        if self.momentum > 0:
            velocity = self.momentum * state.velocity + scaled
            return self.lr * velocity, RMSPropState(s, g_avg, velocity)
        return self.lr * scaled, RMSPropState(s, g_avg, state.velocity)

    def effective_lr(self, state):
        return self.lr / self._denominator(state.s, state.g_avg)


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

    name = "Adam"

    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8, bias_correction=True):
        self.lr = _validate.positive("lr", lr)
        self.beta1 = _validate.unit_interval("beta1", beta1)
        self.beta2 = _validate.unit_interval("beta2", beta2)
        self.eps = _validate.nonnegative("eps", eps)
        if not isinstance(bias_correction, bool):
            raise TypeError(f"bias_correction must be True or False, got {bias_correction!r}")
        self.bias_correction = bias_correction
        self._hyper = {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps,
                       "bias_correction": bias_correction}

    def init(self, x0):
        return AdamState(m=self._zeros(x0), v=self._zeros(x0), t=0)

    def _corrections(self, t):
        if not self.bias_correction or t == 0:
            return 1.0, 1.0
        return 1 - self.beta1 ** t, 1 - self.beta2 ** t

    def step(self, grad, state):
        g = self._grad(grad, state.m)
        t = state.t + 1
        m = self.beta1 * state.m + (1 - self.beta1) * g
        v = self.beta2 * state.v + (1 - self.beta2) * g * g
        c1, c2 = self._corrections(t)
        m_hat, v_hat = m / c1, v / c2
        return self.lr * m_hat / (np.sqrt(v_hat) + self.eps), AdamState(m, v, t)

    def effective_lr(self, state):
        """``lr / (sqrt(v_hat) + eps)``: the factor applied to the corrected first moment."""
        _, c2 = self._corrections(state.t)
        return self.lr / (np.sqrt(state.v / c2) + self.eps)


OPTIMIZERS = {cls.name: cls for cls in (GradientDescent, Momentum, AdaGrad, RMSProp, Adam)}
