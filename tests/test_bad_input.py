"""The bad-input sweep: every public function and class of the core modules, every argument, bad values.

Modules: ``optimizers``, ``objectives``, ``run``, ``data``, ``regression``, ``schedules`` and ``plotting`` (``_validate`` is the
shared checks they call). Each case calls a function with good arguments except ONE, replaced by
a bad value: wrong types (None, strings, numeric strings such as "0.5", dicts, lists, complex
numbers, booleans, objects), learning-rate schedules that cannot be called or give a bad rate, NaN and infinities, huge values (Python ints such as 10**400, sizes
that would not fit in memory, run lengths that would take days), empty and mismatched arrays,
states of the wrong type or content. The expected outcome is a ``ValueError`` or ``TypeError``
whose message names the argument and says what is allowed (it contains "must").

A case fails when the call returns (a silent result), raises anything else (AttributeError,
OverflowError, a bare MemoryError ...), emits any warning, or runs past ``TIME_LIMIT`` (a hang).

The sweep makes 3817 calls: 3817 clear errors, 0 silent results, 0 other errors, 0 warnings and
0 hangs (``test_the_counts_in_the_docstring_are_current`` keeps these numbers true).
``python tests/test_bad_input.py`` prints the counts per function.
"""
import gc
import re
import signal
import sys
import time
import warnings
from collections import Counter
import dataclasses
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rmsprop_lib import _validate, data, plotting, regression, schedules  # noqa: E402
from rmsprop_lib.objectives import (MAX_GRID_SIZE, NoisyObjective, Objective, bowl, elongated_bowl,  # noqa: E402
                                    get_objective, quadratic, with_noise)
from rmsprop_lib.optimizers import (OPTIMIZERS, AdaGrad, AdaGradState, Adam, AdamState,  # noqa: E402
                                    GradientDescent, GradientDescentState, Momentum, MomentumState, RMSProp,
                                    RMSPropState)
from rmsprop_lib.run import MAX_STEPS, follow, minimize  # noqa: E402

TIME_LIMIT = 10.0  # seconds; every good call takes well under 0.5 s
NAN, INF, HUGE = float("nan"), float("inf"), 10**400


# --------------------------------------------------------------------------- bad values, by kind

NOT_NUMBERS = [None, "abc", "0.5", b"1", {}, [], [0.5], 1 + 2j, object()]
NON_FINITE = [NAN, INF, -INF, HUGE, -HUGE]


def real_bad():
    """For a finite real number: anything else."""
    return NOT_NUMBERS + NON_FINITE + [True, np.array([1.0, 2.0])]


def positive_bad():
    return real_bad() + [False, 0, 0.0, -1, -1e-300]


def nonnegative_bad():
    return real_bad() + [False, -1, -1e-300]


def schedule_bad():
    """For a learning rate given as a schedule: functions that cannot be called with the number of
    updates taken, or that return something other than a finite number >= 0 (checked at lr(0))."""
    return [lambda: 0.1, lambda k, j: 0.1, lambda k: -0.1, lambda k: NAN, lambda k: INF, lambda k: HUGE,
            lambda k: "0.1", lambda k: None, lambda k: [0.1], lambda k: 1 + 2j, lambda k: True, lambda k: 1 / 0,
            lambda k: np.array([0.1, 0.2])]


def lr_bad():
    """For a learning rate: a number > 0 or a schedule."""
    return positive_bad() + schedule_bad()


def decay_bad():
    return real_bad() + [False, -0.1, 1, 1.0, 1.5]


def count_bad(minimum, maximum=None):
    """For a whole number in [minimum, maximum]."""
    bad = [None, "3", b"3", 2.5, 3.0, True, 1 + 0j, {}, [3], NAN, INF, minimum - 1, -HUGE]
    if maximum is not None:
        bad += [maximum + 1, 10**12, HUGE]
    return bad


