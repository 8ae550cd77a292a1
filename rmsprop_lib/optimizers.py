"""The update rules of the series, one small class each.

Every optimizer works the same way::

    opt = RMSProp(lr=0.1, rho=0.9, eps=1e-6)
    state = opt.init(x0)                    # a NamedTuple of arrays shaped like x0
    update, state = opt.step(grad, state)   # pure: grad and state are never modified
    x = x - update                          # the update is SUBTRACTED
    opt.effective_lr(state)                 # per-coordinate effective learning rate, for plots

With default options each rule computes what ``torch.optim`` computes for the same
hyperparameters (SGD, Adagrad, RMSprop with ``alpha=rho``, Adam): epsilon is added
outside the square root and every accumulator starts at zero.

``eps = 0`` is allowed (the rules as first published have no epsilon). Then a coordinate whose
gradients have all been zero has a zero denominator, and its update is defined as zero (0 / 0
would be NaN); optax's AdaGrad guards its division the same way.

Each rule is written in ``_step`` (the equations, on a checked gradient and state) and
``_effective_lr``; the public ``init``, ``step`` and ``effective_lr`` of the base class check
their arguments first and then call them.
"""
import numbers
from typing import NamedTuple

import numpy as np

from . import _validate

#: Rules that square the gradient (AdaGrad, RMSProp, Adam) refuse gradient entries above this
#: size: their squares (up to 1e300) and sums of squares must stay inside float64's range.
MAX_SQUARED_ENTRY = 1e150

#: Adam's step count t must be at most this (2^53: every count up to it is exact in a float).
MAX_T = 2**53


class GradientDescentState(NamedTuple):
    """Plain gradient descent keeps no numbers, only the shape of the parameters (to check gradients)."""

    shape: tuple  #: the shape of the parameters


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


#: State fields that hold averages or sums of squares, so can never be negative.
_SQUARES = ("s", "v")

#: Arrays up to this size get their squared norm from BLAS's dot (the fastest); larger ones from
#: einsum, which never waits for BLAS's threads (on a busy machine a dot of 10^6 numbers can wait
#: milliseconds for them).
_BLAS_SIZE = 10_000


def _dot(a, b):
    """The sum of a * b over two float arrays of one shape: inf or NaN when an entry is not finite."""
    if a.size <= _BLAS_SIZE:
        return np.vdot(a, b)
    return np.einsum("i,i->", a.ravel(), b.ravel())


def _squared_norm(a):
    """The sum of the squares of a float array: inf or NaN when an entry is not finite."""
    return _dot(a, a)


def _divide(numerator, denominator, eps):
    """``numerator / denominator``; when eps = 0, a zero denominator gives 0 instead of NaN or inf.

    ``denominator`` must be a new array the rule has just computed (never a state array or an
    input): for eps > 0 the quotient is written into it, which saves making another array of the
    parameters' size (on 10^6 parameters each new array costs about as much as the arithmetic).
    """
    if eps > 0:
        return np.divide(numerator, denominator, out=denominator)
    return np.divide(numerator, denominator, out=np.zeros(np.shape(denominator)), where=denominator > 0)


