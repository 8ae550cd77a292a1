"""rmsprop_lib: the helper package of the series "From gradient descent to RMSProp and Adam".

The notebooks teach the math; this package holds what they share: the update rules
(``optimizers``), learning-rate schedules (``schedules``), test functions (``objectives``), runs
(``run``), plots (``plotting``), the playground (``widgets``) and exercise checkers (``checks``).
"""
from .objectives import (OBJECTIVES, NoisyObjective, Objective, beale, bowl, elongated_bowl, get_objective,
                         himmelblau, quadratic, rosenbrock, saddle, with_noise)
from .optimizers import *  # noqa: F403 - every optimizer, its state class, Optimizer, Control, OPTIMIZERS
from .run import Trace, minimize

__version__ = "0.1.0"