FLAG_BAD = [None, "yes", "True", 1, 0, 1.0, [], {}, np.array([True])]
CHOICE_BAD = [None, 3, "nope", "", "KEEP", {}, b"keep", ["keep"]]
LABEL_BAD = [{}, [1], object(), True, b"x", (1, 2)]
BOUNDS_BAD = [None, "ab", 3, {}, ((0, 1),), ((1, 0), (0, 1)), ((0, 1), (1, 1)), ((0, NAN), (0, 1)),
              ((0, INF), (0, 1)), ((0, HUGE), (0, 1)), (("0", "1"), (0, 1)), ((0, 1j), (0, 1)),
              ((0, 1, 2), (0, 1))]


def array_bad():
    """For an array of finite real numbers (any shape): wrong types and contents."""
    return [None, "abc", "1.5", ["1", "2"], {}, {"a": 1}, 1 + 2j, [1 + 2j, 1.0], [NAN, 1.0], [INF, 1.0],
            [-INF, 1.0], [HUGE, 1.0], [], [[]], [[1.0, 2.0], [3.0]], [True, False], object(),
            np.array(["2020-01-01", "2020-01-02"], dtype="datetime64[D]"), [None, 1.0]]


def point_bad():
    """For a point with 2 coordinates: also the wrong shapes."""
    return array_bad() + [1.5, [1.0], [1.0, 2.0, 3.0], [[1.0, 2.0]]]


def vector_bad():
    """For a vector of 2 numbers (a gradient, a start point): also a 2 x 2 array."""
    return point_bad() + [np.zeros((2, 2))]


# --------------------------------------------------------------------------- good values


@dataclass
class Fresh:
    """A good value made anew for each call (axes, states)."""

    make: object


def ax2d():
    return plt.subplots()[1]


def ax3d():
    return plt.figure().add_subplot(projection="3d")


TRACE = minimize(bowl, RMSProp(0.1), steps=5)
TRACE_3D = minimize(quadratic([1.0, 2.0, 3.0]), RMSProp(0.1), steps=3)
X_GOOD = [[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]]
Y_GOOD = [1.0, 2.0, 3.0]
X_BAD = [None, "abc", [[1.0, "a"]], {}, [1.0, 2.0, 3.0], [[[1.0, 0.0]]] * 3, [[NAN, 1.0]] * 3,
         np.zeros((0, 2)), np.zeros((3, 0)), [[1 + 2j, 1.0]] * 3, [[True, False]] * 3, [[HUGE, 1.0]] * 3,
         [[1.0, 2.0], [3.0]], [[1.0, 0.0], [1.0, 1.0]]]
Y_BAD = [None, "abc", [1.0, 2.0], [[1.0, 2.0, 3.0]], [NAN, 1.0, 2.0], [1 + 2j, 1.0, 2.0], [], {}, ["1", "2", "3"],
         [HUGE, 1.0, 2.0], np.ones((3, 2))]


def square(x):
    return np.sum(x**2, axis=0)


def double(x):
    return 2 * x


def bad_objective(name, f=square, gradient=double):
    return Objective(name=name, f=f, gradient=gradient)


def writes_into_x(x):
    x[0] = 0.0
    return 2 * x


BAD_OBJECTIVES = [None, "bowl", 3, {}, square, bad_objective("gradient returns None", gradient=lambda x: None),
                  bad_objective("gradient returns text", gradient=lambda x: "1.0, 2.0"),
                  bad_objective("gradient returns complex", gradient=lambda x: 2j * x),
                  bad_objective("gradient returns 3 numbers", gradient=lambda x: np.ones(3)),
                  bad_objective("gradient changes x", gradient=writes_into_x),
                  bad_objective("f returns text", f=lambda x: "1.5"),
                  bad_objective("f returns an array", f=lambda x: x),
                  bad_objective("f returns None", f=lambda x: None),
                  bad_objective("f returns complex", f=lambda x: 1j)]