class Optimizer:
    """Shared plumbing: argument checks, hyperparameters and a readable repr.

    ``effective_lr(state)`` has one meaning for every rule: for each coordinate, the factor that
    multiplies a steady gradient in the update, at the per-coordinate scale held in ``state``::

        update = effective_lr(state) * g     # once any average of g has caught up with a steady g

    It is the learning rate divided by the rule's scale - 1 for GradientDescent and Momentum,
    ``sqrt(s) + eps`` for AdaGrad and RMSProp, ``sqrt(v_hat) + eps`` for Adam - and, with momentum
    mu, times ``1 / (1 - mu)`` (a steady gradient g builds a velocity of g / (1 - mu)). For the rules
    without momentum the equation holds exactly at every step, with ``state`` the state the step
    returned (for Adam with ``m_hat`` in place of g). Where the scale is zero (no gradient seen yet)
    it is ``lr / eps``, the largest value eps allows, and 0 when eps = 0 (such a coordinate does not
    move). It is always a float array shaped like the parameters.
    """

    name = "Optimizer"
    State = None  #: the NamedTuple class of this optimizer's state
    squares_gradient = False  #: True for rules that square the gradient (AdaGrad, RMSProp, Adam)

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"

    def hyperparameters(self):
        """The constructor arguments, as a dict."""
        return dict(self._hyper)

    # ----------------------------------------------------------------- public, checked

    def init(self, x0):
        """The starting state for parameters shaped like ``x0`` (finite real numbers)."""
        state = self._init(_validate.finite_array("x0", x0).shape)
        self._made = state
        return state

    def step(self, grad, state):
        """Return ``(update, new_state)``; the caller does ``x = x - update``."""
        shape = self._check_state(state)
        if type(grad) is np.ndarray and grad.dtype == np.float64:
            g = grad  # never modified, so no copy is needed
        else:
            g = _validate.finite_array("grad", grad)
        if g.shape != shape:
            raise ValueError(f"grad must have the shape of the optimizer state, {shape}, got shape {g.shape}: "
                             "call init() with a start point shaped like the parameters")
        with np.errstate(over="ignore", invalid="ignore"):
            update, new_state = self._step(g, state)
            # One pass over the new squares (s or v) and the update checks the gradient, its squares
            # and the update at once: a NaN or inf in any of them makes this sum NaN or inf.
            squares = getattr(new_state, "s", None) if self.squares_gradient else update
            squares = getattr(new_state, "v", update) if squares is None else squares
            total = _dot(squares, update)
        if not total < np.inf:
            self._refuse(g, state, squares, update)
        self._made = new_state
        return update, new_state

    def _refuse(self, g, state, squares, update):
        """Raise the error that explains a non-finite step (or nothing, for a sum that only overflowed)."""
        _validate.finite_array("grad", g)  # NaN or inf in the gradient
        largest = float(np.abs(g).max())
        if self.squares_gradient and not np.isfinite(squares).all():
            if largest > 1e154:
                raise ValueError(f"grad has entries up to {largest:.3g} in size; {self.name} squares them, so "
                                 "they must stay below about 1e154 (their squares overflow float64): rescale the problem")
            raise ValueError(f"state must be one that {self.name}.init or step returned, unchanged: "
                             "its values give a step that is not finite")
        if not np.isfinite(update).all():
            raise ValueError(f"the update is not finite (lr = {self.lr:g}, gradient entries up to {largest:.3g}): "
                             f"lr must be smaller, and state must be one that {self.name}.init or step "
                             "returned, unchanged")

    def effective_lr(self, state):
        """The per-coordinate effective learning rate (see the class docstring), shaped like the parameters."""
        self._check_state(state)
        with np.errstate(over="ignore"):
            return self._effective_lr(state)

    # ----------------------------------------------------------------- the rule (unchecked)

    def _init(self, shape):
        raise NotImplementedError

    def _step(self, g, state):
        raise NotImplementedError

    def _effective_lr(self, state):
        raise NotImplementedError

    # ----------------------------------------------------------------- checks

    def _usable(self, g):
        """Is the gradient finite, with squares inside float64's range if this rule squares it?"""
        if _squared_norm(g) <= MAX_SQUARED_ENTRY**2:  # every entry is small enough (False for NaN and inf)
            return True
        if not np.isfinite(g).all():
            return False
        return not self.squares_gradient or np.abs(g).max() <= MAX_SQUARED_ENTRY

    _made = None  #: the state the last init or step returned (checked already: no need to check it again)

    def _check_state(self, state):
        """The parameter shape of ``state``, after checking it is a state this optimizer could have made.

        The state the last ``init`` or ``step`` returned is not checked again (only its type), so a
        run of steps on a million parameters does not pay for reading every state array each step.
        """
        maker = f"{self.name}.init(x0)"
        if state is self._made and type(state) is self.State:
            return state[0] if self.State is GradientDescentState else state[0].shape
        if type(state) is not self.State:
            raise TypeError(f"state must be a {self.State.__name__} made by {maker}, got {type(state).__name__}")
        shape, first = None, None
        for field, value in zip(state._fields, state):
            where = f"state.{field}"
            if field == "t":
                _validate.count(where, value, maximum=MAX_T)
                continue
            if field == "shape":
                if not (isinstance(value, tuple) and all(isinstance(n, numbers.Integral) and not isinstance(n, bool)
                                                         and n >= 1 for n in value)):
                    raise TypeError(f"{where} must be a tuple of sizes >= 1 as made by {maker}, got {_validate.show(value)}")
                return value
            if type(value) is not np.ndarray or value.dtype != np.float64:
                raise TypeError(f"{where} must be a float64 array as made by {maker}, got {_validate.show(value)}")
            if shape is None:
                shape, first = value.shape, where
            elif value.shape != shape:
                raise ValueError(f"{where} must have the shape of {first}, {shape}, got shape {value.shape}: "
                                 f"use {maker}")
            if not np.isfinite(value).all():
                raise ValueError(f"{where} must contain only finite numbers")
            if field in _SQUARES and (value < 0).any():
                raise ValueError(f"{where} must be >= 0 everywhere (it averages or sums squares)")
        return shape


