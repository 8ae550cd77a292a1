"""What every update rule shares: declared hyperparameters, checked arguments, the registry's fields.

A rule is a frozen dataclass. Its hyperparameters are fields, each declared once with the check
that validates it (``hyperparameter(0.9, check=decay_rate)``); ``__post_init__`` runs the checks,
and the dataclass gives the constructor and the repr. The class attributes (``label``, ``color``,
``controls``, ``torch_name``) are what the rest of the package reads about a rule: legend text,
colour, playground sliders and the ``torch.optim`` class it matches.

The rule itself is ``_update(g, state, x)`` (the equations, on a checked gradient and state; ``x``
is the current point, which only the rules with weight decay read) and ``_effective_lr(state)``. The public ``init``, ``update`` and ``effective_lr`` check their
arguments first and then call them; ``run``, ``data`` and ``mlp`` call the unchecked methods
directly after checking once for a whole run.
"""
import dataclasses
import numbers
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from .. import _validate

#: Rules that square the gradient (AdaGrad, RMSProp, Adam) refuse gradient entries above this
#: size: their squares (up to 1e300) and sums of squares must stay inside float64's range.
MAX_SQUARED_ENTRY = 1e150

#: Adam's update count t must be at most this (2^53: every count up to it is exact in a float).
MAX_T = 2**53

#: State fields that hold averages or sums of squares, so can never be negative.
_SQUARES = ("s", "v", "v_max", "u")

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


def hyperparameter(default=dataclasses.MISSING, *, check):
    """A rule's hyperparameter: a dataclass field whose value ``check(name, value)`` validates.

    ``check`` is one of ``_validate``'s functions (``positive``, ``nonnegative``, ``decay_rate``,
    ``flag``); it raises the error that names the parameter, or returns the value in working form
    (a float, a bool), which is what the optimizer keeps.
    """
    return dataclasses.field(default=default, metadata={"check": check})


@dataclass(frozen=True)
class Control:
    """A slider the playground shows for one hyperparameter (besides lr, which every optimizer shares)."""

    name: str  #: the constructor argument, e.g. "rho"
    low: float
    high: float
    default: float
    log: bool = False  #: log-scale slider
    label: str = ""  #: text beside the slider; "" means use name

    def __post_init__(self):
        if not (self.low <= self.default <= self.high) or (self.log and self.low <= 0):
            raise ValueError(f"Control {self.name!r} must have low <= default <= high (and low > 0 on a log "
                             f"scale), got low={self.low}, default={self.default}, high={self.high}")