def states_bad(opt, other_shape=True):
    """Wrong ``state`` values for ``opt`` (made for parameters of shape (2,))."""
    good = opt.init(np.zeros(2))
    foreign = MomentumState(np.zeros(2)) if not isinstance(opt, Momentum) else AdaGradState(np.zeros(2))
    bad = [None, (), "state", {}, [np.zeros(2)], foreign, tuple(good)]
    if other_shape:
        bad.append(opt.init(np.zeros(3)))
    cls = type(good)
    several = sum(isinstance(v, np.ndarray) for v in good) > 1  # with one array, another shape is a valid state
    if cls is GradientDescentState:
        bad += [cls(shape=v) for v in ("2", (0,), (2.5,), None, [2], (True,))]
        return bad + [good._replace(t=v) for v in (-1, 1.5, HUGE, "3", True, None)]
    for field, value in zip(good._fields, good):
        if value is None:  # a buffer the optimizer does not use with its options (Adam's v_max without amsgrad)
            continue
        if field == "t":
            bad += [good._replace(t=v) for v in (-1, 1.5, HUGE, "3", True, None)]
            continue
        bad += [good._replace(**{field: v}) for v in (None, [0.0, 0.0], np.zeros(2, dtype=int),
                                                      np.array([NAN, 0.0]), np.array([INF, 0.0]),
                                                      np.zeros(2, dtype=complex))]
        if several or other_shape:
            bad.append(good._replace(**{field: np.zeros(3)}))
        if field in ("s", "v", "v_max", "u"):
            bad.append(good._replace(**{field: np.array([-1.0, 0.0])}))
    return bad


OPTIMIZER_CASES = [
    (GradientDescent, {"lr": 0.1}, {"lr": positive_bad()}),
    (Momentum, {"lr": 0.1, "momentum": 0.9, "nesterov": False},
     {"lr": positive_bad(), "momentum": decay_bad(), "nesterov": FLAG_BAD}),
    (AdaGrad, {"lr": 0.1, "eps": 1e-8, "initial_accumulator": 0.0},
     {"lr": positive_bad(), "eps": nonnegative_bad(), "initial_accumulator": nonnegative_bad()}),
    (RMSProp, {"lr": 0.1, "rho": 0.9, "eps": 1e-8, "centered": True, "momentum": 0.5, "eps_inside_sqrt": False},
     {"lr": positive_bad(), "rho": decay_bad(), "eps": nonnegative_bad(), "centered": FLAG_BAD,
      "momentum": decay_bad(), "eps_inside_sqrt": FLAG_BAD}),
    (Adam, {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "bias_correction": True},
     {"lr": positive_bad(), "beta1": decay_bad(), "beta2": decay_bad(), "eps": nonnegative_bad(),
      "bias_correction": FLAG_BAD}),
    (Adam, {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "bias_correction": True, "weight_decay": 0.1,
            "amsgrad": True},
     {"lr": schedule_bad(), "weight_decay": nonnegative_bad(), "amsgrad": FLAG_BAD}),
    (RMSProp, {"lr": schedules.warmup_cosine(0.1, 2, 10), "rho": 0.9},  # an optimizer with a schedule
     {"lr": schedule_bad()}),
]

#: Bad values for a hyperparameter, by the check it declares
BAD_BY_CHECK = {_validate.learning_rate: lr_bad, _validate.positive: positive_bad, _validate.nonnegative: nonnegative_bad,
                _validate.decay_rate: decay_bad, _validate.flag: lambda: FLAG_BAD}


def registry_case(cls):
    """A registered optimizer not listed above: its defaults (lr 0.1 where it has none) and, for each
    hyperparameter, the bad values of the check it declares. So a new rule is swept with no new line."""
    fields = dataclasses.fields(cls)
    good = {f.name: 0.1 if f.default is dataclasses.MISSING else f.default for f in fields}
    return cls, good, {f.name: BAD_BY_CHECK[f.metadata["check"]]() for f in fields}


OPTIMIZER_CASES += [registry_case(cls) for cls in OPTIMIZERS.values() if cls not in {c for c, *_ in OPTIMIZER_CASES}]


def without(values, *allowed):
    """``values`` minus the ones that are valid for this argument (compared by identity or equality)."""
    return [v for v in values if not any(v is a or (type(v) is type(a) and v == a) for a in allowed)]


# --------------------------------------------------------------------------- the table