class GradientDescent(Optimizer):
    r"""Gradient descent: :math:`x \leftarrow x - \eta\, g`.

    Parameters: ``lr`` (eta, required, > 0).
    """

    name = "GradientDescent"
    State = GradientDescentState

    def __init__(self, lr):
        self.lr = _validate.positive("lr", lr)
        self._hyper = {"lr": self.lr}

    def _init(self, shape):
        return GradientDescentState(shape=shape)

    def _step(self, g, state):
        return self.lr * g, state

    def _effective_lr(self, state):
        return np.full(state.shape, self.lr)


class Momentum(Optimizer):
    r"""Gradient descent with (heavy-ball or Nesterov) momentum, as in ``torch.optim.SGD``.

    .. math::
        v \leftarrow \mu v + g, \qquad
        \text{update} = \eta v \quad\text{or, with Nesterov,}\quad \eta\,(g + \mu v)

    Parameters: ``lr`` (eta, required), ``momentum`` (mu, default 0.9, in [0, 1)),
    ``nesterov`` (default False). The velocity starts at zero, so the first update is ``lr * g``;
    a steady gradient builds up to the update ``lr * g / (1 - mu)`` (the effective learning rate).
    """

    name = "Momentum"
    State = MomentumState

    def __init__(self, lr, momentum=0.9, nesterov=False):
        self.lr = _validate.positive("lr", lr)
        self.momentum = _validate.decay_rate("momentum", momentum)
        self.nesterov = _validate.flag("nesterov", nesterov)
        if self.nesterov and self.momentum == 0:
            raise ValueError(f"momentum must be > 0 for nesterov=True, got {self.momentum}")
        self._hyper = {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}

    def _init(self, shape):
        return MomentumState(velocity=np.zeros(shape))

    def _step(self, g, state):
        v = self.momentum * state.velocity + g
        direction = g + self.momentum * v if self.nesterov else v
        return self.lr * direction, MomentumState(v)

    def _effective_lr(self, state):
        return np.full(state.velocity.shape, self.lr / (1 - self.momentum))


