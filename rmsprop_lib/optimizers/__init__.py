"""The update rules of the series (``rules``; the Adam family in ``adam``) and what they share (``base``).

Every optimizer works the same way::

    opt = RMSProp(lr=0.1, rho=0.9, eps=1e-6)
    state = opt.init(x0)                      # a NamedTuple of arrays shaped like x0
    update, state = opt.update(grad, state, x)  # pure: grad, state and x are never modified
    x = x - update                              # the update is SUBTRACTED
    opt.effective_lr(state)                     # per-coordinate effective learning rate, for plots

``x`` is needed only by the rules with weight decay (AdamW, Adam with ``weight_decay``); ``lr`` may
be a schedule, a function of the number of updates taken (``rmsprop_lib.schedules``).

With default options each rule computes what ``torch.optim`` computes for the same
hyperparameters (SGD, Adagrad, RMSprop with ``alpha=rho``, Adam, AdamW, Adadelta): epsilon is added
outside the square root (inside both roots for Adadelta) and every accumulator starts at zero.
``opt.torch_name`` and ``opt.torch_kwargs()`` name that ``torch.optim`` class and its arguments.
Yogi, which torch does not have (``torch_name`` is None), computes what optax's ``yogi`` computes.

``eps = 0`` is allowed (the rules as first published have no epsilon). Then a coordinate whose
gradients have all been zero has a zero denominator, and its update is defined as zero (0 / 0
would be NaN); optax's AdaGrad guards its division the same way.

``OPTIMIZERS`` (name -> class, in the order of the series) is the registry: plots take their
colours from it, the playground its sliders, the tests their lists of optimizers.
"""
from .base import MAX_SQUARED_ENTRY, MAX_T, Control, Optimizer, _squared_norm, hyperparameter  # noqa: F401
from .rules import *  # noqa: F403 - every rule, its state class and OPTIMIZERS (rules.__all__)
from .rules import __all__ as _rules

#: What ``from rmsprop_lib import *`` and the package's top level take from here (Control and the
#: rest stay here: ``from rmsprop_lib.optimizers import Control``).
__all__ = ["Optimizer", *_rules]