@dataclass
class Case:
    function: str
    call: object
    good: dict
    argument: str
    bad: object

    @property
    def id(self):
        return f"{self.function}-{self.argument}-{self.bad!r}"[:120]


CASES = []


def sweep(function, call, good, bad):
    """One case per bad value of each argument; ``bad`` maps an argument to its bad values."""
    for argument, values in bad.items():
        for value in values:
            CASES.append(Case(function, call, good, argument, value))


for cls, good, bad in OPTIMIZER_CASES:
    name = cls.__name__
    sweep(f"{name}()", cls, good, bad)
    opt = cls(**good)
    sweep(f"{name}.init", opt.init, {"x0": [1.0, 2.0]}, {"x0": array_bad()})
    grad_bad = vector_bad() + ([[1e200, 1.0]] if opt.squares_gradient else [])
    x_bad = vector_bad() if opt.needs_x() else without(vector_bad(), None)  # None: no point (for the rules that need none)
    sweep(f"{name}.update", opt.update,
          {"grad": np.array([1.0, -2.0]), "state": Fresh(lambda o=opt: o.init(np.zeros(2))), "x": np.array([0.5, 1.0])},
          {"grad": grad_bad, "state": states_bad(opt), "x": x_bad})
    sweep(f"{name}.effective_lr", opt.effective_lr, {"state": Fresh(lambda o=opt: o.init(np.zeros(2)))},
          {"state": states_bad(opt, other_shape=False)})

sweep("Objective()", Objective,
      {"name": "f", "f": square, "gradient": double, "bounds": ((-1, 1), (-1, 1)), "minima": ([0.0, 0.0],),
       "start": (1.0, 1.0), "dim": 2, "formula": "x^2", "min_value": 0.0, "lipschitz": 2.0},
      {"name": [None, 3, {}, b"f"], "f": [None, 3, "f"], "gradient": [None, 3, "f"], "bounds": BOUNDS_BAD,
       "minima": ["ab", 3, None, [[1.0]], [[NAN, 0.0]], [["a", "b"]], {}],
       "start": point_bad(), "dim": ["2", 2.5, 2.0, 0, -1, True, HUGE, {}, 10**12],
       "formula": [None, 3], "min_value": without(real_bad(), None), "lipschitz": without(positive_bad(), None)})
for method in ("value", "grad", "__call__"):
    sweep(f"bowl.{method}", getattr(bowl, method), {"x": [1.0, 2.0]}, {"x": point_bad()})
sweep("bowl.grid", bowl.grid, {"n": 5, "bounds": None},
      {"n": count_bad(2, MAX_GRID_SIZE), "bounds": without(BOUNDS_BAD, None)})
sweep("quadratic", quadratic, {"scales": [1.0, 2.0], "name": "q", "start": None, "bounds": None},
      {"scales": [None, "abc", "1", [], [[1.0, 2.0]], [0.0, 1.0], [-1.0, 1.0], [1 + 2j, 1.0], [NAN, 1.0],
                  [INF, 1.0], [HUGE, 1.0], ["1", "2"], {}, [True, True], object()],
       "name": [None, 3, {}], "start": without(point_bad(), None), "bounds": without(BOUNDS_BAD, None)})
sweep("elongated_bowl", elongated_bowl, {"condition": 10.0}, {"condition": positive_bad() + [0.5]})
sweep("NoisyObjective", NoisyObjective, {"base": bowl, "sigma": 0.5, "seed": 0},
      {"base": [None, "bowl", 3, {}, square], "sigma": nonnegative_bad(), "seed": count_bad(0)})
sweep("with_noise", with_noise, {"objective": bowl, "sigma": 0.5, "seed": 0},
      {"objective": [None, "bowl", 3, {}, square], "sigma": nonnegative_bad(), "seed": count_bad(0)})
sweep("get_objective", get_objective, {"name": "bowl"},
      {"name": [None, 3, "nope", "", "noisy_", "Bowl", {}, b"bowl", ["bowl"]]})