class AdaGrad(Optimizer):
    r"""AdaGrad: a per-coordinate step from the running SUM of squared gradients.

    .. math::
        s \leftarrow s + g^2, \qquad
        \text{update} = \eta\, \frac{g}{\sqrt{s} + \epsilon}

    Parameters: ``lr`` (eta, required), ``eps`` (default 1e-8, outside the root, >= 0),
    ``initial_accumulator`` (starting value of s, default 0.0 as in PyTorch; Keras uses 0.1).
    """

    name = "AdaGrad"
    State = AdaGradState
    squares_gradient = True

    def __init__(self, lr, eps=1e-8, initial_accumulator=0.0):
        self.lr = _validate.positive("lr", lr)
        self.eps = _validate.nonnegative("eps", eps)
        self.initial_accumulator = _validate.nonnegative("initial_accumulator", initial_accumulator)
        self._hyper = {"lr": self.lr, "eps": self.eps, "initial_accumulator": self.initial_accumulator}

    def _init(self, shape):
        return AdaGradState(s=np.full(shape, self.initial_accumulator))

    def _step(self, g, state):
        s = state.s + g * g
        update = _divide(g, np.sqrt(s) + self.eps, self.eps)
        update *= self.lr  # lr * g / (sqrt(s) + eps), in the array just made
        return update, AdaGradState(s)

    def _effective_lr(self, state):
        return _divide(self.lr, np.sqrt(state.s) + self.eps, self.eps)


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
    State = RMSPropState
    squares_gradient = True

    def __init__(self, lr, rho=0.9, eps=1e-8, centered=False, momentum=0.0, eps_inside_sqrt=False):
        self.lr = _validate.positive("lr", lr)
        self.rho = _validate.decay_rate("rho", rho)
        self.eps = _validate.nonnegative("eps", eps)
        self.momentum = _validate.decay_rate("momentum", momentum)
        self.centered = _validate.flag("centered", centered)
        self.eps_inside_sqrt = _validate.flag("eps_inside_sqrt", eps_inside_sqrt)
        self._hyper = {"lr": self.lr, "rho": self.rho, "eps": self.eps, "centered": self.centered,
                       "momentum": self.momentum, "eps_inside_sqrt": self.eps_inside_sqrt}

    def _init(self, shape):
        return RMSPropState(s=np.zeros(shape), g_avg=np.zeros(shape), velocity=np.zeros(shape))

    def _denominator(self, s, g_avg):
        # s - g_avg^2 is a variance, never negative in exact arithmetic; rounding can push it
        # just below zero, where sqrt would give NaN (PyTorch does). Clip that rounding away.
        spread = np.maximum(s - g_avg * g_avg, 0.0) if self.centered else s
        if self.eps_inside_sqrt:
            return np.sqrt(spread + self.eps)
        return np.sqrt(spread) + self.eps

    def _step(self, g, state):
        s = self.rho * state.s + (1 - self.rho) * g * g
        g_avg = state.g_avg + (1 - self.rho) * (g - state.g_avg) if self.centered else state.g_avg
        scaled = _divide(g, self._denominator(s, g_avg), self.eps)
        if self.momentum > 0:
            velocity = self.momentum * state.velocity + scaled
            return self.lr * velocity, RMSPropState(s, g_avg, velocity)
        scaled *= self.lr  # the update lr * g / (sqrt(s) + eps), in the array just made
        return scaled, RMSPropState(s, g_avg, state.velocity)

    def _effective_lr(self, state):
        return _divide(self.lr / (1 - self.momentum), self._denominator(state.s, state.g_avg), self.eps)


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
    State = AdamState
    squares_gradient = True

    def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8, bias_correction=True):
        self.lr = _validate.positive("lr", lr)
        self.beta1 = _validate.decay_rate("beta1", beta1)
        self.beta2 = _validate.decay_rate("beta2", beta2)
        self.eps = _validate.nonnegative("eps", eps)
        self.bias_correction = _validate.flag("bias_correction", bias_correction)
        self._hyper = {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps,
                       "bias_correction": self.bias_correction}

    def _init(self, shape):
        return AdamState(m=np.zeros(shape), v=np.zeros(shape), t=0)

    def _corrections(self, t):
        if not self.bias_correction or t == 0:  # at t = 0 nothing has been averaged: v is still 0
            return 1.0, 1.0
        return 1 - self.beta1 ** t, 1 - self.beta2 ** t

    def _step(self, g, state):
        t = state.t + 1
        m = self.beta1 * state.m + (1 - self.beta1) * g
        v = self.beta2 * state.v + (1 - self.beta2) * g * g
        c1, c2 = self._corrections(t)
        m_hat, v_hat = m / c1, v / c2
        # update = lr m_hat / (sqrt(v_hat) + eps), computed in the arrays m_hat and v_hat just made
        m_hat *= self.lr
        np.sqrt(v_hat, out=v_hat)
        v_hat += self.eps
        return _divide(m_hat, v_hat, self.eps), AdamState(m, v, t)

    def _effective_lr(self, state):
        """``lr / (sqrt(v_hat) + eps)``: the factor applied to the corrected first moment ``m_hat``."""
        _, c2 = self._corrections(state.t)
        return _divide(self.lr, np.sqrt(state.v / c2) + self.eps, self.eps)


OPTIMIZERS = {cls.name: cls for cls in (GradientDescent, Momentum, AdaGrad, RMSProp, Adam)}