@dataclass(frozen=True)
class Optimizer:
    """Shared plumbing: argument checks, hyperparameters, and what the registry reads about a rule.

    ``effective_lr(state)`` has one meaning for every rule: for each coordinate, the factor that
    multiplies a steady gradient in the update, at the per-coordinate scale held in ``state``::

        update = effective_lr(state) * g     # once any average of g has caught up with a steady g

    It is the learning rate divided by the rule's scale - 1 for GradientDescent and Momentum,
    ``sqrt(s) + eps`` for AdaGrad and RMSProp, ``sqrt(v_hat) + eps`` for Adam - and, with momentum
    mu, times ``1 / (1 - mu)`` (a steady gradient g builds a velocity of g / (1 - mu)). For the rules
    without momentum the equation holds exactly at every update, with ``state`` the state the update
    returned (for Adam with ``m_hat`` in place of g). Where the scale is zero (no gradient seen yet)
    it is ``lr / eps``, the largest value eps allows, and 0 when eps = 0 (such a coordinate does not
    move). It is always a float array shaped like the parameters.

    **Schedules.** ``lr`` is a number or a schedule: a function ``lr(k)`` of the number of updates
    already taken (``k = 0`` for the first update) that returns that update's learning rate, e.g.
    ``cosine_decay(0.1, total_steps=1000)`` from ``rmsprop_lib.schedules``. The count lives in the
    state, as ``t`` (the number of updates taken: every state has it), so ``update`` stays a pure
    function of ``(grad, state, x)``, as in optax. A schedule that returns a learning rate that is not
    a finite number >= 0 is refused with the update it was for. With a schedule, ``effective_lr(state)``
    uses the learning rate of the update that made ``state`` (``lr(t - 1)``; ``lr(0)`` before the
    first update), so the equation above still holds at every update.

    **The current point.** ``update(grad, state, x)`` takes the parameters ``x`` as optax does; the
    rules with weight decay (``needs_x()`` True) read it and refuse to update without it. Every loop
    of the package passes it.
    """

    #: the learning rate (eta), every rule's first argument: a number > 0, or a schedule (see below)
    lr: float = hyperparameter(check=_validate.learning_rate)

    name: ClassVar[str] = "Optimizer"  #: the class name (set for every subclass)
    label: ClassVar[str]  #: legend text, e.g. "Gradient descent"
    color: ClassVar[str]  #: hex colour of its lines in every plot
    controls: ClassVar[tuple] = ()  #: the playground's sliders for its hyperparameters besides lr
    torch_name: ClassVar[str]  #: the torch.optim class computing the same rule (see torch_kwargs)
    State: ClassVar[type]  #: the NamedTuple class of its state
    squares_gradient: ClassVar[bool] = False  #: True for rules that square the gradient
    _squares: ClassVar[str] = ""  #: the state field of squared gradients ("s" or "v"), if any

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.name = cls.__name__
        if cls.squares_gradient:
            cls._squares = next(f for f in cls.State._fields if f in _SQUARES)

    def __post_init__(self):
        for field in dataclasses.fields(self):
            checked = field.metadata["check"](field.name, getattr(self, field.name))
            object.__setattr__(self, field.name, checked)  # frozen: set once, here

    def hyperparameters(self):
        """The constructor arguments, as a dict."""
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}

    def torch_kwargs(self):
        """The keyword arguments of ``torch.optim.<torch_name>`` that compute this rule."""
        raise NotImplementedError

    # ----------------------------------------------------------------- public, checked

    def init(self, x0):
        """The starting state for parameters shaped like ``x0`` (finite real numbers)."""
        state = self._init(_validate.finite_array("x0", x0).shape)
        object.__setattr__(self, "_made", state)
        return state

    def update(self, grad, state, x=None):
        """Return ``(update, new_state)``; the caller does ``x = x - update``.

        ``x`` is the current point: the rules with weight decay need it (``needs_x()``), the others
        ignore it. When given, it is checked to be finite and shaped like the state.
        """
        shape = self._check_state(state)
        if type(grad) is np.ndarray and grad.dtype == np.float64:
            g = grad  # never modified, so no copy is needed
        else:
            g = _validate.finite_array("grad", grad)
        if g.shape != shape:
            raise ValueError(f"grad must have the shape of the optimizer state, {shape}, got shape {g.shape}: "
                             "call init() with a start point shaped like the parameters")
        if x is not None:
            x = _validate.finite_array("x", x, shape=shape)
        elif self.needs_x():
            raise TypeError(f"x must be given: {self.name} with weight_decay = {self.weight_decay:g} shrinks the "
                            "parameters, so its update needs them: opt.update(grad, state, x)")
        with np.errstate(over="ignore", invalid="ignore"):
            update, new_state = self._update(g, state, x)
            # One pass over the new squares (s or v; for other rules the gradient) and the update
            # checks the gradient, its squares and the update at once: a NaN or inf in any of them
            # makes this sum NaN or inf.
            squares = getattr(new_state, self._squares) if self._squares else g
            total = _dot(squares, update)
        if not total < np.inf:
            self._refuse(g, squares, update, new_state)
        object.__setattr__(self, "_made", new_state)
        return update, new_state


    def needs_x(self):
        """Does ``update`` need the current point ``x``? (True for a rule with weight decay.)"""
        return False

    def effective_lr(self, state):
        """The per-coordinate effective learning rate (see the class docstring), shaped like the parameters."""
        self._check_state(state)
        with np.errstate(over="ignore"):
            return self._effective_lr(state)

    # ----------------------------------------------------------------- the rule (unchecked)

    def _init(self, shape):
        raise NotImplementedError

    def _update(self, g, state, x=None):
        raise NotImplementedError

    def _effective_lr(self, state):
        raise NotImplementedError

    def _lr(self, t):
        """The learning rate of the update that follows ``t`` updates: ``lr``, or ``lr(t)`` for a schedule."""
        lr = self.lr
        if type(lr) is float:
            return lr
        return _validate.scheduled_lr(lr, t)

    def _last_lr(self, state):
        """The learning rate of the update that made ``state`` (``lr(0)`` before the first update)."""
        return self._lr(max(state.t - 1, 0))

    # ----------------------------------------------------------------- checks

    def _refuse(self, g, squares, update, new_state):
        """Raise the error that explains a non-finite update (or nothing, for a sum that only overflowed)."""
        _validate.finite_array("grad", g)  # NaN or inf in the gradient
        largest = float(np.abs(g).max())
        if self.squares_gradient and not np.isfinite(squares).all():
            if largest > 1e154:
                raise ValueError(f"grad has entries up to {largest:.3g} in size; {self.name} squares them, so "
                                 "they must stay below about 1e154 (their squares overflow float64): rescale the problem")
            raise ValueError(f"state must be one that {self.name}.init or update returned, unchanged: "
                             "its values give an update that is not finite")
        if not np.isfinite(update).all():
            raise ValueError(f"the update is not finite (lr = {self._last_lr(new_state):g}, gradient entries up to "
                             f"{largest:.3g}): "
                             f"lr must be smaller, and state must be one that {self.name}.init or update "
                             "returned, unchanged")

    def _usable(self, g):
        """Is the gradient finite, with squares inside float64's range if this rule squares it?"""
        if _squared_norm(g) <= MAX_SQUARED_ENTRY**2:  # every entry is small enough (False for NaN and inf)
            return True
        if not np.isfinite(g).all():
            return False
        return not self.squares_gradient or np.abs(g).max() <= MAX_SQUARED_ENTRY

    _made: ClassVar = None  #: the state the last init or update returned (checked already)

    def _unused(self):
        """The state fields this optimizer, with its options, leaves at None (Adam's v_max without amsgrad)."""
        return ()

    def _check_state(self, state):
        """The parameter shape of ``state``, after checking it is a state this optimizer could have made.

        The state the last ``init`` or ``update`` returned is not checked again (only its type), so a
        run of updates on a million parameters does not pay for reading every state array each time.
        """
        maker = f"{self.name}.init(x0)"
        if state is self._made and type(state) is self.State:
            first = state[0]  # GradientDescentState holds the shape itself
            return first if type(first) is tuple else first.shape
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
                shape = value
                continue
            if value is None and field in self._unused():
                continue
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