sweep("minimize", minimize,
      {"objective": bowl, "optimizer": RMSProp(0.1), "x0": None, "steps": 5, "tol": None, "label": None},
      {"objective": BAD_OBJECTIVES, "optimizer": [None, "adam", RMSProp, 0.1, {}, bowl],
       "x0": without(vector_bad(), None), "steps": count_bad(0, MAX_STEPS),
       "tol": without(nonnegative_bad(), None), "label": LABEL_BAD})
BIG = quadratic(np.ones(1_000_000), name="a million parameters")
sweep("minimize", minimize, {"objective": BIG, "optimizer": GradientDescent(0.1), "steps": 5},
      {"steps": [1000, 10**6]})  # the history would not fit in the memory budget

GRADS_BAD = [None, "abc", 3, [], [[]], [NAN, 1.0], [INF], [HUGE], ["1"], {}, [1 + 2j], object(), [[1.0], [1.0, 2.0]]]
sweep("follow", follow, {"optimizer": RMSProp(0.1), "grads": [1.0, -2.0, 0.5], "x0": None, "label": None},
      {"optimizer": [None, "adam", RMSProp, 0.1, {}, bowl], "grads": GRADS_BAD,
       "x0": [[1.0, 2.0], "a", [NAN], [INF], {}, [[1.0]]], "label": LABEL_BAD})

sweep("make_linear_data", data.make_linear_data,
      {"n": 10, "intercept": 4.0, "slope": 3.0, "x_range": (0.0, 2.0), "noise": 1.0, "seed": 0},
      {"n": count_bad(1, data.MAX_POINTS), "intercept": real_bad(), "slope": real_bad() + [1e308],
       "x_range": [None, 2, "ab", (2.0, 0.0), (1.0, 1.0), (0.0, NAN), (0.0, INF), (0.0, HUGE), ("0", 1.0),
                   (0.0, 1.0, 2.0), {}, [0.0], (-1e308, 1e308)],
       "noise": nonnegative_bad(), "seed": count_bad(0)})
sweep("make_moons", data.make_moons, {"n_samples": 20, "noise": 0.2, "seed": 0},
      {"n_samples": count_bad(2, data.MAX_POINTS), "noise": nonnegative_bad() + [1e308], "seed": count_bad(0)})
sweep("make_spirals", data.make_spirals, {"n_samples": 20, "n_classes": 2, "turns": 1.0, "noise": 0.1, "seed": 0},
      {"n_samples": count_bad(2, data.MAX_POINTS) + [1], "n_classes": count_bad(2) + [21],
       "turns": positive_bad() + [1e7], "noise": nonnegative_bad() + [1e308], "seed": count_bad(0)})
XC, YC = data.make_moons(20)
sweep("train_test_split", data.train_test_split, {"X": XC, "y": YC, "test_fraction": 0.25, "seed": 0},
      {"X": X_BAD, "y": Y_BAD + [YC + 0.5, -np.ones(20)], "test_fraction": positive_bad() + [1.0, 1.5, 0.001, 0.99],
       "seed": count_bad(0)})
for function in (regression.check_data, regression.least_squares):
    sweep(function.__name__, function, {"X": X_GOOD, "y": Y_GOOD}, {"X": X_BAD, "y": Y_BAD})
sweep("mse_loss", regression.mse_loss, {"theta": [0.0, 0.0], "X": X_GOOD, "y": Y_GOOD},
      {"theta": vector_bad() + [[1e200, 1e200]], "X": X_BAD, "y": Y_BAD})  # the squared residuals overflow
sweep("mse_gradient", regression.mse_gradient, {"theta": [0.0, 0.0], "X": X_GOOD, "y": Y_GOOD, "divide_by": None},
      {"theta": vector_bad(), "X": X_BAD, "y": Y_BAD, "divide_by": without(positive_bad(), None)})
BATCH_SIZE_BAD = [None, "2", 2.5, True, {}, 0, -1, 11, HUGE, 1 + 0j]
sweep("MiniBatches", data.MiniBatches, {"n": 10, "batch_size": 3, "seed": 0, "shuffle": True, "last_batch": "keep"},
      {"n": count_bad(1, data.MAX_POINTS), "batch_size": BATCH_SIZE_BAD, "seed": count_bad(0),
       "shuffle": FLAG_BAD, "last_batch": CHOICE_BAD})
sweep("check_batch_size", data.check_batch_size, {"batch_size": 3, "n": 10},
      {"batch_size": BATCH_SIZE_BAD, "n": count_bad(1, data.MAX_POINTS)})
X10, Y10 = data.make_linear_data(n=10)
sweep("minibatches", data.minibatches,
      {"X": X10, "y": Y10, "batch_size": 3, "epochs": 2, "seed": 0, "shuffle": True, "last_batch": "keep"},
      {"X": X_BAD, "y": Y_BAD, "batch_size": BATCH_SIZE_BAD, "epochs": count_bad(1, MAX_STEPS),
       "seed": count_bad(0), "shuffle": FLAG_BAD, "last_batch": CHOICE_BAD})
sweep("LossChange", regression.LossChange, {"tol": 1e-3}, {"tol": positive_bad()})
sweep("Patience", regression.Patience, {"patience": 3, "min_delta": 1e-3},
      {"patience": count_bad(1, MAX_STEPS), "min_delta": nonnegative_bad()})
sweep("SmoothedLossChange", regression.SmoothedLossChange, {"tol": 1e-3, "beta": 0.8},
      {"tol": positive_bad(), "beta": decay_bad()})
LOSSES_BAD = [None, "abc", 3, [NAN, 1.0], [[1.0, 2.0]], [1 + 2j], {}, ["1", "2"], [INF, 1.0], [HUGE, 1.0], object()]
for rule in (regression.LossChange(), regression.Patience(2), regression.SmoothedLossChange()):
    sweep(f"{type(rule).__name__}()", rule, {"losses": [3.0, 2.0, 1.0]}, {"losses": LOSSES_BAD})
sweep("SmoothedLossChange.smooth", regression.SmoothedLossChange().smooth, {"losses": [3.0, 2.0]}, {"losses": LOSSES_BAD})
FIT_GOOD = {"optimizer": RMSProp(0.1), "X": X_GOOD, "y": Y_GOOD, "epochs": 3, "batch_size": None, "theta0": None,
            "seed": 0, "shuffle": True, "last_batch": "keep", "gradient_scale": "batch", "stop": None, "label": None}
sweep("fit", regression.fit, FIT_GOOD,
      {"optimizer": [None, "adam", RMSProp, 0.1, {}], "X": X_BAD, "y": Y_BAD, "epochs": count_bad(1, MAX_STEPS),
       "batch_size": without(BATCH_SIZE_BAD, None) + [4], "theta0": without(vector_bad(), None),
       "seed": count_bad(0), "shuffle": FLAG_BAD, "last_batch": CHOICE_BAD, "gradient_scale": CHOICE_BAD,
       "stop": [3, "rule", {}, 1e-3, lambda losses: "yes", lambda losses: None], "label": LABEL_BAD})
sweep("fit", regression.fit, dict(FIT_GOOD, batch_size=1), {"epochs": [MAX_STEPS]})  # 3 batches an epoch: too many

SCHEDULE_GOOD = {"lr": 0.1, "step_size": 5, "gamma": 0.5, "total_steps": 20, "min_lr": 0.0, "warmup_steps": 5,
                 "start_factor": 0.5}
SCHEDULE_BAD = {"lr": positive_bad(), "step_size": count_bad(1), "gamma": positive_bad() + [1.5],
                "total_steps": count_bad(1), "min_lr": nonnegative_bad() + [0.2],
                "warmup_steps": count_bad(1), "start_factor": positive_bad() + [1.5]}
for function in (schedules.step_decay, schedules.cosine_decay, schedules.linear_warmup, schedules.warmup_cosine):
    arguments = function.__code__.co_varnames[:function.__code__.co_argcount]
    sweep(function.__name__, function, {k: SCHEDULE_GOOD[k] for k in arguments},
          {k: SCHEDULE_BAD[k] + ([20] if (k, function) == ("warmup_steps", schedules.warmup_cosine) else [])
           for k in arguments})
sweep("Schedule()", schedules.cosine_decay(0.1, 10), {"k": 3}, {"k": count_bad(0)})

sweep("color_for", plotting.color_for, {"trace_or_name": "RMSProp"},
      {"trace_or_name": [None, 3, {}, [], b"RMSProp", RMSProp, ["RMSProp"]]})
AX_BAD = ["ax", 3, {}, Fresh(lambda: plt.figure())]
sweep("plot_surface", plotting.plot_surface,
      {"objective": bowl, "ax": None, "bounds": None, "n": 5, "log": False, "cmap": "viridis"},
      {"objective": [None, "bowl", 3, quadratic([1.0, 2.0, 3.0])], "ax": AX_BAD + [Fresh(ax2d)],
       "bounds": without(BOUNDS_BAD, None), "n": count_bad(2, MAX_GRID_SIZE), "log": FLAG_BAD,
       "cmap": ["nope", 3, {}, True]})
TRACES_BAD = [None, "trace", 3, [None], [3], {}, {"a": TRACE}, {TRACE.label}, TRACE.xs]
COLORS_BAD = ["notacolor", ["red", "blue"], [None], 3, {}, ["#12345"]]
sweep("plot_contour", plotting.plot_contour,
      {"objective": bowl, "traces": [TRACE], "ax": None, "bounds": None, "levels": 5, "log_levels": "auto",
       "show_minima": True, "show_start": True, "filled": True, "colors": None, "n": 10},
      {"objective": [None, "bowl", 3, quadratic([1.0, 2.0, 3.0])], "traces": TRACES_BAD + [[TRACE_3D]],
       "ax": AX_BAD + [Fresh(ax3d)], "bounds": without(BOUNDS_BAD, None),
       "levels": [1, 0, -1, "ten", [1.0], [2.0, 1.0], [NAN, 1.0], HUGE, 2.5, True, 10**6, None],
       "log_levels": ["yes", None, 1, 0.5], "show_minima": FLAG_BAD, "show_start": FLAG_BAD, "filled": FLAG_BAD,
       "colors": COLORS_BAD, "n": count_bad(2, MAX_GRID_SIZE)})
sweep("plot_loss", plotting.plot_loss, {"traces": [TRACE], "ax": None, "log": True, "min_value": None, "colors": None},
      {"traces": TRACES_BAD + [[]], "ax": AX_BAD + [Fresh(ax3d)], "log": FLAG_BAD,
       "min_value": without(real_bad(), None) + [1e300], "colors": COLORS_BAD})
sweep("plot_effective_lr", plotting.plot_effective_lr, {"traces": [TRACE], "ax": None, "coordinates": None, "colors": None},
      {"traces": TRACES_BAD + [[]], "ax": AX_BAD + [Fresh(ax3d)],
       "coordinates": [-1, 2, "x", [0.5], [], HUGE, [True], {}, 1.5], "colors": COLORS_BAD})
sweep("animate", plotting.animate, {"objective": bowl, "traces": [TRACE], "ax": None, "interval": 50, "n": 10},
      {"objective": [None, "bowl", 3, quadratic([1.0, 2.0, 3.0])], "traces": TRACES_BAD + [[]],
       "ax": AX_BAD + [Fresh(ax3d)], "interval": count_bad(1, 60_000), "nope": [1]})


# --------------------------------------------------------------------------- running a case

class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"still running after {TIME_LIMIT} s")


def resolve(value):
    return value.make() if isinstance(value, Fresh) else value


def run(case):
    """The outcome of one call: (kind, detail), kind one of clear, unclear, silent, other, warning, hang."""
    kwargs = {k: resolve(v) for k, v in case.good.items()}
    kwargs[case.argument] = resolve(case.bad)
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT)
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                result = case.call(**kwargs)
                if hasattr(result, "__next__"):  # an iterator must have refused at the call already
                    next(result)
                outcome = ("silent", f"returned {type(result).__name__}")
            except Hang as exc:
                outcome = ("hang", str(exc))
            except (TypeError, ValueError) as exc:
                message = str(exc)
                named = re.search(rf"(?<![\w]){re.escape(case.argument)}(?![\w])", message)
                outcome = ("clear" if named and "must" in message else "unclear", f"{type(exc).__name__}: {message}")
            except Exception as exc:  # noqa: BLE001 - anything else is what the sweep looks for
                outcome = ("other", f"{type(exc).__name__}: {exc}")
        if caught and outcome[0] in ("clear", "unclear"):
            outcome = ("warning", f"{len(caught)} warning(s), first: {caught[0].message}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        plt.close("all")
    return outcome + (time.perf_counter() - start,)


def good_calls():
    """Each function with its good arguments only, once."""
    seen = {}
    for case in CASES:
        seen.setdefault((case.function, id(case.good)), case)
    return list(seen.values())


# --------------------------------------------------------------------------- tests

@pytest.mark.parametrize("case", good_calls(), ids=lambda c: c.function)
def test_the_good_arguments_work(case):
    """Without the bad value every call succeeds quietly, so each bad case tests one argument."""
    kwargs = {k: resolve(v) for k, v in case.good.items()}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = case.call(**kwargs)
        if hasattr(result, "__next__"):
            next(result)
    plt.close("all")
    with warnings.catch_warnings():  # an animation that was never shown says so when it is deleted
        warnings.filterwarnings("ignore", message="Animation was deleted without rendering")
        del result
        gc.collect()


def test_every_bad_value_gets_a_clear_error():
    outcomes = [(case, run(case)) for case in CASES]
    failures = [f"{case.id}: {kind}: {detail}" for case, (kind, detail, _) in outcomes if kind != "clear"]
    slowest = max(seconds for _, (_, _, seconds) in outcomes)
    assert not failures, f"{len(failures)} of {len(CASES)} calls were not clear errors:\n" + "\n".join(failures[:40])
    assert slowest < TIME_LIMIT


def test_the_counts_in_the_docstring_are_current():
    calls = re.search(r"The sweep makes (\d+) calls: (\d+) clear errors", __doc__)
    assert calls, "the module docstring must state the counts"
    assert int(calls.group(1)) == len(CASES) == int(calls.group(2))


def test_the_sweep_covers_every_public_callable():
    """Each public function and class of the swept modules appears in the table."""
    import inspect

    from rmsprop_lib import objectives, optimizers, run as run_module
    swept = {case.function.split(".")[0].rstrip("()") for case in CASES}
    modules = (optimizers, objectives, run_module, data, regression, schedules, plotting)
    public = {name for module in modules for name, value in vars(module).items()
              if not name.startswith("_") and (inspect.isfunction(value) or inspect.isclass(value))
              and (getattr(value, "__module__", "") + ".").startswith(module.__name__ + ".")}
    # not called by learners with arguments to check: state types (checked through update), result
    # records made by minimize and fit, the abstract base class, and the declarations a contributor
    # writes inside an optimizer class (Control, hyperparameter; tested in test_optimizers.py)
    not_swept = {"GradientDescentState", "MomentumState", "AdaGradState", "RMSPropState", "AdamState", "AdadeltaState",
                 "Trace", "FitResult", "Optimizer", "History", "Schedule", "Control", "hyperparameter"}
    assert public - not_swept <= swept | {"bowl"}, sorted(public - not_swept - swept)


if __name__ == "__main__":
    counts, per_function = Counter(), Counter()
    problems = []
    for case in CASES:
        kind, detail, seconds = run(case)
        counts[kind] += 1
        per_function[case.function] += 1
        if kind != "clear":
            problems.append(f"{case.id}: {kind}: {detail}")
    for function, n in sorted(per_function.items()):
        print(f"{function:32s} {n:4d} calls")
    print(f"\n{len(CASES)} calls: {counts['clear']} clear errors, {counts['silent']} silent results, "
          f"{counts['unclear']} errors that do not name the argument, {counts['other']} other errors, "
          f"{counts['warning']} with warnings, {counts['hang']} hangs")
    print("\n".join(problems))
    sys.exit(1 if problems else 0)
